package org.dmascope.trace.event;

/**
 * Coherent DMA memory allocated (the {@code dma:dma_alloc} and {@code dma:dma_alloc_pages} tracepoints).
 *
 * @param header time stamp, CPU, PID and command name
 * @param device   the device name (a PCI BDF for PCI devices)
 * @param virtAddr the kernel virtual address of the buffer, 0 when the allocation failed
 * @param dmaAddr  the DMA address the device uses, 0 when the allocation failed
 * @param size     bytes allocated
 * @param dir      the direction: "BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE" or "NONE"
 * @param gfpFlags the gfp flags as the kernel prints them, for example "GFP_KERNEL|__GFP_ZERO"
 * @param attrs    the DMA_ATTR_ flags as "|"-joined names without the prefix, or ""
 */
public record DmaAlloc(EventHeader header, String device, @Hex long virtAddr, @Hex long dmaAddr, long size, String dir, String gfpFlags, String attrs) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.DMA_ALLOC;
    }
}
