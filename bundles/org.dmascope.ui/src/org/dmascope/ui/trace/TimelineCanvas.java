package org.dmascope.ui.trace;

import java.util.List;

import org.dmascope.trace.event.EventType;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.PaletteData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.ScrollBar;

/**
 * The Timeline's drawing: a time axis, a lane per process and per device, and in each lane
 * either the event density from a {@link LaneIndex} (one filled outline per lane, whatever the
 * number of events) or, when few are in view, the single events of a {@link Detail}. The
 * wheel zooms around the pointer (Shift pans), the keys + - Left Right Home do the same; a click
 * picks the time cursor and a drag a range.
 */
public final class TimelineCanvas extends Canvas {

    /** Width of the lane label column. */
    public static final int LABEL_WIDTH = 170;
    /** Height of the time axis. */
    public static final int AXIS_HEIGHT = 26;
    /** Height of a lane. */
    public static final int LANE_HEIGHT = 22;
    /** The narrowest view in nanoseconds. */
    public static final long MIN_SPAN = 10;

    /** What the user did, for the view to pass on to the trace model. */
    public interface Listener {
        /** The visible time window changed. */
        void viewChanged(long from, long to);

        /** A click picked this time. */
        void cursorPicked(long ts);

        /** A drag picked this range. */
        void rangePicked(long from, long to);
    }

    private final Listener listener;
    private @Nullable LaneIndex index;
    private @Nullable Detail detail;
    private String message = "";
    private long first;
    private long last;
    private long viewFrom;
    private long viewTo = 1;
    private long cursor = TraceModel.NONE;
    private long rangeFrom = TraceModel.NONE;
    private long rangeTo = TraceModel.NONE;
    private int dragStart = -1;
    private int dragNow = -1;
    private long lastPaintNanos;
    private @Nullable Image densityImage;
    private @Nullable LaneIndex densityIndex;
    private long[] densityKey = new long[5];
    private final Color laneShade;
    private final Color gridColor;
    private final Color densityColor;
    private final Color cursorColor;
    private final Color rangeColor;
    private final Color[] familyColors;

    /** A timeline drawing into parent, reporting to listener. */
    public TimelineCanvas(Composite parent, Listener listener) {
        super(parent, SWT.DOUBLE_BUFFERED | SWT.V_SCROLL | SWT.NO_BACKGROUND);
        this.listener = listener;
        laneShade = new Color(0xf3, 0xf5, 0xf8);
        gridColor = new Color(0xdd, 0xdd, 0xdd);
        densityColor = new Color(0x3d, 0x6e, 0xb4);
        cursorColor = new Color(0xd0, 0x20, 0x20);
        rangeColor = new Color(0x40, 0x90, 0xe0);
        familyColors = new Color[] {new Color(0x2a, 0x62, 0xb0), new Color(0x1f, 0x8a, 0x3c),
            new Color(0xd0, 0x7a, 0x10), new Color(0x80, 0x3c, 0xb0), new Color(0xc8, 0x28, 0x28),
            new Color(0x10, 0x90, 0x90), new Color(0x70, 0x70, 0x70)};
        addListener(SWT.Paint, e -> paint(e.gc));
        addListener(SWT.Resize, e -> updateScrollBar());
        addListener(SWT.MouseVerticalWheel, this::wheel);
        addListener(SWT.MouseHorizontalWheel, e -> {
            pan(-e.count * span() / 20);
            e.doit = false;
        });
        addListener(SWT.MouseDown, e -> {
            setFocus();
            if (e.button == 1 && e.x >= LABEL_WIDTH) {
                dragStart = e.x;
                dragNow = e.x;
            }
        });
        addListener(SWT.MouseMove, e -> {
            if (dragStart >= 0) {
                dragNow = e.x;
                redraw();
            }
            setToolTipText(describeAt(e.x, e.y));
        });
        addListener(SWT.MouseUp, this::mouseUp);
        addListener(SWT.KeyDown, this::key);
        getVerticalBar().addListener(SWT.Selection, e -> redraw());
        addListener(SWT.Dispose, e -> {
            if (densityImage != null) {
                densityImage.dispose();
            }
            laneShade.dispose();
            gridColor.dispose();
            densityColor.dispose();
            cursorColor.dispose();
            rangeColor.dispose();
            for (Color c : familyColors) {
                c.dispose();
            }
        });
    }

