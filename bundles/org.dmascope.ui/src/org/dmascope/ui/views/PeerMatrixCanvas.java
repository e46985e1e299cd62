package org.dmascope.ui.views;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

import org.dmascope.core.peer.EndpointLabels;
import org.dmascope.core.peer.NcclPathType;
import org.dmascope.core.peer.P2pMapType;
import org.dmascope.core.peer.PeerMatrix;
import org.dmascope.core.peer.SmiClass;
import org.dmascope.core.topology.PciFunction;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.FontData;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;

/**
 * A peer matrix drawn as {@code nvidia-smi topo -m} prints it, one colour per class, from
 * close (green) to far (red): nvidia-smi's classes, NCCL's path types, or the kernel's map type
 * and distance with the row as provider. Only the cells in the window are drawn, so a matrix of
 * a thousand endpoints scrolls smoothly. A click on a cell reports the row and column.
 */
public final class PeerMatrixCanvas extends Canvas {

    /** What the cells show. */
    public enum Mode {
        /** nvidia-smi's classes (NV#, PIX, PXB, PHB, NODE, SYS). */
        SMI("nvidia-smi classes"),
        /** NCCL's path types. */
        NCCL("NCCL path types"),
        /** The kernel's map type and distance, row = provider. */
        KERNEL("Linux P2PDMA (row = provider)");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        /** For the mode selector. */
        public String label() {
            return label;
        }
    }

    private static final int CELL_W = 58;
    private static final int CELL_H = 24;
    private static final int HEADER_W = 76;
    private static final int HEADER_H = 26;

    private final Font bold;
    private @Nullable PeerMatrix matrix;
    private @Nullable EndpointLabels labels;
    private Mode mode = Mode.SMI;
    private int originX;
    private int originY;
    private int selectedRow = -1;
    private int selectedColumn = -1;
    private final List<BiConsumer<Integer, Integer>> clickListeners = new ArrayList<>();

    /** A canvas on the parent, with scroll bars. */
    public PeerMatrixCanvas(Composite parent) {
        super(parent, SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND | SWT.H_SCROLL | SWT.V_SCROLL);
        FontData base = getDisplay().getSystemFont().getFontData()[0];
        bold = new Font(getDisplay(), base.getName(), base.getHeight(), SWT.BOLD);
        addListener(SWT.Paint, e -> paint(e.gc));
        addListener(SWT.Resize, e -> updateScrollBars());
        addListener(SWT.MouseUp, this::mouseUp);
        addListener(SWT.MouseMove, this::mouseMove);
        getHorizontalBar().addListener(SWT.Selection, e -> {
            originX = getHorizontalBar().getSelection();
            redraw();
        });
        getVerticalBar().addListener(SWT.Selection, e -> {
            originY = getVerticalBar().getSelection();
            redraw();
        });
        addListener(SWT.Dispose, e -> bold.dispose());
    }

    /** Shows a matrix (null: none). */
    public void setMatrix(@Nullable PeerMatrix value) {
        matrix = value;
        labels = value == null ? null : new EndpointLabels(value.endpoints());
        selectedRow = -1;
        selectedColumn = -1;
        originX = 0;
        originY = 0;
        updateScrollBars();
        redraw();
    }

    /** The matrix shown. */
    public @Nullable PeerMatrix matrix() {
        return matrix;
    }

    /** Chooses what the cells show. */
    public void setMode(Mode value) {
        mode = value;
        redraw();
    }

    /** What the cells show. */
    public Mode mode() {
        return mode;
    }

    /** Marks a cell as selected (-1, -1: none). */
    public void select(int row, int column) {
        selectedRow = row;
        selectedColumn = column;
        redraw();
    }

    /** Hears clicks on cells: row, column. */
    public void addCellListener(BiConsumer<Integer, Integer> listener) {
        clickListeners.add(listener);
    }

    /** The text of a cell in the current mode. */
    public String cellText(int row, int column) {
        PeerMatrix m = matrix;
        if (m == null) {
            return "";
        }
        switch (mode) {
            case NCCL:
                return m.nccl()[row][column].name();
            case KERNEL:
                return m.kernel()[row][column].label(" ");
            default:
                return row == column ? "X" : m.smi()[row][column].label();
        }
    }

