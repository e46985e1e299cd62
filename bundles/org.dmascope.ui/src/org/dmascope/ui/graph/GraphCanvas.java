package org.dmascope.ui.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import org.dmascope.core.topology.PciFunction;
import org.dmascope.ui.graph.GraphLayout.Placed;
import org.dmascope.ui.graph.TopologyGraph.Edge;
import org.dmascope.ui.graph.TopologyGraph.EdgeKind;
import org.dmascope.ui.graph.TopologyGraph.Node;
import org.dmascope.ui.icons.DeviceIcons;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.FontData;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Path;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.graphics.Transform;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.ScrollBar;

/**
 * Draws a placed topology graph: boxes coloured by device class, PCIe links with their trained
 * speed and width, NVLinks as green curves. Zoom with Ctrl+wheel, the +/- keys or
 * {@link #zoomBy}; pan by dragging the background, with the scroll bars or the wheel. A click
 * selects a device, Ctrl+click (or Shift+click) a second one to ask for the path between them;
 * the path is shown by {@link #setHighlight}.
 */
public final class GraphCanvas extends Canvas {

    /** The smallest and largest zoom. */
    public static final double MIN_ZOOM = 0.01;
    /** The largest zoom. */
    public static final double MAX_ZOOM = 4;
    /** The smallest zoom at which a box's text can be read; a new graph starts at least this large. */
    public static final double READABLE_ZOOM = 0.6;
    private static final double TEXT_ZOOM = 0.25;

    private static final RGB KERNEL_ROUTE = new RGB(235, 120, 20);
    private static final RGB NCCL_ROUTE = new RGB(20, 150, 150);
    private static final RGB CULPRIT = new RGB(210, 30, 30);
    private static final RGB SELECTED = new RGB(30, 100, 220);
    private static final RGB NVLINK = new RGB(60, 160, 60);
    private static final RGB EDGE = new RGB(150, 150, 160);
    private static final RGB BOX = new RGB(250, 250, 252);
    private static final RGB BOX_LINE = new RGB(170, 175, 185);

    private final DeviceIcons icons;
    private final Font titleFont;
    private final Font smallFont;
    private @Nullable Placed placed;
    private @Nullable PathHighlight highlight;
    private final List<String> selection = new ArrayList<>();
    private final Map<String, String> fittedTexts = new HashMap<>();
    private double zoom = 1;
    private double originX;
    private double originY;
    private @Nullable Point dragFrom;
    private boolean dragged;
    private Function<Node, String> tooltips = n -> n.title() + " " + n.subtitle();
    private final List<Consumer<List<String>>> selectionListeners = new ArrayList<>();

    /** A canvas on the parent, with scroll bars. */
    public GraphCanvas(Composite parent, DeviceIcons icons) {
        super(parent, SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND | SWT.H_SCROLL | SWT.V_SCROLL);
        this.icons = icons;
        FontData base = getDisplay().getSystemFont().getFontData()[0];
        titleFont = new Font(getDisplay(), base.getName(), Math.max(8, base.getHeight()), SWT.BOLD);
        smallFont = new Font(getDisplay(), base.getName(), Math.max(7, base.getHeight() - 1), SWT.NORMAL);
        addListener(SWT.Paint, e -> paint(e.gc));
        addListener(SWT.Resize, e -> updateScrollBars());
        addListener(SWT.MouseDown, this::mouseDown);
        addListener(SWT.MouseMove, this::mouseMove);
        addListener(SWT.MouseUp, this::mouseUp);
        addListener(SWT.MouseVerticalWheel, this::wheel);
        addListener(SWT.MouseHorizontalWheel, this::wheel);
        addListener(SWT.KeyDown, this::key);
        getHorizontalBar().addListener(SWT.Selection, e -> {
            originX = getHorizontalBar().getSelection();
            redraw();
        });
        getVerticalBar().addListener(SWT.Selection, e -> {
            originY = getVerticalBar().getSelection();
            redraw();
        });
        addListener(SWT.Dispose, e -> {
            titleFont.dispose();
            smallFont.dispose();
        });
    }