    // --- state set by the view -------------------------------------------------------------

    /** Shows a trace of this time span (no lanes until its index is set), the whole of it. */
    public void setTrace(long firstTs, long lastTs, String text) {
        first = firstTs;
        last = Math.max(firstTs, lastTs);
        index = null;
        detail = null;
        message = text;
        cursor = TraceModel.NONE;
        rangeFrom = TraceModel.NONE;
        rangeTo = TraceModel.NONE;
        fit();
    }

    /**
     * Extends the trace's time span as a live trace grows (the first time stamp stays; the
     * cursor, range and view stay too).
     */
    public void extendTo(long firstTs, long lastTs) {
        first = firstTs;
        last = Math.max(firstTs, lastTs);
        updateScrollBar();
        redraw();
    }

    /** The time cursor drawn, or {@link TraceModel#NONE}. */
    public long cursor() {
        return cursor;
    }

    /** The lanes and counts to draw. */
    public void setIndex(@Nullable LaneIndex laneIndex, String text) {
        index = laneIndex;
        detail = null;
        message = text;
        updateScrollBar();
        redraw();
    }

    /** The single events of a window, drawn while the view stays inside it. */
    public void setDetail(@Nullable Detail d) {
        detail = d;
        redraw();
    }

    /** A line of text over the lanes ("" for none). */
    public void setMessage(String text) {
        message = text;
        redraw();
    }

    /** Shows the time cursor. */
    public void setCursor(long ts) {
        cursor = ts;
        redraw();
    }

    /** Shows the range selection. */
    public void setRange(long from, long to) {
        rangeFrom = from;
        rangeTo = to;
        redraw();
    }

    // --- what is shown ---------------------------------------------------------------------

    /** The index drawn, if any. */
    public @Nullable LaneIndex index() {
        return index;
    }

    /** The detail drawn when it covers the view, if any. */
    public @Nullable Detail detail() {
        return detail;
    }

    /** Whether single events are drawn now (the detail covers the view). */
    public boolean showsSingleEvents() {
        Detail d = detail;
        return d != null && d.covers(viewFrom, viewTo);
    }

    /** The lanes shown. */
    public List<Lane> lanes() {
        LaneIndex i = index;
        return i == null ? List.of() : i.lanes();
    }

    /** The start of the visible window. */
    public long viewFrom() {
        return viewFrom;
    }

    /** The end of the visible window. */
    public long viewTo() {
        return viewTo;
    }

    /** How long the last paint took, in nanoseconds. */
    public long lastPaintNanos() {
        return lastPaintNanos;
    }

    /** The x of a time. */
    public int xOf(long ts) {
        int w = plotWidth();
        return LABEL_WIDTH + (int) Math.round((double) (ts - viewFrom) * w / span());
    }

    /** The time at x. */
    public long tsAt(int x) {
        int w = plotWidth();
        return viewFrom + Math.round((double) (x - LABEL_WIDTH) * span() / w);
    }

    /** The y of a lane's middle as drawn now (scrolled), or -1 when scrolled out. */
    public int laneCentre(int lane) {
        int y = AXIS_HEIGHT + lane * LANE_HEIGHT - getVerticalBar().getSelection() + LANE_HEIGHT / 2;
        return y < AXIS_HEIGHT || y > getClientArea().height ? -1 : y;
    }

    // --- zoom and pan ----------------------------------------------------------------------

    private long span() {
        return Math.max(1, viewTo - viewFrom);
    }

    private int plotWidth() {
        return Math.max(1, getClientArea().width - LABEL_WIDTH);
    }

    /** Shows the whole trace. */
    public void fit() {
        long whole = last - first;
        long margin = Math.max(MIN_SPAN, whole / 50);
        setView(first - margin, last + margin);
    }

