package org.dmascope.trace.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * A scatter list mapped for DMA (the {@code dma:dma_map_sg} tracepoint). The kernel records at
 * most 128 entries of each array and sets {@code truncated} when the list was longer; nents and
 * ents are the full counts. The arrays are copied in and out.
 *
 * @param header    time stamp, CPU, PID and command name
 * @param device    the device name (a PCI BDF for PCI devices)
 * @param nents     entries of the scatter list passed in (full_nents)
 * @param ents      DMA segments the mapping produced (full_ents; fewer when an IOMMU merged them)
 * @param truncated whether the arrays hold fewer entries than nents or ents
 * @param physAddrs the physical address of each scatter list entry traced
 * @param dmaAddrs  the DMA address of each DMA segment traced
 * @param lengths   the length in bytes of each DMA segment traced (sg_dma_len, an unsigned int)
 * @param dir       the direction: "BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE" or "NONE"
 * @param attrs     the DMA_ATTR_ flags as "|"-joined names without the prefix, or ""
 */
public record DmaMapSg(EventHeader header, String device, int nents, int ents, boolean truncated,
        @Hex long[] physAddrs, @Hex long[] dmaAddrs, long[] lengths, String dir, String attrs) implements TraceEvent {

    /** Copies the arrays. */
    public DmaMapSg {
        physAddrs = physAddrs.clone();
        dmaAddrs = dmaAddrs.clone();
        lengths = lengths.clone();
    }

    @Override
    public EventType type() {
        return EventType.DMA_MAP_SG;
    }

    /** A copy of the physical addresses. */
    @Override
    public long[] physAddrs() {
        return physAddrs.clone();
    }

    /** A copy of the DMA addresses. */
    @Override
    public long[] dmaAddrs() {
        return dmaAddrs.clone();
    }

    /** A copy of the segment lengths. */
    @Override
    public long[] lengths() {
        return lengths.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DmaMapSg other && header.equals(other.header) && device.equals(other.device)
                && nents == other.nents && ents == other.ents && truncated == other.truncated
                && Arrays.equals(physAddrs, other.physAddrs) && Arrays.equals(dmaAddrs, other.dmaAddrs)
                && Arrays.equals(lengths, other.lengths) && dir.equals(other.dir) && attrs.equals(other.attrs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(header, device, nents, ents, truncated, Arrays.hashCode(physAddrs),
                Arrays.hashCode(dmaAddrs), Arrays.hashCode(lengths), dir, attrs);
    }

    @Override
    public String toString() {
        return "DmaMapSg[header=" + header + ", device=" + device + ", nents=" + nents + ", ents=" + ents
                + ", truncated=" + truncated + ", physAddrs=" + Arrays.toString(physAddrs) + ", dmaAddrs="
                + Arrays.toString(dmaAddrs) + ", lengths=" + Arrays.toString(lengths) + ", dir=" + dir
                + ", attrs=" + attrs + "]";
    }
}
