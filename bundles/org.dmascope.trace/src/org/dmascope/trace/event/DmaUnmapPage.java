package org.dmascope.trace.event;

/**
 * One contiguous DMA mapping released (the {@code dma:dma_unmap_page} tracepoint of v6.12, {@code dma_unmap_phys} since).
 *
 * @param header time stamp, CPU, PID and command name
 * @param device  the device name (a PCI BDF for PCI devices)
 * @param dmaAddr the DMA address unmapped
 * @param size    bytes unmapped
 * @param dir     the direction: "BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE" or "NONE"
 * @param attrs   the DMA_ATTR_ flags as "|"-joined names without the prefix, or ""
 */
public record DmaUnmapPage(EventHeader header, String device, @Hex long dmaAddr, long size, String dir, String attrs) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.DMA_UNMAP_PAGE;
    }
}
