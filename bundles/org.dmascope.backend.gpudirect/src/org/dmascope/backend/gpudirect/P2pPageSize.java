package org.dmascope.backend.gpudirect;

/**
 * {@code enum nvidia_p2p_page_size_type} (nv-p2p.h): the GPU page size of a P2P page table.
 * nv_p2p_get_pages() always asks RM for 64 KiB pages ({@code NVRM_P2P_PAGESIZE_BIG_64K}).
 */
public enum P2pPageSize {
    /** NVIDIA_P2P_PAGE_SIZE_4KB. */
    SIZE_4KB(0x1000),
    /** NVIDIA_P2P_PAGE_SIZE_64KB. */
    SIZE_64KB(0x10000),
    /** NVIDIA_P2P_PAGE_SIZE_128KB. */
    SIZE_128KB(0x20000);

    private final long bytes;

    P2pPageSize(long bytes) {
        this.bytes = bytes;
    }

    /** The size in bytes. */
    public long bytes() {
        return bytes;
    }

    /** The enumerator's name in nv-p2p.h. */
    public String kernelName() {
        return "NVIDIA_P2P_PAGE_SIZE_" + name().substring(5);
    }
}
