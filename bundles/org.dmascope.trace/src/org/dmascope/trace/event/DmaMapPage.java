package org.dmascope.trace.event;

/**
 * One contiguous range mapped for DMA (the {@code dma:dma_map_page} tracepoint of v6.12, {@code dma_map_phys} since; same fields).
 *
 * @param header time stamp, CPU, PID and command name
 * @param device   the device name (dev_name: a PCI BDF such as "0000:3b:00.0")
 * @param physAddr the physical address mapped
 * @param dmaAddr  the DMA (bus or IOVA) address the device uses
 * @param size     bytes mapped
 * @param dir      the direction: "BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE" or "NONE"
 * @param attrs    the DMA_ATTR_ flags as "|"-joined names without the prefix (for example "SKIP_CPU_SYNC"), or ""
 */
public record DmaMapPage(EventHeader header, String device, @Hex long physAddr, @Hex long dmaAddr, long size, String dir, String attrs) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.DMA_MAP_PAGE;
    }
}
