package org.dmascope.backend.gpudirect;

import java.util.Locale;

/**
 * One GPU memory object, as cudaMalloc() makes it: device memory at a GPU virtual address that,
 * with unified addressing, is also the pointer the process holds. Nothing backs that range with
 * struct pages: the CPU mapping, where there is one, is an NVIDIA device file mapped with
 * VM_IO | VM_PFNMAP | VM_DONTEXPAND (nvidia_mmap_helper() in kernel-open/nvidia/nv-mmap.c).
 * Its pages reach a peer only through BAR1, once a P2P page table maps them there.
 */
public final class GpuMemory {

    private final int id;
    private final GpuDevice gpu;
    private final long va;
    private final long size;
    private boolean freedByOwner;
    private boolean released;
    // BAR1 window offset of the object's mapping, -1 when not mapped into BAR1.
    private long bar1Offset = -1;
    private int bar1Users;
    private int persistentTables;

    GpuMemory(int id, GpuDevice gpu, long va, long size) {
        this.id = id;
        this.gpu = gpu;
        this.va = va;
        this.size = size;
    }

    /** The engine's handle. */
    public int id() {
        return id;
    }

    /** The GPU it lives on. */
    public GpuDevice gpu() {
        return gpu;
    }

    /** Its virtual address (the pointer cudaMalloc returned). */
    public long va() {
        return va;
    }

    /** The size asked for. */
    public long size() {
        return size;
    }

    /** The size the GPU backs it with: whole 64 KiB GPU pages. */
    public long backedSize() {
        return (size + GpuDirectEngine.GPU_PAGE_SIZE - 1) & -GpuDirectEngine.GPU_PAGE_SIZE;
    }

    /** The end of the backed range. */
    public long end() {
        return va + backedSize();
    }

    /** Whether [start, start + length) lies inside the object. */
    public boolean covers(long start, long length) {
        return Long.compareUnsigned(start, va) >= 0 && length >= 0 && Long.compareUnsigned(start + length, end()) <= 0;
    }

    /** Whether the owner freed it (cudaFree). */
    public boolean freedByOwner() {
        return freedByOwner;
    }

    /**
     * Whether the GPU really released it: at the owner's free, or later when the last
     * persistent page table over it is put.
     */
    public boolean released() {
        return released;
    }

    /** Whether BAR1 maps it now. */
    public boolean inBar1() {
        return bar1Offset >= 0;
    }

    /** The CPU physical address of BAR1 behind {@code address}, -1 when not in BAR1. */
    public long bar1Address(long address) {
        return bar1Offset < 0 ? -1 : gpu.bar1Start() + bar1Offset + (address - va);
    }

    /** The persistent page tables over it that are not put yet. */
    public int persistentTables() {
        return persistentTables;
    }

    long bar1Offset() {
        return bar1Offset;
    }

    void mapBar1(long offset) {
        bar1Offset = offset;
    }

    void unmapBar1() {
        bar1Offset = -1;
    }

    int bar1Users() {
        return bar1Users;
    }

    void addBar1User(int delta) {
        bar1Users += delta;
    }

    void addPersistent(int delta) {
        persistentTables += delta;
    }

    void markFreedByOwner() {
        freedByOwner = true;
    }

    void markReleased() {
        released = true;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "gpumem %d (%s, va %#x, %#x bytes)", id, gpu.address(), va, size);
    }
}