    /**
     * Shows a placed graph (null: nothing), fitted into the window when it fits at a readable
     * size, otherwise readable from its top left corner; the highlight is dropped.
     */
    public void setGraph(@Nullable Placed graph) {
        placed = graph;
        highlight = null;
        selection.clear();
        fittedTexts.clear();
        fit();
        if (graph != null && zoom < READABLE_ZOOM) {
            zoom = READABLE_ZOOM;
            originX = 0;
            originY = 0;
            updateScrollBars();
            redraw();
        }
    }

    /** The graph shown. */
    public @Nullable Placed graph() {
        return placed;
    }

    /** Lights up a pair's path, or nothing. */
    public void setHighlight(@Nullable PathHighlight value) {
        highlight = value;
        if (value != null) {
            selection.clear();
            selection.add(value.a());
            selection.add(value.b());
        }
        redraw();
    }

    /** The highlighted path. */
    public @Nullable PathHighlight highlight() {
        return highlight;
    }

    /** The selected node IDs, in the order they were clicked (at most two). */
    public List<String> selection() {
        return List.copyOf(selection);
    }

    /** Selects these nodes (without telling the listeners) and scrolls the first into view. */
    public void select(List<String> ids) {
        selection.clear();
        selection.addAll(ids.subList(0, Math.min(2, ids.size())));
        if (!ids.isEmpty()) {
            reveal(ids.get(0));
        }
        redraw();
    }

    /** Hears which nodes the user selected. */
    public void addSelectionListener(Consumer<List<String>> listener) {
        selectionListeners.add(listener);
    }

    /** What a node's tooltip says. */
    public void setTooltips(Function<Node, String> value) {
        tooltips = value;
    }

    /** The zoom: 1 is one pixel per layout unit. */
    public double zoom() {
        return zoom;
    }

    /** Zooms by a factor around the middle of the window. */
    public void zoomBy(double factor) {
        Rectangle area = getClientArea();
        zoomAt(factor, area.width / 2.0, area.height / 2.0);
    }

    /** Sets the zoom so that the whole graph fits the window (at most 1). */
    public void fit() {
        Placed p = placed;
        Rectangle area = getClientArea();
        if (p == null || area.width <= 0 || area.height <= 0) {
            zoom = 1;
        } else {
            zoom = clampZoom(Math.min(1, Math.min(area.width / p.width(), area.height / p.height())));
        }
        originX = 0;
        originY = 0;
        updateScrollBars();
        redraw();
    }

    /** Scrolls so that the node is in the middle of the window. */
    public void reveal(String id) {
        Placed p = placed;
        double[] b = p == null ? null : p.boxes().get(id);
        if (b == null) {
            return;
        }
        Rectangle area = getClientArea();
        originX = (b[0] + b[2] / 2) * zoom - area.width / 2.0;
        originY = (b[1] + b[3] / 2) * zoom - area.height / 2.0;
        updateScrollBars();
        redraw();
    }

    /** Where a node's box is on the canvas now, in pixels; null when the node is not shown. */
    public @Nullable Rectangle boxOnCanvas(String id) {
        Placed p = placed;
        double[] b = p == null ? null : p.boxes().get(id);
        if (b == null) {
            return null;
        }
        return new Rectangle((int) Math.round(b[0] * zoom - originX), (int) Math.round(b[1] * zoom - originY),
                (int) Math.round(b[2] * zoom), (int) Math.round(b[3] * zoom));
    }

    // --- interaction -------------------------------------------------------------------------

    private void mouseDown(Event e) {
        if (e.button != 1) {
            return;
        }
        setFocus();
        dragFrom = new Point(e.x, e.y);
        dragged = false;
    }

    private void mouseMove(Event e) {
        Point from = dragFrom;
        if (from != null && (e.stateMask & SWT.BUTTON1) != 0) {
            int dx = e.x - from.x;
            int dy = e.y - from.y;
            if (dragged || Math.abs(dx) + Math.abs(dy) > 3) {
                dragged = true;
                originX -= dx;
                originY -= dy;
                dragFrom = new Point(e.x, e.y);
                updateScrollBars();
                redraw();
            }
            return;
        }
        Node n = nodeAt(e.x, e.y);
        String tip = n == null ? null : tooltips.apply(n);
        if (tip == null ? getToolTipText() != null : !tip.equals(getToolTipText())) {
            setToolTipText(tip);
        }
    }