    /** Shows [from, to] (kept inside the trace, at least {@link #MIN_SPAN} wide). */
    public void setView(long from, long to) {
        long s = Math.max(MIN_SPAN, to - from);
        long whole = last - first;
        long margin = Math.max(MIN_SPAN, whole / 50);
        long maxSpan = whole + 2 * margin;
        if (s > maxSpan) {
            s = maxSpan;
            from = first - margin;
        }
        from = Math.max(first - margin, Math.min(from, last + margin - s));
        if (from == viewFrom && from + s == viewTo) {
            return;
        }
        viewFrom = from;
        viewTo = from + s;
        redraw();
        listener.viewChanged(viewFrom, viewTo);
    }

    /** Zooms by a factor (below 1 zooms in) keeping the time at x where it is. */
    public void zoom(double factor, int x) {
        long anchor = tsAt(Math.max(LABEL_WIDTH, x));
        double left = (double) (anchor - viewFrom) * factor;
        double newSpan = Math.max(MIN_SPAN, span() * factor);
        long from = anchor - Math.round(left);
        setView(from, from + Math.round(newSpan));
    }

    /** Moves the view by this many nanoseconds. */
    public void pan(long ns) {
        setView(viewFrom + ns, viewTo + ns);
    }

    private void wheel(Event e) {
        e.doit = false;
        if ((e.stateMask & SWT.SHIFT) != 0) {
            pan(-e.count * span() / 20);
        } else {
            zoom(Math.pow(0.8, e.count), e.x);
        }
    }

    private void key(Event e) {
        int centre = LABEL_WIDTH + plotWidth() / 2;
        switch (e.keyCode) {
            case '+', '=', SWT.KEYPAD_ADD -> zoom(0.5, centre);
            case '-', SWT.KEYPAD_SUBTRACT -> zoom(2, centre);
            case SWT.ARROW_LEFT -> pan(-span() / 10);
            case SWT.ARROW_RIGHT -> pan(span() / 10);
            case SWT.HOME -> fit();
            case SWT.ARROW_UP -> scrollLanes(-LANE_HEIGHT);
            case SWT.ARROW_DOWN -> scrollLanes(LANE_HEIGHT);
            default -> {
                return;
            }
        }
        e.doit = false;
    }

    private void scrollLanes(int dy) {
        ScrollBar bar = getVerticalBar();
        bar.setSelection(bar.getSelection() + dy);
        redraw();
    }

    private void updateScrollBar() {
        ScrollBar bar = getVerticalBar();
        int content = lanes().size() * LANE_HEIGHT;
        int visible = Math.max(1, getClientArea().height - AXIS_HEIGHT);
        bar.setMaximum(Math.max(content, 1));
        bar.setThumb(Math.min(visible, Math.max(content, 1)));
        bar.setPageIncrement(visible);
        bar.setIncrement(LANE_HEIGHT);
        bar.setVisible(content > visible);
    }

    private void mouseUp(Event e) {
        if (dragStart < 0 || e.button != 1) {
            return;
        }
        int start = dragStart;
        dragStart = -1;
        dragNow = -1;
        if (Math.abs(e.x - start) > 3) {
            listener.rangePicked(tsAt(Math.min(start, e.x)), tsAt(Math.max(start, e.x)));
        } else {
            listener.cursorPicked(snap(e.x));
        }
        redraw();
    }

    // A click within a few pixels of a single event drawn picks that event's time.
    private long snap(int x) {
        long t = tsAt(x);
        Detail d = detail;
        if (d == null || !showsSingleEvents()) {
            return t;
        }
        long best = t;
        int bestDx = 5;
        for (long ts : d.ts()) {
            int dx = Math.abs(xOf(ts) - x);
            if (dx < bestDx) {
                bestDx = dx;
                best = ts;
            }
        }
        return best;
    }

    /** What the pointer at (x, y) is over: the lane, the time and the events counted there. */
    public @Nullable String describeAt(int x, int y) {
        LaneIndex i = index;
        if (i == null || x < LABEL_WIDTH || y < AXIS_HEIGHT) {
            return null;
        }
        int lane = (y - AXIS_HEIGHT + getVerticalBar().getSelection()) / LANE_HEIGHT;
        if (lane >= i.lanes().size()) {
            return null;
        }
        long t = tsAt(x);
        long from = tsAt(x - 1);
        long to = tsAt(x + 1);
        int b0 = bucket(i, from);
        int b1 = bucket(i, to);
        long n = 0;
        for (int b = b0; b <= b1; b++) {
            n += i.count(lane, b);
        }
        return i.lanes().get(lane).label() + "\n" + TimeFormat.duration(t - first) + " from the start ("
                + TimeFormat.timestamp(t) + ")\nabout " + n + " events here";
    }

