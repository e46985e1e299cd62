package org.dmascope.ui.chain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.dmascope.core.backend.BackendStyle;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.ChainStep;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Sizes;
import org.dmascope.core.memory.Vma;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;

/**
 * The address chain as five columns, one per stage: the VMAs, the page runs (pinned pages, by
 * runs of contiguous PFNs, coloured by the backend's style and the page state), the physical
 * ranges the scatter list is built of (one per CPU entry), the DMA address each range is mapped
 * at, and the scatter-gather entries handed to the device (the DMA segments). Every column covers
 * the region's bytes top to bottom in the same order, so an item's height is its share of the
 * bytes; the bands between columns are the links: a band that gathers several items is a merge,
 * a boundary that appears is a split. Hovering a band says which rule made that link.
 *
 * <p>The wheel zooms around the pointer from the whole region down to single pages (a grid of
 * pages appears when a page is tall enough), dragging pans, {@code 0} fits the region again.
 * Items are runs and entries, never one widget or one object per page; columns with more items
 * than pixels draw at most one boundary per pixel row.
 */
public final class ChainCanvas extends Canvas {

    /** The columns, left to right. */
    public enum Column {
        /** The VMAs the range overlaps. */
        VMAS("VMAs"),
        /** The pinned pages, as runs of contiguous PFNs. */
        PAGES("Page runs"),
        /** The physically contiguous ranges, one per CPU scatter-list entry. */
        PHYSICAL("Physical"),
        /** The DMA address each range is mapped at. */
        DMA("DMA"),
        /** The scatter-gather entries the device gets (sg_dma_address, sg_dma_len). */
        SEGMENTS("Scatter-gather entries");

        private final String title;

        Column(String title) {
            this.title = title;
        }

        /** The column's heading. */
        public String title() {
            return title;
        }
    }

    /** Receives clicks on items. */
    public interface ItemListener {
        /** An item was clicked. */
        void clicked(ChainItem item);
    }

    private static final int HEADER = 38;
    private static final int MARGIN = 10;
    private static final int FOOTER = 20;
    private static final int GAP = 34;
    private static final long PAGE = 4096;
    private static final RGB VMA_RGB = new RGB(0xd9, 0xe4, 0xf2);
    private static final RGB PHYS_RGB = new RGB(0xf2, 0xe6, 0xc9);
    private static final RGB DMA_RGB = new RGB(0xe8, 0xdc, 0xf4);
    private static final RGB SEG_RGB = new RGB(0xd8, 0xf0, 0xdc);
    private static final RGB BUS_RGB = new RGB(0xf7, 0xc9, 0x8b);
    private static final RGB UNKNOWN_RGB = new RGB(0xf0, 0xf0, 0xf0);
    private static final RGB MERGE_RGB = new RGB(0xb8, 0xe0, 0xb8);
    private static final RGB SPLIT_RGB = new RGB(0xf5, 0xcf, 0xa8);
    private static final RGB PASS_RGB = new RGB(0xe4, 0xe4, 0xe4);

    /**
     * An entry of the legend the canvas draws under the columns: a backend's style or a page state
     * that appears in the chain.
     *
     * @param text    what it says
     * @param rgb     the swatch's colour, 0xRRGGBB
     * @param fill    the swatch's fill
     * @param tooltip the longer text shown when hovering it
     */
    public record LegendEntry(String text, int rgb, PageStates.Fill fill, String tooltip) {
    }

    /**
     * A band of the page-run column as the last paint drew it: one run, or at low zoom several
     * runs aggregated into a band a few pixels tall, striped in proportion to the pages in each
     * state.
     *
     * @param y0         the top pixel row
     * @param y1         the bottom pixel row (exclusive)
     * @param firstRun   the first run
     * @param endRun     the run after the last
     * @param pages      pages per state name in the band
     */
    public record DrawnBand(int y0, int y1, int firstRun, int endRun, Map<String, Long> pages) {
    }

    private static final int LEGEND_ROW = 18;
    // The narrowest stripe a state gets in a band of several runs, at least a fifth of the column.
    private static final int MIN_STRIPE = 12;
    // Runs thinner than this many pixel rows are gathered into bands this tall.
    private static final int BAND = 5;
    private static final int SWATCH_W = 18;

    private @Nullable AddressChain chain;
    private List<BackendStyle> vmaStyles = List.of();
    private @Nullable PageStates states;
    private String title = "";
    private List<LegendEntry> legend = List.of();
    private final List<Rectangle> legendBoxes = new ArrayList<>();
    private int legendHeight;
    private final List<DrawnBand> drawnBands = new ArrayList<>();
    // Byte offsets of each item's start, per column, plus the end.
    private long[][] starts = new long[Column.values().length][];
    private long total;
    // The bytes shown: [viewFrom, viewTo).
    private long viewFrom;
    private long viewTo;
    private int dragY = -1;
    private long dragFrom;
    private final List<ItemListener> listeners = new ArrayList<>();

    /** A canvas in the parent. */
    public ChainCanvas(Composite parent) {
        super(parent, SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND);
        addListener(SWT.Paint, this::paint);
        addListener(SWT.MouseMove, this::mouseMove);
        addListener(SWT.MouseDown, this::mouseDown);
        addListener(SWT.MouseUp, e -> dragY = -1);
        addListener(SWT.MouseVerticalWheel, this::wheel);
        addListener(SWT.KeyDown, this::key);
        addListener(SWT.Resize, e -> redraw());
    }

    /** Shows a chain (null: nothing); {@code styles} gives each VMA's backend style, in order. */
    public void setChain(@Nullable AddressChain value, List<BackendStyle> styles) {
        setChain(value, styles, "");
    }

    /**
     * Shows a chain (null: nothing) with a title saying where it comes from ("live pid 1234",
     * "scenario migrate, step line 9"); {@code styles} gives each VMA's backend style, in order.
     */
    public void setChain(@Nullable AddressChain value, List<BackendStyle> styles, String source) {
        checkWidget();
        chain = value;
        vmaStyles = List.copyOf(styles);
        title = source;
        starts = new long[Column.values().length][];
        total = 0;
        // A tooltip shown now speaks of the chain before.
        setToolTipText(null);
        states = value == null ? null : new PageStates(value, vmaStyles);
        legend = value == null ? List.of() : buildLegend(value, vmaStyles, states);
        drawnBands.clear();
        if (value != null) {
            layoutColumns(value);
        }
        viewFrom = 0;
        viewTo = Math.max(PAGE, total);
        redraw();
    }

