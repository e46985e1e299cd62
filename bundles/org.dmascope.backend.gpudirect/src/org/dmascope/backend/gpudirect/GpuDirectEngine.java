package org.dmascope.backend.gpudirect;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaMapper;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.IovaAllocator;
import org.dmascope.core.chain.PeerMapping;
import org.dmascope.core.chain.PeerMappings;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelP2pResult;
import org.dmascope.core.peer.P2pMapType;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciTopology;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The GPUDirect RDMA model of one machine, driven call by call as a scenario's steps drive it:
 * GPU memory objects, NVIDIA's P2P API (kernel-open/nvidia/nv-p2p.c), the peer-memory client
 * nvidia-peermem (kernel-open/nvidia-peermem/nvidia-peermem.c) under MLNX_OFED's peer-memory
 * core (drivers/infiniband/core/peer_mem.c), MRs over GPU memory with the free callback that
 * invalidates them, and dma-buf MRs (drivers/infiniband/core/umem_dmabuf.c). Every call returns
 * what the real code returns, with the rule that decided, and reports events in order.
 *
 * <p>Not thread-safe: a scenario runs one step at a time. The callback's asynchrony is that of
 * the kernel: it runs in the context of whoever frees the GPU memory, never in the MR owner's.
 */
public final class GpuDirectEngine {

    /** The GPU page size of the P2P API (nvidia-peermem's GPU_PAGE_SIZE, NVRM_P2P_PAGESIZE_BIG_64K). */
    public static final long GPU_PAGE_SIZE = 0x10000;
    /** The CPU page size. */
    public static final long PAGE_SIZE = 0x1000;
    /** NVIDIA_P2P_FLAGS_DEFAULT. */
    public static final int FLAGS_DEFAULT = 0;
    /** NVIDIA_P2P_FLAGS_FORCE_BAR1_MAPPING. */
    public static final int FLAGS_FORCE_BAR1_MAPPING = 1;

    /** How nvidia-peermem registered itself ({@code peerdirect_support} module parameter). */
    public enum PeermemMode {
        /**
         * NV_MEM_PEERDIRECT_SUPPORT_DEFAULT: the client is a {@code peer_memory_client_ex} with
         * PEER_MEM_INVALIDATE_UNMAPS, so the core does not call dma_unmap and put_pages from the
         * invalidation; the umem goes to UMEM_PEER_INVALIDATED.
         */
        DEFAULT,
        /**
         * NV_MEM_PEERDIRECT_SUPPORT_LEGACY (MLNX_OFED 4.9): the core calls dma_unmap and
         * put_pages from inside the invalidation, and nvidia-peermem returns from both at once
         * because {@code callback_task == current}.
         */
        LEGACY
    }

    /**
     * How the engine is set up.
     *
     * @param peermem        nvidia-peermem's mode
     * @param peerMemoryCore whether the kernel has the peer-memory core (MLNX_OFED, or a kernel
     *                       carrying it) and nvidia-peermem is loaded; upstream kernels have
     *                       neither, and GPU memory then registers only through dma-buf
     * @param remapPeerMmio  NVreg_DmaRemapPeerMmio (default 1): peers are mapped with
     *                       dma_map_resource(); 0 gives them bus addresses, bypassing the IOMMU
     */
    public record Options(PeermemMode peermem, boolean peerMemoryCore, boolean remapPeerMmio) {
        /** nvidia-peermem loaded on MLNX_OFED, default module parameters. */
        public static Options defaults() {
            return new Options(PeermemMode.DEFAULT, true, true);
        }
    }

    private final PciTopology topology;
    private final KernelP2pEngine p2p;
    private final Options options;
    private final GpuDirectListener listener;
    private final Map<PciAddress, GpuDevice> gpus = new LinkedHashMap<>();
    private final Map<PciAddress, TreeMap<Long, Long>> bar1Taken = new HashMap<>();
    private final Map<PciAddress, List<DmaDevice.IovaRange>> iovaTaken = new HashMap<>();
    private final List<GpuMemory> memories = new ArrayList<>();
    private final List<P2pPageTable> tables = new ArrayList<>();
    private final List<GpuMr> mrs = new ArrayList<>();
    private final List<DmaBuf> dmabufs = new ArrayList<>();
    private final List<GpuDirectEvent> events = new ArrayList<>();
    // IOVAs each mapping holds, to give them back at unmap.
    private final Map<Integer, List<DmaDevice.IovaRange>> mappingIova = new HashMap<>();
    private final Map<Integer, List<DmaDevice.IovaRange>> umemIova = new HashMap<>();
    // Tables a non-dynamic exporter mapped at attach time (attach->sgt), by umem.
    private final Map<Integer, List<DmaSegment>> cached = new HashMap<>();
    private long seq;
    private int nextId = 1;
    private int nextFd = 10;

    /**
     * An engine for a machine.
     *
     * @param topology the machine's PCI topology (GPUs, peers, bridges)
     * @param p2p      the kernel's peer-to-peer rules, for the path verdicts
     * @param options  the setup
     * @param listener where events go as they happen
     */
    public GpuDirectEngine(PciTopology topology, KernelP2pEngine p2p, Options options, GpuDirectListener listener) {
        this.topology = topology;
        this.p2p = p2p;
        this.options = options;
        this.listener = listener;
    }

    /** The machine. */
    public PciTopology topology() {
        return topology;
    }

    /** The setup. */
    public Options options() {
        return options;
    }

    /** Every event so far, in order. */
    public List<GpuDirectEvent> events() {
        return List.copyOf(events);
    }

    /** The events after the {@code count} first. */
    public List<GpuDirectEvent> eventsSince(int count) {
        return List.copyOf(events.subList(Math.min(count, events.size()), events.size()));
    }

    /** The GPU memory objects, freed ones included. */
    public List<GpuMemory> memories() {
        return List.copyOf(memories);
    }

    /** The GPU memory object holding {@code address}, if a live one does. */
    public @Nullable GpuMemory memoryAt(long address) {
        for (GpuMemory m : memories) {
            if (!m.freedByOwner() && m.covers(address, 1)) {
                return m;
            }
        }
        return null;
    }

    /**
     * Declares a GPU. Its BAR1 window is where its pages appear to peers.
     *
     * @throws IllegalArgumentException when the GPU is not in the topology or is declared twice
     */
    public GpuDevice addGpu(GpuDevice gpu) {
        if (topology.function(gpu.address()).isEmpty()) {
            throw new IllegalArgumentException("GPU " + gpu.address() + " is not in the topology " + topology.source());
        }
        if (gpus.putIfAbsent(gpu.address(), gpu) != null) {
            throw new IllegalArgumentException("GPU " + gpu.address() + " is declared twice");
        }
        bar1Taken.put(gpu.address(), new TreeMap<>());
        return gpu;
    }

    /** Declares a GPU with the BAR1 window the topology gives. */
    public GpuDevice addGpu(PciAddress address) {
        return addGpu(GpuDevice.fromTopology(topology, address));
    }

    /** The bytes of a GPU's BAR1 window taken by mappings now. */
    public long bar1Used(PciAddress gpu) {
        TreeMap<Long, Long> taken = bar1Taken.get(gpu);
        return taken == null ? 0 : taken.values().stream().mapToLong(Long::longValue).sum();
    }

    // ---------------------------------------------------------------------------------------
    // GPU memory objects
    // ---------------------------------------------------------------------------------------