    // --- painting --------------------------------------------------------------------------

    private static int bucket(LaneIndex i, long ts) {
        long b = Math.floorDiv(ts - i.startTs(), i.bucketNs());
        return (int) Math.max(0, Math.min(i.buckets() - 1, b));
    }

    private void paint(GC gc) {
        long start = System.nanoTime();
        Rectangle area = getClientArea();
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(area);
        int scroll = getVerticalBar().getSelection();
        List<Lane> lanes = lanes();
        LaneIndex i = index;
        gc.setClipping(0, AXIS_HEIGHT, area.width, area.height - AXIS_HEIGHT);
        for (int lane = 0; lane < lanes.size(); lane++) {
            int top = AXIS_HEIGHT + lane * LANE_HEIGHT - scroll;
            if (top + LANE_HEIGHT < AXIS_HEIGHT || top > area.height) {
                continue;
            }
            if (lane % 2 == 0) {
                gc.setBackground(laneShade);
                gc.fillRectangle(0, top, area.width, LANE_HEIGHT);
            }
        }
        if (i != null && !showsSingleEvents()) {
            paintDensity(gc, i, area, scroll);
            paintGrid(gc, area);
        } else {
            paintGrid(gc, area);
            if (i != null) {
                paintEvents(gc, area, scroll);
            }
        }
        paintRangeAndCursor(gc, area);
        gc.setClipping((Rectangle) null);
        paintLabels(gc, lanes, area, scroll);
        paintAxis(gc, area);
        if (!message.isEmpty()) {
            Point extent = gc.textExtent(message);
            int x = LABEL_WIDTH + Math.max(4, (area.width - LABEL_WIDTH - extent.x) / 2);
            int y = AXIS_HEIGHT + 8 + (lanes.isEmpty() ? 20 : 0);
            gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_INFO_BACKGROUND));
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_INFO_FOREGROUND));
            gc.drawText(message, x, y);
        }
        lastPaintNanos = System.nanoTime() - start;
    }

    // The density of every visible lane, with the lane shading, as one opaque image: in each
    // pixel column a bar, on a log scale against the lane's highest column in view. Its cost
    // follows the pixels and the buckets in view, never the events; it is kept until the view,
    // the size, the scroll or the index change, so cursor and range repaints only copy it.
    private void paintDensity(GC gc, LaneIndex i, Rectangle area, int scroll) {
        int w = plotWidth();
        int h = Math.max(1, area.height - AXIS_HEIGHT);
        Image cached = densityImage;
        if (cached == null || densityKey[0] != viewFrom || densityKey[1] != viewTo || densityKey[2] != w
                || densityKey[3] != h || densityKey[4] != scroll || densityIndex != i) {
            if (cached != null) {
                cached.dispose();
            }
            cached = new Image(getDisplay(), densityData(i, w, h, scroll));
            densityImage = cached;
            densityIndex = i;
            densityKey = new long[] {viewFrom, viewTo, w, h, scroll};
        }
        gc.drawImage(cached, LABEL_WIDTH, AXIS_HEIGHT);
    }

    private ImageData densityData(LaneIndex i, int w, int h, int scroll) {
        int[] b0 = new int[w];
        int[] b1 = new int[w];
        long end = i.startTs() + (long) i.buckets() * i.bucketNs();
        for (int px = 0; px < w; px++) {
            long from = viewFrom + (long) ((double) px * span() / w);
            long to = viewFrom + (long) ((double) (px + 1) * span() / w) - 1;
            if (to < i.startTs() || from >= end) {
                b0[px] = 0;
                b1[px] = -1;
                continue;
            }
            b0[px] = bucket(i, from);
            b1[px] = Math.max(b0[px], bucket(i, to));
        }
        PaletteData palette = new PaletteData(0xFF0000, 0xFF00, 0xFF);
        ImageData image = new ImageData(w, h, 24, palette);
        int white = 0xFFFFFF;
        int shade = rgb(laneShade);
        int bar = rgb(densityColor);
        int[] row = new int[w];
        long[] column = new long[w];
        int[] bars = new int[w];
        int height = LANE_HEIGHT - 5;
        for (int y = 0; y < h; y++) {
            int lane = (y + scroll) / LANE_HEIGHT;
            int background = lane < i.lanes().size() && lane % 2 == 0 ? shade : white;
            java.util.Arrays.fill(row, background);
            image.setPixels(0, y, w, row, 0);
        }
        for (int lane = 0; lane < i.lanes().size(); lane++) {
            int top = lane * LANE_HEIGHT - scroll;
            if (top + LANE_HEIGHT <= 0 || top >= h) {
                continue;
            }
            long max = 0;
            for (int px = 0; px < w; px++) {
                long n = 0;
                for (int b = b0[px]; b <= b1[px]; b++) {
                    n += i.count(lane, b);
                }
                column[px] = n;
                max = Math.max(max, n);
            }
            if (max == 0) {
                continue;
            }
            double scale = Math.log1p(max);
            for (int px = 0; px < w; px++) {
                bars[px] = column[px] == 0 ? 0 : Math.max(2, (int) Math.round(height * Math.log1p(column[px]) / scale));
            }
            int background = lane % 2 == 0 ? shade : white;
            int base = top + LANE_HEIGHT - 2;
            for (int y = Math.max(0, base - height); y < Math.min(h, base); y++) {
                int level = base - y; // 1 at the base line
                for (int px = 0; px < w; px++) {
                    row[px] = bars[px] >= level ? bar : background;
                }
                image.setPixels(0, y, w, row, 0);
            }
        }
        return image;
    }

    private static int rgb(Color c) {
        return c.getRed() << 16 | c.getGreen() << 8 | c.getBlue();
    }

    /**
     * Paints the whole timeline into an image of the canvas's size, as a repaint does, and
     * returns how long the painting took in nanoseconds (for benchmarks: on-screen repaints are
     * asynchronous).
     */
    public long paintOffscreen() {
        Rectangle area = getClientArea();
        Image img = new Image(getDisplay(), Math.max(1, area.width), Math.max(1, area.height));
        GC gc = new GC(img);
        try {
            paint(gc);
            return lastPaintNanos;
        } finally {
            gc.dispose();
            img.dispose();
        }
    }

    private void paintEvents(GC gc, Rectangle area, int scroll) {
        Detail d = detail;
        if (d == null) {
            return;
        }
        for (int k = 0; k < d.size(); k++) {
            long t = d.ts()[k];
            if (t < viewFrom || t > viewTo) {
                continue;
            }
            int x = xOf(t);
            gc.setBackground(familyColors[family(d.types()[k])]);
            for (int lane : new int[] {d.laneA()[k], d.laneB()[k], d.laneC()[k]}) {
                if (lane < 0) {
                    continue;
                }
                int top = AXIS_HEIGHT + lane * LANE_HEIGHT - scroll;
                if (top + LANE_HEIGHT >= AXIS_HEIGHT && top <= area.height) {
                    gc.fillRectangle(x - 1, top + 3, 3, LANE_HEIGHT - 6);
                }
            }
        }
    }

    /** The colour family of a kind: memory, DMA, IOMMU, RDMA, GPU, P2P, other. */
    static int family(EventType t) {
        String id = t.id();
        if (id.startsWith("vma_") || id.startsWith("page_") || id.equals("pin") || id.equals("unpin")
                || id.equals("migrate") || id.startsWith("hmm_") || id.startsWith("notifier_")) {
            return 0;
        }
        if (id.startsWith("dma_") && !id.startsWith("dmabuf")) {
            return 1;
        }
        if (id.startsWith("iommu_")) {
            return 2;
        }
        if (id.startsWith("mr_")) {
            return 3;
        }
        if (id.startsWith("gpudirect_") || id.startsWith("dmabuf_")) {
            return 4;
        }
        if (id.startsWith("p2p_")) {
            return 5;
        }
        return 6;
    }

    private void paintGrid(GC gc, Rectangle area) {
        long step = axisStep();
        gc.setForeground(gridColor);
        for (long t = firstTick(step); t <= viewTo; t += step) {
            int x = xOf(t);
            gc.drawLine(x, AXIS_HEIGHT, x, area.height);
        }
    }

    private void paintRangeAndCursor(GC gc, Rectangle area) {
        long a = rangeFrom;
        long b = rangeTo;
        if (dragStart >= 0 && Math.abs(dragNow - dragStart) > 3) {
            a = tsAt(Math.min(dragStart, dragNow));
            b = tsAt(Math.max(dragStart, dragNow));
        }
        if (a != TraceModel.NONE && b >= viewFrom && a <= viewTo) {
            int x0 = Math.max(LABEL_WIDTH, xOf(a));
            int x1 = Math.min(area.width, xOf(b));
            gc.setAlpha(50);
            gc.setBackground(rangeColor);
            gc.fillRectangle(x0, AXIS_HEIGHT, Math.max(1, x1 - x0), area.height - AXIS_HEIGHT);
            gc.setAlpha(255);
            gc.setForeground(rangeColor);
            gc.drawLine(x0, AXIS_HEIGHT, x0, area.height);
            gc.drawLine(x1, AXIS_HEIGHT, x1, area.height);
        }
        if (cursor != TraceModel.NONE && cursor >= viewFrom && cursor <= viewTo) {
            int x = xOf(cursor);
            gc.setForeground(cursorColor);
            gc.setLineWidth(2);
            gc.drawLine(x, AXIS_HEIGHT, x, area.height);
            gc.setLineWidth(1);
        }
    }

    private void paintLabels(GC gc, List<Lane> lanes, Rectangle area, int scroll) {
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WIDGET_BACKGROUND));
        gc.fillRectangle(0, AXIS_HEIGHT, LABEL_WIDTH, area.height - AXIS_HEIGHT);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_WIDGET_FOREGROUND));
        gc.setClipping(0, AXIS_HEIGHT, LABEL_WIDTH - 4, area.height - AXIS_HEIGHT);
        int textHeight = gc.getFontMetrics().getHeight();
        for (int lane = 0; lane < lanes.size(); lane++) {
            int top = AXIS_HEIGHT + lane * LANE_HEIGHT - scroll;
            if (top + LANE_HEIGHT < AXIS_HEIGHT || top > area.height) {
                continue;
            }
            Lane l = lanes.get(lane);
            String prefix = l.kind() == Lane.Kind.PROCESS ? "\u25a0 " : l.kind() == Lane.Kind.BACKEND ? "\u25b2 " : "\u25c6 ";
            gc.drawText(prefix + l.label(), 6, top + (LANE_HEIGHT - textHeight) / 2, true);
        }
        gc.setClipping((Rectangle) null);
        gc.setForeground(gridColor);
        gc.drawLine(LABEL_WIDTH - 1, AXIS_HEIGHT, LABEL_WIDTH - 1, area.height);
    }

    private long axisStep() {
        return TimeFormat.niceStep((double) span() * 100 / plotWidth());
    }

    private long firstTick(long step) {
        long rel = viewFrom - first;
        return first + Math.floorDiv(rel + step - 1, step) * step;
    }

    private void paintAxis(GC gc, Rectangle area) {
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WIDGET_BACKGROUND));
        gc.fillRectangle(0, 0, area.width, AXIS_HEIGHT);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_WIDGET_FOREGROUND));
        gc.drawText("span " + TimeFormat.duration(span()), 6, 5, true);
        long step = axisStep();
        gc.setClipping(LABEL_WIDTH, 0, area.width - LABEL_WIDTH, AXIS_HEIGHT);
        for (long t = firstTick(step); t <= viewTo; t += step) {
            int x = xOf(t);
            gc.drawLine(x, AXIS_HEIGHT - 6, x, AXIS_HEIGHT);
            gc.drawText(TimeFormat.duration(t - first, step), x + 3, 4, true);
        }
        gc.setClipping((Rectangle) null);
        gc.drawLine(0, AXIS_HEIGHT - 1, area.width, AXIS_HEIGHT - 1);
    }

    /** The axis labels drawn now, left to right (for tests and people reading logs). */
    public List<String> axisLabels() {
        long step = axisStep();
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (long t = firstTick(step); t <= viewTo; t += step) {
            out.add(TimeFormat.duration(t - first, step));
        }
        return out;
    }
}
