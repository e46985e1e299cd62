package org.dmascope.trace.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * A scatter list's DMA mapping released (the {@code dma:dma_unmap_sg} tracepoint). The array is
 * copied in and out.
 *
 * @param header    time stamp, CPU, PID and command name
 * @param device    the device name (a PCI BDF for PCI devices)
 * @param physAddrs the physical address of each scatter list entry (sg_phys)
 * @param dir       the direction: "BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE" or "NONE"
 * @param attrs     the DMA_ATTR_ flags as "|"-joined names without the prefix, or ""
 */
public record DmaUnmapSg(EventHeader header, String device, @Hex long[] physAddrs, String dir, String attrs)
        implements TraceEvent {

    /** Copies the array. */
    public DmaUnmapSg {
        physAddrs = physAddrs.clone();
    }

    @Override
    public EventType type() {
        return EventType.DMA_UNMAP_SG;
    }

    /** A copy of the physical addresses. */
    @Override
    public long[] physAddrs() {
        return physAddrs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DmaUnmapSg other && header.equals(other.header) && device.equals(other.device)
                && Arrays.equals(physAddrs, other.physAddrs) && dir.equals(other.dir) && attrs.equals(other.attrs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(header, device, Arrays.hashCode(physAddrs), dir, attrs);
    }

    @Override
    public String toString() {
        return "DmaUnmapSg[header=" + header + ", device=" + device + ", physAddrs=" + Arrays.toString(physAddrs)
                + ", dir=" + dir + ", attrs=" + attrs + "]";
    }
}
