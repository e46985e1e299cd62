package org.dmascope.ui.icons;

import java.util.EnumMap;
import java.util.Map;

import org.dmascope.core.topology.DeviceKind;
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.PciFunction;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.FontData;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Display;

/**
 * Small icons by device class and role, drawn once per display: a coloured tile with a short
 * label ("G" GPU, "N" NIC, "IB", "NV" NVMe, "R" root port, "U"/"D" switch ports ...). The
 * same colours serve the legend and the graph views.
 */
public final class DeviceIcons {

    /** What an icon stands for. */
    public enum Glyph {
        /** A host bridge (the root of a hierarchy). */
        HOST_BRIDGE("H", new RGB(28, 52, 94)),
        /** Root port. */
        ROOT_PORT("R", new RGB(70, 90, 130)),
        /** Switch upstream port. */
        SWITCH_UPSTREAM("U", new RGB(95, 115, 150)),
        /** Switch downstream port. */
        SWITCH_DOWNSTREAM("D", new RGB(120, 138, 170)),
        /** Other bridges. */
        BRIDGE("B", new RGB(130, 130, 140)),
        /** GPU. */
        GPU("G", new RGB(46, 150, 80)),
        /** Ethernet and other NICs. */
        NIC("N", new RGB(40, 110, 200)),
        /** InfiniBand HCA. */
        INFINIBAND("IB", new RGB(20, 70, 160)),
        /** NVMe controller. */
        NVME("NV", new RGB(130, 70, 170)),
        /** Other storage. */
        STORAGE("S", new RGB(150, 100, 60)),
        /** Accelerator. */
        ACCELERATOR("A", new RGB(200, 70, 50)),
        /** Everything else. */
        OTHER("·", new RGB(150, 150, 150));

        private final String label;
        private final RGB colour;

        Glyph(String label, RGB colour) {
            this.label = label;
            this.colour = colour;
        }

        /** The letters on the tile. */
        public String label() {
            return label;
        }

        /** The tile's colour. */
        public RGB colour() {
            return colour;
        }
    }

    private static final RGB KEY = new RGB(254, 254, 254);

    private final Display display;
    private final Map<Glyph, Image> images = new EnumMap<>(Glyph.class);

    /** Icons for this display; call {@link #dispose()} when done. */
    public DeviceIcons(Display display) {
        this.display = display;
    }

    /** The glyph for a function: bridges by role, endpoints by kind. */
    public static Glyph glyph(PciFunction f) {
        FunctionRole role = f.role();
        switch (role) {
            case HOST_BRIDGE_FUNCTION:
                return Glyph.HOST_BRIDGE;
            case ROOT_PORT:
                return Glyph.ROOT_PORT;
            case SWITCH_UPSTREAM_PORT:
                return Glyph.SWITCH_UPSTREAM;
            case SWITCH_DOWNSTREAM_PORT:
                return Glyph.SWITCH_DOWNSTREAM;
            case PCI_BRIDGE:
                return Glyph.BRIDGE;
            default:
                break;
        }
        DeviceKind kind = f.kind();
        switch (kind) {
            case GPU:
                return Glyph.GPU;
            case NIC:
                return Glyph.NIC;
            case INFINIBAND:
                return Glyph.INFINIBAND;
            case NVME:
                return Glyph.NVME;
            case STORAGE:
                return Glyph.STORAGE;
            case ACCELERATOR:
                return Glyph.ACCELERATOR;
            case BRIDGE:
                return Glyph.BRIDGE;
            default:
                return Glyph.OTHER;
        }
    }

    /** The image for a glyph, drawn on first use. */
    public Image image(Glyph glyph) {
        return images.computeIfAbsent(glyph, this::draw);
    }

    /** The image for a function. */
    public Image image(PciFunction f) {
        return image(glyph(f));
    }

    private Image draw(Glyph glyph) {
        int size = 16;
        Image canvas = new Image(display, size, size);
        GC gc = new GC(canvas);
        Color fill = new Color(glyph.colour());
        // Outside the tile: a near-white key colour made transparent below (the text stays pure white).
        Color key = new Color(KEY);
        FontData base = display.getSystemFont().getFontData()[0];
        Font font = new Font(display, base.getName(), glyph.label().length() > 1 ? 6 : 8, SWT.BOLD);
        try {
            gc.setAntialias(SWT.ON);
            gc.setTextAntialias(SWT.ON);
            gc.setBackground(key);
            gc.fillRectangle(0, 0, size, size);
            gc.setBackground(fill);
            gc.fillRoundRectangle(0, 1, size - 1, size - 2, 5, 5);
            gc.setForeground(display.getSystemColor(SWT.COLOR_WHITE));
            gc.setFont(font);
            Point extent = gc.textExtent(glyph.label());
            gc.drawText(glyph.label(), (size - extent.x) / 2, (size - extent.y) / 2, true);
        } finally {
            gc.dispose();
            font.dispose();
        }
        ImageData data = canvas.getImageData();
        canvas.dispose();
        data.transparentPixel = data.palette.getPixel(KEY);
        return new Image(display, data);
    }

    /** Frees the images. */
    public void dispose() {
        images.values().forEach(Image::dispose);
        images.clear();
    }
}
