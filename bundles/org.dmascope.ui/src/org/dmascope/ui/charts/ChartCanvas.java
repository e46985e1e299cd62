package org.dmascope.ui.charts;

import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleConsumer;

import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.LineAttributes;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.event.ChartChangeListener;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.swt.SWTGraphics2D;

/**
 * One JFreeChart drawn straight on an SWT canvas through {@link SWTGraphics2D}, as
 * {@link org.dmascope.ui.chain.SegmentHistogram} draws its chart. A click in the plot area
 * tells the listener the x value under the pointer; {@link #savePng} and {@link #saveSvg}
 * write the chart as shown (JFreeChart's {@link ChartUtils}, and JFreeSVG's
 * {@link SVGGraphics2D}).
 */
public final class ChartCanvas extends Canvas {

    /** For exports while the canvas has no size yet. */
    private static final int DEFAULT_WIDTH = 1000;
    private static final int DEFAULT_HEIGHT = 600;

    private JFreeChart chart;
    private final ChartRenderingInfo info = new ChartRenderingInfo();
    private @Nullable DoubleConsumer clicked;
    // The chart as last drawn without its cursor marker, and whether the chart changed since.
    private @Nullable Image drawn;
    private boolean stale = true;
    private boolean movingCursor;
    private final ChartChangeListener changes = e -> {
        if (!movingCursor) {
            stale = true;
        }
    };

    /** A canvas drawing the chart. */
    public ChartCanvas(Composite parent, JFreeChart chart) {
        super(parent, SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND);
        this.chart = chart;
        chart.addChangeListener(changes);
        addListener(SWT.Paint, e -> paint(e.gc));
        addListener(SWT.Resize, e -> {
            stale = true;
            redraw();
        });
        addListener(SWT.Dispose, e -> {
            Image i = drawn;
            drawn = null;
            if (i != null) {
                i.dispose();
            }
        });
        addListener(SWT.MouseDown, e -> {
            if (e.button == 1) {
                click(e.x, e.y);
            }
        });
    }

    /** Tells the listener the x value (in the chart's domain units) of a click in the plot area. */
    public void onClick(DoubleConsumer listener) {
        this.clicked = listener;
    }

    /** The chart drawn. */
    public JFreeChart chart() {
        checkWidget();
        return chart;
    }

    /** Draws another chart. */
    public void setChart(JFreeChart chart) {
        checkWidget();
        this.chart.removeChangeListener(changes);
        this.chart = chart;
        chart.addChangeListener(changes);
        stale = true;
        redraw();
    }

    /**
     * Moves the chart's time cursor ({@link TraceCharts#setCursor}: the marker stays part of the
     * chart, for exports and readers) and repaints only the marker over the chart drawn before:
     * a cursor move does not lay out and draw the whole chart again.
     *
     * @param x the cursor in the chart's domain units, NaN to hide it
     */
    public void setCursor(double x) {
        checkWidget();
        movingCursor = true;
        try {
            TraceCharts.setCursor(chart, x);
        } finally {
            movingCursor = false;
        }
        redraw();
    }

    /**
     * The x value at a point of the canvas, as the last drawing laid it out, or NaN when the
     * point is outside the plot's data area (or nothing was drawn yet).
     */
    public double valueAt(int x, int y) {
        checkWidget();
        PlotRenderingInfo p = info.getPlotInfo();
        Rectangle2D area = p == null ? null : p.getDataArea();
        if (area == null || area.getWidth() <= 0 || x < area.getMinX() || x > area.getMaxX() || y < area.getMinY()
                || y > area.getMaxY()) {
            return Double.NaN;
        }
        Plot plot = chart.getPlot();
        if (plot instanceof CombinedDomainXYPlot c) {
            return c.getDomainAxis().java2DToValue(x, area, c.getDomainAxisEdge());
        }
        if (plot instanceof XYPlot xy) {
            return xy.getDomainAxis().java2DToValue(x, area, xy.getDomainAxisEdge());
        }
        return Double.NaN;
    }

    /** The pixel column of an x value in the last drawing, or -1 when nothing was drawn. */
    public int columnOf(double value) {
        checkWidget();
        PlotRenderingInfo p = info.getPlotInfo();
        Rectangle2D area = p == null ? null : p.getDataArea();
        Plot plot = chart.getPlot();
        if (area == null || area.getWidth() <= 0) {
            return -1;
        }
        if (plot instanceof CombinedDomainXYPlot c) {
            return (int) Math.round(c.getDomainAxis().valueToJava2D(value, area, c.getDomainAxisEdge()));
        }
        if (plot instanceof XYPlot xy) {
            return (int) Math.round(xy.getDomainAxis().valueToJava2D(value, area, xy.getDomainAxisEdge()));
        }
        return -1;
    }

    /** The plot's data area in the last drawing (empty before one). */
    public Rectangle dataArea() {
        checkWidget();
        PlotRenderingInfo p = info.getPlotInfo();
        Rectangle2D a = p == null ? null : p.getDataArea();
        return a == null ? new Rectangle(0, 0, 0, 0)
                : new Rectangle((int) a.getX(), (int) a.getY(), (int) a.getWidth(), (int) a.getHeight());
    }

