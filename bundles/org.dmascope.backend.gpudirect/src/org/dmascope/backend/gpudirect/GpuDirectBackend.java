package org.dmascope.backend.gpudirect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.dmascope.core.backend.BackendSemantics;
import org.dmascope.core.backend.BackendStyle;
import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The backend for GPU memory mapped into a process: VMAs of NVIDIA device files
 * ({@code /dev/nvidia*}), VM_IO | VM_PFNMAP with no struct page behind them. Long-term pinning
 * reproduces what ib_umem_get() makes of such a range: GUP refuses it (check_vma_flags:
 * -EFAULT); with MLNX_OFED's peer-memory core and nvidia-peermem the range goes to the
 * {@code nv_mem} client instead (ib_peer_umem_get → nv_mem_acquire → nvidia_p2p_get_pages),
 * which gives 64 KiB GPU pages in BAR1. A Declarative Services component
 * (OSGI-INF/org.dmascope.backend.gpudirect.xml); a scenario gives it its engine, which knows
 * the GPU objects and their BAR1 addresses.
 */
public final class GpuDirectBackend implements MemoryBackend {

    /** The backend's identifier. */
    public static final String ID = "gpudirect";

    /** How well it handles GPU mappings: above the struct page backend's 10. */
    public static final int SCORE = 20;

    /** State bit: a 64 KiB GPU page in BAR1, reached through the P2P API, not through struct pages. */
    public static final int GPU_BAR_PAGE = PageFlags.BACKEND_FIRST;
    /** State bit: the GPU memory is not in BAR1 yet; RM maps it there when the pages are asked for. */
    public static final int NOT_IN_BAR1 = PageFlags.BACKEND_FIRST << 1;
    /**
     * State bit of an MR's GPU pages after the free callback: the peer client invalidated the MR
     * (the mkey is revoked) and the driver freed the page table and its DMA mapping.
     */
    public static final int MR_INVALIDATED = PageFlags.BACKEND_FIRST << 2;

    private static final BackendStyle STYLE = new BackendStyle(0x76b900, "GPU",
            "GPU memory in BAR1 (GPUDirect RDMA): 64 KiB GPU pages with no struct page, pinned by"
                    + " nvidia_p2p_get_pages() through the peer-memory client, invalidated by the free callback",
            Map.of(GPU_BAR_PAGE, "64 KiB GPU page in BAR1", NOT_IN_BAR1, "not in BAR1 until P2P pages are asked for",
                    MR_INVALIDATED, "MR invalidated by the free callback"));

    private static final BackendSemantics SEMANTICS = new BackendSemantics(
            "not by GUP, which refuses VM_IO | VM_PFNMAP (-EFAULT): with MLNX_OFED's peer-memory core, nvidia-peermem"
                    + " pins the range with nvidia_p2p_get_pages() (64 KiB aligned, whole 64 KiB pages) and maps it"
                    + " for the NIC with nvidia_p2p_dma_map_pages(); upstream, only a dma-buf (ibv_reg_dmabuf_mr)"
                    + " registers GPU memory",
            "none: cudaMalloc'd memory is resident; a range outside a live allocation is refused",
            "the P2P API pins the GPU pages in place; a dynamic dma-buf exporter may move its buffer and calls"
                    + " dma_buf_move_notify; a pinned attachment (ib_umem_dmabuf_get_pinned) keeps it in place",
            "the free callback: when the GPU memory is freed under a registered MR, RM calls nvidia-peermem's"
                    + " callback under its lock, which has the IB core revoke the MR; later accesses complete in"
                    + " error; put_pages afterwards is a no-op. Persistent pages have no callback. dma-buf:"
                    + " move_notify zaps the MR and the next access faults it back");

    private final @Nullable GpuDirectEngine engine;

    private static long pfnOf(GpuMemory m, long address) {
        long phys = m.bar1Address(address);
        return phys < 0 ? RunSink.NO_PFN : phys >>> 12;
    }

    /** For Declarative Services: no GPU objects known; pinning says what the kernel decides without them. */
    public GpuDirectBackend() {
        this.engine = null;
    }

