package org.dmascope.backend.gpudirect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.eclipse.jdt.annotation.Nullable;

/**
 * {@code struct nvidia_p2p_page_table} (nv-p2p.h) with the driver's private {@code nv_p2p_mem_info}
 * around it (nv-p2p.c): the version, the page size, one physical (BAR1) address per GPU page,
 * and whether it is persistent, which callback it carries and whether RM still tracks it.
 */
public final class P2pPageTable {

    /** Where the table stands. */
    public enum State {
        /** Handed out and tracked by RM. */
        LIVE,
        /** RM ran the free callback and freed the table (nv_p2p_mem_info_free_callback). */
        FREED_BY_CALLBACK,
        /** Released by put_pages. */
        PUT
    }

    private final int id;
    private final GpuMemory memory;
    private final long va;
    private final long length;
    private final long[] physical;
    private final boolean persistent;
    private final boolean forcePcie;
    private final @Nullable FreeCallback callback;
    private final GpuMemory.Bar1Extent extent;
    private final List<P2pDmaMapping> mappings = new ArrayList<>();
    private State state = State.LIVE;

    P2pPageTable(int id, GpuMemory memory, long va, long length, long[] physical, boolean persistent,
            boolean forcePcie, @Nullable FreeCallback callback, GpuMemory.Bar1Extent extent) {
        this.id = id;
        this.memory = memory;
        this.va = va;
        this.length = length;
        this.physical = physical;
        this.persistent = persistent;
        this.forcePcie = forcePcie;
        this.callback = callback;
        this.extent = extent;
    }

    GpuMemory.Bar1Extent extent() {
        return extent;
    }

    /** The engine's handle. */
    public int id() {
        return id;
    }

    /** {@code version}: NVIDIA_P2P_PAGE_TABLE_VERSION. */
    public int version() {
        return NvP2pVersion.PAGE_TABLE;
    }

    /** {@code page_size}: always 64 KiB (nv_p2p_get_pages asks RM for NVRM_P2P_PAGESIZE_BIG_64K). */
    public P2pPageSize pageSize() {
        return P2pPageSize.SIZE_64KB;
    }

    /** {@code entries}. */
    public int entries() {
        return physical.length;
    }

    /** {@code pages[i]->physical_address}: a CPU physical address inside the GPU's BAR1. */
    public long physicalAddress(int i) {
        return physical[i];
    }

    /** All physical addresses. */
    public long[] physicalAddresses() {
        return Arrays.copyOf(physical, physical.length);
    }

    /** The GPU memory it maps. */
    public GpuMemory memory() {
        return memory;
    }

    /** The virtual address it was asked for. */
    public long va() {
        return va;
    }

    /** The length it was asked for. */
    public long length() {
        return length;
    }

    /** Whether nvidia_p2p_get_pages_persistent made it (no callback). */
    public boolean persistent() {
        return persistent;
    }

    /** Whether it was made with NVIDIA_P2P_FLAGS_FORCE_BAR1_MAPPING. */
    public boolean forcePcie() {
        return forcePcie;
    }

    /** The free callback, null for a persistent table. */
    public @Nullable FreeCallback callback() {
        return callback;
    }

    /** The state. */
    public State state() {
        return state;
    }

    /** The peer mappings made from it and not yet unmapped. */
    public List<P2pDmaMapping> dmaMappings() {
        return List.copyOf(mappings);
    }

    List<P2pDmaMapping> mappingList() {
        return mappings;
    }

    void setState(State value) {
        state = value;
    }
}
