package org.dmascope.core.topology;

import java.util.Locale;

/**
 * A PCI Express link speed, with the usable bandwidth per lane after line encoding
 * (8b/10b up to 5 GT/s, 128b/130b for 8 to 32 GT/s, FLIT mode from 64 GT/s).
 */
public enum LinkSpeed {
    /** 2.5 GT/s, generation 1. */
    GT_2_5(1, 2.5, 0.8),
    /** 5 GT/s, generation 2. */
    GT_5(2, 5.0, 0.8),
    /** 8 GT/s, generation 3. */
    GT_8(3, 8.0, 128.0 / 130.0),
    /** 16 GT/s, generation 4. */
    GT_16(4, 16.0, 128.0 / 130.0),
    /** 32 GT/s, generation 5. */
    GT_32(5, 32.0, 128.0 / 130.0),
    /** 64 GT/s, generation 6. */
    GT_64(6, 64.0, 242.0 / 256.0),
    /** 128 GT/s, generation 7. */
    GT_128(7, 128.0, 242.0 / 256.0),
    /** Not known: not PCIe, or not readable. */
    UNKNOWN(0, 0.0, 0.0);

    private final int generation;
    private final double gigaTransfers;
    private final double efficiency;

    LinkSpeed(int generation, double gigaTransfers, double efficiency) {
        this.generation = generation;
        this.gigaTransfers = gigaTransfers;
        this.efficiency = efficiency;
    }

    /** PCIe generation, 0 when unknown. */
    public int generation() {
        return generation;
    }

    /** Giga-transfers per second per lane. */
    public double gigaTransfers() {
        return gigaTransfers;
    }

    /** Usable gigabytes per second per lane and direction, after encoding. */
    public double gigabytesPerLane() {
        return gigaTransfers * efficiency / 8.0;
    }

    /**
     * The speed for a Link Capabilities / Link Status speed field: an index into the
     * Supported Link Speeds vector, which is the generation on every shipping device.
     */
    public static LinkSpeed fromLinkField(int field) {
        for (LinkSpeed s : values()) {
            if (s.generation == field && field != 0) {
                return s;
            }
        }
        return UNKNOWN;
    }

    /**
     * Parses sysfs {@code current_link_speed} / {@code max_link_speed} text: "8.0 GT/s PCIe",
     * older kernels' "8 GT/s", "2.5 GT/s", or "Unknown".
     */
    public static LinkSpeed fromSysfs(String text) {
        String t = text.trim();
        int gt = t.indexOf("GT/s");
        if (gt <= 0) {
            return UNKNOWN;
        }
        double value;
        try {
            value = Double.parseDouble(t.substring(0, gt).trim());
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
        for (LinkSpeed s : values()) {
            if (s != UNKNOWN && Math.abs(s.gigaTransfers - value) < 0.01) {
                return s;
            }
        }
        return UNKNOWN;
    }

    /** "16.0 GT/s", as current kernels print it, or "unknown". */
    public String label() {
        return this == UNKNOWN ? "unknown" : String.format(Locale.ROOT, "%.1f GT/s", gigaTransfers);
    }
}