    private void mouseUp(Event e) {
        if (e.button != 1 || dragFrom == null) {
            return;
        }
        dragFrom = null;
        if (dragged) {
            return;
        }
        Node n = nodeAt(e.x, e.y);
        boolean add = (e.stateMask & (SWT.MOD1 | SWT.SHIFT)) != 0;
        if (n == null) {
            if (!add) {
                selection.clear();
            }
        } else if (add && selection.size() == 1 && !selection.get(0).equals(n.id())) {
            selection.add(n.id());
        } else if (add && selection.size() == 2) {
            // A third device: the newest pair.
            selection.remove(0);
            if (!selection.contains(n.id())) {
                selection.add(n.id());
            }
        } else {
            selection.clear();
            selection.add(n.id());
        }
        redraw();
        List<String> now = selection();
        selectionListeners.forEach(l -> l.accept(now));
    }

    /** Clicks a node as a user would, for tests and keyboard navigation: {@code add} as with Ctrl held. */
    public void click(String id, boolean add) {
        Rectangle r = boxOnCanvas(id);
        if (r == null) {
            return;
        }
        Event down = new Event();
        down.button = 1;
        down.x = r.x + r.width / 2;
        down.y = r.y + r.height / 2;
        down.stateMask = add ? SWT.MOD1 : 0;
        mouseDown(down);
        Event up = new Event();
        up.button = 1;
        up.x = down.x;
        up.y = down.y;
        up.stateMask = down.stateMask;
        mouseUp(up);
    }

    private void wheel(Event e) {
        if ((e.stateMask & SWT.MOD1) != 0 && e.type == SWT.MouseVerticalWheel) {
            zoomAt(e.count > 0 ? 1.15 : 1 / 1.15, e.x, e.y);
        } else if (e.type == SWT.MouseHorizontalWheel || (e.stateMask & SWT.SHIFT) != 0) {
            originX -= e.count * 20;
            updateScrollBars();
            redraw();
        } else {
            originY -= e.count * 20;
            updateScrollBars();
            redraw();
        }
        e.doit = false;
    }

    private void key(Event e) {
        switch (e.character) {
            case '+':
            case '=':
                zoomBy(1.25);
                break;
            case '-':
                zoomBy(1 / 1.25);
                break;
            case '0':
                fit();
                break;
            default:
                break;
        }
    }

    private void zoomAt(double factor, double x, double y) {
        double next = clampZoom(zoom * factor);
        // Keep the point under the cursor where it is.
        double cx = (x + originX) / zoom;
        double cy = (y + originY) / zoom;
        zoom = next;
        originX = cx * zoom - x;
        originY = cy * zoom - y;
        updateScrollBars();
        redraw();
    }