    /** A backend that knows a scenario's GPU objects. */
    public GpuDirectBackend(GpuDirectEngine engine) {
        this.engine = engine;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public BackendStyle style() {
        return STYLE;
    }

    @Override
    public BackendSemantics semantics() {
        return SEMANTICS;
    }

    /** {@value #SCORE} for a mapping of an NVIDIA device file or of a GPU object the engine knows; 0 otherwise. */
    @Override
    public int handles(AddressSpace space, Vma vma, long start, long end, PhysicalMemoryMap physical) {
        if (vma.name().startsWith("/dev/nvidia")) {
            return SCORE;
        }
        GpuDirectEngine e = engine;
        return e != null && e.memoryAt(vma.start()) != null ? SCORE : 0;
    }

    /**
     * {@inheritDoc}
     *
     * <p>What ib_umem_get() gives, without changing anything: GUP's -EFAULT, and then, where the
     * peer-memory core is present and the engine knows the GPU object, the pages nv_mem would
     * pin: [start, end) widened to 64 KiB, each page at its BAR1 address (or with
     * {@link #NOT_IN_BAR1} while RM has not mapped it there), reported with page shift 16 and
     * {@link PageFlags#NO_STRUCT_PAGE}.
     */
    @Override
    public PinResult pin(AddressSpace space, Vma vma, long start, long end, boolean write, PhysicalMemoryMap physical,
            RunSink sink) {
        if (Long.compareUnsigned(start, end) >= 0 || !vma.contains(start) || Long.compareUnsigned(end, vma.end()) > 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "range %#x-%#x is not inside the VMA %s", start,
                    end, vma.mapsLine()));
        }
        String gup = String.format(Locale.ROOT, "pin_user_pages_fast(FOLL_LONGTERM%s) → check_vma_flags: %s: -EFAULT",
                write ? " | FOLL_WRITE" : "", vma.has(VmFlag.IO) || vma.has(VmFlag.PFNMAP) ? "VM_IO | VM_PFNMAP"
                        : "no struct page behind the GPU mapping");
        GpuDirectEngine e = engine;
        if (e == null) {
            return new PinResult("EFAULT", gup, 0, 0, 0, 0, List.of("with MLNX_OFED and nvidia-peermem, ib_umem_get"
                    + " passes the range to the nv_mem peer-memory client, which pins it with nvidia_p2p_get_pages():"
                    + " the GPU object's BAR1 placement is needed to say where"));
        }
        if (!e.options().peerMemoryCore()) {
            return new PinResult("EFAULT", gup, 0, 0, 0, 0, List.of("no peer-memory core in this kernel: only a"
                    + " dma-buf MR registers GPU memory"));
        }
        GpuMemory m = e.memoryAt(start);
        long from = start & -GpuDirectEngine.GPU_PAGE_SIZE;
        long to = (end + GpuDirectEngine.GPU_PAGE_SIZE - 1) & -GpuDirectEngine.GPU_PAGE_SIZE;
        if (m == null || !m.covers(from, to - from)) {
            return new PinResult("EFAULT", gup + "; nv_mem_acquire: nvidia_p2p_get_pages finds no live GPU allocation"
                    + " holding the range (-EINVAL): no client takes it", 0, 0, 0, 0, List.of());
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "ib_peer_umem_get → nv_mem: [%#x, %#x) widened to 64 KiB GPU pages"
                + " [%#x, %#x)", start, end, from, to));
        int flags = PageFlags.PRESENT | PageFlags.NO_STRUCT_PAGE | GPU_BAR_PAGE;
        long pages = (to - from) / 4096;
        long perGpuPage = GpuDirectEngine.GPU_PAGE_SIZE / 4096;
        boolean unknown = false;
        // One run per stretch of GPU pages that BAR1 maps contiguously, or that it does not map yet.
        long runStart = from;
        long runPfn = pfnOf(m, from);
        for (long a = from + GpuDirectEngine.GPU_PAGE_SIZE; a <= to; a += GpuDirectEngine.GPU_PAGE_SIZE) {
            long pfn = a < to ? pfnOf(m, a) : Long.MIN_VALUE;
            long expected = runPfn == RunSink.NO_PFN ? RunSink.NO_PFN : runPfn + (a - runStart) / 4096;
            if (a < to && pfn == expected) {
                continue;
            }
            long n = (a - runStart) / 4096;
            if (runPfn == RunSink.NO_PFN) {
                unknown = true;
                sink.run(runStart, RunSink.NO_PFN, n, flags | PageFlags.PFN_UNKNOWN | NOT_IN_BAR1, 16, -1);
            } else {
                sink.run(runStart, runPfn, n, flags, 16, -1);
            }
            runStart = a;
            runPfn = pfn;
        }
        if (unknown) {
            notes.add("RM maps a range into BAR1 when nvidia_p2p_get_pages asks for it: some addresses are known only"
                    + " then");
        }
        notes.add(perGpuPage + " base pages per 64 KiB GPU page");
        return new PinResult(null, gup + "; the peer-memory client nv_mem pins it instead (nvidia_p2p_get_pages)",
                pages, 0, 0, 0, notes);
    }
}
