package org.dmascope.core.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Sizes;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Turns a user pointer into DMA segments as {@code ib_umem_get()} (drivers/infiniband/core/umem.c)
 * does for a pinned RDMA memory region, step by step: the range and permission checks in the
 * kernel's order, RLIMIT_MEMLOCK, long-term pinning through the backend of each VMA, the scatter
 * list, DMA mapping, and then {@code ib_umem_find_best_pgsz()}. Streams: a 64 GiB range passes
 * through as runs, with memory in proportion to the scatter list's entries.
 */
public final class UmemResolver {

    private static final int PAGE_SHIFT = 12;
    private static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    private static final int MAX_VMA_STEPS = 32;

    private final List<MemoryBackend> backends;

    /** A resolver that pins through these backends (each VMA goes to the one that handles it best). */
    public UmemResolver(List<MemoryBackend> backends) {
        this.backends = List.copyOf(backends);
    }

    /**
     * Resolves the request.
     *
     * @throws MemoryReadException when the process's memory cannot be read (it exited, or the
     *                             reader may not read it); nothing of the chain is valid then
     */
    public AddressChain resolve(UmemRequest req) throws MemoryReadException {
        Builder b = new Builder(req);
        AddressSpace space = req.space();
        long addr = req.address();
        long len = req.length();
        long end = addr + len;
        String range = String.format(Locale.ROOT, "%#x + %#x (%s)", addr, len, IbAccess.describe(req.access()));
        if (Long.compareUnsigned(end, addr) < 0 || Long.compareUnsigned(alignUp(end), end) < 0) {
            return b.fail("EINVAL", "range", range, "refused", "ib_umem_get: addr + size overflows: -EINVAL");
        }
        if (space.memlockLimit() == 0 && !space.capIpcLock()) {
            return b.fail("EPERM", "range", range, "refused", "can_do_mlock: RLIMIT_MEMLOCK is 0 and the process lacks"
                    + " CAP_IPC_LOCK: -EPERM");
        }
        if ((req.access() & IbAccess.ON_DEMAND) != 0) {
            return b.fail("EOPNOTSUPP", "range", range, "refused", "ib_umem_get: IB_ACCESS_ON_DEMAND is not pinned here"
                    + " (the driver calls ib_umem_odp_get instead): -EOPNOTSUPP");
        }
        long first = addr & -PAGE_SIZE;
        long last = alignUp(end);
        long npages = (last - first) >>> PAGE_SHIFT;
        if (npages == 0 || Long.compareUnsigned(npages, 0xffffffffL) > 0) {
            return b.fail("EINVAL", "range", range, npages + " pages", String.format(Locale.ROOT,
                    "ib_umem_get: %d pages: a region must have 1 to UINT_MAX pages: -EINVAL", npages));
        }
        b.step("range", range, String.format(Locale.ROOT, "%d pages from %#x to %#x", npages, first, last),
                String.format(Locale.ROOT, "ib_umem_num_pages: the range covers %d whole pages; the scatter list is built"
                        + " from whole pages and the offset %#x into the first stays in the MR's address", npages,
                        addr & (PAGE_SIZE - 1)));
        long pinnedPages = space.pinnedBytes() >>> PAGE_SHIFT;
        long limitPages = space.memlockLimit() == org.dmascope.core.memory.AddressSpace.UNLIMITED ? -1L >>> 1
                : space.memlockLimit() >>> PAGE_SHIFT;
        long newPinned = pinnedPages + npages;
        String memlockIn = String.format(Locale.ROOT, "%d pages already pinned + %d, RLIMIT_MEMLOCK %s", pinnedPages,
                npages, space.memlockLimit() == AddressSpace.UNLIMITED ? "unlimited" : limitPages + " pages");
        if (newPinned > limitPages) {
            if (!space.capIpcLock()) {
                return b.fail("ENOMEM", "memlock", memlockIn, "refused", String.format(Locale.ROOT,
                        "ib_umem_get: pinned_vm would be %d pages, above RLIMIT_MEMLOCK (%d pages), and the process lacks"
                                + " CAP_IPC_LOCK: -ENOMEM (raise ulimit -l)", newPinned, limitPages));
            }
            b.step("memlock", memlockIn, newPinned + " pages pinned", String.format(Locale.ROOT, "ib_umem_get: %d pages"
                    + " exceed RLIMIT_MEMLOCK but the process has CAP_IPC_LOCK, which lifts the limit", newPinned));
        } else {
            b.step("memlock", memlockIn, newPinned + " pages pinned", String.format(Locale.ROOT,
                    "ib_umem_get: pinned_vm becomes %d pages, within RLIMIT_MEMLOCK", newPinned));
        }

        boolean write = IbAccess.writable(req.access());
        // Without pages to keep, an IOMMU device's segments are laid out as the entries stream out of
        // the list's builder: neither pages nor entries are kept, only DMA segments.
        DmaMapper.IommuStream stream = !req.keepPages() && req.device().iommu()
                ? new DmaMapper.IommuStream(req.device(), req.peers()) : null;
        // Without an IOMMU, the best page size is found while the list is built, as its entries
        // become final: for a 64-bit device without P2PDMA entries they are the DMA segments.
        BestPageSize.Scan directScan = req.device().iommu() ? null
                : new BestPageSize.Scan(addr, len, req.virt(), req.device().pgszBitmap(), req.device().directOffset());
        long maxSegment = req.device().maxSegmentSize();
        ScatterList sg;
        if (stream != null) {
            sg = new ScatterList(maxSegment, 0, npages << PAGE_SHIFT, stream);
        } else if (directScan != null) {
            sg = new ScatterList(maxSegment, 0, npages << PAGE_SHIFT, directScan, true);
        } else {
            sg = new ScatterList(maxSegment, 0, npages << PAGE_SHIFT);
        }
        PageRuns pages = req.keepPages() ? new PageRuns() : null;
        RunSink sink = pages == null ? sg : new RunSink() {
            @Override
            public void run(long v, long pfn, long n, int flags, int shift, int pgmap) {
                pages.run(v, pfn, n, flags, shift, pgmap);
                sg.run(v, pfn, n, flags, shift, pgmap);
            }

            @Override
            public void runs(RunBatch batch) {
                pages.runs(batch);
                sg.runs(batch);
            }
        };
        long cur = first;
        long pinnedTotal = 0;
        long faulted = 0;
        long cowBroken = 0;
        long migrated = 0;
        List<String> notes = new ArrayList<>();
        int vmaSteps = 0;
        while (Long.compareUnsigned(cur, last) < 0) {
            Vma vma = space.vma(cur).orElse(null);
            if (vma == null) {
                PinResult partial = new PinResult("EFAULT", "", pinnedTotal, faulted, cowBroken, migrated, notes);
                b.pin = partial;
                b.pages = pages;
                return b.fail("EFAULT", "vma", String.format(Locale.ROOT, "%#x", cur), "no VMA", String.format(
                        Locale.ROOT, "pin_user_pages_fast: no VMA maps %#x (%s): -EFAULT after %d pages pinned, which"
                                + " ib_umem_get unpins again", cur, holeDescription(space, cur), pinnedTotal));
            }
            b.vmas.add(vma);
            long segEnd = Long.compareUnsigned(vma.end(), last) < 0 ? vma.end() : last;
            MemoryBackend backend = choose(space, vma, cur, segEnd, req);
            String vmaText = vma.mapsLine();
            if (backend == null) {
                b.backends.add("");
                b.pin = new PinResult("EFAULT", "", pinnedTotal, faulted, cowBroken, migrated, notes);
                b.pages = pages;
                String why = vma.has(VmFlag.IO) || vma.has(VmFlag.PFNMAP)
                        ? "check_vma_flags: VM_IO or VM_PFNMAP: GUP refuses memory without struct pages: -EFAULT"
                        : "no memory backend handles this VMA";
                return b.fail("EFAULT", "pin", vmaText, "refused", why);
            }
            b.backends.add(backend.id());
            PinResult r = backend.pin(space, vma, cur, segEnd, write, req.physical(), sink);
            pinnedTotal += r.pages();
            faulted += r.faulted();
            cowBroken += r.cowBroken();
            migrated += r.migrated();
            notes.addAll(r.notes());
            if (!r.ok()) {
                b.pin = new PinResult(r.error(), r.why(), pinnedTotal, faulted, cowBroken, migrated, notes);
                b.pages = pages;
                return b.fail(r.error(), "pin", vmaText, String.format(Locale.ROOT, "%d pages pinned before the error,"
                        + " then unpinned", pinnedTotal), backend.id() + ": " + r.why());
            }
            if (vmaSteps++ < MAX_VMA_STEPS) {
                b.step("pin", vmaText, String.format(Locale.ROOT, "%d pages pinned (%d faulted in, %d copy-on-write"
                        + " breaks, %d migrated)", r.pages(), r.faulted(), r.cowBroken(), r.migrated()),
                        backend.id() + ": " + r.why());
            }
            cur = segEnd;
        }
        if (vmaSteps > MAX_VMA_STEPS) {
            b.step("pin", (vmaSteps - MAX_VMA_STEPS) + " more VMAs", "pinned", "the steps of the first " + MAX_VMA_STEPS
                    + " VMAs are listed");
        }
        b.pin = new PinResult(null, String.format(Locale.ROOT, "pin_user_pages_fast(FOLL_LONGTERM%s)",
                write ? " | FOLL_WRITE" : ""), pinnedTotal, faulted, cowBroken, migrated, notes);
        b.pages = pages;
        sg.finish();
        b.sg = stream == null ? sg : null;
        b.sgCounts = sg.counts();
        b.step("sg", npages + " pinned pages", sg.size() + " entries", sgWhy(sg.counts(), npages));

        DmaMapper.Result mapped = stream == null ? DmaMapper.map(sg, req.device(), req.peers())
                : stream.finish(sg.size());
        if (mapped.error() != null) {
            return b.fail(mapped.error(), "dma-map", req.device().describe(), "refused", mapped.why());
        }
        b.dma = mapped.segments();
        b.iova = mapped.iova();
        b.step("dma-map", sg.size() + " entries, " + req.device().describe(), plural(mapped.segments().size(),
                "DMA segment"), mapped.why());

        BestPageSize.Result best = directScan != null && DmaMapper.plainDirect(sg, req.device(), req.peers())
                ? directScan.result()
                : BestPageSize.find(mapped.segments(), addr, len, req.virt(), req.device().pgszBitmap());
        b.pageSize = best.pageSize();
        b.dmaBlocks = best.dmaBlocks();
        b.step("page-size", String.format(Locale.ROOT, "%d DMA segments, virtual address %#x, bitmap %#x",
                mapped.segments().size(), req.virt(), req.device().pgszBitmap()), best.pageSize() > 0
                        ? Sizes.human(best.pageSize()) + ", " + best.dmaBlocks() + " blocks"
                        : best.pageSize() == 0 ? "none" : "unknown", best.why());
        return b.done();
    }

