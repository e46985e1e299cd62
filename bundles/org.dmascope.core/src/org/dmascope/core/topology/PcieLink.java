package org.dmascope.core.topology;

import java.util.Locale;

/**
 * The state of a function's PCI Express link (to the port above it): negotiated speed and
 * width (Link Status) and what the port can do (Link Capabilities). Some sources state only
 * a bandwidth (hwloc's {@code pci_link_speed} in GB/s); it is kept as stated.
 *
 * @param speed         current speed
 * @param width         current width in lanes, 0 when unknown
 * @param maxSpeed      capability
 * @param maxWidth      capability in lanes, 0 when unknown
 * @param statedGBps    bandwidth in GB/s as a source stated it, -1 when derived from speed and width
 */
public record PcieLink(LinkSpeed speed, int width, LinkSpeed maxSpeed, int maxWidth, double statedGBps) {

    /** A link known by speed and width. */
    public PcieLink(LinkSpeed speed, int width, LinkSpeed maxSpeed, int maxWidth) {
        this(speed, width, maxSpeed, maxWidth, -1);
    }

    /** A link known only by the bandwidth a source states. */
    public static PcieLink ofBandwidth(double gigabytesPerSecond) {
        return new PcieLink(LinkSpeed.UNKNOWN, 0, LinkSpeed.UNKNOWN, 0, gigabytesPerSecond);
    }

    /** Whether the link trained below what the port can do, in speed or in width. */
    public boolean isDowngraded() {
        boolean slower = speed != LinkSpeed.UNKNOWN && maxSpeed != LinkSpeed.UNKNOWN
                && speed.gigaTransfers() < maxSpeed.gigaTransfers();
        boolean narrower = width > 0 && maxWidth > 0 && width < maxWidth;
        return slower || narrower;
    }

    /**
     * Usable bandwidth of the link as trained, in GB/s per direction: as stated by the source,
     * else from speed and width after line encoding (0 when unknown).
     */
    public double bandwidthGBps() {
        return statedGBps >= 0 ? statedGBps : speed.gigabytesPerLane() * width;
    }

    /** "8.0 GT/s x16", "(max 16.0 GT/s x16)" added when downgraded, or "12.0 GB/s" when only that is known. */
    public String describe() {
        if (speed == LinkSpeed.UNKNOWN && width == 0 && statedGBps >= 0) {
            return String.format(Locale.ROOT, "%.1f GB/s", statedGBps);
        }
        String now = String.format(Locale.ROOT, "%s x%d", speed.label(), width);
        return isDowngraded() ? now + String.format(Locale.ROOT, " (max %s x%d)", maxSpeed.label(), maxWidth) : now;
    }
}
