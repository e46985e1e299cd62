package org.dmascope.trace.event;

/**
 * Coherent DMA memory freed (the {@code dma:dma_free} and {@code dma:dma_free_pages} tracepoints).
 *
 * @param header time stamp, CPU, PID and command name
 * @param device   the device name (a PCI BDF for PCI devices)
 * @param virtAddr the kernel virtual address of the buffer
 * @param dmaAddr  the DMA address of the buffer
 * @param size     bytes freed
 * @param dir      the direction: "BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE" or "NONE"
 * @param attrs    the DMA_ATTR_ flags as "|"-joined names without the prefix, or ""
 */
public record DmaFree(EventHeader header, String device, @Hex long virtAddr, @Hex long dmaAddr, long size, String dir, String attrs) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.DMA_FREE;
    }
}
