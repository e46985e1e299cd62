package org.dmascope.ui.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dmascope.trace.series.SeriesBuilder;
import org.dmascope.trace.series.TraceSeries;
import org.eclipse.jdt.annotation.Nullable;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The four charts of a trace's {@link TraceSeries}, as JFreeChart charts (no SWT here). The x
 * axis is the time since the trace's first event, in ns, labelled in s, ms, us or ns. Levels
 * (bytes, P2P totals) and rates are step lines over the buckets; segment counts and page sizes
 * are points, one per bucket that made a mapping. A vertical marker shows the time cursor
 * ({@link #setCursor}).
 */
public final class TraceCharts {

    /** The charts, in the order the Charts view shows them. */
    public enum Kind {
        /** Mapped and pinned bytes per backend, one plot each over a shared time axis. */
        MEMORY("Memory", "Mapped and pinned bytes per backend"),
        /** Invalidations per second, per kind. */
        INVALIDATIONS("Invalidations", "Invalidations per second"),
        /** Segments and best page size of the mappings made. */
        SEGMENTS("Segments", "Segments and best page size of each mapping"),
        /** P2P bytes per path since the trace began. */
        P2P("P2P", "P2P bytes per path");

        private final String tab;
        private final String title;

        Kind(String tab, String title) {
            this.tab = tab;
            this.title = title;
        }

        /** The tab's text. */
        public String tab() {
            return tab;
        }

        /** The chart's title. */
        public String title() {
            return title;
        }
    }

    /** The marker's colour: the time cursor's red, as in the Timeline. */
    static final Color CURSOR = new Color(0xd0, 0x20, 0x20);
    /** The width of the cursor marker's line. */
    static final float CURSOR_WIDTH = 1.5f;
    private static final Color GRID = new Color(0xd8, 0xd8, 0xd8);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final BasicStroke LINE = new BasicStroke(2f);
    private static final Map<String, Color> COLOURS = Map.ofEntries(
            Map.entry(SeriesBuilder.STRUCT_PAGE, new Color(0x3a, 0x6e, 0xa5)),
            Map.entry(SeriesBuilder.GPUDIRECT, new Color(0x4c, 0x9a, 0x2a)),
            Map.entry(SeriesBuilder.ODP, new Color(0xe0, 0x8a, 0x1e)),
            Map.entry(SeriesBuilder.DMA_API, new Color(0x70, 0x70, 0x70)),
            Map.entry(SeriesBuilder.UNKNOWN, new Color(0x8e, 0x5c, 0xa8)),
            Map.entry(TraceSeries.MMU_NOTIFIER, new Color(0xe0, 0x8a, 0x1e)),
            Map.entry(TraceSeries.FREE_CALLBACK, new Color(0x4c, 0x9a, 0x2a)),
            Map.entry(TraceSeries.MR_INVALIDATED, new Color(0x8e, 0x5c, 0xa8)),
            Map.entry(TraceSeries.MOVE_NOTIFY, new Color(0x3a, 0x6e, 0xa5)),
            Map.entry(TraceSeries.DMA_MAP_SG, new Color(0x3a, 0x6e, 0xa5)),
            Map.entry(TraceSeries.GET_PAGES, new Color(0x4c, 0x9a, 0x2a)));
    private static final Color[] OTHERS = {new Color(0x3a, 0x6e, 0xa5), new Color(0xe0, 0x8a, 0x1e),
        new Color(0x4c, 0x9a, 0x2a), new Color(0xb0, 0x30, 0x60), new Color(0x8e, 0x5c, 0xa8), new Color(0x2a, 0x9a, 0x9a),
        new Color(0x70, 0x70, 0x70), new Color(0xa0, 0x7a, 0x2a)};

    private TraceCharts() {
    }

    /**
     * A chart of the series.
     *
     * @param series the series, or null before any (the chart then says {@code message})
     * @param origin the trace's first time stamp, ns: x is the time since it
     * @param message what an empty plot says
     */
    public static JFreeChart create(Kind kind, @Nullable TraceSeries series, long origin, String message) {
        long from = series == null ? origin : series.from();
        long to = series == null ? origin + 1 : series.to();
        NumberAxis time = timeAxis(from - origin, to - origin);
        Plot plot = switch (kind) {
            case MEMORY -> {
                CombinedDomainXYPlot c = new CombinedDomainXYPlot(time);
                Set<String> shown = new HashSet<>();
                c.add(plot(series == null ? null : steps(series.mappedBytes(), series, origin), bytesAxis("Mapped"),
                        steps(), shown, message), 1);
                c.add(plot(series == null ? null : steps(series.pinnedBytes(), series, origin), bytesAxis("Pinned"),
                        steps(), shown, message), 1);
                yield combined(c);
            }
            case INVALIDATIONS -> {
                NumberAxis rate = axis(new NumberAxis("Invalidations per second"));
                rate.setNumberFormatOverride(Formats.rate());
                XYSeriesCollection data = new XYSeriesCollection();
                if (series != null) {
                    for (String k : series.invalidations().keySet()) {
                        double[] r = series.invalidationsPerSecond(k);
                        XYSeries x = new XYSeries(k, false, true);
                        for (int i = 0; i < series.buckets(); i++) {
                            x.add(series.bucketStart(i) - origin, r[i]);
                        }
                        x.add(series.to() - origin, r[series.buckets() - 1]);
                        data.addSeries(x);
                    }
                }
                XYPlot p = plot(series == null ? null : data, rate, steps(), new HashSet<>(), message);
                p.setDomainAxis(time);
                yield p;
            }
            case SEGMENTS -> {
                CombinedDomainXYPlot c = new CombinedDomainXYPlot(time);
                Set<String> shown = new HashSet<>();
                NumberAxis count = axis(new NumberAxis("Segments"));
                count.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
                c.add(plot(series == null ? null : points(series.segments(), series, origin), count, points(), shown,
                        message), 1);
                c.add(plot(series == null ? null : points(series.bestPageSize(), series, origin), pageSizeAxis(series),
                        points(), shown, message), 1);
                yield combined(c);
            }
            case P2P -> {
                XYSeriesCollection data = new XYSeriesCollection();
                if (series != null) {
                    for (String path : series.p2pBytes().keySet()) {
                        data.addSeries(step(path, series.p2pCumulative(path), series, origin));
                    }
                }
                XYPlot p = plot(series == null ? null : data, bytesAxis("Bytes since the trace began"), steps(),
                        new HashSet<>(), message);
                p.setDomainAxis(time);
                yield p;
            }
        };
        JFreeChart chart = new JFreeChart(kind.title(), TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 4, 4, 20));
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setItemFont(LABEL_FONT);
            legend.setPosition(RectangleEdge.TOP);
            legend.setFrame(new org.jfree.chart.block.BlockBorder(Color.WHITE));
        }
        return chart;
    }

    /** Moves the vertical marker of every plot of the chart to x (ns since the origin); NaN hides it. */
    public static void setCursor(JFreeChart chart, double x) {
        for (XYPlot p : plots(chart)) {
            p.clearDomainMarkers();
            if (!Double.isNaN(x)) {
                p.addDomainMarker(new ValueMarker(x, CURSOR, new BasicStroke(CURSOR_WIDTH)), Layer.FOREGROUND);
            }
        }
    }

    /** Where the chart's marker is (ns since the origin), NaN when it has none. */
    public static double cursorOf(JFreeChart chart) {
        List<XYPlot> plots = plots(chart);
        if (plots.isEmpty()) {
            return Double.NaN;
        }
        java.util.Collection<?> markers = plots.get(0).getDomainMarkers(Layer.FOREGROUND);
        if (markers == null || markers.isEmpty()) {
            return Double.NaN;
        }
        return ((ValueMarker) markers.iterator().next()).getValue();
    }

    /**
     * The y values a plot of the chart draws for a series key, in x order: for step lines one
     * per bucket and the last again at the range's end; for points one per bucket that has one.
     *
     * @param plot the plot's index (0, or 1 for the lower plot of Memory and Segments)
     * @return the values, or null when the plot has no such series
     */
    public static double @Nullable [] shownValues(JFreeChart chart, int plot, String key) {
        XYDataset d = plots(chart).get(plot).getDataset();
        if (d == null) {
            return null;
        }
        for (int s = 0; s < d.getSeriesCount(); s++) {
            if (key.equals(d.getSeriesKey(s))) {
                double[] out = new double[d.getItemCount(s)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = d.getYValue(s, i);
                }
                return out;
            }
        }
        return null;
    }

    /** The plots of a chart: itself, or a combined plot's subplots. */
    public static List<XYPlot> plots(JFreeChart chart) {
        Plot p = chart.getPlot();
        if (p instanceof CombinedDomainXYPlot c) {
            return new ArrayList<>(c.getSubplots());
        }
        return p instanceof XYPlot x ? List.of(x) : List.of();
    }

    /** The colour of a backend, kind or source; other keys get one by their place. */
    static Paint colour(String key, int index) {
        Color c = COLOURS.get(key);
        return c != null ? c : OTHERS[index % OTHERS.length];
    }

    private static CombinedDomainXYPlot combined(CombinedDomainXYPlot c) {
        c.setGap(12);
        c.setOutlineVisible(false);
        c.setBackgroundPaint(Color.WHITE);
        return c;
    }

    private static XYPlot plot(@Nullable XYSeriesCollection data, ValueAxis y, XYItemRenderer r, Set<String> shown,
            String message) {
        XYPlot p = new XYPlot(data, null, y, r);
        if (data != null) {
            for (int s = 0; s < data.getSeriesCount(); s++) {
                String key = String.valueOf(data.getSeriesKey(s));
                r.setSeriesPaint(s, colour(key, s));
                r.setSeriesStroke(s, LINE);
                // one legend entry per key, though the key shows in both plots of a combined chart
                r.setSeriesVisibleInLegend(s, shown.add(key));
            }
        }
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(GRID);
        p.setRangeGridlinePaint(GRID);
        p.setDomainGridlineStroke(new BasicStroke(1f));
        p.setRangeGridlineStroke(new BasicStroke(1f));
        p.setOutlinePaint(GRID);
        p.setNoDataMessage(message);
        p.setNoDataMessageFont(LABEL_FONT);
        p.setInsets(new RectangleInsets(4, 4, 4, 12));
        return p;
    }

    private static XYStepRenderer steps() {
        XYStepRenderer r = new XYStepRenderer();
        r.setDefaultShapesVisible(false);
        return r;
    }

    private static XYLineAndShapeRenderer points() {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setDefaultShape(new Ellipse2D.Double(-3.5, -3.5, 7, 7));
        r.setAutoPopulateSeriesShape(false);
        return r;
    }

    private static XYSeriesCollection steps(Map<String, long[]> m, TraceSeries s, long origin) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, long[]> e : m.entrySet()) {
            data.addSeries(step(e.getKey(), e.getValue(), s, origin));
        }
        return data;
    }

    private static XYSeries step(String key, long[] v, TraceSeries s, long origin) {
        XYSeries x = new XYSeries(key, false, true);
        for (int i = 0; i < v.length; i++) {
            x.add(s.bucketStart(i) - origin, v[i]);
        }
        x.add(s.to() - origin, v[v.length - 1]);
        return x;
    }

    private static XYSeriesCollection points(Map<String, long[]> m, TraceSeries s, long origin) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, long[]> e : m.entrySet()) {
            XYSeries x = new XYSeries(e.getKey(), false, true);
            long[] v = e.getValue();
            for (int i = 0; i < v.length; i++) {
                if (v[i] >= 0) {
                    x.add((s.bucketStart(i) + s.bucketStart(i + 1)) / 2.0 - origin, v[i]);
                }
            }
            data.addSeries(x);
        }
        return data;
    }

    private static NumberAxis timeAxis(long from, long to) {
        NumberAxis a = axis(new NumberAxis("Time since the trace's first event"));
        TickUnits units = new TickUnits();
        for (long step = 1; step <= 100_000_000_000_000L; step *= 10) {
            for (long m : new long[] {1, 2, 5}) {
                units.add(new NumberTickUnit(step * m, Formats.duration(step * m)));
            }
        }
        a.setStandardTickUnits(units);
        a.setAutoRange(false);
        a.setRange(from, to);
        return a;
    }

    private static NumberAxis bytesAxis(String label) {
        NumberAxis a = axis(new NumberAxis(label));
        a.setStandardTickUnits(binaryUnits());
        a.setNumberFormatOverride(Formats.bytes());
        a.setUpperMargin(0.1);
        return a;
    }

    /** Steps of powers of two, so that labels read 512 KiB, 1 MiB, 1.5 MiB rather than 1.46 MiB. */
    private static TickUnits binaryUnits() {
        TickUnits units = new TickUnits();
        for (int shift = 0; shift < 62; shift++) {
            units.add(new NumberTickUnit(1L << shift, Formats.bytes()));
        }
        return units;
    }

    private static LogAxis pageSizeAxis(@Nullable TraceSeries s) {
        LogAxis a = axis(new LogAxis("Best page size"));
        a.setBase(2);
        a.setTickUnit(new NumberTickUnit(1));
        a.setNumberFormatOverride(Formats.bytes());
        long min = Long.MAX_VALUE;
        long max = 0;
        if (s != null) {
            for (long[] v : s.bestPageSize().values()) {
                for (long p : v) {
                    if (p > 0) {
                        min = Math.min(min, p);
                        max = Math.max(max, p);
                    }
                }
            }
        }
        if (max == 0) {
            min = SeriesBuilder.PAGE_SIZE;
            max = 2L << 20;
        }
        a.setAutoRange(false);
        a.setRange(min / 2.0, max * 2.0);
        return a;
    }

    private static <A extends ValueAxis> A axis(A a) {
        a.setLabelFont(LABEL_FONT);
        a.setTickLabelFont(TICK_FONT);
        return a;
    }

    /** Whether the chart draws anything (some plot has a series with an item). */
    public static boolean hasData(JFreeChart chart) {
        for (XYPlot p : plots(chart)) {
            XYDataset d = p.getDataset();
            for (int s = 0; d != null && s < d.getSeriesCount(); s++) {
                if (d.getItemCount(s) > 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
