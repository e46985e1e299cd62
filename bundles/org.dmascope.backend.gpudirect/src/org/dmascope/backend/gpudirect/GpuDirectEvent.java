package org.dmascope.backend.gpudirect;

/**
 * One thing that happened inside the GPUDirect model, in the order it happened.
 *
 * @param seq     its position in the engine's sequence, from 1
 * @param kind    what happened
 * @param subject what it happened to ("gpumem 1", "page table 2", "mr 1", "dmabuf 3")
 * @param detail  one line naming the kernel or driver function
 */
public record GpuDirectEvent(long seq, Kind kind, String subject, String detail) {

    /** What happened. */
    public enum Kind {
        /** GPU memory allocated (cudaMalloc). */
        GPU_ALLOC,
        /** GPU memory freed by its owner (cudaFree); the free itself may be deferred. */
        GPU_FREE,
        /** nvidia_p2p_get_pages or its persistent variant succeeded. */
        GET_PAGES,
        /** nvidia_p2p_put_pages or its persistent variant ran. */
        PUT_PAGES,
        /** nvidia_p2p_dma_map_pages mapped a page table for a peer. */
        DMA_MAP,
        /** A peer mapping went away. */
        DMA_UNMAP,
        /** RM called a page table's free callback, under its lock. */
        FREE_CALLBACK,
        /** An MR stopped being usable by the device. */
        MR_INVALIDATED,
        /** An MR was registered. */
        MR_REGISTERED,
        /** An MR was deregistered. */
        MR_DEREGISTERED,
        /** A dma-buf was exported or attached. */
        DMABUF_ATTACH,
        /** A dma-buf attachment was mapped (dma_buf_map_attachment). */
        DMABUF_MAP,
        /** A dma-buf attachment was unmapped. */
        DMABUF_UNMAP,
        /** The exporter called dma_buf_move_notify. */
        MOVE_NOTIFY,
        /** The device touched memory through an MR. */
        RDMA_ACCESS,
        /** A warning the kernel prints. */
        WARNING
    }
}