    private static double clampZoom(double z) {
        return Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z));
    }

    private @Nullable Node nodeAt(int x, int y) {
        Placed p = placed;
        return p == null ? null : p.nodeAt((x + originX) / zoom, (y + originY) / zoom);
    }

    private void updateScrollBars() {
        Placed p = placed;
        Rectangle area = getClientArea();
        double contentW = p == null ? 0 : p.width() * zoom;
        double contentH = p == null ? 0 : p.height() * zoom;
        originX = clampOrigin(originX, contentW, area.width);
        originY = clampOrigin(originY, contentH, area.height);
        configure(getHorizontalBar(), contentW, area.width, originX);
        configure(getVerticalBar(), contentH, area.height, originY);
    }

    // Content smaller than the window is centred (a negative origin).
    private static double clampOrigin(double origin, double content, int window) {
        if (content <= window) {
            return -(window - content) / 2;
        }
        return Math.max(0, Math.min(origin, content - window));
    }

    private static void configure(@Nullable ScrollBar bar, double content, int window, double origin) {
        if (bar == null) {
            return;
        }
        int max = (int) Math.ceil(content);
        bar.setVisible(max > window);
        bar.setValues((int) Math.max(0, origin), 0, Math.max(max, 1), Math.max(1, Math.min(window, max)),
                Math.max(1, window / 20), Math.max(1, window - 20));
    }

    // --- painting ----------------------------------------------------------------------------

    private void paint(GC gc) {
        Rectangle area = getClientArea();
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(area);
        Placed p = placed;
        if (p == null) {
            return;
        }
        gc.setAntialias(SWT.ON);
        gc.setTextAntialias(SWT.ON);
        Transform t = new Transform(getDisplay());
        try {
            t.translate((float) -originX, (float) -originY);
            t.scale((float) zoom, (float) zoom);
            gc.setTransform(t);
            // The part of the graph in the window, in layout units.
            double vx = originX / zoom;
            double vy = originY / zoom;
            double vw = area.width / zoom;
            double vh = area.height / zoom;
            paintEdges(gc, p, vx, vy, vw, vh);
            PathHighlight h = highlight;
            if (h != null) {
                if (h.routesDiffer()) {
                    paintRoute(gc, p, h.ncclRoute(), NCCL_ROUTE, true);
                }
                paintRoute(gc, p, h.kernelRoute(), KERNEL_ROUTE, false);
                paintBottleneck(gc, p, h);
            }
            paintNodes(gc, p, h, vx, vy, vw, vh);
        } finally {
            gc.setTransform(null);
            t.dispose();
        }
        PathHighlight h = highlight;
        if (h != null) {
            paintCaption(gc, area, h);
        }
    }

    private void paintEdges(GC gc, Placed p, double vx, double vy, double vw, double vh) {
        List<Edge> edges = p.graph().edges();
        Color edge = new Color(EDGE);
        Color nvlink = new Color(NVLINK);
        gc.setFont(smallFont);
        boolean labels = zoom >= 0.6;
        for (int i = 0; i < edges.size(); i++) {
            Edge e = edges.get(i);
            double[] route = p.routes().get(i);
            if (e.kind() == EdgeKind.NVLINK && route == null) {
                gc.setForeground(nvlink);
                gc.setLineWidth(2);
                gc.setLineStyle(SWT.LINE_SOLID);
                paintCurve(gc, p, e.from(), e.to(), labels ? e.label() : null);
                continue;
            }
            if (route == null || !visible(route, vx, vy, vw, vh)) {
                continue;
            }
            gc.setForeground(e.kind() == EdgeKind.NVLINK ? nvlink : edge);
            gc.setLineWidth(e.kind() == EdgeKind.NVLINK ? 2 : 1);
            gc.setLineStyle(e.kind() == EdgeKind.HOST ? SWT.LINE_DASH : SWT.LINE_SOLID);
            gc.drawPolyline(toInts(route));
            if (labels && !e.label().isEmpty()) {
                // The link's speed beside its lower end, where it enters the device.
                int n = route.length;
                gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
                gc.drawText(e.label(), (int) route[n - 2] + 4, (int) route[n - 1] - 15, true);
            }
        }
        gc.setLineStyle(SWT.LINE_SOLID);
    }

    // NVLinks between two GPUs: a curve bowing below the boxes.
    private void paintCurve(GC gc, Placed p, String from, String to, @Nullable String label) {
        double[] a = p.boxes().get(from);
        double[] b = p.boxes().get(to);
        if (a == null || b == null) {
            return;
        }
        float ax = (float) (a[0] + a[2] / 2);
        float ay = (float) (a[1] + a[3]);
        float bx = (float) (b[0] + b[2] / 2);
        float by = (float) (b[1] + b[3]);
        float depth = (float) Math.min(120, 18 + Math.abs(bx - ax) / 6);
        Path path = new Path(getDisplay());
        try {
            path.moveTo(ax, ay);
            path.cubicTo(ax, ay + depth, bx, by + depth, bx, by);
            gc.drawPath(path);
        } finally {
            path.dispose();
        }
        if (label != null && !label.isEmpty()) {
            Point ext = gc.textExtent(label);
            gc.drawText(label, (int) ((ax + bx) / 2 - ext.x / 2.0), (int) (Math.max(ay, by) + depth * 0.75 - ext.y / 2.0),
                    true);
        }
    }

    private void paintRoute(GC gc, Placed p, List<String> route, RGB rgb, boolean dashed) {
        Color c = new Color(rgb);
        gc.setForeground(c);
        gc.setLineWidth(dashed ? 4 : 5);
        gc.setLineStyle(dashed ? SWT.LINE_DASH : SWT.LINE_SOLID);
        // Nodes the graph does not draw (a topology file's made-up root) are passed straight.
        List<String> drawn = route.stream().filter(id -> p.boxes().containsKey(id)).toList();
        for (int i = 0; i + 1 < drawn.size(); i++) {
            paintHop(gc, p, drawn.get(i), drawn.get(i + 1));
        }
        gc.setLineStyle(SWT.LINE_SOLID);
        gc.setLineWidth(1);
    }

    // One hop of a route: along the edge's own route when there is one, straight otherwise
    // (host bridge to host bridge, CPU to CPU).
    private void paintHop(GC gc, Placed p, String a, String b) {
        List<Edge> edges = p.graph().edges();
        for (int i = 0; i < edges.size(); i++) {
            Edge e = edges.get(i);
            if (e.from().equals(a) && e.to().equals(b) || e.from().equals(b) && e.to().equals(a)) {
                double[] route = p.routes().get(i);
                if (route != null) {
                    gc.drawPolyline(toInts(route));
                } else {
                    paintCurve(gc, p, e.from(), e.to(), null);
                }
                return;
            }
        }
        double[] ba = p.boxes().get(a);
        double[] bb = p.boxes().get(b);
        if (ba != null && bb != null) {
            gc.drawLine((int) (ba[0] + ba[2] / 2), (int) (ba[1] + ba[3] / 2), (int) (bb[0] + bb[2] / 2),
                    (int) (bb[1] + bb[3] / 2));
        }
    }

    private void paintBottleneck(GC gc, Placed p, PathHighlight h) {
        if (h.bottleneck().size() != 2) {
            return;
        }
        gc.setForeground(new Color(CULPRIT));
        gc.setLineWidth(3);
        gc.setLineStyle(SWT.LINE_DOT);
        paintHop(gc, p, h.bottleneck().get(0), h.bottleneck().get(1));
        gc.setLineStyle(SWT.LINE_SOLID);
        gc.setLineWidth(1);
    }

    private void paintNodes(GC gc, Placed p, @Nullable PathHighlight h, double vx, double vy, double vw, double vh) {
        Set<String> onRoute = new HashSet<>();
        if (h != null) {
            onRoute.addAll(h.kernelRoute());
            onRoute.addAll(h.ncclRoute());
        }
        Color box = new Color(BOX);
        Color boxLine = new Color(BOX_LINE);
        // Below this zoom the letters would be a pixel high: boxes and colours only.
        boolean text = zoom >= TEXT_ZOOM;
        for (Node n : p.graph().nodes()) {
            double[] b = p.boxes().get(n.id());
            if (b == null || b[0] > vx + vw || b[0] + b[2] < vx || b[1] > vy + vh || b[1] + b[3] < vy) {
                continue;
            }
            int x = (int) b[0];
            int y = (int) b[1];
            int w = (int) b[2];
            int ht = (int) b[3];
            gc.setBackground(box);
            gc.fillRoundRectangle(x, y, w, ht, 8, 8);
            RGB glyphColour = colour(n);
            gc.setBackground(new Color(glyphColour));
            gc.fillRoundRectangle(x, y, 26, ht, 8, 8);
            gc.fillRectangle(x + 18, y, 8, ht);
            if (text) {
                gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
                gc.setFont(titleFont);
                String glyph = glyph(n);
                Point ge = gc.textExtent(glyph);
                gc.drawText(glyph, x + 13 - ge.x / 2, y + ht / 2 - ge.y / 2, true);
                gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
                gc.drawText(fitted(gc, n.id() + "\u0000t", n.title(), w - 34), x + 30, y + 4, true);
                gc.setFont(smallFont);
                gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
                gc.drawText(fitted(gc, n.id() + "\u0000s", n.subtitle(), w - 34), x + 30, y + ht / 2 + 2, true);
            }
            // Outline: culprits red, the pair and the route orange, the selection blue.
            RGB outline = null;
            int width = 1;
            if (h != null && h.acsCulprits().contains(n.id())) {
                outline = CULPRIT;
                width = 4;
            } else if (selection.contains(n.id())) {
                outline = SELECTED;
                width = 3;
            } else if (onRoute.contains(n.id())) {
                outline = h != null && h.kernelRoute().contains(n.id()) ? KERNEL_ROUTE : NCCL_ROUTE;
                width = 3;
            }
            gc.setForeground(outline == null ? boxLine : new Color(outline));
            gc.setLineWidth(width);
            gc.drawRoundRectangle(x, y, w, ht, 8, 8);
            gc.setLineWidth(1);
            if (h != null && h.acsCulprits().contains(n.id())) {
                paintBadge(gc, "ACS", x + w - 30, y - 9);
            }
        }
    }

    private void paintBadge(GC gc, String text, int x, int y) {
        gc.setFont(smallFont);
        Point e = gc.textExtent(text);
        gc.setBackground(new Color(CULPRIT));
        gc.fillRoundRectangle(x, y, e.x + 8, e.y + 2, 6, 6);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.drawText(text, x + 4, y + 1, true);
    }

    private void paintCaption(GC gc, Rectangle area, PathHighlight h) {
        gc.setFont(titleFont);
        String first = h.a() + " \u2192 " + h.b();
        Point e1 = gc.textExtent(first);
        Point e2 = gc.textExtent(h.caption());
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_INFO_BACKGROUND));
        gc.fillRectangle(6, 6, Math.min(area.width - 12, Math.max(e1.x, e2.x) + 12), e1.y + e2.y + 10);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_INFO_FOREGROUND));
        gc.drawText(first, 12, 10, true);
        gc.drawText(h.caption(), 12, 10 + e1.y, true);
        // The legend in the bottom left corner, out of the way of the top of the graph.
        gc.setFont(smallFont);
        List<RGB> colours = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        colours.add(KERNEL_ROUTE);
        texts.add("the kernel's route (P2PDMA walk)");
        if (h.routesDiffer()) {
            colours.add(NCCL_ROUTE);
            texts.add("NCCL's route");
        }
        if (h.bottleneck().size() == 2) {
            colours.add(CULPRIT);
            texts.add("slowest link (dotted)");
        }
        if (!h.acsCulprits().isEmpty()) {
            colours.add(CULPRIT);
            texts.add("ACS redirect on");
        }
        int line = gc.textExtent("Ag").y + 2;
        int y = area.height - 8 - line * texts.size();
        for (int i = 0; i < texts.size(); i++) {
            y = legend(gc, colours.get(i), texts.get(i), y);
        }
    }

    private int legend(GC gc, RGB rgb, String text, int y) {
        Point e = gc.textExtent(text);
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(8, y, e.x + 34, e.y + 2);
        gc.setBackground(new Color(rgb));
        gc.fillRectangle(12, y + 5, 18, 5);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
        gc.drawText(text, 36, y, true);
        return y + e.y + 2;
    }

    // Text cut to a box's width, remembered: the boxes do not change size with the zoom.
    private String fitted(GC gc, String key, String text, int width) {
        return fittedTexts.computeIfAbsent(key, k -> fit(gc, text, width));
    }

    private static String fit(GC gc, String text, int width) {
        if (gc.textExtent(text).x <= width) {
            return text;
        }
        String t = text;
        while (t.length() > 1 && gc.textExtent(t + "\u2026").x > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "\u2026";
    }

    private static RGB colour(Node n) {
        switch (n.kind()) {
            case CPU:
                return new RGB(90, 60, 120);
            case HOST_BRIDGE:
                return DeviceIcons.Glyph.HOST_BRIDGE.colour();
            case NVSWITCH:
                return NVLINK;
            default:
                PciFunction f = n.function();
                return f == null ? DeviceIcons.Glyph.OTHER.colour() : DeviceIcons.glyph(f).colour();
        }
    }

    private static String glyph(Node n) {
        switch (n.kind()) {
            case CPU:
                return "C";
            case HOST_BRIDGE:
                return "H";
            case NVSWITCH:
                return "NS";
            default:
                PciFunction f = n.function();
                return f == null ? "?" : DeviceIcons.glyph(f).label();
        }
    }

    private static boolean visible(double[] route, double vx, double vy, double vw, double vh) {
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (int i = 0; i + 1 < route.length; i += 2) {
            minX = Math.min(minX, route[i]);
            maxX = Math.max(maxX, route[i]);
            minY = Math.min(minY, route[i + 1]);
            maxY = Math.max(maxY, route[i + 1]);
        }
        return maxX >= vx && minX <= vx + vw && maxY >= vy && minY <= vy + vh;
    }

    private static int[] toInts(double[] points) {
        int[] out = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            out[i] = (int) Math.round(points[i]);
        }
        return out;
    }
}
