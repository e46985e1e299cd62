package org.dmascope.core.topology;

import java.util.Locale;

/**
 * The state of a function's PCI Express link: negotiated speed and width (Link Status) and
 * what the port can do (Link Capabilities).
 *
 * @param speed    current speed
 * @param width    current width in lanes, 0 when unknown
 * @param maxSpeed capability
 * @param maxWidth capability in lanes, 0 when unknown
 */
public record PcieLink(LinkSpeed speed, int width, LinkSpeed maxSpeed, int maxWidth) {

    /** Whether the link trained below what the port can do, in speed or in width. */
    public boolean isDowngraded() {
        boolean slower = speed != LinkSpeed.UNKNOWN && maxSpeed != LinkSpeed.UNKNOWN
                && speed.gigaTransfers() < maxSpeed.gigaTransfers();
        boolean narrower = width > 0 && maxWidth > 0 && width < maxWidth;
        return slower || narrower;
    }

    /** Usable bandwidth of the link as trained, in GB/s per direction (0 when unknown). */
    public double bandwidthGBps() {
        return speed.gigabytesPerLane() * width;
    }

    /** "8.0 GT/s x16", or with "(max 16.0 GT/s x16)" when downgraded. */
    public String describe() {
        String now = String.format(Locale.ROOT, "%s x%d", speed.label(), width);
        return isDowngraded() ? now + String.format(Locale.ROOT, " (max %s x%d)", maxSpeed.label(), maxWidth) : now;
    }
}
