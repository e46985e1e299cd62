package org.dmascope.ui.chain;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.dmascope.ui.charts.ChartCanvas;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A histogram of DMA segment sizes: one bar per power of two from 4 KiB to 2 GiB, the number
 * of segments on the y axis. A size that is not a power of two counts in the bucket of the
 * power of two at or below it (3 MiB in 2 MiB); segments shorter than a page (a partial first
 * or last page) count in 4 KiB, and 2 GiB holds everything larger. The y axis turns
 * logarithmic when the counts span two orders of magnitude or more, so that a single huge
 * segment still shows next to a thousand pages.
 * <p>
 * JFreeChart draws the chart straight on the canvas's GC through {@link SWTGraphics2D}: no
 * AWT window, no SWT_AWT bridge. {@link #savePng(Path)} renders the same chart with
 * JFreeChart's own {@link ChartUtils}; the context menu offers it as "Save as PNG...".
 */
public final class SegmentHistogram extends Canvas {

    /** log2 of the smallest bucket, 4 KiB (a page). */
    private static final int FIRST_SHIFT = 12;
    /** log2 of the largest bucket, 2 GiB; larger segments count there too. */
    private static final int LAST_SHIFT = 31;
    private static final List<String> LABELS = labels();
    /** Counts spanning this factor or more get a logarithmic axis. */
    private static final long LOG_SCALE_RATIO = 100;
    private static final String SERIES = "segments";
    private static final String EMPTY_TEXT = "No DMA segments";
    /** For {@link #savePng(Path)} while the canvas has no size yet. */
    private static final int DEFAULT_PNG_WIDTH = 800;
    private static final int DEFAULT_PNG_HEIGHT = 500;

    private static final Color BAR = new Color(0x3a, 0x6e, 0xa5);
    private static final Color GRID = new Color(0xd0, 0xd0, 0xd0);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private long[] counts = new long[LABELS.size()];
    private String title = "";
    private boolean logScale;
    private JFreeChart chart;

    /** An empty histogram on the parent; {@link #setSizes} fills it. */
    public SegmentHistogram(Composite parent) {
        super(parent, SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND);
        chart = createChart();
        addListener(SWT.Paint, e -> paint(e.gc));
        addListener(SWT.Resize, e -> redraw());
        Menu menu = new Menu(this);
        MenuItem save = new MenuItem(menu, SWT.PUSH);
        save.setText("Save as PNG...");
        save.addListener(SWT.Selection, e -> askAndSavePng());
        setMenu(menu);
        addListener(SWT.Dispose, e -> {
            if (!menu.isDisposed()) {
                menu.dispose();
            }
        });
    }

    /**
     * Shows the sizes of the first {@code count} segments, under the given title.
     *
     * @throws IndexOutOfBoundsException if count is negative or past the array's end
     * @throws IllegalArgumentException if a size is zero or negative
     */
    public void setSizes(long[] sizesInBytes, int count, String title) {
        checkWidget();
        Objects.checkFromToIndex(0, count, sizesInBytes.length);
        long[] buckets = new long[LABELS.size()];
        for (int i = 0; i < count; i++) {
            long size = sizesInBytes[i];
            if (size <= 0) {
                throw new IllegalArgumentException("segment " + i + " has size " + size);
            }
            buckets[bucketOf(size)]++;
        }
        this.counts = buckets;
        this.title = title;
        this.chart = createChart();
        redraw();
    }

    /** The bucket index of a size: floor(log2(size)), within 4 KiB and 2 GiB. */
    private static int bucketOf(long size) {
        int shift = 63 - Long.numberOfLeadingZeros(size);
        return Math.min(Math.max(shift, FIRST_SHIFT), LAST_SHIFT) - FIRST_SHIFT;
    }

    /** The number of segments in the bucket labelled so ("4 KiB", "2 MiB", "\u2265 2 GiB"). */
    public int bucketCount(String label) {
        checkWidget();
        int i = LABELS.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("no bucket '" + label + "'; the buckets are " + LABELS);
        }
        return (int) counts[i];
    }

    /** Every bucket's label, smallest first, whether the chart shows it or not. */
    public List<String> bucketLabels() {
        return LABELS;
    }

    /** Whether the y axis is logarithmic now. */
    public boolean isLogScale() {
        checkWidget();
        return logScale;
    }

    /**
     * Renders the chart to a PNG file at the canvas's size (800 x 500 while it has none), with
     * JFreeChart's own {@link ChartUtils}.
     */
    public void savePng(Path file) throws IOException {
        checkWidget();
        Point size = pngSize();
        ChartUtils.saveChartAsPNG(file.toFile(), chart, size.x, size.y);
    }

    /** The width and height {@link #savePng(Path)} writes. */
    public Point pngSize() {
        checkWidget();
        Rectangle area = getClientArea();
        return area.width > 0 && area.height > 0 ? new Point(area.width, area.height)
                : new Point(DEFAULT_PNG_WIDTH, DEFAULT_PNG_HEIGHT);
    }

    private static List<String> labels() {
        List<String> labels = new ArrayList<>();
        String[] units = {"B", "KiB", "MiB", "GiB"};
        for (int shift = FIRST_SHIFT; shift < LAST_SHIFT; shift++) {
            labels.add((1L << (shift % 10)) + " " + units[shift / 10]);
        }
        labels.add("\u2265 2 GiB");
        return Collections.unmodifiableList(labels);
    }

    /**
     * The chart of the current counts: the buckets from the smallest to the largest that holds
     * a segment, empty ones between as gaps. Sets {@link #logScale}.
     */
    private JFreeChart createChart() {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        int first = -1;
        int last = -1;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                first = first < 0 ? i : first;
                last = i;
                min = Math.min(min, counts[i]);
                max = Math.max(max, counts[i]);
            }
        }
        for (int i = first; first >= 0 && i <= last; i++) {
            dataset.addValue(counts[i] > 0 ? Long.valueOf(counts[i]) : null, SERIES, LABELS.get(i));
        }
        logScale = max > 0 && max / min >= LOG_SCALE_RATIO;

        CategoryAxis sizes = new CategoryAxis("Segment size (power of two at or below)");
        sizes.setMaximumCategoryLabelLines(2);
        sizes.setCategoryMargin(0.15);
        ValueAxis segments;
        if (logScale) {
            LogAxis axis = new LogAxis("Segments (log scale)");
            axis.setBase(10);
            axis.setNumberFormatOverride(NumberFormat.getIntegerInstance(Locale.ROOT));
            // Labels at whole decades (1, 10, 100, ...), minor ticks between.
            axis.setTickUnit(new NumberTickUnit(1.0));
            axis.setMinorTickCount(9);
            axis.setMinorTickMarksVisible(true);
            // From 0.5, so a single segment is a visible bar; headroom above for the counts.
            axis.setRange(0.5, max * 4.0);
            segments = axis;
        } else {
            NumberAxis axis = new NumberAxis("Segments");
            axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            axis.setUpperMargin(0.12);
            segments = axis;
        }
        for (var axis : List.of(sizes, segments)) {
            axis.setLabelFont(LABEL_FONT);
            axis.setTickLabelFont(TICK_FONT);
        }

        // Plain colours and basic strokes only: what SWTGraphics2D can draw.
        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setDrawBarOutline(false);
        bars.setSeriesPaint(0, BAR);
        bars.setMaximumBarWidth(0.08);
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator());
        bars.setDefaultItemLabelFont(TICK_FONT);
        bars.setDefaultItemLabelsVisible(true);

        CategoryPlot plot = new CategoryPlot(dataset, sizes, segments, bars);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlineVisible(false);
        plot.setNoDataMessage(EMPTY_TEXT);
        plot.setNoDataMessageFont(LABEL_FONT);
        plot.setInsets(new RectangleInsets(8, 8, 8, 16));

        JFreeChart c = new JFreeChart(title.isEmpty() ? null : title, TITLE_FONT, plot, false);
        c.setBackgroundPaint(Color.WHITE);
        c.setPadding(new RectangleInsets(6, 4, 4, 4));
        return c;
    }

    private void paint(GC gc) {
        ChartCanvas.draw(this, gc, chart, null);
    }

    private void askAndSavePng() {
        FileDialog dialog = new FileDialog(getShell(), SWT.SAVE);
        dialog.setText("Save the segment sizes as PNG");
        dialog.setFilterNames(new String[] {"PNG images (*.png)"});
        dialog.setFilterExtensions(new String[] {"*.png"});
        dialog.setFileName(fileName());
        dialog.setOverwrite(true);
        String name = dialog.open();
        if (name == null) {
            return;
        }
        Path file = Path.of(name.toLowerCase(Locale.ROOT).endsWith(".png") ? name : name + ".png");
        try {
            savePng(file);
        } catch (IOException | RuntimeException e) {
            MessageDialog.openError(getShell(), "Save as PNG", "Could not save " + file + ": " + e.getMessage());
        }
    }

    /** The title as a file name: letters, digits, dots and dashes. */
    private String fileName() {
        String base = title.replaceAll("[^A-Za-z0-9.-]+", "-").replaceAll("^-+|-+$", "");
        return (base.isEmpty() ? "segment-sizes" : base) + ".png";
    }
}