    /** Where a cell is on the canvas now. */
    public Rectangle cellBounds(int row, int column) {
        return new Rectangle(HEADER_W + column * CELL_W - originX, HEADER_H + row * CELL_H - originY, CELL_W, CELL_H);
    }

    private RGB cellColour(int row, int column) {
        PeerMatrix m = matrix;
        if (m == null || row == column) {
            return new RGB(235, 235, 235);
        }
        switch (mode) {
            case NCCL:
                return ncclColour(m.nccl()[row][column]);
            case KERNEL:
                return kernelColour(m.kernel()[row][column].mapType());
            default:
                return smiColour(m.smi()[row][column].smiClass());
        }
    }

    /** The colour of an nvidia-smi class: NVLink green, one switch light green, ... across sockets red. */
    public static RGB smiColour(SmiClass c) {
        switch (c) {
            case NV:
                return new RGB(80, 180, 90);
            case PIX:
                return new RGB(160, 215, 120);
            case PXB:
                return new RGB(215, 230, 120);
            case PHB:
                return new RGB(250, 210, 110);
            case NODE:
                return new RGB(245, 160, 90);
            case SYS:
                return new RGB(230, 100, 90);
            default:
                return new RGB(235, 235, 235);
        }
    }

    /** The colour of an NCCL path type, on the same scale. */
    public static RGB ncclColour(NcclPathType t) {
        switch (t) {
            case LOC:
                return new RGB(235, 235, 235);
            case NVL:
            case NVB:
            case C2C:
                return new RGB(80, 180, 90);
            case PIX:
                return new RGB(160, 215, 120);
            case PXB:
            case P2C:
                return new RGB(215, 230, 120);
            case PXN:
            case PHB:
                return new RGB(250, 210, 110);
            case SYS:
                return new RGB(230, 100, 90);
            default:
                return new RGB(190, 190, 190);
        }
    }

    /** The colour of a kernel map type: bus address green, through the host bridge amber, not supported red. */
    public static RGB kernelColour(P2pMapType t) {
        switch (t) {
            case BUS_ADDR:
                return new RGB(120, 200, 110);
            case THRU_HOST_BRIDGE:
                return new RGB(250, 210, 110);
            default:
                return new RGB(230, 100, 90);
        }
    }

    private void mouseUp(Event e) {
        int[] cell = cellAt(e.x, e.y);
        if (e.button != 1 || cell == null) {
            return;
        }
        select(cell[0], cell[1]);
        clickListeners.forEach(l -> l.accept(cell[0], cell[1]));
    }

    /** Clicks a cell as a user would (for tests). */
    public void click(int row, int column) {
        Rectangle r = cellBounds(row, column);
        Event up = new Event();
        up.button = 1;
        up.x = r.x + r.width / 2;
        up.y = r.y + r.height / 2;
        mouseUp(up);
    }

    private void mouseMove(Event e) {
        PeerMatrix m = matrix;
        String tip = null;
        if (m != null) {
            int[] cell = cellAt(e.x, e.y);
            if (cell != null) {
                PciFunction a = m.endpoints().get(cell[0]);
                PciFunction b = m.endpoints().get(cell[1]);
                tip = String.format(Locale.ROOT, "%s %s \u2192 %s %s: %s (click for the path)", label(a), a.address(),
                        label(b), b.address(), cellText(cell[0], cell[1]));
            } else if (e.y < HEADER_H && e.x >= HEADER_W) {
                int column = (e.x + originX - HEADER_W) / CELL_W;
                tip = column < m.size() ? label(m.endpoints().get(column)) + " " + m.endpoints().get(column).address() : null;
            } else if (e.x < HEADER_W && e.y >= HEADER_H) {
                int row = (e.y + originY - HEADER_H) / CELL_H;
                tip = row < m.size() ? label(m.endpoints().get(row)) + " " + m.endpoints().get(row).address() : null;
            }
        }
        if (tip == null ? getToolTipText() != null : !tip.equals(getToolTipText())) {
            setToolTipText(tip);
        }
    }