    /** The chain shown. */
    public @Nullable AddressChain chain() {
        return chain;
    }

    /**
     * What the canvas says while it has no chain: the source it is empty for ("the simulator: no
     * address chain yet"), or, when nothing was resolved at all, how to resolve one.
     */
    public String emptyText() {
        return title.isEmpty() ? "No chain resolved yet: choose a process, an address and a length, then Resolve."
                : title + ".";
    }

    /** Where the chain shown comes from, as given to {@link #setChain(AddressChain, List, String)}. */
    public String source() {
        return title;
    }

    /** The legend drawn under the columns: each backend's style, then each page state that appears. */
    public List<LegendEntry> legend() {
        return legend;
    }

    /** The page states of the chain shown, null when none. */
    public @Nullable PageStates pageStates() {
        return states;
    }

    /** The state names of page run i: its kind first, then its backend's states. */
    public List<String> runStates(int run) {
        PageStates p = states;
        return p == null ? List.of() : p.namesOf(run);
    }

    /** The bands of the page-run column as the last paint drew them, top to bottom. */
    public List<DrawnBand> drawnBands() {
        return List.copyOf(drawnBands);
    }

    /** Adds a click listener. */
    public void addItemListener(ItemListener l) {
        listeners.add(l);
    }

    /** How many items a column holds (for tests). */
    public int items(Column column) {
        long[] s = starts[column.ordinal()];
        return s == null ? 0 : s.length - 1;
    }

    /** The bytes shown, as offsets into the region: {from, to}. */
    public long[] view() {
        return new long[] {viewFrom, viewTo};
    }

    /** Shows [from, to) of the region (clamped; at least one page). */
    public void zoomTo(long from, long to) {
        long span = Math.max(PAGE, Math.min(Math.max(PAGE, total), to - from));
        long f = Math.max(0, Math.min(from, Math.max(0, total - span)));
        viewFrom = f;
        viewTo = f + span;
        redraw();
    }

    /** Shows the whole region. */
    public void fit() {
        zoomTo(0, total);
    }

    private void layoutColumns(AddressChain c) {
        long first = c.request().address() & -PAGE;
        long last = (c.request().address() + c.request().length() + PAGE - 1) & -PAGE;
        total = last - first;
        List<Vma> vmas = c.vmas();
        long[] v = new long[vmas.size() + 1];
        for (int i = 0; i < vmas.size(); i++) {
            v[i] = Math.max(0, vmas.get(i).start() - first);
        }
        v[vmas.size()] = vmas.isEmpty() ? 0 : Math.min(total, vmas.get(vmas.size() - 1).end() - first);
        starts[Column.VMAS.ordinal()] = v;
        PageRuns pages = c.pages();
        if (pages != null && pages.size() > 0) {
            long[] p = new long[pages.size() + 1];
            for (int i = 0; i < pages.size(); i++) {
                p[i] = pages.vaddr(i) - first;
            }
            p[pages.size()] = p[pages.size() - 1] + (pages.pages(pages.size() - 1) << 12);
            starts[Column.PAGES.ordinal()] = p;
        }
        ScatterList sg = c.sg();
        if (sg != null) {
            long[] s = new long[sg.size() + 1];
            long at = 0;
            for (int i = 0; i < sg.size(); i++) {
                s[i] = at;
                at += sg.pages(i) << 12;
            }
            s[sg.size()] = at;
            starts[Column.PHYSICAL.ordinal()] = s;
            DmaSegments dma = c.dma();
            if (dma != null) {
                starts[Column.DMA.ordinal()] = s;
                long[] d = new long[dma.size() + 1];
                for (int i = 0; i < dma.size(); i++) {
                    d[i] = s[dma.firstEntry(i)];
                }
                d[dma.size()] = at;
                starts[Column.SEGMENTS.ordinal()] = d;
            }
        }
    }

