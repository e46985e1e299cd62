package org.dmascope.backend.gpudirect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.jdt.annotation.Nullable;

/**
 * One GPU memory object, as cudaMalloc() makes it: device memory at a GPU virtual address that,
 * with unified addressing, is also the pointer the process holds. Nothing backs that range with
 * struct pages: the CPU mapping, where there is one, is an NVIDIA device file mapped with
 * VM_IO | VM_PFNMAP | VM_DONTEXPAND (nvidia_mmap_helper() in kernel-open/nvidia/nv-mmap.c).
 * Its pages reach a peer only through BAR1, once RM maps a range of it there: RM's third-party
 * P2P code maps each requested range as an extent, reused by later requests inside it
 * (RmP2PGetPagesUsingVidmemInfo, _createThirdPartyP2PMappingExtent), freed with its last user.
 */
public final class GpuMemory {

    private final int id;
    private final GpuDevice gpu;
    private final long va;
    private final long size;
    private boolean freedByOwner;
    private boolean released;
    private final List<Bar1Extent> extents = new ArrayList<>();
    private int persistentTables;

    /** A range of the object mapped into BAR1, with the tables and exports using it. */
    static final class Bar1Extent {
        final long start;
        final long length;
        final boolean p2p;
        long bar1Offset;
        int users;

        Bar1Extent(long start, long length, long bar1Offset, boolean p2p) {
            this.start = start;
            this.length = length;
            this.bar1Offset = bar1Offset;
            this.p2p = p2p;
        }

        boolean covers(long address, long len) {
            return address >= start && address + len <= start + length;
        }
    }

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

    /** Whether BAR1 maps any of it now. */
    public boolean inBar1() {
        return !extents.isEmpty();
    }

    /** The CPU physical address of BAR1 behind {@code address}, -1 when BAR1 does not map it. */
    public long bar1Address(long address) {
        for (Bar1Extent e : extents) {
            if (e.covers(address, 1)) {
                return gpu.bar1Start() + e.bar1Offset + (address - e.start);
            }
        }
        return -1;
    }

    /** The persistent page tables over it that are not put yet. */
    public int persistentTables() {
        return persistentTables;
    }

    List<Bar1Extent> extents() {
        return extents;
    }

    /** The extent that maps all of [address, address + length), null when none does. */
    @Nullable
    Bar1Extent extentCovering(long address, long length) {
        for (Bar1Extent e : extents) {
            if (e.covers(address, length)) {
                return e;
            }
        }
        return null;
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