    private String label(PciFunction f) {
        EndpointLabels l = labels;
        return l == null ? f.address().toString() : l.of(f);
    }

    private int @Nullable [] cellAt(int x, int y) {
        PeerMatrix m = matrix;
        if (m == null || x < HEADER_W || y < HEADER_H) {
            return null;
        }
        int column = (x + originX - HEADER_W) / CELL_W;
        int row = (y + originY - HEADER_H) / CELL_H;
        return row < m.size() && column < m.size() ? new int[] {row, column} : null;
    }

    private void updateScrollBars() {
        PeerMatrix m = matrix;
        Rectangle area = getClientArea();
        int n = m == null ? 0 : m.size();
        int contentW = n * CELL_W;
        int contentH = n * CELL_H;
        int windowW = Math.max(1, area.width - HEADER_W);
        int windowH = Math.max(1, area.height - HEADER_H);
        originX = Math.max(0, Math.min(originX, contentW - windowW));
        originY = Math.max(0, Math.min(originY, contentH - windowH));
        getHorizontalBar().setVisible(contentW > windowW);
        getHorizontalBar().setValues(originX, 0, Math.max(1, contentW), Math.min(windowW, Math.max(1, contentW)), CELL_W,
                windowW);
        getVerticalBar().setVisible(contentH > windowH);
        getVerticalBar().setValues(originY, 0, Math.max(1, contentH), Math.min(windowH, Math.max(1, contentH)), CELL_H,
                windowH);
    }

    private void paint(GC gc) {
        Rectangle area = getClientArea();
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(area);
        PeerMatrix m = matrix;
        EndpointLabels l = labels;
        if (m == null || l == null) {
            return;
        }
        int n = m.size();
        int firstColumn = originX / CELL_W;
        int lastColumn = Math.min(n - 1, (originX + area.width - HEADER_W) / CELL_W);
        int firstRow = originY / CELL_H;
        int lastRow = Math.min(n - 1, (originY + area.height - HEADER_H) / CELL_H);
        Color grid = new Color(255, 255, 255);
        for (int r = firstRow; r <= lastRow; r++) {
            for (int c = firstColumn; c <= lastColumn; c++) {
                Rectangle b = cellBounds(r, c);
                gc.setBackground(new Color(cellColour(r, c)));
                gc.fillRectangle(b);
                gc.setForeground(grid);
                gc.drawRectangle(b);
                String text = cellText(r, c);
                gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
                gc.setFont(getFont());
                Point e = gc.textExtent(text);
                gc.drawText(text, b.x + (b.width - e.x) / 2, b.y + (b.height - e.y) / 2, true);
                if (r == selectedRow && c == selectedColumn) {
                    gc.setForeground(new Color(30, 100, 220));
                    gc.setLineWidth(3);
                    gc.drawRectangle(b.x + 1, b.y + 1, b.width - 3, b.height - 3);
                    gc.setLineWidth(1);
                }
            }
        }
        // Headers stay put while the cells scroll.
        gc.setFont(bold);
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WIDGET_BACKGROUND));
        gc.fillRectangle(0, 0, area.width, HEADER_H);
        gc.fillRectangle(0, 0, HEADER_W, area.height);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_WIDGET_FOREGROUND));
        for (int c = firstColumn; c <= lastColumn; c++) {
            String text = l.ordered().get(c);
            Point e = gc.textExtent(text);
            int x = HEADER_W + c * CELL_W - originX;
            gc.drawText(text, x + (CELL_W - e.x) / 2, (HEADER_H - e.y) / 2, true);
        }
        for (int r = firstRow; r <= lastRow; r++) {
            String text = l.ordered().get(r);
            Point e = gc.textExtent(text);
            int y = HEADER_H + r * CELL_H - originY;
            gc.drawText(text, 8, y + (CELL_H - e.y) / 2, true);
        }
        gc.fillRectangle(0, 0, HEADER_W, HEADER_H);
    }
}