    /**
     * Allocates GPU memory at a virtual address, as cudaMalloc() does with unified addressing
     * (the pointer is both the GPU VA and a reserved range of the process). It is not in BAR1
     * yet: RM maps it there when P2P pages are asked for.
     *
     * @throws IllegalArgumentException for an unknown GPU, a size of 0, an address that is not
     *         page aligned, or a range that overlaps a live object
     */
    public GpuMemory allocate(PciAddress gpuAddress, long va, long size) {
        GpuDevice gpu = gpus.get(gpuAddress);
        if (gpu == null) {
            throw new IllegalArgumentException("GPU " + gpuAddress + " was not declared");
        }
        if (size <= 0 || (va & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "GPU memory needs a size above 0 and a page-aligned address (va %#x, size %#x)", va, size));
        }
        GpuMemory m = new GpuMemory(nextId++, gpu, va, size);
        for (GpuMemory other : memories) {
            if (!other.freedByOwner() && Long.compareUnsigned(m.va(), other.end()) < 0
                    && Long.compareUnsigned(other.va(), m.end()) < 0) {
                throw new IllegalArgumentException(m + " overlaps " + other);
            }
        }
        memories.add(m);
        emit(GpuDirectEvent.Kind.GPU_ALLOC, m.toString(), String.format(Locale.ROOT,
                "cudaMalloc: %#x bytes on %s at %#x, backed by %d GPU pages of 64 KiB; not in BAR1 until P2P pages"
                        + " are asked for", size, gpu.address(), va, m.backedSize() / GPU_PAGE_SIZE));
        return m;
    }

    /**
     * The process's VMA over a GPU memory object: a mapping of the GPU's device file with
     * VM_IO | VM_PFNMAP | VM_DONTEXPAND, as nvidia_mmap_helper() (nv-mmap.c) sets them. No
     * struct page backs it, so GUP refuses it.
     */
    public Vma vma(GpuMemory m) {
        long start = m.va() & -PAGE_SIZE;
        long end = (m.end() + PAGE_SIZE - 1) & -PAGE_SIZE;
        EnumSet<VmFlag> flags = EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.SHARED, VmFlag.MAY_READ,
                VmFlag.MAY_WRITE, VmFlag.MAY_SHARE, VmFlag.IO, VmFlag.PFNMAP, VmFlag.DONTEXPAND);
        return new Vma(start, end, flags, 0, "00:06", 0, "/dev/nvidia" + gpuIndex(m.gpu()), PAGE_SIZE);
    }

    private int gpuIndex(GpuDevice gpu) {
        int i = 0;
        for (PciAddress a : gpus.keySet()) {
            if (a.equals(gpu.address())) {
                return i;
            }
            i++;
        }
        return i;
    }

    /**
     * Frees GPU memory as cudaFree() does. RM tears the object down: every non-persistent P2P
     * page table over it is unlinked from RM's tracker and its free callback runs, under RM's
     * lock, in this (the freeing) context; then the driver frees the table and its DMA mappings
     * (nv_p2p_mem_info_free_callback → nv_p2p_free_platform_data → nv_p2p_free_page_table).
     * Persistent page tables have no callback: "the pages will persist until explicitly freed by
     * nvidia_p2p_put_pages_persistent()" (nv-p2p.h), so the memory stays in BAR1 and is released
     * only then.
     *
     * @return the events this call produced, in order
     * @throws IllegalStateException when the memory was already freed
     */
    public List<GpuDirectEvent> free(GpuMemory m) {
        if (m.freedByOwner()) {
            throw new IllegalStateException(m + " was already freed");
        }
        int mark = events.size();
        m.markFreedByOwner();
        emit(GpuDirectEvent.Kind.GPU_FREE, m.toString(), "cudaFree: RM tears the object down and takes its P2P"
                + " page tables off its tracker (rm_p2p_put_pages on them now finds nothing)");
        for (P2pPageTable t : List.copyOf(tables)) {
            if (t.memory() != m || t.state() != P2pPageTable.State.LIVE || t.persistent()) {
                continue;
            }
            FreeCallback cb = t.callback();
            emit(GpuDirectEvent.Kind.FREE_CALLBACK, "page table " + t.id(), "RM calls nv_p2p_mem_info_free_callback"
                    + " under its lock, in the freeing task's context: the owner's free_callback first");
            if (cb != null) {
                cb.freed(t);
            }
            // nv_p2p_free_platform_data -> nv_p2p_free_page_table: every DMA mapping, then the table.
            for (P2pDmaMapping dm : List.copyOf(t.mappingList())) {
                releaseMapping(t, dm, "nv_p2p_free_page_table: the driver unmaps it itself (nv_p2p_free_dma_mapping)");
            }
            t.setState(P2pPageTable.State.FREED_BY_CALLBACK);
            dropExtent(m, t.extent());
        }
        if (m.persistentTables() > 0) {
            emit(GpuDirectEvent.Kind.WARNING, m.toString(), String.format(Locale.ROOT, "%d persistent page table(s)"
                    + " hold the memory (RM dup'd its handle): it stays in BAR1 and keeps its pages until"
                    + " nvidia_p2p_put_pages_persistent", m.persistentTables()));
        }
        long exports = dmabufs.stream().filter(b -> b.memory() == m && !b.released()).count();
        if (exports > 0) {
            emit(GpuDirectEvent.Kind.WARNING, m.toString(), String.format(Locale.ROOT, "%d dma-buf(s) hold the"
                    + " memory (the exporter dup'd its handle): it stays, and their MRs stay valid, until the last"
                    + " reference goes; no callback runs", exports));
        }
        releaseIfUnused(m);
        return eventsSince(mark);
    }

    // The owner freed it and nothing maps it into BAR1 any more: the GPU really lets it go.
    private static void releaseIfUnused(GpuMemory m) {
        if (m.freedByOwner() && m.extents().isEmpty() && !m.released()) {
            m.markReleased();
        }
    }

    // ---------------------------------------------------------------------------------------
    // nv-p2p.c
    // ---------------------------------------------------------------------------------------

    /**
     * {@code nvidia_p2p_get_pages(p2p_token, va_space, virtual_address, length, &page_table,
     * free_callback, data)}: the pages of GPU memory as 64 KiB BAR1 pages, with a callback for
     * when the memory goes away. Checks in nv-p2p.c's order: a NULL callback is -EINVAL (the
     * persistent API is separate); {@code virtual_address} and {@code length} must be multiples
     * of 64 KiB (-EINVAL, with the NVRM line); then RM: tokens come only from
     * nvidia_p2p_init_mapping(), which returns -ENOTSUPP, so any non-zero token or VA space finds
     * nothing (-EINVAL); the range must lie in one live allocation (-EINVAL); BAR1 must have
     * room (NV_ERR_NO_MEMORY, -ENOMEM).
     */
    public Outcome<P2pPageTable> getPages(long p2pToken, int vaSpace, long va, long length,
            @Nullable FreeCallback callback) {
        if (callback == null) {
            return Outcome.failed("EINVAL", "nvidia_p2p_get_pages: free_callback is NULL (persistent pages come from"
                    + " nvidia_p2p_get_pages_persistent)", List.of());
        }
        return p2pGetPages(false, p2pToken, vaSpace, va, length, FLAGS_DEFAULT, callback);
    }

    /**
     * {@code nvidia_p2p_get_pages_persistent(virtual_address, length, &page_table, flags)}: pages
     * with no callback, pinned until nvidia_p2p_put_pages_persistent(). The same alignment rule;
     * flags NVIDIA_P2P_FLAGS_DEFAULT or NVIDIA_P2P_FLAGS_FORCE_BAR1_MAPPING (a table made with
     * the latter cannot be DMA-mapped through this API: -ENOTSUPP there).
     */
    public Outcome<P2pPageTable> getPagesPersistent(long va, long length, int flags) {
        return p2pGetPages(true, 0, 0, va, length, flags, null);
    }

    private Outcome<P2pPageTable> p2pGetPages(boolean persistent, long token, int vaSpace, long va, long length,
            int flags, @Nullable FreeCallback callback) {
        String fn = persistent ? "nvidia_p2p_get_pages_persistent" : "nvidia_p2p_get_pages";
        if ((va & (GPU_PAGE_SIZE - 1)) != 0 || (length & (GPU_PAGE_SIZE - 1)) != 0) {
            return Outcome.failed("EINVAL", String.format(Locale.ROOT, "%s → nv_p2p_get_pages: the address or the"
                    + " length is not a multiple of 64 KiB (NV_IS_ALIGNED64(..., NVRM_P2P_PAGESIZE_BIG_64K))", fn),
                    List.of(String.format(Locale.ROOT, "NVRM: Invalid argument in nv_p2p_get_pages,address or length"
                            + " are not aligned address=0x%x, length=0x%x", va, length)));
        }
        boolean forcePcie = (flags & FLAGS_FORCE_BAR1_MAPPING) != 0;
        if (callback != null && forcePcie) {
            return Outcome.failed("ENOTSUPP", "nv_p2p_get_pages: forced PCIe (BAR1) mappings are not supported for"
                    + " the non-persistent API", List.of());
        }
        if (!persistent && (token != 0 || vaSpace != 0)) {
            return Outcome.failed("EINVAL", String.format(Locale.ROOT, "rm_p2p_get_pages: p2p_token %#x / va_space %d"
                    + " name no mapping (tokens come from nvidia_p2p_init_mapping, which returns -ENOTSUPP); RM's"
                    + " NV_ERR_INVALID_ARGUMENT is -EINVAL", token, vaSpace), List.of());
        }
        if (length == 0) {
            return Outcome.failed("EINVAL", fn + ": RM finds no GPU memory in an empty range (-EINVAL)", List.of());
        }
        GpuMemory m = memoryAt(va);
        if (m == null || !m.covers(va, length)) {
            return Outcome.failed("EINVAL", String.format(Locale.ROOT, "%s: [%#x, %#x) is not inside one live GPU"
                    + " allocation of the caller (RM: NV_ERR_INVALID_ARGUMENT → -EINVAL)", fn, va, va + length),
                    List.of());
        }
        if (persistent && forcePcie && !m.gpu().coherent()) {
            return Outcome.failed("ENOTSUPP", fn + " → RmP2PGetPagesPersistent: forced PCIe (BAR1) mappings need a"
                    + " coherent GPU (PDB_PROP_GPU_COHERENT_CPU_MAPPING): NV_ERR_NOT_SUPPORTED", List.of());
        }
        GpuMemory.Bar1Extent[] ext = new GpuMemory.Bar1Extent[1];
        String bar1Why = mapRange(m, va, length, true, ext);
        if (bar1Why != null) {
            return Outcome.failed("ENOMEM", fn + ": " + bar1Why, List.of(String.format(Locale.ROOT,
                    "NVRM: no space for BAR1 mappings, length: 0x%x", length)));
        }
        int entries = (int) (length / GPU_PAGE_SIZE);
        long[] phys = new long[entries];
        for (int i = 0; i < entries; i++) {
            phys[i] = m.bar1Address(va + i * GPU_PAGE_SIZE);
        }
        P2pPageTable t = new P2pPageTable(nextId++, m, va, length, phys, persistent, forcePcie, callback, ext[0]);
        tables.add(t);
        if (persistent) {
            m.addPersistent(1);
        }
        emit(GpuDirectEvent.Kind.GET_PAGES, "page table " + t.id(), String.format(Locale.ROOT,
                "%s: %d pages of 64 KiB at BAR1 %#x (version %#010x, %s)%s", fn, entries, phys[0], t.version(),
                t.pageSize().kernelName(), persistent ? ", persistent: no callback"
                        : ", free callback registered with RM (rm_p2p_register_callback)"));
        return Outcome.ok(t, String.format(Locale.ROOT, "%s: %d entries, page_size %s, physical addresses in %s's"
                + " BAR1", fn, entries, t.pageSize().kernelName(), m.gpu().address()), List.of());
    }

    /**
     * RM's third-party P2P reserve: BAR1 that P2P mappings leave to RM's own clients
     * (CLI_THIRD_PARTY_P2P_BAR1_RESERVE, 36 MiB: "at least 32MB ... for RM clients" plus 4 MiB).
     */
    public static final long P2P_BAR1_RESERVE = 36L << 20;

    // RM maps a requested range into BAR1 as an extent, or reuses an extent that covers it
    // (RmP2PGetPagesUsingVidmemInfo). A new P2P extent needs BAR1 size - P2P-mapped bytes >=
    // reserve + length (_isSpaceAvailableForBar1P2PMapping, else NV_ERR_INSUFFICIENT_RESOURCES).
    // Placement is first fit in the window, a simplification of RM's BAR1 VA heap.
    private @Nullable String mapRange(GpuMemory m, long va, long length, boolean p2p, GpuMemory.Bar1Extent[] out) {
        GpuMemory.Bar1Extent e = m.extentCovering(va, length);
        if (e != null) {
            e.users++;
            out[0] = e;
            return null;
        }
        GpuDevice gpu = m.gpu();
        if (p2p) {
            long mapped = p2pMapped(gpu);
            if (gpu.bar1Size() - mapped < P2P_BAR1_RESERVE + length) {
                return String.format(Locale.ROOT, "no space for BAR1 mappings in %s: %#x asked, %#x of the %#x BAR1"
                        + " mapped for P2P, %#x kept for RM's clients (_isSpaceAvailableForBar1P2PMapping:"
                        + " NV_ERR_INSUFFICIENT_RESOURCES → -ENOMEM)", gpu.address(), length, mapped, gpu.bar1Size(),
                        P2P_BAR1_RESERVE);
            }
        }
        long offset = firstFit(gpu, length);
        if (offset < 0) {
            return String.format(Locale.ROOT, "BAR1 of %s has no free range of %#x bytes (%#x of %#x in use):"
                    + " NV_ERR_INSUFFICIENT_RESOURCES → -ENOMEM", gpu.address(), length, bar1Used(gpu.address()),
                    gpu.bar1Size());
        }
        bar1Taken.get(gpu.address()).put(offset, length);
        e = new GpuMemory.Bar1Extent(va, length, offset, p2p);
        e.users = 1;
        m.extents().add(e);
        out[0] = e;
        return null;
    }

    private long p2pMapped(GpuDevice gpu) {
        long sum = 0;
        for (GpuMemory other : memories) {
            if (other.gpu().address().equals(gpu.address())) {
                for (GpuMemory.Bar1Extent x : other.extents()) {
                    sum += x.p2p ? x.length : 0;
                }
            }
        }
        return sum;
    }

    private long firstFit(GpuDevice gpu, long length) {
        long cursor = 0;
        for (Map.Entry<Long, Long> e : bar1Taken.get(gpu.address()).entrySet()) {
            if (e.getKey() - cursor >= length) {
                break;
            }
            cursor = e.getKey() + e.getValue();
        }
        return cursor + length > gpu.bar1Size() ? -1 : cursor;
    }

    private void dropExtent(GpuMemory m, GpuMemory.Bar1Extent e) {
        e.users--;
        if (e.users == 0) {
            bar1Taken.get(m.gpu().address()).remove(e.bar1Offset);
            m.extents().remove(e);
        }
        releaseIfUnused(m);
    }

    /**
     * {@code nvidia_p2p_put_pages(p2p_token, va_space, virtual_address, page_table)}. A NULL
     * table returns 0. RM looks the table up by address in its tracker: when the free callback
     * already took it off (or the address or table is not one RM tracks, a persistent table
     * included), rm_p2p_put_pages returns NV_ERR_OBJECT_NOT_FOUND and nv_p2p_put_pages turns
     * that into 0: nothing happens. Otherwise the DMA mappings and the table are freed.
     *
     * @throws IllegalStateException when the table was already put (the kernel would use freed memory)
     */
    public Outcome<Void> putPages(long p2pToken, int vaSpace, long va, @Nullable P2pPageTable table) {
        if (table == null) {
            return Outcome.ok(null, "nvidia_p2p_put_pages: page_table is NULL: returns 0", List.of());
        }
        if (table.state() == P2pPageTable.State.PUT) {
            throw new IllegalStateException("page table " + table.id() + " was already put: the kernel would read"
                    + " freed memory");
        }
        if (table.state() == P2pPageTable.State.FREED_BY_CALLBACK) {
            return Outcome.ok(null, "nvidia_p2p_put_pages: the free callback already ran and RM unlinked the table;"
                    + " rm_p2p_put_pages returns NV_ERR_OBJECT_NOT_FOUND, which nv_p2p_put_pages maps to 0: a no-op",
                    List.of());
        }
        if (table.persistent() || table.va() != va || p2pToken != 0 || vaSpace != 0) {
            return Outcome.ok(null, String.format(Locale.ROOT, "nvidia_p2p_put_pages: RM tracks no non-persistent"
                    + " table for token %#x, VA %#x: NV_ERR_OBJECT_NOT_FOUND, mapped to 0; nothing is released%s",
                    p2pToken, va, table.persistent() ? " (a persistent table needs nvidia_p2p_put_pages_persistent)"
                            : ""), List.of("the pages stay mapped in BAR1"));
        }
        putTable(table, "nvidia_p2p_put_pages");
        return Outcome.ok(null, "nvidia_p2p_put_pages: RM unlinks the table (no callback will run), the driver"
                + " frees its DMA mappings and the table", List.of());
    }

    /**
     * {@code nvidia_p2p_put_pages_persistent(virtual_address, page_table, flags)}: flags must be 0
     * (-EINVAL); a NULL table returns 0; otherwise the table goes, and memory whose owner freed
     * it meanwhile is released now.
     *
     * @throws IllegalArgumentException for a non-persistent table
     * @throws IllegalStateException    when the table was already put
     */
    public Outcome<Void> putPagesPersistent(long va, @Nullable P2pPageTable table, int flags) {
        if (flags != 0) {
            return Outcome.failed("EINVAL", "nvidia_p2p_put_pages_persistent: flags must be 0", List.of());
        }
        if (table == null) {
            return Outcome.ok(null, "nvidia_p2p_put_pages_persistent: page_table is NULL: returns 0", List.of());
        }
        if (!table.persistent()) {
            throw new IllegalArgumentException("page table " + table.id() + " is not persistent");
        }
        if (table.state() == P2pPageTable.State.PUT) {
            throw new IllegalStateException("page table " + table.id() + " was already put");
        }
        GpuMemory m = table.memory();
        m.addPersistent(-1);
        putTable(table, "nvidia_p2p_put_pages_persistent");
        return Outcome.ok(null, "nvidia_p2p_put_pages_persistent: rm_p2p_put_pages_persistent releases the pages"
                + (m.released() && m.freedByOwner() ? "; the owner had freed the memory, so it is released now" : ""),
                List.of());
    }

    private void putTable(P2pPageTable t, String fn) {
        for (P2pDmaMapping dm : List.copyOf(t.mappingList())) {
            releaseMapping(t, dm, fn + " → nv_p2p_free_page_table");
        }
        t.setState(P2pPageTable.State.PUT);
        emit(GpuDirectEvent.Kind.PUT_PAGES, "page table " + t.id(), fn + ": released");
        dropExtent(t.memory(), t.extent());
    }

    /**
     * {@code nvidia_p2p_dma_map_pages(peer, page_table, &dma_mapping)}: DMA addresses for a peer
     * device, one per 64 KiB page. NULL arguments are -EINVAL; a FORCE_BAR1 table -ENOTSUPP.
     * RM (rm_p2p_dma_map_pages) maps page by page with nv_dma_map_peer() (kernel-open/nvidia/
     * nv-dma.c), "always via BAR1": the page must lie inside BAR1 — with the driver's test
     * {@code va + size > res->end}, so BAR1's last page fails — (NV_ERR_INVALID_REQUEST, -EIO);
     * then, when the peer's DMA ops can map resources (an IOMMU, or dma-direct since Linux 5.0)
     * and NVreg_DmaRemapPeerMmio is on, dma_map_resource(): an IOVA of the peer's IOMMU domain,
     * or the CPU physical address under dma-direct (beyond the peer's DMA mask: -EIO); otherwise
     * the PCI bus address.
     *
     * <p>The driver does not consult the kernel's P2PDMA rules: on a path the kernel would call
     * NOT_SUPPORTED the mapping still succeeds. The result carries the kernel's verdict
     * ({@code calc_map_type_and_dist}) and says what it means for the transfer.
     *
     * @param peerDma the peer's DMA limits (IOMMU or not, DMA mask)
     * @throws IllegalArgumentException when the peer is not in the topology
     * @throws IllegalStateException    when the table was freed
     */
    public Outcome<P2pDmaMapping> dmaMapPages(PciAddress peer, @Nullable P2pPageTable table, DmaDevice peerDma) {
        if (table == null) {
            return Outcome.failed("EINVAL", "nvidia_p2p_dma_map_pages: page_table is NULL", List.of());
        }
        if (table.state() != P2pPageTable.State.LIVE) {
            throw new IllegalStateException("page table " + table.id() + " was freed (" + table.state() + ")");
        }
        if (topology.function(peer).isEmpty()) {
            throw new IllegalArgumentException("peer " + peer + " is not in the topology " + topology.source());
        }
        if (table.forcePcie()) {
            return Outcome.failed("ENOTSUPP", "nvidia_p2p_dma_map_pages: the table was made with"
                    + " NVIDIA_P2P_FLAGS_FORCE_BAR1_MAPPING; only CPU mappings are supported for it", List.of());
        }
        GpuDevice gpu = table.memory().gpu();
        KernelP2pResult fabric = p2p.evaluate(topology, gpu.address(), peer, null);
        List<DmaDevice.IovaRange> taken = new ArrayList<>();
        long[] dma = new long[table.entries()];
        boolean useResource = options.remapPeerMmio();
        for (int i = 0; i < dma.length; i++) {
            long phys = table.physicalAddress(i);
            if (phys < gpu.bar1Start() || phys + GPU_PAGE_SIZE > gpu.bar1End()) {
                giveBack(peer, taken);
                return Outcome.failed("EIO", String.format(Locale.ROOT, "nv_dma_map_peer: page %d at %#x is outside"
                        + " BAR1 [%#x, %#x] by the driver's test (va + size > res->end): NV_ERR_INVALID_REQUEST,"
                        + " which nv-p2p.c's status table does not list, so -EIO", i, phys, gpu.bar1Start(),
                        gpu.bar1End()), List.of("NVRM: Mapping requested outside of resource bounds"));
            }
            Outcome<Long> one = mapPeerRange(peer, peerDma, gpu, phys, GPU_PAGE_SIZE, useResource, taken);
            if (!one.ok()) {
                giveBack(peer, taken);
                return Outcome.failed(one.error(), "nvidia_p2p_dma_map_pages → rm_p2p_dma_map_pages → " + one.why(),
                        List.of());
            }
            dma[i] = one.get();
        }
        boolean viaIommu = useResource && peerDma.iommu();
        String how = !useResource ? "NVreg_DmaRemapPeerMmio=0: PCI bus addresses (BAR1 offset + pci_bus_address),"
                + " no IOMMU mapping"
                : peerDma.iommu() ? "dma_map_resource per 64 KiB page through the peer's IOMMU domain: IOVAs"
                        : "dma_map_resource under dma-direct: the CPU physical address of BAR1";
        P2pDmaMapping mapping = new P2pDmaMapping(nextId++, NvP2pVersion.DMA_MAPPING, table.pageSize(), peer, dma,
                viaIommu, fabric, how);
        table.mappingList().add(mapping);
        mappingIova.put(mapping.id(), taken);
        List<String> notes = new ArrayList<>();
        notes.add(fabricNote(fabric, viaIommu));
        emit(GpuDirectEvent.Kind.DMA_MAP, "page table " + table.id(), String.format(Locale.ROOT,
                "nvidia_p2p_dma_map_pages for %s: %d entries, first %#x (%s); kernel path %s", peer, dma.length, dma[0],
                how, fabric.mapType().kernelName()));
        return Outcome.ok(mapping, "nvidia_p2p_dma_map_pages: version " + String.format(Locale.ROOT, "%#010x",
                NvP2pVersion.DMA_MAPPING) + ", " + how, notes);
    }

    private static String fabricNote(KernelP2pResult fabric, boolean viaIommu) {
        switch (fabric.mapType()) {
            case BUS_ADDR:
                return viaIommu ? "the kernel's path is BUS_ADDR (common upstream " + fabric.commonUpstream()
                        + "), but the peer is given IOVAs: its requests go up to the IOMMU in the root complex to be"
                        + " translated (no ATS modelled), so the traffic crosses the host bridge anyway"
                        : "the kernel's path is BUS_ADDR: the TLPs stay below " + fabric.commonUpstream()
                                + ", distance " + fabric.distance();
            case THRU_HOST_BRIDGE:
                return "the kernel's path is THRU_HOST_BRIDGE: the TLPs go up through the root complex"
                        + (viaIommu ? ", where the IOMMU translates the IOVAs" : "");
            default:
                return "the kernel's P2PDMA rules call this path NOT_SUPPORTED (its own mappings would fail with"
                        + " -EREMOTEIO), but nvidia_p2p_dma_map_pages does not ask them: the mapping succeeds and"
                        + " transfers through this host bridge may fail, stall or crawl";
        }
    }

    // nv_dma_map_peer() for one range of BAR1 ([phys, phys + len)).
    private Outcome<Long> mapPeerRange(PciAddress peer, DmaDevice peerDma, GpuDevice gpu, long phys, long len,
            boolean useResource, List<DmaDevice.IovaRange> taken) {
        if (!useResource) {
            return Outcome.ok(phys + gpu.busOffset(), "nv_dma_map_peer: bus address", List.of());
        }
        if (!peerDma.iommu()) {
            if (Long.compareUnsigned(phys + len - 1, peerDma.dmaMask()) > 0) {
                return Outcome.failed("EIO", String.format(Locale.ROOT, "nv_dma_map_peer → dma_map_resource"
                        + " (dma_direct_map_resource): %#x is beyond the peer's DMA mask %#x, DMA_MAPPING_ERROR →"
                        + " NV_ERR_OPERATING_SYSTEM → -EIO", phys + len - 1, peerDma.dmaMask()), List.of());
            }
            return Outcome.ok(phys, "dma_direct_map_resource", List.of());
        }
        // iommu_dma_map_resource -> __iommu_dma_map: one IOVA allocation per call, in a domain that
        // already holds this engine's earlier mappings for the peer.
        List<DmaDevice.IovaRange> reserved = new ArrayList<>(peerDma.reservedIova());
        reserved.addAll(iovaTaken.getOrDefault(peer, List.of()));
        DmaDevice domain = new DmaDevice(peerDma.address(), peerDma.name(), peerDma.maxSegmentSize(),
                peerDma.segmentBoundaryMask(), true, peerDma.directOffset(), peerDma.granuleShift(), peerDma.dmaMask(),
                peerDma.pci32BitFirst(), reserved, peerDma.pgszBitmap());
        long granule = 1L << peerDma.granuleShift();
        long off = phys & (granule - 1);
        long size = (len + off + granule - 1) & -granule;
        IovaAllocator.Allocation a = IovaAllocator.allocate(size, domain);
        if (a.iova() == 0) {
            return Outcome.failed("EIO", "nv_dma_map_peer → dma_map_resource: " + a.why()
                    + ": DMA_MAPPING_ERROR → NV_ERR_OPERATING_SYSTEM → -EIO", List.of());
        }
        DmaDevice.IovaRange r = new DmaDevice.IovaRange(a.iova(), a.iova() + (a.granules() << peerDma.granuleShift()) - 1);
        iovaTaken.computeIfAbsent(peer, k -> new ArrayList<>()).add(r);
        taken.add(r);
        return Outcome.ok(a.iova() + off, "iommu_dma_map_resource: " + a.why(), List.of());
    }

    private void giveBack(PciAddress peer, List<DmaDevice.IovaRange> ranges) {
        List<DmaDevice.IovaRange> all = iovaTaken.get(peer);
        if (all != null) {
            all.removeAll(ranges);
        }
    }

    /**
     * {@code nvidia_p2p_dma_unmap_pages(peer, page_table, dma_mapping)}: a mapping no longer on
     * the table's list (the free callback's teardown took it) returns 0 and does nothing.
     */
    public Outcome<Void> dmaUnmapPages(PciAddress peer, P2pPageTable table, P2pDmaMapping mapping) {
        if (!table.mappingList().contains(mapping)) {
            return Outcome.ok(null, "nvidia_p2p_dma_unmap_pages: nv_p2p_remove_dma_mapping finds it unlinked"
                    + " already: returns 0", List.of());
        }
        List<String> notes = peer.equals(mapping.peer()) ? List.of()
                : List.of("WARN_ON(peer != dma_mapping->pci_dev): unmapped for " + mapping.peer());
        releaseMapping(table, mapping, "nvidia_p2p_dma_unmap_pages");
        return Outcome.ok(null, "nvidia_p2p_dma_unmap_pages: unmapped (dma_unmap_resource per page)", notes);
    }

    private void releaseMapping(P2pPageTable t, P2pDmaMapping dm, String why) {
        t.mappingList().remove(dm);
        List<DmaDevice.IovaRange> ranges = mappingIova.remove(dm.id());
        if (ranges != null) {
            giveBack(dm.peer(), ranges);
        }
        emit(GpuDirectEvent.Kind.DMA_UNMAP, "dma mapping " + dm.id(), why);
    }

    // ---------------------------------------------------------------------------------------
    // ib_umem_get with the peer-memory core and nvidia-peermem
    // ---------------------------------------------------------------------------------------

    /**
     * Registers an MR over GPU memory, as {@code ibv_reg_mr()} reaches ib_umem_get(). Upstream,
     * GUP (pin_user_pages_fast) refuses the VM_IO | VM_PFNMAP VMA in check_vma_flags() and the
     * registration fails with -EFAULT. With MLNX_OFED's peer-memory core, the failure goes to
     * ib_peer_umem_get(), which asks the registered clients in order (ib_get_peer_client):
     * {@code nv_mem} (needs invalidation support from the caller: IB_PEER_MEM_INVAL_SUPP, which
     * mlx5 passes) and {@code nv_mem_nc}. nv_mem_acquire() widens the range to 64 KiB pages and
     * probes it with nvidia_p2p_get_pages() and put_pages; the client that says "mine" then
     * pins (nv_mem_get_pages: nvidia_p2p_get_pages with nv_get_p2p_free_callback), maps
     * (nv_dma_map: 64 KiB pages required, the DMA-mapping version checked, one 64 KiB entry per
     * page) and fix_peer_sgls() trims the first and last entries to the MR's pages. No client:
     * the GUP error, -EFAULT.
     *
     * @param invalidationSupported whether the driver passes IB_PEER_MEM_INVAL_SUPP (mlx5 does)
     */
    public Outcome<GpuMr> registerMr(long address, long length, boolean write, PciAddress device, DmaDevice dma,
            boolean invalidationSupported) {
        if (length <= 0 || address + length < address) {
            return Outcome.failed("EINVAL", "ib_umem_get: empty or wrapping range", List.of());
        }
        String gup = String.format(Locale.ROOT, "ib_umem_get → pin_user_pages_fast(FOLL_LONGTERM%s):"
                + " check_vma_flags refuses VM_IO | VM_PFNMAP: -EFAULT", write ? " | FOLL_WRITE" : "");
        if (memoryAt(address) == null) {
            return Outcome.failed("EFAULT", String.format(Locale.ROOT, "ib_umem_get: no live GPU memory at %#x (freed"
                    + " or never allocated): GUP finds no VMA to pin and no peer-memory client takes it: -EFAULT",
                    address), List.of());
        }
        if (!options.peerMemoryCore()) {
            return Outcome.failed("EFAULT", gup + "; this kernel has no peer-memory core (upstream): GPU memory"
                    + " registers only through dma-buf (ibv_reg_dmabuf_mr)", List.of());
        }
        long start = address & -GPU_PAGE_SIZE;
        long end = (address + length + GPU_PAGE_SIZE - 1) & -GPU_PAGE_SIZE;
        List<String> notes = new ArrayList<>();
        notes.add(gup + "; ib_peer_umem_get asks the peer-memory clients");
        String client;
        if (invalidationSupported) {
            client = "nv_mem";
        } else {
            notes.add("ib_get_peer_client: nv_mem requires invalidation and the caller lacks IB_PEER_MEM_INVAL_SUPP:"
                    + " skipped");
            client = "nv_mem_nc";
        }
        // nv_mem_acquire: probe with a dummy callback, then put the pages back.
        Outcome<P2pPageTable> probe = getPages(0, 0, start, end - start, t -> {
            // nv_mem_dummy_callback: no IB ticket exists yet
        });
        if (!probe.ok()) {
            return Outcome.failed("EFAULT", gup + "; " + client + "_acquire: nvidia_p2p_get_pages -" + probe.error()
                    + " (" + probe.why() + "): not mine; no client takes it, so ib_peer_umem_get returns the GUP"
                    + " error", notes);
        }
        putPages(0, 0, start, probe.get());
        if (client.equals("nv_mem_nc")) {
            // nv_mem_get_pages_nc calls nvidia_p2p_get_pages with a NULL callback.
            Outcome<P2pPageTable> nc = getPages(0, 0, start, end - start, null);
            return Outcome.failed(nc.error(), "nv_mem_get_pages_nc → " + nc.why()
                    + " (nv-p2p.c refuses a NULL callback; persistent pages need nvidia_p2p_get_pages_persistent)",
                    notes);
        }
        GpuMr[] self = new GpuMr[1];
        Outcome<P2pPageTable> pages = getPages(0, 0, start, end - start, t -> peermemFreeCallback(self[0]));
        if (!pages.ok()) {
            return Outcome.failed(pages.error(), "nv_mem_get_pages → " + pages.why(), notes);
        }
        P2pPageTable table = pages.get();
        Outcome<P2pDmaMapping> mapped = dmaMapPages(device, table, dma);
        if (!mapped.ok()) {
            putPages(0, 0, start, table);
            return Outcome.failed(mapped.error(), "nv_dma_map → " + mapped.why(), notes);
        }
        P2pDmaMapping dm = mapped.get();
        notes.addAll(mapped.notes());
        if (!NvP2pVersion.compatible(dm.version(), NvP2pVersion.DMA_MAPPING)) {
            dmaUnmapPages(device, table, dm);
            putPages(0, 0, start, table);
            return Outcome.failed("EINVAL", String.format(Locale.ROOT,
                    "nv_dma_map: incompatible dma mapping version %#010x", dm.version()), notes);
        }
        List<DmaSegment> segs = peerSegments(dm, address, length);
        GpuMr mr = new GpuMr(nextId++, address, length, write, device, dma, client, table, dm, segs);
        self[0] = mr;
        mrs.add(mr);
        emit(GpuDirectEvent.Kind.MR_REGISTERED, mr.toString(), String.format(Locale.ROOT,
                "ib_peer_umem_get via %s: %d entries of 64 KiB (first trimmed by %#x); mkey valid;"
                        + " ib_umem_activate_invalidation_notifier armed", client, segs.size(),
                segs.isEmpty() ? 0 : dm.dmaAddress(0) == segs.get(0).address() ? 0
                        : segs.get(0).address() - dm.dmaAddress(0)));
        return Outcome.ok(mr, "ib_umem_get failed in GUP (-EFAULT); ib_peer_umem_get: " + client
                + " took the range: nvidia_p2p_get_pages + nvidia_p2p_dma_map_pages", notes);
    }

    // nv_dma_map (one sg entry per 64 KiB page) and fix_peer_sgls (trim to the MR's 4 KiB pages).
    private static List<DmaSegment> peerSegments(P2pDmaMapping dm, long address, long length) {
        List<DmaSegment> out = new ArrayList<>();
        int n = dm.entries();
        for (int i = 0; i < n; i++) {
            long a = dm.dmaAddress(i);
            long len = GPU_PAGE_SIZE;
            if (i == 0) {
                long offset = (address & -PAGE_SIZE) - (address & -GPU_PAGE_SIZE);
                a += offset;
                len -= offset;
            }
            if (i == n - 1) {
                long e = address + length;
                long trim = ((e + GPU_PAGE_SIZE - 1) & -GPU_PAGE_SIZE) - ((e + PAGE_SIZE - 1) & -PAGE_SIZE);
                len -= trim;
            }
            out.add(new DmaSegment(a, len, !dm.viaIommu()));
        }
        return out;
    }

    // nv_get_p2p_free_callback (nvidia-peermem) → ib_invalidate_peer_memory (peer_mem.c).
    private void peermemFreeCallback(@Nullable GpuMr mr) {
        if (mr == null) {
            return;
        }
        mr.setInCallback(true);
        emit(GpuDirectEvent.Kind.FREE_CALLBACK, mr.toString(), "nv_get_p2p_free_callback: callback_task = current;"
                + " calls the IB core's invalidate (ib_invalidate_peer_memory) for core_context " + mr.id());
        if (mr.state() == GpuMr.PeerState.MAPPED) {
            mr.invalidateMkey();
            emit(GpuDirectEvent.Kind.MR_INVALIDATED, mr.toString(), "ib_invalidate_peer_memory: mapping_lock taken,"
                    + " the driver's invalidation_func revokes the mkey: the device stops translating through the"
                    + " MR; its owner is not told until an access fails");
        }
        if (options.peermem() == PeermemMode.DEFAULT) {
            mr.setState(GpuMr.PeerState.INVALIDATED);
            emit(GpuDirectEvent.Kind.MR_INVALIDATED, mr.toString(), "ib_unmap_peer_client(MAPPED → INVALIDATED):"
                    + " PEER_MEM_INVALIDATE_UNMAPS, so the core calls neither dma_unmap nor put_pages");
        } else {
            mr.setState(GpuMr.PeerState.UNMAPPED);
            emit(GpuDirectEvent.Kind.MR_INVALIDATED, mr.toString(), "ib_unmap_peer_client(MAPPED → UNMAPPED):"
                    + " nv_dma_unmap and nv_mem_put_pages are called and return at once (callback_task == current)");
        }
        mr.setInCallback(false);
        emit(GpuDirectEvent.Kind.FREE_CALLBACK, mr.toString(), "nv_get_p2p_free_callback returns:"
                + " nvidia_p2p_free_dma_mapping and nvidia_p2p_free_page_table are no-ops; the driver frees both next");
    }

    /**
     * The device accesses an MR over GPU memory at {@code offset}. Through a valid mkey it
     * reaches the DMA address; after the free callback revoked the mkey, the work request
     * completes in error: IBV_WC_LOC_PROT_ERR for a local access, IBV_WC_REM_ACCESS_ERR seen by
     * the remote peer of an RDMA read or write.
     */
    public RdmaAccess rdmaAccess(GpuMr mr, long offset, long length, boolean remote) {
        return rdmaAccess(mr, offset, length, remote, false);
    }

    /**
     * {@link #rdmaAccess(GpuMr, long, long, boolean)} for a read of the MR's memory by the device
     * (an RDMA READ served from it, or a send from it) or a write into it (an RDMA WRITE, or a
     * receive): a write needs the MR's write access (IB_ACCESS_REMOTE_WRITE, IB_ACCESS_LOCAL_WRITE),
     * else the work request fails with an access error.
     */
    public RdmaAccess rdmaAccess(GpuMr mr, long offset, long length, boolean remote, boolean write) {
        RdmaAccess r;
        if (write && !mr.writable()) {
            r = new RdmaAccess(remote ? "IBV_WC_REM_ACCESS_ERR" : "IBV_WC_LOC_PROT_ERR", -1, false,
                    "a write into an MR registered without write access");
        } else if (offset < 0 || length <= 0 || offset + length > mr.length()) {
            r = new RdmaAccess(remote ? "IBV_WC_REM_ACCESS_ERR" : "IBV_WC_LOC_PROT_ERR", -1, false,
                    "the access lies outside the MR");
        } else if (!mr.valid()) {
            r = new RdmaAccess(remote ? "IBV_WC_REM_ACCESS_ERR" : "IBV_WC_LOC_PROT_ERR", -1, false,
                    mr.deregistered() ? "the MR was deregistered"
                            : "the mkey was revoked by the free callback: the GPU memory is gone");
        } else {
            r = new RdmaAccess("IBV_WC_SUCCESS", translate(mr.segments(), mr.address() & (PAGE_SIZE - 1), offset),
                    false, "through the MR's peer mapping");
        }
        emit(GpuDirectEvent.Kind.RDMA_ACCESS, mr.toString(), String.format(Locale.ROOT, "%s access at +%#x: %s",
                remote ? "remote" : "local", offset, r.status()));
        return r;
    }

    private static long translate(List<DmaSegment> segs, long firstOffset, long offset) {
        long pos = offset + firstOffset;
        for (DmaSegment s : segs) {
            if (pos < s.length()) {
                return s.address() + pos;
            }
            pos -= s.length();
        }
        return -1;
    }

    /**
     * Deregisters an MR (ib_umem_release → ib_umem_stop_invalidation_notifier →
     * ib_peer_umem_release). A mapped umem is unmapped through the client (nv_dma_unmap →
     * nvidia_p2p_dma_unmap_pages, nv_mem_put_pages → nvidia_p2p_put_pages); one the callback
     * invalidated or unmapped is not touched again.
     */
    public List<GpuDirectEvent> deregisterMr(GpuMr mr) {
        if (mr.deregistered()) {
            throw new IllegalStateException(mr + " was already deregistered");
        }
        int mark = events.size();
        if (mr.state() == GpuMr.PeerState.MAPPED) {
            P2pDmaMapping dm = mr.dmaMapping();
            if (dm != null) {
                dmaUnmapPages(mr.device(), mr.pageTable(), dm);
            }
            putPages(0, 0, mr.pageTable().va(), mr.pageTable());
        }
        mr.setState(GpuMr.PeerState.UNMAPPED);
        mr.markDeregistered();
        emit(GpuDirectEvent.Kind.MR_DEREGISTERED, mr.toString(), "ib_peer_umem_release: nv_mem_release frees the"
                + " client context");
        return eventsSince(mark);
    }

    // ---------------------------------------------------------------------------------------
    // dma-buf
    // ---------------------------------------------------------------------------------------

    /**
     * Exports GPU memory as a dma-buf (for NVIDIA: cuMemGetHandleForAddressRange → nv_dma_buf_create).
     * The exporter maps the memory into BAR1 to give importers its addresses.
     *
     * @throws IllegalArgumentException when the memory was freed or BAR1 has no room
     */
    public DmaBuf exportDmaBuf(GpuMemory m, DmaBuf.Exporter exporter) {
        if (m.freedByOwner()) {
            throw new IllegalArgumentException(m + " was freed");
        }
        GpuMemory.Bar1Extent[] ext = new GpuMemory.Bar1Extent[1];
        String bar1 = mapRange(m, m.va(), m.backedSize(), false, ext);
        if (bar1 != null) {
            throw new IllegalArgumentException(bar1);
        }
        DmaBuf b = new DmaBuf(nextId++, nextFd++, m, exporter, ext[0]);
        dmabufs.add(b);
        emit(GpuDirectEvent.Kind.DMABUF_ATTACH, b.toString(), String.format(Locale.ROOT, "dma_buf_export by %s:"
                + " %#x bytes at BAR1 %#x (%s)", exporter, b.size(), b.physStart(),
                b.dynamic() ? "dynamic: has pin/unpin" : "not dynamic: no pin op"));
        return b;
    }

    /** The dma-buf a file descriptor names, null when none does. */
    public @Nullable DmaBuf dmabufOf(int fd) {
        for (DmaBuf b : dmabufs) {
            if (b.fd() == fd && !b.closed()) {
                return b;
            }
        }
        return null;
    }

    /**
     * {@code ib_umem_dmabuf_get(device, offset, size, fd, access, ops)} with a dynamic
     * attachment, as mlx5 registers a dma-buf MR (ops with move_notify). In umem_dmabuf.c's
     * order: offset + size overflowing is -EINVAL; ops without move_notify -EINVAL; a bad fd
     * -EBADF (dma_buf_get); a range beyond the buffer -EINVAL; no pages -EINVAL; then
     * dma_buf_dynamic_attach(). The umem is not mapped yet: the driver maps it next (mlx5 at once,
     * see {@link #registerDmabufMr}), and again on the device page fault after a move_notify.
     * Against a non-dynamic exporter the kernel maps at attach time and keeps the table
     * (dma_buf_dynamic_attach).
     *
     * @param moveNotify whether the importer's ops have move_notify (mlx5's do)
     */
    public Outcome<UmemDmabuf> umemDmabufGet(long offset, long size, int fd, boolean write, PciAddress device,
            DmaDevice dma, boolean moveNotify) {
        return dmabufGet(offset, size, fd, write, device, dma, moveNotify, false);
    }

    private Outcome<UmemDmabuf> dmabufGet(long offset, long size, int fd, boolean write, PciAddress device,
            DmaDevice dma, boolean moveNotify, boolean pinnedOps) {
        String fn = pinnedOps ? "ib_umem_dmabuf_get_pinned → ib_umem_dmabuf_get" : "ib_umem_dmabuf_get";
        if (offset < 0 || size < 0 || offset + size < offset) {
            return Outcome.failed("EINVAL", fn + ": offset + size overflows (check_add_overflow)", List.of());
        }
        if (!moveNotify) {
            return Outcome.failed("EINVAL", fn + ": the attach ops have no move_notify", List.of());
        }
        DmaBuf b = dmabufOf(fd);
        if (b == null) {
            return Outcome.failed("EBADF", fn + " → dma_buf_get(" + fd + "): no such open file", List.of());
        }
        if (b.size() < offset + size) {
            return Outcome.failed("EINVAL", String.format(Locale.ROOT, "%s: dmabuf->size %#x < offset + size %#x", fn,
                    b.size(), offset + size), List.of());
        }
        long pages = ((offset + size + PAGE_SIZE - 1) & -PAGE_SIZE) - (offset & -PAGE_SIZE);
        if (size == 0 || pages == 0) {
            return Outcome.failed("EINVAL", fn + ": ib_umem_num_pages is 0", List.of());
        }
        if (topology.function(device).isEmpty()) {
            throw new IllegalArgumentException("device " + device + " is not in the topology " + topology.source());
        }
        UmemDmabuf u = new UmemDmabuf(nextId++, b, offset, size, write, device, dma, pinnedOps);
        b.attachmentList().add(u);
        List<String> notes = new ArrayList<>();
        emit(GpuDirectEvent.Kind.DMABUF_ATTACH, u.toString(), "dma_buf_dynamic_attach(" + b + ", " + device
                + ", " + (pinnedOps ? "ib_umem_dmabuf_attach_pinned_ops" : "the driver's ops with move_notify")
                + "): allow_peer2peer = true");
        if (!b.dynamic()) {
            // Importer dynamic, exporter not: dma_buf_dynamic_attach maps now and caches the table.
            Outcome<List<DmaSegment>> table = exporterMap(u);
            if (!table.ok()) {
                b.attachmentList().remove(u);
                u.setDetached();
                return Outcome.failed(table.error(), fn + " → dma_buf_dynamic_attach: the exporter is not dynamic, so"
                        + " the attachment is mapped at once, and that failed: " + table.why(), table.notes());
            }
            cached.put(u.id(), table.get());
            notes.add("the exporter is not dynamic: dma_buf_dynamic_attach maps the attachment at once and keeps the"
                    + " table (attach->sgt); it never moves");
            notes.addAll(table.notes());
        }
        return Outcome.ok(u, fn + ": attached " + (pinnedOps ? "(pinned ops)" : "(dynamic)"), notes);
    }

    /**
     * An mlx5 dma-buf MR (ibv_reg_dmabuf_mr → mlx5_ib_reg_user_mr_dmabuf): ib_umem_dmabuf_get()
     * with mlx5_ib_dmabuf_attach_ops (move_notify = mlx5_ib_dmabuf_invalidate_cb), then
     * mlx5_ib_init_dmabuf_mr() maps it at once (pagefault_dmabuf_mr → ib_umem_dmabuf_map_pages);
     * when that fails, the registration fails with its error.
     */
    public Outcome<UmemDmabuf> registerDmabufMr(long offset, long size, int fd, boolean write, PciAddress device,
            DmaDevice dma) {
        Outcome<UmemDmabuf> got = dmabufGet(offset, size, fd, write, device, dma, true, false);
        if (!got.ok()) {
            return got;
        }
        UmemDmabuf u = got.get();
        Outcome<Void> map = mapPages(u);
        if (!map.ok()) {
            release(u);
            return Outcome.failed(map.error(), "mlx5_ib_init_dmabuf_mr → pagefault_dmabuf_mr → " + map.why()
                    + "; the MR is destroyed", map.notes());
        }
        List<String> notes = new ArrayList<>(got.notes());
        notes.addAll(map.notes());
        return Outcome.ok(u, "mlx5_ib_reg_user_mr_dmabuf: attached (dynamic) and mapped by mlx5_ib_init_dmabuf_mr",
                notes);
    }

    /**
     * {@code ib_umem_dmabuf_get_pinned()}: attach with ops whose move_notify only warns, take the
     * reservation lock, dma_buf_pin() (the exporter's pin op; none: 0), then
     * ib_umem_dmabuf_map_pages(); any failure releases the umem and returns the error.
     */
    public Outcome<UmemDmabuf> umemDmabufGetPinned(long offset, long size, int fd, boolean write, PciAddress device,
            DmaDevice dma) {
        Outcome<UmemDmabuf> got = dmabufGet(offset, size, fd, write, device, dma, true, true);
        if (!got.ok()) {
            return got;
        }
        UmemDmabuf u = got.get();
        u.setPinned(true);
        u.dmabuf().addPin(1);
        Outcome<Void> map = mapPages(u);
        if (!map.ok()) {
            release(u);
            return Outcome.failed(map.error(), "ib_umem_dmabuf_get_pinned: dma_buf_pin then " + map.why()
                    + "; the umem is released", List.of());
        }
        return Outcome.ok(u, "ib_umem_dmabuf_get_pinned: dma_buf_pin (" + (u.dmabuf().dynamic()
                ? "the exporter's pin op: it will not move the buffer" : "no pin op: returns 0")
                + ") and mapped at once", got.notes());
    }

    /**
     * {@code ib_umem_dmabuf_map_pages()}: -EINVAL once revoked; with a table already mapped, only
     * the fence wait; otherwise dma_buf_map_attachment() and the trim of the table to
     * [ALIGN_DOWN(offset, PAGE_SIZE), ALIGN(offset + size, PAGE_SIZE)): the first entry that
     * holds the start moves by {@code first_sg_offset}, the one that holds the end loses
     * {@code last_sg_trim}. The exporter maps: NVIDIA's with nv_dma_map_peer() per chunk of
     * the device's maximum segment size (no peer-path check); a P2PDMA exporter through
     * dma_map_sgtable(), where the kernel's map type decides: a bus address (BUS_ADDR), the
     * IOMMU (THRU_HOST_BRIDGE), or -EREMOTEIO (NOT_SUPPORTED).
     */
    public Outcome<Void> mapPages(UmemDmabuf u) {
        if (u.revoked()) {
            return Outcome.failed("EINVAL", "ib_umem_dmabuf_map_pages: the umem was revoked", List.of());
        }
        if (u.mapped()) {
            return Outcome.ok(null, "ib_umem_dmabuf_map_pages: the table is mapped; waits for the exporter's"
                    + " kernel fences (none here)", List.of());
        }
        List<DmaSegment> kept = cached.get(u.id());
        Outcome<List<DmaSegment>> table = kept != null
                ? Outcome.ok(kept, "dma_buf_map_attachment returns the table mapped at attach time", List.of())
                : exporterMap(u);
        if (!table.ok()) {
            return Outcome.failed(table.error(), "ib_umem_dmabuf_map_pages → dma_buf_map_attachment → " + table.why(),
                    table.notes());
        }
        trim(u, table.get());
        emit(GpuDirectEvent.Kind.DMABUF_MAP, u.toString(), String.format(Locale.ROOT, "ib_umem_dmabuf_map_pages:"
                + " %d entries, first %s, first_sg_offset %#x, last_sg_trim %#x", u.segments().size(),
                u.segments().isEmpty() ? "-" : u.segments().get(0), u.firstSgOffset(), u.lastSgTrim()));
        return Outcome.ok(null, "ib_umem_dmabuf_map_pages: " + table.why(), table.notes());
    }

    private Outcome<List<DmaSegment>> exporterMap(UmemDmabuf u) {
        DmaBuf b = u.dmabuf();
        GpuDevice gpu = b.memory().gpu();
        DmaDevice dma = u.dma();
        long maxSeg = Math.min(dma.maxSegmentSize(), 0xffffffffL) & -PAGE_SIZE;
        if (b.exporter() == DmaBuf.Exporter.NVIDIA) {
            List<DmaSegment> out = new ArrayList<>();
            List<DmaDevice.IovaRange> taken = new ArrayList<>();
            long phys = b.physStart();
            long left = b.size();
            while (left > 0) {
                long len = Math.min(left, maxSeg);
                Outcome<Long> one = mapPeerRange(u.device(), dma, gpu, phys, len, options.remapPeerMmio(), taken);
                if (!one.ok()) {
                    giveBack(u.device(), taken);
                    return Outcome.failed(one.error(), "nv_dma_buf_map → nv_dma_buf_map_pfns → " + one.why(),
                            List.of());
                }
                out.add(new DmaSegment(one.get(), len, !(options.remapPeerMmio() && dma.iommu())));
                phys += len;
                left -= len;
            }
            umemIova.put(u.id(), taken);
            KernelP2pResult fabric = p2p.evaluate(topology, gpu.address(), u.device(), null);
            return Outcome.ok(out, String.format(Locale.ROOT, "nv_dma_buf_map_pfns: %d entries of at most %#x"
                    + " (nv_dma_map_peer each)", out.size(), maxSeg), List.of(fabricNote(fabric,
                            options.remapPeerMmio() && dma.iommu())));
        }
        // A P2PDMA exporter: its BAR pages are ZONE_DEVICE P2PDMA pages, mapped by dma_map_sgtable.
        int pgmap = 0;
        PhysicalMemoryMap physical = PhysicalMemoryMap.of(List.of(new PhysicalMemoryMap.Range(
                gpu.bar1Start() >>> 12, (gpu.bar1Start() + gpu.bar1Size()) >>> 12, PhysicalMemoryMap.Kind.PCI_P2PDMA,
                gpu.address() + " BAR 1", gpu.address(), pgmap)));
        PeerMapping peers = PeerMappings.of(physical, topology, u.device(), p2p);
        ScatterList sg = new ScatterList(maxSeg, 0, b.size());
        sg.run(0, b.physStart() >>> 12, b.size() >>> 12, PageFlags.PRESENT | PageFlags.ZONE_DEVICE, 12, pgmap);
        sg.finish();
        DmaMapper.Result r = DmaMapper.map(sg, dma, peers);
        PeerMapping.Route route = peers.route(pgmap);
        if (r.error() != null) {
            return Outcome.failed(r.error(), "the exporter's dma_map_sgtable: " + r.why(),
                    route == null ? List.of() : List.of(route.why()));
        }
        DmaSegments segs = r.segments();
        List<DmaSegment> out = new ArrayList<>();
        for (int i = 0; i < segs.size(); i++) {
            out.add(new DmaSegment(segs.address(i), segs.length(i), segs.busAddress(i)));
        }
        if (r.iova() != 0) {
            DmaDevice.IovaRange range = new DmaDevice.IovaRange(r.iova(), r.iova() + r.iovaLength() - 1);
            iovaTaken.computeIfAbsent(u.device(), k -> new ArrayList<>()).add(range);
            umemIova.put(u.id(), new ArrayList<>(List.of(range)));
        }
        return Outcome.ok(out, "the exporter's dma_map_sgtable: " + r.why(),
                route == null ? List.of() : List.of(route.why()));
    }

    private static void trim(UmemDmabuf u, List<DmaSegment> table) {
        long start = u.offset() & -PAGE_SIZE;
        long end = (u.offset() + u.length() + PAGE_SIZE - 1) & -PAGE_SIZE;
        long cur = 0;
        long firstOffset = 0;
        long lastTrim = 0;
        List<DmaSegment> out = new ArrayList<>();
        for (DmaSegment s : table) {
            long addr = s.address();
            long len = s.length();
            boolean counted = start < cur + len && cur < end;
            if (cur <= start && start < cur + len) {
                long offset = start - cur;
                firstOffset = offset;
                addr += offset;
                len -= offset;
                cur += offset;
            }
            if (cur < end && end <= cur + len) {
                long trim = cur + len - end;
                lastTrim = trim;
                len -= trim;
                out.add(new DmaSegment(addr, len, s.bus()));
                break;
            }
            if (counted) {
                out.add(new DmaSegment(addr, len, s.bus()));
            }
            cur += len;
        }
        u.setMapped(out, firstOffset, lastTrim);
    }

    /** {@code ib_umem_dmabuf_unmap_pages()}: restores and unmaps the table; nothing when none is mapped. */
    public void unmapPages(UmemDmabuf u) {
        if (!u.mapped()) {
            return;
        }
        u.clearMapped();
        if (!cached.containsKey(u.id())) {
            // A table cached at attach time stays mapped until dma_buf_detach.
            List<DmaDevice.IovaRange> ranges = umemIova.remove(u.id());
            if (ranges != null) {
                giveBack(u.device(), ranges);
            }
        }
        emit(GpuDirectEvent.Kind.DMABUF_UNMAP, u.toString(), "ib_umem_dmabuf_unmap_pages: first and last entries"
                + " restored, dma_buf_unmap_attachment");
    }

    /**
     * {@code dma_buf_move_notify()}: the exporter tells every attachment that its mappings must
     * go. A dynamic MR (mlx5_ib_dmabuf_invalidate_cb) zaps its translation and unmaps
     * (ib_umem_dmabuf_unmap_pages): the next device access faults and maps again. A pinned one
     * (ib_umem_dmabuf_unsupported_move_notify) only warns "Invalidate callback should not be
     * called when memory is pinned": it keeps the old addresses, a bug in whoever moved it.
     * NVIDIA's exporter never calls this.
     */
    public List<GpuDirectEvent> moveNotify(DmaBuf b) {
        int mark = events.size();
        emit(GpuDirectEvent.Kind.MOVE_NOTIFY, b.toString(), "dma_buf_move_notify under the reservation lock"
                + (b.dynamic() ? "" : " (nv-dmabuf.c never calls it: a scenario forcing it)"));
        for (UmemDmabuf u : List.copyOf(b.attachmentList())) {
            if (u.pinnedAttach()) {
                emit(GpuDirectEvent.Kind.WARNING, u.toString(), "ib_umem_dmabuf_unsupported_move_notify: \"Invalidate"
                        + " callback should not be called when memory is pinned\"; the MR keeps its old DMA addresses");
                continue;
            }
            if (!u.mapped()) {
                emit(GpuDirectEvent.Kind.MR_INVALIDATED, u.toString(), "mlx5_ib_dmabuf_invalidate_cb: nothing mapped");
                continue;
            }
            emit(GpuDirectEvent.Kind.MR_INVALIDATED, u.toString(), "mlx5_ib_dmabuf_invalidate_cb: the MR's"
                    + " translation is zapped (MLX5_IB_UPD_XLT_ZAP), then ib_umem_dmabuf_unmap_pages");
            unmapPages(u);
        }
        return eventsSince(mark);
    }

    /**
     * A dynamic exporter moves the buffer to another place in BAR1 (eviction, migration) and calls
     * dma_buf_move_notify(). A buffer that an attachment pinned is not moved (the exporter keeps
     * pinned buffers in place): refused with -EBUSY. NVIDIA's exporter never moves.
     */
    public Outcome<List<GpuDirectEvent>> exporterMove(DmaBuf b) {
        if (!b.dynamic()) {
            return Outcome.failed("EINVAL", "nv-dmabuf.c's exporter never moves GPU memory", List.of());
        }
        if (b.pinCount() > 0) {
            return Outcome.failed("EBUSY", String.format(Locale.ROOT, "%d attachment(s) pinned the buffer"
                    + " (dma_buf_pin): the exporter does not move it", b.pinCount()), List.of());
        }
        GpuMemory.Bar1Extent e = b.extent();
        if (e.users > 1) {
            return Outcome.failed("EBUSY", "the buffer's BAR1 range is shared with P2P page tables: not moved",
                    List.of());
        }
        TreeMap<Long, Long> taken = bar1Taken.get(b.memory().gpu().address());
        long cursor = firstFit(b.memory().gpu(), e.length);
        if (cursor < 0) {
            return Outcome.failed("ENOMEM", "no room in BAR1 to move the buffer to", List.of());
        }
        taken.put(cursor, e.length);
        long old = e.bar1Offset;
        e.bar1Offset = cursor;
        taken.remove(old);
        List<GpuDirectEvent> ev = moveNotify(b);
        return Outcome.ok(ev, String.format(Locale.ROOT, "moved from BAR1 %#x to %#x and notified",
                b.memory().gpu().bar1Start() + old, b.physStart()), List.of());
    }

    /**
     * Closes the dma-buf's file descriptor (dma_buf_put of the fd's reference). Attachments hold
     * their own references (dma_buf_get in ib_umem_dmabuf_get): the buffer, and the exporter's
     * hold on the GPU memory (nv-dmabuf.c dups the memory handles), go with the last one
     * (nv_dma_buf_release).
     *
     * @throws IllegalStateException when it was already closed
     */
    public List<GpuDirectEvent> closeDmaBuf(DmaBuf b) {
        if (b.closed()) {
            throw new IllegalStateException(b + " was already closed");
        }
        int mark = events.size();
        b.close();
        emit(GpuDirectEvent.Kind.DMABUF_UNMAP, b.toString(), String.format(Locale.ROOT, "close(fd %d): dma_buf_put;"
                + " %d attachment(s) still hold it", b.fd(), b.attachmentList().size()));
        finishIfUnused(b);
        return eventsSince(mark);
    }

    private void finishIfUnused(DmaBuf b) {
        if (b.closed() && b.attachmentList().isEmpty() && !b.released()) {
            b.markReleased();
            emit(GpuDirectEvent.Kind.DMABUF_UNMAP, b.toString(), "the last reference is gone: the exporter's release"
                    + " drops its hold on the GPU memory");
            dropExtent(b.memory(), b.extent());
        }
    }

    /**
     * The device accesses a dma-buf MR at {@code offset}. When move_notify unmapped it, the
     * access page-faults and the driver maps it again under the reservation lock
     * (ib_umem_dmabuf_map_pages), at the buffer's new place; a revoked or unmappable umem
     * completes in error.
     */
    public RdmaAccess rdmaAccess(UmemDmabuf u, long offset, long length, boolean remote) {
        String err = remote ? "IBV_WC_REM_ACCESS_ERR" : "IBV_WC_LOC_PROT_ERR";
        RdmaAccess r;
        if (offset < 0 || length <= 0 || offset + length > u.length()) {
            r = new RdmaAccess(err, -1, false, "the access lies outside the MR");
        } else if (u.detached() || u.revoked()) {
            r = new RdmaAccess(err, -1, false, "the umem was revoked or released");
        } else {
            boolean faulted = false;
            String why = "through the mapped table";
            if (!u.mapped()) {
                faulted = true;
                u.addFault();
                Outcome<Void> m = mapPages(u);
                why = "page fault: " + m.why();
                if (!m.ok()) {
                    r = new RdmaAccess(err, -1, true, why + ": -" + m.error());
                    emit(GpuDirectEvent.Kind.RDMA_ACCESS, u.toString(), "access at +" + offset + ": " + r.status());
                    return r;
                }
            }
            r = new RdmaAccess("IBV_WC_SUCCESS", translate(u.segments(), u.offset() & (PAGE_SIZE - 1), offset),
                    faulted, why);
        }
        emit(GpuDirectEvent.Kind.RDMA_ACCESS, u.toString(), String.format(Locale.ROOT, "%s access at +%#x: %s%s",
                remote ? "remote" : "local", offset, r.status(), r.faulted() ? " after a fault" : ""));
        return r;
    }

    /**
     * {@code ib_umem_dmabuf_release()}: ib_umem_dmabuf_revoke (unmap, dma_buf_unpin when pinned,
     * revoked) and dma_buf_detach.
     */
    public void release(UmemDmabuf u) {
        if (u.detached()) {
            throw new IllegalStateException(u + " was already released");
        }
        unmapPages(u);
        if (u.pinned()) {
            u.dmabuf().addPin(-1);
            u.setPinned(false);
        }
        u.setRevoked();
        u.setDetached();
        if (cached.remove(u.id()) != null) {
            List<DmaDevice.IovaRange> ranges = umemIova.remove(u.id());
            if (ranges != null) {
                giveBack(u.device(), ranges);
            }
        }
        u.dmabuf().attachmentList().remove(u);
        emit(GpuDirectEvent.Kind.DMABUF_UNMAP, u.toString(), "ib_umem_dmabuf_release: revoked, dma_buf_detach,"
                + " dma_buf_put");
        finishIfUnused(u.dmabuf());
    }

    private void emit(GpuDirectEvent.Kind kind, String subject, String detail) {
        GpuDirectEvent e = new GpuDirectEvent(++seq, kind, subject, detail);
        events.add(e);
        listener.event(e);
    }

    /** The kernel's map type between a GPU and a peer, as the P2PDMA rules decide it. */
    public P2pMapType kernelMapType(PciAddress gpu, PciAddress peer) {
        return p2p.evaluate(topology, gpu, peer, null).mapType();
    }
}