    private static List<LegendEntry> buildLegend(AddressChain c, List<BackendStyle> styles, @Nullable PageStates p) {
        List<LegendEntry> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < styles.size(); i++) {
            BackendStyle st = styles.get(i);
            String id = i < c.backends().size() ? c.backends().get(i) : "";
            if (seen.add("backend:" + st.label())) {
                out.add(new LegendEntry(st.label(), st.rgb(), PageStates.Fill.SOLID,
                        (id.isEmpty() ? "" : "backend " + id + ": ") + st.legend()));
            }
        }
        if (p != null) {
            for (PageStates.State s : p.states()) {
                if (seen.add("state:" + s.name())) {
                    out.add(new LegendEntry(s.name(), s.rgb(), s.fill(), String.format(Locale.ROOT, "%s: %,d pages",
                            s.name(), p.pagesByState().getOrDefault(s.name(), 0L))));
                }
            }
        }
        return List.copyOf(out);
    }

    private Rectangle columnBox(int col) {
        Rectangle area = getClientArea();
        int n = Column.values().length;
        int width = Math.max(20, (area.width - 2 * MARGIN - (n - 1) * GAP) / n);
        int x = MARGIN + col * (width + GAP);
        return new Rectangle(x, HEADER, width, Math.max(10, area.height - HEADER - FOOTER - legendHeight));
    }

    // Lays the legend out in rows above the footer: sets legendHeight and each entry's box.
    private void layoutLegend(GC gc) {
        legendBoxes.clear();
        Rectangle area = getClientArea();
        if (legend.isEmpty()) {
            legendHeight = 0;
            return;
        }
        int x = MARGIN + gc.textExtent("Legend:").x + 8;
        int row = 0;
        for (LegendEntry e : legend) {
            int w = SWATCH_W + 4 + gc.textExtent(e.text()).x + 14;
            if (x + w > area.width - MARGIN && x > MARGIN + 60) {
                row++;
                x = MARGIN + gc.textExtent("Legend:").x + 8;
            }
            legendBoxes.add(new Rectangle(x, row * LEGEND_ROW, w, LEGEND_ROW));
            x += w;
        }
        legendHeight = (row + 1) * LEGEND_ROW + 6;
    }

    private void paintLegend(GC gc) {
        Rectangle area = getClientArea();
        int top = area.height - FOOTER - legendHeight + 4;
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND));
        gc.drawText("Legend:", MARGIN, top + 2, true);
        for (int i = 0; i < legend.size(); i++) {
            LegendEntry e = legend.get(i);
            Rectangle b = legendBoxes.get(i);
            Rectangle sw = new Rectangle(b.x, top + b.y + 3, SWATCH_W, LEGEND_ROW - 6);
            if (e.fill() == PageStates.Fill.MARKER) {
                fill(gc, sw, 0xffffff, PageStates.Fill.EMPTY);
                gc.setBackground(new Color(rgb(e.rgb())));
                gc.fillRectangle(sw.x + sw.width - 6, sw.y, 6, sw.height);
            } else {
                fill(gc, sw, e.rgb(), e.fill());
            }
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
            gc.drawRectangle(sw.x, sw.y, sw.width - 1, sw.height - 1);
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND));
            gc.drawText(e.text(), b.x + SWATCH_W + 4, top + b.y + 1, true);
        }
    }

    /** The legend entry at a point, -1 for none. */
    private int legendAt(int x, int y) {
        Rectangle area = getClientArea();
        int top = area.height - FOOTER - legendHeight + 4;
        for (int i = 0; i < legendBoxes.size(); i++) {
            Rectangle b = legendBoxes.get(i);
            if (x >= b.x && x < b.x + b.width && y >= top + b.y && y < top + b.y + b.height) {
                return i;
            }
        }
        return -1;
    }

    /** The centre of legend entry i as last drawn (for tests posting events), (-1, -1) when not drawn. */
    public Point legendCentre(int i) {
        if (i >= legendBoxes.size()) {
            return new Point(-1, -1);
        }
        Rectangle b = legendBoxes.get(i);
        int top = getClientArea().height - FOOTER - legendHeight + 4;
        return new Point(b.x + SWATCH_W / 2, top + b.y + b.height / 2);
    }

    /**
     * Fills a rectangle in a state's way. Patterns are anchored to the canvas, not to the
     * rectangle, so that they run on across neighbouring runs.
     */
    private void fill(GC gc, Rectangle r, int rgb, PageStates.Fill how) {
        if (r.width <= 0 || r.height <= 0) {
            return;
        }
        RGB base = rgb(rgb);
        Rectangle clip = gc.getClipping();
        Rectangle inside = r.intersection(clip);
        if (inside.isEmpty()) {
            return;
        }
        switch (how) {
            case SOLID, MARKER -> {
                gc.setBackground(new Color(base));
                gc.fillRectangle(r);
            }
            case EMPTY -> {
                gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
                gc.fillRectangle(r);
                gc.setForeground(new Color(new RGB(0xc8, 0xc8, 0xc8)));
                for (int y = r.y - Math.floorMod(r.y, 6); y < r.y + r.height; y += 6) {
                    for (int x = r.x - Math.floorMod(r.x, 6) + (y / 6 % 2) * 3; x < r.x + r.width; x += 6) {
                        if (y >= r.y && x >= r.x) {
                            gc.drawPoint(x, y);
                        }
                    }
                }
            }
            case HATCH, GRID -> {
                gc.setBackground(new Color(lighten(base, 0.55)));
                gc.fillRectangle(r);
                gc.setClipping(inside);
                gc.setForeground(new Color(darken(base, 0.25)));
                gc.setLineWidth(how == PageStates.Fill.HATCH ? 2 : 1);
                int step = how == PageStates.Fill.HATCH ? 7 : 6;
                int from = r.x + r.y - Math.floorMod(r.x + r.y, step) - step;
                for (int k = from; k < r.x + r.width + r.y + r.height + step; k += step) {
                    // x + y = k: bottom-left to top-right.
                    gc.drawLine(k - r.y, r.y, k - r.y - r.height, r.y + r.height);
                }
                if (how == PageStates.Fill.GRID) {
                    int from2 = r.x - r.y - Math.floorMod(r.x - r.y, step) - step - r.height;
                    for (int k = from2; k < r.x + r.width + step; k += step) {
                        // x - y = k: top-left to bottom-right.
                        gc.drawLine(k + r.y, r.y, k + r.y + r.height, r.y + r.height);
                    }
                }
                gc.setLineWidth(1);
                gc.setClipping(clip);
            }
            case DOTS -> {
                gc.setBackground(new Color(lighten(base, 0.45)));
                gc.fillRectangle(r);
                gc.setBackground(new Color(darken(base, 0.2)));
                for (int y = r.y - Math.floorMod(r.y, 5); y < r.y + r.height; y += 5) {
                    for (int x = r.x - Math.floorMod(r.x, 5); x < r.x + r.width; x += 5) {
                        if (y >= r.y && x >= r.x) {
                            gc.fillRectangle(x, y, 2, 2);
                        }
                    }
                }
            }
            default -> throw new IllegalStateException(how.name());
        }
    }

    private int y(long offset, Rectangle box) {
        double f = (double) (offset - viewFrom) / (viewTo - viewFrom);
        return box.y + (int) Math.round(Math.max(-1, Math.min(2, f)) * box.height);
    }

    private long offsetAt(int y, Rectangle box) {
        return viewFrom + (long) ((double) (y - box.y) / box.height * (viewTo - viewFrom));
    }

    private void paint(Event e) {
        GC gc = e.gc;
        Rectangle area = getClientArea();
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_LIST_BACKGROUND));
        gc.fillRectangle(area);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND));
        AddressChain c = chain;
        if (c == null) {
            gc.drawText(emptyText(), MARGIN, MARGIN, true);
            return;
        }
        layoutLegend(gc);
        Column[] cols = Column.values();
        for (Column col : cols) {
            Rectangle box = columnBox(col.ordinal());
            long[] s = starts[col.ordinal()];
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND));
            gc.setClipping(box.x, 0, box.width + GAP - 4, HEADER);
            gc.drawText(col.title() + (s == null ? "" : String.format(Locale.ROOT, " (%,d)", s.length - 1)), box.x, 3,
                    true);
            gc.drawText(subtitle(c, col), box.x, 20, true);
            gc.setClipping((Rectangle) null);
            if (s == null || total == 0) {
                gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
                gc.drawRectangle(box.x, box.y, box.width - 1, box.height - 1);
                if (c.error() != null && col.ordinal() > 0 && starts[col.ordinal() - 1] != null) {
                    gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_RED));
                    gc.drawText("refused: -" + c.error(), box.x + 4, box.y + 4, true);
                } else if (c.error() == null && c.pin() == null && col.ordinal() > Column.PAGES.ordinal()) {
                    gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
                    gc.drawText(col == Column.PHYSICAL ? "no scatter list:\nnot built by this step" : "not mapped for"
                            + "\nDMA by this step", box.x + 4, box.y + 4, true);
                }
                continue;
            }
            paintColumn(gc, c, col, s, box);
            if (col.ordinal() > 0 && starts[col.ordinal() - 1] != null) {
                paintLinks(gc, c, col, s, columnBox(col.ordinal() - 1), box);
            }
        }
        paintLegend(gc);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
        String span = String.format(Locale.ROOT, "%sshowing +%#x to +%#x: %s of %s (wheel: zoom, drag: pan, 0: all)",
                title.isEmpty() ? "" : title + ": ", viewFrom, viewTo, Sizes.human(viewTo - viewFrom),
                Sizes.human(total));
        gc.drawText(span, MARGIN, area.height - FOOTER + 2, true);
    }

    private String subtitle(AddressChain c, Column col) {
        return switch (col) {
            case VMAS -> String.format(Locale.ROOT, "%#x + %s", c.request().address(), Sizes.human(c.request().length()));
            case PAGES -> c.pin() == null ? "" : String.format(Locale.ROOT, "%,d faulted, %,d copied", c.pin().faulted(),
                    c.pin().cowBroken());
            case PHYSICAL -> c.sg() == null ? "" : "max_segment " + Sizes.human(c.sg().maxSegment());
            case DMA -> c.request().device().iommu() ? "IOMMU" + (c.iova() != 0 ? String.format(Locale.ROOT, " at %#x",
                    c.iova()) : "") : "dma-direct";
            case SEGMENTS -> c.pageSize() > 0 ? "MR pages " + Sizes.human(c.pageSize()) + ", " + c.dmaBlocks() + " blocks"
                    : "";
        };
    }

    // The index of the item holding an offset, -1 for none.
    private static int itemAtOffset(long[] s, long offset) {
        if (offset < s[0] || offset >= s[s.length - 1]) {
            return -1;
        }
        int i = Arrays.binarySearch(s, 0, s.length - 1, offset);
        // Equal starts (empty items) resolve to the last of them.
        if (i >= 0) {
            while (i + 1 < s.length - 1 && s[i + 1] == offset) {
                i++;
            }
            return i;
        }
        return -i - 2;
    }

    private void paintColumn(GC gc, AddressChain c, Column col, long[] s, Rectangle box) {
        if (col == Column.PAGES && states != null) {
            paintPageRuns(gc, c, s, box, states);
            return;
        }
        gc.setClipping(box);
        int n = s.length - 1;
        int i = Math.max(0, itemAtOffset(s, Math.max(viewFrom, s[0])));
        int lastBoundary = Integer.MIN_VALUE;
        double pixelsPerPage = (double) PAGE * box.height / (viewTo - viewFrom);
        while (i < n && s[i] < viewTo) {
            int y0 = y(s[i], box);
            int y1 = y(s[i + 1], box);
            if (y0 == lastBoundary && y1 == y0 && i < n - 1) {
                // Items thinner than a pixel: jump to the first that ends below this row.
                long next = offsetAt(y0 + 1, box);
                int j = itemAtOffset(s, Math.min(next, s[n] - 1));
                i = j > i ? j : i + 1;
                continue;
            }
            gc.setBackground(new Color(colour(c, col, i)));
            gc.fillRectangle(box.x, y0, box.width, Math.max(1, y1 - y0));
            if (pixelsPerPage >= 6 && col != Column.VMAS && col != Column.SEGMENTS) {
                paintPages(gc, c, col, s, i, box, pixelsPerPage >= 18);
            }
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
            gc.drawLine(box.x, y0, box.x + box.width - 1, y0);
            lastBoundary = y0;
            if (y1 - y0 >= 16) {
                gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
                String label = shortLabel(c, col, i);
                String shown = label;
                while (gc.textExtent(shown).x > box.width - 6 && shown.length() > 3) {
                    shown = shown.substring(0, shown.length() - 2);
                }
                gc.drawText(shown.equals(label) ? label : shown + "…", box.x + 3, Math.max(box.y, y0) + 2, true);
            }
            i++;
        }
        gc.setClipping((Rectangle) null);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
        gc.drawRectangle(box.x, box.y, box.width - 1, box.height - 1);
    }

    // The page runs, each in its state: a run at least a few pixels tall is drawn alone; thinner
    // runs are gathered into a band a few pixels tall, striped left to right in proportion to the
    // pages of each state in it (so a device-private or invalidated page among thousands still
    // shows), with the backend's state markers in proportion at the right edge.
    private void paintPageRuns(GC gc, AddressChain c, long[] s, Rectangle box, PageStates p) {
        drawnBands.clear();
        gc.setClipping(box);
        int n = s.length - 1;
        boolean markers = p.states().stream().anyMatch(st -> st.fill() == PageStates.Fill.MARKER);
        int markerW = markers ? Math.max(8, box.width / 7) : 0;
        int mainW = box.width - markerW;
        double pixelsPerPage = (double) PAGE * box.height / (viewTo - viewFrom);
        long at = Math.max(viewFrom, s[0]);
        int i = Math.max(0, itemAtOffset(s, at));
        while (i < n && at < viewTo) {
            int y0 = y(at, box);
            int j = i + 1;
            long end = s[j];
            // Pages of a run the band takes only in part (its head), -1 for none.
            int partRun = -1;
            long partPages = 0;
            if (y(end, box) - y0 < BAND && i < n - 1) {
                // Thin: gather what the next few pixel rows hold, the head of a long run included.
                long bandEnd = Math.min(s[n], Math.max(end, offsetAt(y0 + BAND, box) & -PAGE));
                int k = bandEnd >= s[n] ? n : itemAtOffset(s, bandEnd);
                j = Math.max(i + 1, k < 0 ? n : k);
                end = s[j];
                if (j < n && bandEnd > s[j]) {
                    partRun = j;
                    partPages = (bandEnd - s[j]) / PAGE;
                    end = bandEnd;
                }
            }
            int y1 = Math.max(y0 + 1, y(end, box));
            Map<PageStates.State, Long> counts = new LinkedHashMap<>(p.pages(i, j));
            if (partRun >= 0) {
                counts.merge(p.kindOf(partRun), partPages, Long::sum);
                for (PageStates.State m : p.markersOf(partRun)) {
                    counts.merge(m, partPages, Long::sum);
                }
            }
            if (at > s[i]) {
                // The band starts inside run i (the rest of a run a band before took the head of).
                long skip = (at - s[i]) / PAGE;
                counts.merge(p.kindOf(i), -skip, Long::sum);
                for (PageStates.State m : p.markersOf(i)) {
                    counts.merge(m, -skip, Long::sum);
                }
                counts.values().removeIf(v -> v <= 0);
            }
            long kindPages = 0;
            long allPages = (end - at) / PAGE;
            for (Map.Entry<PageStates.State, Long> e : counts.entrySet()) {
                if (e.getKey().fill() != PageStates.Fill.MARKER) {
                    kindPages += e.getValue();
                }
            }
            boolean single = j == i + 1 && partRun < 0;
            // Kinds, left to right in proportion; in a band of several runs every state keeps a
            // stripe wide enough to see, taken from the state with the most pages.
            List<PageStates.State> kinds = new ArrayList<>();
            List<Integer> widths = new ArrayList<>();
            int widest = -1;
            int sum = 0;
            for (Map.Entry<PageStates.State, Long> e : counts.entrySet()) {
                if (e.getKey().fill() == PageStates.Fill.MARKER) {
                    continue;
                }
                int w = (int) Math.round((double) mainW * e.getValue() / Math.max(1, kindPages));
                if (!single) {
                    w = Math.max(w, Math.max(MIN_STRIPE, mainW / 5));
                }
                if (widest < 0 || e.getValue() > counts.get(kinds.get(widest))) {
                    widest = kinds.size();
                }
                kinds.add(e.getKey());
                widths.add(w);
                sum += w;
            }
            if (widest >= 0) {
                widths.set(widest, Math.max(1, widths.get(widest) + mainW - sum));
            }
            List<PageStates.State> runMarkers = single ? p.markersOf(i) : List.of();
            int x = box.x;
            for (int k = 0; k < kinds.size(); k++) {
                PageStates.State st = kinds.get(k);
                int w = k == kinds.size() - 1 ? box.x + mainW - x : Math.min(widths.get(k), box.x + mainW - x);
                Rectangle r = new Rectangle(x, y0, w, y1 - y0);
                if (y1 - y0 < 6 && st.fill() != PageStates.Fill.SOLID && st.fill() != PageStates.Fill.EMPTY) {
                    // Too thin for a pattern: the pattern's dark colour, solid.
                    fill(gc, r, rgbInt(darken(rgb(st.rgb()), 0.3)), PageStates.Fill.SOLID);
                } else if (st.fill() == PageStates.Fill.EMPTY && !runMarkers.isEmpty()) {
                    // Not present, in a backend state (an invalidated range): tinted by the state.
                    fill(gc, r, PageStates.lighten(runMarkers.get(0).rgb(), 0.82), PageStates.Fill.SOLID);
                } else {
                    fill(gc, r, st.rgb(), st.fill());
                }
                x += w;
            }
            // Markers at the right edge, each its share of the band's pages.
            if (markers) {
                fill(gc, new Rectangle(box.x + mainW, y0, markerW, y1 - y0), 0xffffff, PageStates.Fill.SOLID);
                int mx = box.x + mainW;
                for (Map.Entry<PageStates.State, Long> e : counts.entrySet()) {
                    PageStates.State st = e.getKey();
                    if (st.fill() != PageStates.Fill.MARKER) {
                        continue;
                    }
                    int w = Math.max(2, (int) Math.round((double) markerW * e.getValue() / Math.max(1, allPages)));
                    fill(gc, new Rectangle(mx, y0, Math.min(w, box.x + box.width - mx), y1 - y0), st.rgb(),
                            PageStates.Fill.SOLID);
                    mx += w;
                }
                gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_GRAY));
                gc.drawLine(box.x + mainW, y0, box.x + mainW, y1);
            }
            if (single && pixelsPerPage >= 6) {
                paintPages(gc, c, Column.PAGES, s, i, box, pixelsPerPage >= 18);
            }
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
            if (at == s[i] && single) {
                gc.drawLine(box.x, y0, box.x + box.width - 1, y0);
            }
            if (single && y1 - y0 >= 18) {
                // Inside the run only, so that a neighbouring thin band stays visible.
                gc.setClipping(new Rectangle(box.x, y0, mainW, y1 - y0).intersection(box));
                gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
                String label = shortLabel(c, Column.PAGES, i) + "  " + String.join(", ", shortNames(p.namesOf(i)));
                String shown = label;
                while (gc.textExtent(shown).x > mainW - 6 && shown.length() > 3) {
                    shown = shown.substring(0, shown.length() - 2);
                }
                gc.drawText(shown.equals(label) ? label : shown + "…", box.x + 3, Math.max(box.y, y0) + 2, true);
                gc.setClipping(box);
            }
            Map<String, Long> named = new LinkedHashMap<>();
            counts.forEach((st, v) -> named.merge(st.name(), v, Long::sum));
            drawnBands.add(new DrawnBand(y0, y1, i, partRun >= 0 ? j + 1 : j, Collections.unmodifiableMap(named)));
            at = end;
            i = j;
        }
        gc.setClipping((Rectangle) null);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
        gc.drawRectangle(box.x, box.y, box.width - 1, box.height - 1);
    }

    // A state's name up to its first " (" or ": " detail, for labels inside runs.
    private static List<String> shortNames(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            int cut = n.indexOf(" (");
            out.add(cut > 0 ? n.substring(0, cut) : n);
        }
        return out;
    }

    // Single pages inside an item: a dotted line at each page boundary and, when there is room,
    // the page's own PFN, physical or DMA address.
    private void paintPages(GC gc, AddressChain c, Column col, long[] s, int i, Rectangle box, boolean labels) {
        long from = Math.max(s[i], viewFrom & -PAGE);
        gc.setForeground(new Color(new RGB(0x80, 0x80, 0x80)));
        gc.setLineStyle(SWT.LINE_DOT);
        for (long p = from; p < s[i + 1] && p < viewTo; p += PAGE) {
            int py = y(p, box);
            if (p > s[i]) {
                gc.drawLine(box.x, py, box.x + box.width - 1, py);
            }
            if (labels && p > s[i]) {
                long k = (p - s[i]) / PAGE;
                String text = switch (col) {
                    case PAGES -> c.pages() == null || c.pages().pfn(i) == RunSink.NO_PFN ? "page " + k
                            : String.format(Locale.ROOT, "PFN %#x", c.pages().pfn(i) + k);
                    case PHYSICAL -> c.sg() == null || c.sg().pfn(i) == RunSink.NO_PFN ? "page " + k
                            : String.format(Locale.ROOT, "%#x", (c.sg().pfn(i) + k) << 12);
                    default -> {
                        long a = dmaAddress(c, i);
                        yield a == -1 ? "page " + k : String.format(Locale.ROOT, "%#x", a + k * PAGE);
                    }
                };
                gc.drawText(text, box.x + 3, py + 2, true);
            }
        }
        gc.setLineStyle(SWT.LINE_SOLID);
    }

    // The bands between a column and the one before: one per item of this column, coloured by
    // what the link did (gathered several items: a merge; cut one: a split; else one to one).
    private void paintLinks(GC gc, AddressChain c, Column col, long[] s, Rectangle from, Rectangle to) {
        long[] prev = starts[col.ordinal() - 1];
        int x0 = from.x + from.width;
        int x1 = to.x;
        gc.setClipping(x0, to.y, x1 - x0, to.height);
        int n = s.length - 1;
        int i = Math.max(0, itemAtOffset(s, Math.max(viewFrom, s[0])));
        int lastRow = Integer.MIN_VALUE;
        while (i < n && s[i] < viewTo) {
            int y0 = y(s[i], to);
            int y1 = y(s[i + 1], to);
            if (y1 <= lastRow && i < n - 1) {
                long next = offsetAt(lastRow + 1, to);
                int j = itemAtOffset(s, Math.min(next, s[n] - 1));
                i = j > i ? j : i + 1;
                continue;
            }
            gc.setBackground(new Color(linkColour(prev, s, i)));
            gc.fillRectangle(x0 + 2, y0, x1 - x0 - 4, Math.max(1, y1 - y0));
            lastRow = Math.max(y0, y1 - 1);
            i++;
        }
        gc.setClipping((Rectangle) null);
    }

    private static RGB linkColour(long[] prev, long[] s, int i) {
        int a = itemAtOffset(prev, s[i]);
        int b = itemAtOffset(prev, s[i + 1] - 1);
        if (a < 0 || b < 0) {
            return PASS_RGB;
        }
        if (b > a) {
            return MERGE_RGB;
        }
        return prev[a] != s[i] || prev[a + 1] != s[i + 1] ? SPLIT_RGB : PASS_RGB;
    }

    private RGB colour(AddressChain c, Column col, int i) {
        switch (col) {
            case VMAS:
                return i < vmaStyles.size() ? lighten(rgb(vmaStyles.get(i).rgb()), 0.55) : VMA_RGB;
            case PAGES: {
                PageRuns p = c.pages();
                if (p == null) {
                    return UNKNOWN_RGB;
                }
                int flags = p.flags(i);
                if ((flags & (PageFlags.PFN_UNKNOWN | PageFlags.PFN_HIDDEN)) != 0 || p.pfn(i) == RunSink.NO_PFN) {
                    return UNKNOWN_RGB;
                }
                if ((flags & PageFlags.ZERO_PAGE) != 0) {
                    return new RGB(0xc0, 0xc0, 0xc0);
                }
                int vi = vmaIndex(c, p.vaddr(i));
                RGB base = vi >= 0 && vi < vmaStyles.size() ? rgb(vmaStyles.get(vi).rgb()) : VMA_RGB;
                return (flags & (PageFlags.THP | PageFlags.HUGETLB)) != 0 ? base : lighten(base, 0.35);
            }
            case PHYSICAL:
                return c.sg() != null && c.sg().pfn(i) == RunSink.NO_PFN ? UNKNOWN_RGB
                        : i % 2 == 0 ? PHYS_RGB : darken(PHYS_RGB, 0.07);
            case DMA: {
                DmaSegments d = c.dma();
                int seg = d == null ? -1 : segmentOf(d, i);
                if (d != null && seg >= 0 && d.busAddress(seg)) {
                    return BUS_RGB;
                }
                return dmaAddress(c, i) == -1 ? UNKNOWN_RGB : i % 2 == 0 ? DMA_RGB : darken(DMA_RGB, 0.07);
            }
            default: {
                DmaSegments d = c.dma();
                if (d != null && d.busAddress(i)) {
                    return BUS_RGB;
                }
                return d != null && d.address(i) == -1 ? UNKNOWN_RGB : i % 2 == 0 ? SEG_RGB : darken(SEG_RGB, 0.07);
            }
        }
    }

    private static int vmaIndex(AddressChain c, long vaddr) {
        for (int i = 0; i < c.vmas().size(); i++) {
            if (c.vmas().get(i).contains(vaddr)) {
                return i;
            }
        }
        return -1;
    }

    // The DMA segment holding CPU entry i.
    private static int segmentOf(DmaSegments d, int entry) {
        int lo = 0;
        int hi = d.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (d.firstEntry(mid) > entry) {
                hi = mid - 1;
            } else if (d.firstEntry(mid) + d.entries(mid) <= entry) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** The DMA address CPU entry i is mapped at: its segment's address plus the entries before it in that segment. */
    private long dmaAddress(AddressChain c, int entry) {
        DmaSegments d = c.dma();
        ScatterList sg = c.sg();
        long[] s = starts[Column.PHYSICAL.ordinal()];
        if (d == null || sg == null || s == null) {
            return -1;
        }
        int seg = segmentOf(d, entry);
        if (seg < 0 || d.address(seg) == -1) {
            return -1;
        }
        if (d.busAddress(seg) || !c.request().device().iommu()) {
            return d.address(seg);
        }
        return d.address(seg) + (s[entry] - s[d.firstEntry(seg)]);
    }

    private String shortLabel(AddressChain c, Column col, int i) {
        return switch (col) {
            case VMAS -> c.vmas().get(i).permissions() + " " + c.vmas().get(i).describe();
            case PAGES -> {
                PageRuns p = c.pages();
                yield p == null ? "" : (p.pfn(i) == RunSink.NO_PFN ? (p.flags(i) & PageFlags.PRESENT) == 0 ? "no PFN"
                        : "PFN ?" : String.format(Locale.ROOT, "PFN %#x",
                        p.pfn(i))) + String.format(Locale.ROOT, " ×%,d", p.pages(i));
            }
            case PHYSICAL -> {
                ScatterList sg = c.sg();
                yield sg == null || sg.phys(i) < 0 ? "?" : String.format(Locale.ROOT, "%#x", sg.phys(i));
            }
            case DMA -> {
                long a = dmaAddress(c, i);
                yield a == -1 ? "?" : String.format(Locale.ROOT, "%#x", a);
            }
            default -> {
                DmaSegments d = c.dma();
                yield d == null || d.address(i) == -1 ? "?" : String.format(Locale.ROOT, "%#x %s", d.address(i),
                        Sizes.human(d.length(i)));
            }
        };
    }

    /** The full text of an item, as tooltips and Properties show it. */
    public String label(Column col, int i) {
        AddressChain c = chain;
        if (c == null) {
            return "";
        }
        switch (col) {
            case VMAS:
                return c.vmas().get(i).mapsLine() + (i < c.backends().size() && !c.backends().get(i).isEmpty()
                        ? "  [" + c.backends().get(i) + "]" : "");
            case PAGES: {
                PageRuns p = c.pages();
                return p == null ? "" : String.format(Locale.ROOT, "%#x: %s × %,d pages of %s: %s [%s]", p.vaddr(i),
                        p.pfn(i) == RunSink.NO_PFN ? "no PFN" : String.format(Locale.ROOT, "PFN %#x", p.pfn(i)),
                        p.pages(i), Sizes.human(1L << p.pageShift(i)), String.join("; ", runStates(i)),
                        PageFlags.describe(p.flags(i)));
            }
            case PHYSICAL: {
                ScatterList sg = c.sg();
                return sg == null ? "" : String.format(Locale.ROOT, "entry %d: %s, %s (%s)", i, sg.phys(i) < 0
                        ? "physical address not known" : String.format(Locale.ROOT, "physical %#x", sg.phys(i)),
                        Sizes.human(sg.length(i)), pages(sg.pages(i)));
            }
            case DMA: {
                long a = dmaAddress(c, i);
                return String.format(Locale.ROOT, "entry %d mapped at %s", i, a == -1 ? "an address not known"
                        : String.format(Locale.ROOT, "%#x", a));
            }
            default: {
                DmaSegments d = c.dma();
                return d == null ? "" : String.format(Locale.ROOT, "scatter-gather entry %d: %s, %s, from %d CPU"
                        + " entr%s%s", i, d.address(i) == -1 ? "DMA address not known"
                        : String.format(Locale.ROOT, "DMA %#x", d.address(i)), Sizes.human(d.length(i)), d.entries(i),
                        d.entries(i) == 1 ? "y" : "ies", d.busAddress(i) ? ", PCI bus address (bypasses the IOMMU)" : "");
            }
        }
    }

    /** Which rule made item i of a column from the column before it. */
    public String rule(Column col, int i) {
        AddressChain c = chain;
        if (c == null || col == Column.VMAS) {
            return "";
        }
        switch (col) {
            case PAGES: {
                PageRuns p = c.pages();
                int vi = p == null ? -1 : vmaIndex(c, p.vaddr(i));
                String backend = vi >= 0 && vi < c.backends().size() ? c.backends().get(vi) : "";
                String pin = "";
                for (ChainStep step : c.steps()) {
                    if (step.step().equals("pin") && vi >= 0 && step.input().equals(c.vmas().get(vi).mapsLine())) {
                        pin = step.why();
                    }
                }
                int flags = p == null ? 0 : p.flags(i);
                String state = c.pin() == null ? stateRule(flags)
                        : (flags & PageFlags.PFN_UNKNOWN) != 0
                        ? "a new page the kernel allocates at pin time (faulted in, copied on write or migrated):"
                                + " its PFN is known only then"
                        : (flags & PageFlags.PFN_HIDDEN) != 0 ? "present, PFN hidden (no CAP_SYS_ADMIN)"
                                : "pinned in place: PFNs consecutive, same state";
                return (backend.isEmpty() ? "" : backend + ": ") + state + (pin.isEmpty() ? "" : "\n" + pin);
            }
            case PHYSICAL:
                return sgRule(c, i);
            case DMA: {
                DmaSegments d = c.dma();
                int seg = d == null ? -1 : segmentOf(d, i);
                if (d != null && seg >= 0 && d.busAddress(seg)) {
                    return "P2PDMA memory the device reaches below a common switch (PCI_P2PDMA_MAP_BUS_ADDR): the PCI"
                            + " bus address, bypassing the IOMMU";
                }
                return c.request().device().iommu()
                        ? String.format(Locale.ROOT, "iommu_dma_map_sg: every entry is laid out, granule-aligned, in"
                                + " one IOVA allocation at %#x and mapped by the IOMMU", c.iova())
                        : c.request().device().directOffset() == 0
                                ? "dma_direct_map_sg: no IOMMU: the DMA address is the physical address"
                                : String.format(Locale.ROOT, "dma_direct_map_sg: the DMA address is the physical address"
                                        + " + %#x", c.request().device().directOffset());
            }
            default:
                return segmentRule(c, i);
        }
    }

    // What a run's state means when no pinning made it (a page table, an ODP or peer registration).
    private static String stateRule(int flags) {
        return switch (PageStates.kind(flags, (flags & PageFlags.PRESENT) != 0 ? 0 : RunSink.NO_PFN)) {
            case ERROR -> "an error entry: the walk could not resolve the page";
            case DEVICE_PRIVATE -> "a device-private entry (is_device_private_entry): the page lives in device memory"
                    + " the CPU cannot address; a CPU fault migrates it back (migrate_to_ram)";
            case NO_STRUCT_PAGE -> "a PFN with no struct page behind it (VM_IO | VM_PFNMAP, a BAR): GUP refuses it,"
                    + " only the owner's driver hands it out";
            case ZONE_DEVICE -> "a ZONE_DEVICE page (device-coherent or P2PDMA): a struct page in a dev_pagemap";
            case SWAPPED -> "a swap entry: no PFN";
            case NOT_PRESENT -> "not mapped: no PFN";
            default -> "mapped as the table holds it";
        };
    }

    private String sgRule(AddressChain c, int i) {
        ScatterList sg = c.sg();
        if (sg == null) {
            return "";
        }
        String head = String.format(Locale.ROOT, "sg_alloc_append_table_from_pages: %s in one entry", pages(sg.pages(i)));
        if (i == 0) {
            return head + "; the first entry";
        }
        long prevEnd = sg.pfn(i - 1) == RunSink.NO_PFN ? RunSink.NO_PFN : sg.pfn(i - 1) + sg.pages(i - 1);
        if (sg.pfn(i) == RunSink.NO_PFN || prevEnd == RunSink.NO_PFN) {
            return head + "; pages whose PFN is known only at pin time start an entry of their own here";
        }
        if (sg.pfn(i) != prevEnd) {
            return head + String.format(Locale.ROOT, "; a new entry because PFN %#x does not follow PFN %#x", sg.pfn(i),
                    prevEnd - 1);
        }
        if (sg.pgmap(i) != sg.pgmap(i - 1)) {
            return head + "; a new entry because the pages belong to another page map (zone_device_pages_have_same_pgmap)";
        }
        return head + String.format(Locale.ROOT, "; a new entry because the one before reached max_segment (%s) although"
                + " the PFNs follow", Sizes.human(sg.maxSegment()));
    }

    private String segmentRule(AddressChain c, int i) {
        DmaSegments d = c.dma();
        if (d == null) {
            return "";
        }
        if (d.busAddress(i)) {
            return "__finalise_sg: a bus-address entry is a segment of its own";
        }
        if (!c.request().device().iommu()) {
            return "dma_direct_map_sg: one scatter-gather entry per CPU entry; dma-direct never merges";
        }
        String head = String.format(Locale.ROOT, "__finalise_sg: %d CPU entr%s concatenated: each starts on an IOVA"
                + " granule and continues the IOVA range", d.entries(i), d.entries(i) == 1 ? "y" : "ies");
        if (i == 0 || d.busAddress(i - 1)) {
            return head + "; the first segment";
        }
        long max = c.request().device().maxSegmentSize();
        long mask = c.request().device().segmentBoundaryMask();
        if (mask != -1 && (d.address(i) & mask) == 0) {
            return head + String.format(Locale.ROOT, "; a new segment at the segment boundary (mask %#x)", mask);
        }
        if (d.address(i) != d.address(i - 1) + d.length(i - 1)) {
            return head + "; a new segment after padding up to the segment boundary";
        }
        return head + String.format(Locale.ROOT, "; a new segment because the one before could not grow past the"
                + " maximum segment size %s", Sizes.human(max));
    }

    /** The item of a column at a point, -1 for none. */
    public int itemAt(Column col, int x, int y) {
        long[] s = starts[col.ordinal()];
        Rectangle box = columnBox(col.ordinal());
        if (s == null || total == 0 || !box.contains(x, y)) {
            return -1;
        }
        return itemAtOffset(s, offsetAt(y, box));
    }

    /** The column whose link band lies at x (the gap to its left), null for none. */
    private @Nullable Column linkAt(int x) {
        for (Column col : Column.values()) {
            if (col.ordinal() == 0) {
                continue;
            }
            Rectangle from = columnBox(col.ordinal() - 1);
            Rectangle to = columnBox(col.ordinal());
            if (x >= from.x + from.width && x < to.x) {
                return col;
            }
        }
        return null;
    }

    /** The centre of an item of a column (for tests posting events), (-1, -1) when not shown. */
    public Point centre(Column col, int index) {
        long[] s = starts[col.ordinal()];
        Rectangle box = columnBox(col.ordinal());
        if (s == null) {
            return new Point(-1, -1);
        }
        int y0 = Math.max(box.y, y(s[index], box));
        int y1 = Math.min(box.y + box.height, y(s[index + 1], box));
        return new Point(box.x + box.width / 2, (y0 + y1) / 2);
    }

    /** The centre of the link band into an item of a column (for tests). */
    public Point linkCentre(Column col, int index) {
        Point p = centre(col, index);
        Rectangle to = columnBox(col.ordinal());
        return new Point(to.x - GAP / 2, p.y);
    }

    /** What the pointer at (x, y) is over, as the tooltip says it; null for nothing. */
    public @Nullable String describeAt(int x, int y) {
        AddressChain c = chain;
        if (c == null) {
            return null;
        }
        int entry = legendAt(x, y);
        if (entry >= 0) {
            return legend.get(entry).tooltip();
        }
        Column link = linkAt(x);
        if (link != null) {
            int i = itemAt(link, columnBox(link.ordinal()).x, y);
            return i < 0 ? null : "Link into " + label(link, i) + "\n" + rule(link, i);
        }
        for (Column col : Column.values()) {
            int i = itemAt(col, x, y);
            if (i >= 0) {
                StringBuilder b = new StringBuilder();
                long offset = offsetAt(y, columnBox(col.ordinal()));
                for (Column other : Column.values()) {
                    long[] s = starts[other.ordinal()];
                    int j = s == null ? -1 : itemAtOffset(s, offset);
                    if (j >= 0) {
                        b.append(other.title()).append(": ").append(label(other, j)).append('\n');
                    }
                }
                return b.toString().strip();
            }
        }
        return null;
    }

    private void mouseMove(Event e) {
        if (dragY >= 0) {
            Rectangle box = columnBox(0);
            long delta = (long) ((double) (e.y - dragY) / box.height * (viewTo - viewFrom));
            zoomTo(dragFrom - delta, dragFrom - delta + (viewTo - viewFrom));
            return;
        }
        setToolTipText(describeAt(e.x, e.y));
    }

    private void mouseDown(Event e) {
        setFocus();
        AddressChain c = chain;
        if (c == null || e.button != 1) {
            return;
        }
        for (Column col : Column.values()) {
            int i = itemAt(col, e.x, e.y);
            if (i >= 0) {
                ChainItem item = new ChainItem(c, col, i, label(col, i), rule(col, i),
                        col == Column.PAGES ? runStates(i) : List.of(), title);
                listeners.forEach(l -> l.clicked(item));
                return;
            }
        }
        dragY = e.y;
        dragFrom = viewFrom;
    }

    private void wheel(Event e) {
        Rectangle box = columnBox(0);
        zoomAround(offsetAt(e.y, box), e.count > 0 ? 0.5 : 2.0);
        e.doit = false;
    }

    /** Zooms by a factor (below 1: in) keeping an offset where it is on screen. */
    public void zoomAround(long offset, double factor) {
        long span = viewTo - viewFrom;
        long next = Math.max(PAGE, Math.min(Math.max(PAGE, total), (long) (span * factor)));
        double at = span == 0 ? 0 : (double) (offset - viewFrom) / span;
        long from = offset - (long) (at * next);
        zoomTo(from, from + next);
    }

    private void key(Event e) {
        long mid = (viewFrom + viewTo) / 2;
        if (e.character == '+' || e.character == '=') {
            zoomAround(mid, 0.5);
        } else if (e.character == '-') {
            zoomAround(mid, 2.0);
        } else if (e.character == '0') {
            fit();
        }
    }

    private static String pages(long n) {
        return String.format(Locale.ROOT, n == 1 ? "%,d page" : "%,d pages", n);
    }

    private static RGB rgb(int v) {
        return new RGB(v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff);
    }

    private static int rgbInt(RGB c) {
        return c.red << 16 | c.green << 8 | c.blue;
    }

    private static RGB lighten(RGB c, double f) {
        return new RGB((int) (c.red + (255 - c.red) * f), (int) (c.green + (255 - c.green) * f),
                (int) (c.blue + (255 - c.blue) * f));
    }

    private static RGB darken(RGB c, double f) {
        return new RGB((int) (c.red * (1 - f)), (int) (c.green * (1 - f)), (int) (c.blue * (1 - f)));
    }
}