    private @Nullable MemoryBackend choose(AddressSpace space, Vma vma, long start, long end, UmemRequest req) {
        MemoryBackend best = null;
        int score = 0;
        for (MemoryBackend m : backends) {
            int s = m.handles(space, vma, start, end, req.physical());
            if (s > score) {
                score = s;
                best = m;
            }
        }
        return best;
    }

    private static String holeDescription(AddressSpace space, long address) {
        Vma below = null;
        Vma above = null;
        for (Vma v : space.vmas()) {
            if (Long.compareUnsigned(v.end(), address) <= 0) {
                below = v;
            } else if (above == null && Long.compareUnsigned(v.start(), address) > 0) {
                above = v;
            }
        }
        return String.format(Locale.ROOT, "a hole between %s and %s",
                below == null ? "the bottom" : String.format(Locale.ROOT, "%#x", below.end()),
                above == null ? "the top" : String.format(Locale.ROOT, "%#x", above.start()));
    }

    private static String sgWhy(ScatterList.Counts sg, long npages) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "sg_alloc_append_table_from_pages: %d pages → %d"
                + " entries; pages merge while their PFNs are consecutive and they are the same kind of memory (one"
                + " pgmap), up to max_segment %#x (%d pages)", npages, sg.entries(), sg.maxSegment(),
                sg.maxSegment() >>> PAGE_SHIFT));
        if (sg.breaksAtPfn() > 0) {
            s.append(String.format(Locale.ROOT, "; %d breaks where the next PFN does not follow", sg.breaksAtPfn()));
        }
        if (sg.breaksAtMaxSegment() > 0) {
            s.append(String.format(Locale.ROOT, "; %d breaks at max_segment", sg.breaksAtMaxSegment()));
        }
        if (sg.breaksAtPgmap() > 0) {
            s.append(String.format(Locale.ROOT, "; %d breaks between different pgmaps", sg.breaksAtPgmap()));
        }
        if (sg.unknownPages() > 0) {
            s.append(String.format(Locale.ROOT, "; %d pages have no known PFN (faulted or copied at pin time, or PFNs"
                    + " hidden): counted as if contiguous, each run its own entry", sg.unknownPages()));
        }
        return s.toString();
    }

    private static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static long alignUp(long v) {
        return (v + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    private static final class Builder {
        final UmemRequest req;
        final List<Vma> vmas = new ArrayList<>();
        final List<String> backends = new ArrayList<>();
        final List<ChainStep> steps = new ArrayList<>();
        @Nullable PageRuns pages;
        @Nullable PinResult pin;
        @Nullable ScatterList sg;
        ScatterList.@Nullable Counts sgCounts;
        @Nullable DmaSegments dma;
        long iova;
        long pageSize = -1;
        long dmaBlocks;

        Builder(UmemRequest req) {
            this.req = req;
        }

        void step(String step, String input, String output, String why) {
            steps.add(new ChainStep(step, input, output, why));
        }

        AddressChain fail(String errno, String step, String input, String output, String why) {
            step(step, input, output, why);
            if (vmas.isEmpty()) {
                vmas.addAll(req.space().vmas(req.address(), req.address() + Math.max(1, req.length())));
            }
            return new AddressChain(req, vmas, backends, pages, pin, sg, sgCounts, dma, iova, -1, 0, errno, steps);
        }

        AddressChain done() {
            return new AddressChain(req, vmas, backends, pages, pin, sg, sgCounts, dma, iova, pageSize, dmaBlocks, null,
                    steps);
        }
    }
}