    private void click(int x, int y) {
        double v = valueAt(x, y);
        DoubleConsumer l = clicked;
        if (!Double.isNaN(v) && l != null) {
            l.accept(v);
        }
    }

    /** The size exports are written at: the canvas's, or 1000 x 600 while it has none. */
    public Point exportSize() {
        checkWidget();
        Rectangle area = getClientArea();
        return area.width > 0 && area.height > 0 ? new Point(area.width, area.height)
                : new Point(DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /** Writes the chart as a PNG at {@link #exportSize()}, with JFreeChart's {@link ChartUtils}. */
    public void savePng(Path file) throws IOException {
        Point size = exportSize();
        ChartUtils.saveChartAsPNG(file.toFile(), chart, size.x, size.y);
    }

    /** Writes the chart as SVG at {@link #exportSize()}, through JFreeSVG's {@link SVGGraphics2D}. */
    public void saveSvg(Path file) throws IOException {
        Point size = exportSize();
        SVGGraphics2D g = new SVGGraphics2D(size.x, size.y);
        chart.draw(g, new Rectangle2D.Double(0, 0, size.x, size.y));
        // No DOCTYPE (SVGUtils writes SVG 1.1's): SVG 2 has none, and XML readers that refuse
        // DOCTYPEs, as ours do, read the file as it is.
        Files.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g.getSVGElement() + "\n",
                StandardCharsets.UTF_8);
    }

    private void paint(GC gc) {
        Rectangle area = getClientArea();
        if (area.width <= 0 || area.height <= 0) {
            return;
        }
        Image image = drawn;
        if (stale || image == null || image.getBounds().width != area.width || image.getBounds().height != area.height) {
            if (image != null) {
                image.dispose();
            }
            image = new Image(getDisplay(), area.width, area.height);
            GC ig = new GC(image);
            double cursor = TraceCharts.cursorOf(chart);
            movingCursor = true;
            try {
                TraceCharts.setCursor(chart, Double.NaN);
                draw(this, ig, chart, info);
            } finally {
                TraceCharts.setCursor(chart, cursor);
                movingCursor = false;
                ig.dispose();
            }
            drawn = image;
            stale = false;
        }
        gc.drawImage(image, 0, 0);
        paintCursor(gc);
    }

    // The cursor marker as JFreeChart draws a foreground domain marker: across each plot's data area.
    private void paintCursor(GC gc) {
        double x = TraceCharts.cursorOf(chart);
        PlotRenderingInfo p = info.getPlotInfo();
        if (Double.isNaN(x) || p == null) {
            return;
        }
        List<XYPlot> plots = TraceCharts.plots(chart);
        if (plots.isEmpty()) {
            return;
        }
        org.jfree.chart.axis.ValueAxis axis = plots.get(0).getDomainAxis();
        if (x < axis.getLowerBound() || x > axis.getUpperBound()) {
            return;
        }
        int column = columnOf(x);
        List<Rectangle2D> areas = new ArrayList<>();
        if (p.getSubplotCount() > 0) {
            for (int i = 0; i < p.getSubplotCount(); i++) {
                areas.add(p.getSubplotInfo(i).getDataArea());
            }
        } else {
            areas.add(p.getDataArea());
        }
        java.awt.Color c = TraceCharts.CURSOR;
        Color colour = new Color(getDisplay(), c.getRed(), c.getGreen(), c.getBlue());
        try {
            gc.setAntialias(SWT.ON);
            gc.setForeground(colour);
            gc.setLineAttributes(new LineAttributes(TraceCharts.CURSOR_WIDTH));
            for (Rectangle2D a : areas) {
                gc.drawLine(column, (int) Math.round(a.getMinY()), column, (int) Math.round(a.getMaxY()));
            }
        } finally {
            colour.dispose();
        }
    }

    /**
     * Paints a chart over a canvas's client area on the paint event's GC, through
     * SWTGraphics2D (white behind it, antialiased); {@code info} collects what was drawn where,
     * or null.
     */
    public static void draw(Canvas canvas, GC gc, JFreeChart chart, @Nullable ChartRenderingInfo info) {
        Rectangle area = canvas.getClientArea();
        gc.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(area);
        if (area.width <= 0 || area.height <= 0) {
            return;
        }
        gc.setAntialias(SWT.ON);
        gc.setTextAntialias(SWT.ON);
        SWTGraphics2D g2 = new SWTGraphics2D(gc);
        try {
            chart.draw(g2, new Rectangle2D.Double(0, 0, area.width, area.height), info);
        } finally {
            // The GC is the paint event's; what SWTGraphics2D made for it (colours, fonts,
            // transforms, patterns) is ours to dispose, once the GC no longer uses it.
            gc.setTransform(null);
            gc.setClipping((Rectangle) null);
            gc.setFont(null);
            gc.setForegroundPattern(null);
            gc.setBackgroundPattern(null);
            g2.dispose();
        }
    }
}
