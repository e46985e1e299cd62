package org.dmascope.backend.gpudirect;

/**
 * The {@code free_callback} given to nvidia_p2p_get_pages(): RM calls it when the GPU memory
 * under a page table goes away without the caller's put_pages (cudaFree, process exit), under
 * RM's locks, before it frees the table and its DMA mappings (nv_p2p_mem_info_free_callback).
 * The callback may not call back into the P2P API for that table.
 */
@FunctionalInterface
public interface FreeCallback {

    /**
     * The memory under {@code table} is being freed.
     *
     * @param table the table, still readable; freed when the callback returns
     */
    void freed(P2pPageTable table);
}
