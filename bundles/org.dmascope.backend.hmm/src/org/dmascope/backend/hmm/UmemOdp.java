package org.dmascope.backend.hmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.dmascope.scenario.Errno;
import org.dmascope.scenario.mm.IntervalNotifier;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.MmuNotifierRange;
import org.dmascope.scenario.mm.MmuNotifiers;
import org.eclipse.jdt.annotation.Nullable;

/**
 * An on-demand paging umem ({@code struct ib_umem_odp}, drivers/infiniband/core/umem_odp.c) as
 * an mlx5 MR uses it (drivers/infiniband/hw/mlx5/odp.c). Nothing is pinned at registration:
 * {@code ib_umem_odp_get} only inserts an MMU interval notifier over the range (even over
 * addresses nothing maps yet). Pages are mapped when the NIC faults on them
 * ({@code ib_umem_odp_map_dma_and_lock}: mmu_interval_read_begin, hmm_range_fault, then, under
 * umem_mutex, mmu_interval_read_retry, going round again when the sequence moved) and the
 * device's translation entries are written for them ({@code mlx5r_umr_update_xlt}). The
 * notifier's callback ({@code mlx5_ib_invalidate_range}) stores the sequence, zaps the entries
 * of the pages the invalidation covers and unmaps only those
 * ({@code ib_umem_odp_unmap_dma_pages}); the rest of the MR stays mapped.
 *
 * <p>An implicit child ({@code ib_umem_odp_alloc_child}, one 1 GiB slice of an implicit MR) is
 * a umem of its own with a notifier of its own; when an invalidation leaves it with no page
 * mapped, mlx5 destroys it ({@code destroy_unused_implicit_child_mr}).
 */
public final class UmemOdp implements IntervalNotifier.Ops {

    /** ODP_READ_ALLOWED_BIT (include/rdma/ib_umem_odp.h). */
    public static final int READ_ALLOWED = 1;
    /** ODP_WRITE_ALLOWED_BIT. */
    public static final int WRITE_ALLOWED = 2;

    private static final int PAGE_SHIFT = 12;
    private static final long PAGE = 1L << PAGE_SHIFT;
    /** How many times read_begin/hmm_range_fault/read_retry may go round (HMM_RANGE_DEFAULT_TIMEOUT). */
    static final int MAX_TRIES = 1000;

    /** One mapped page: the PFN hmm_range_fault returned and the access bits of the DMA entry. */
    public record Mapped(long pfn, int access) {
    }

    /** What one ib_umem_odp_map_dma_and_lock call did. */
    public static final class MapResult {
        /** The number of pages of the range (the positive return), or a negative errno. */
        public int rc;
        /** hmm_range_fault calls. */
        public int rangeFaults;
        /** Round trips caused by mmu_interval_read_retry (a concurrent invalidation). */
        public int retries;
        /** handle_mm_fault calls hmm_range_fault made. */
        public int cpuFaults;
        /** Pages newly DMA mapped (npages grew by this). */
        public int newlyMapped;
        /** Which rules applied. */
        public final List<String> notes = new ArrayList<>();
    }

    private final String name;
    private final Mm mm;
    private final long start;
    private final long end;
    private final boolean writable;
    private final IntervalNotifier notifier;
    /** dma_list / pfn_list, sparse: page index from start -> what is mapped. */
    private final TreeMap<Long, Mapped> mapped = new TreeMap<>();
    /** The invalidated ranges that hit it, in order, as [start, end) pairs clamped to the umem. */
    private final List<long[]> invalidated = new ArrayList<>();
    private final List<MmuNotifierRange.Event> invalidatedBy = new ArrayList<>();
    private @Nullable Runnable race;
    private String raceText = "";
    private boolean released;
    private @Nullable Runnable onEmpty;

    /**
     * {@code ib_umem_odp_get} / {@code ib_init_umem_odp}: the range is aligned to pages and the
     * interval notifier inserted over it.
     *
     * @param start    the first address (aligned down to a page)
     * @param end      the address after the last (aligned up to a page)
     * @param writable ib_access_writable(access)
     */
    public UmemOdp(String name, Mm mm, long start, long end, boolean writable) {
        this.name = name;
        this.mm = mm;
        this.start = start & ~(PAGE - 1);
        this.end = (end + PAGE - 1) & ~(PAGE - 1);
        this.writable = writable;
        this.notifier = mm.notifiers().insert(name, mm, this.start, this.end - this.start, this);
    }

    /** Its name. */
    public String name() {
        return name;
    }

    /** ib_umem_start. */
    public long start() {
        return start;
    }

    /** ib_umem_end. */
    public long end() {
        return end;
    }

    /** umem.writable. */
    public boolean writable() {
        return writable;
    }

    /** The interval notifier. */
    public IntervalNotifier notifier() {
        return notifier;
    }

    /** umem_odp->npages: how many pages are DMA mapped. */
    public int npages() {
        return mapped.size();
    }

    /** Whether it was released. */
    public boolean released() {
        return released;
    }

    /** What an address maps to, or null. */
    public @Nullable Mapped mappedAt(long address) {
        return mapped.get((address - start) >>> PAGE_SHIFT);
    }

    /** The invalidations that reached it: [start, end) clamped to the umem. */
    public List<long[]> invalidated() {
        return List.copyOf(invalidated);
    }

    /** The events of {@link #invalidated()}, in the same order. */
    public List<MmuNotifierRange.Event> invalidatedBy() {
        return List.copyOf(invalidatedBy);
    }

    /** Runs once when an invalidation leaves no page mapped (an implicit child's destruction). */
    void onEmpty(Runnable action) {
        onEmpty = action;
    }

    /**
     * Arranges an action to run once, concurrently, between hmm_range_fault() returning and
     * mmu_interval_read_retry() of the next map call.
     */
    public void raceNext(Runnable action, String text) {
        race = action;
        raceText = text;
    }

    /**
     * The mapped pages as runs of consecutive pages with the same access: [first address, end
     * address, access].
     */
    public List<long[]> mappedRuns() {
        List<long[]> out = new ArrayList<>();
        long[] cur = null;
        for (Map.Entry<Long, Mapped> e : mapped.entrySet()) {
            long a = start + (e.getKey() << PAGE_SHIFT);
            int acc = e.getValue().access();
            if (cur != null && cur[1] == a && cur[2] == acc) {
                cur[1] = a + PAGE;
            } else {
                cur = new long[] {a, a + PAGE, acc};
                out.add(cur);
            }
        }
        return out;
    }

    /** "r" or "rw" for a DMA entry's access bits. */
    public static String access(long bits) {
        return (bits & WRITE_ALLOWED) != 0 ? "rw" : "r";
    }

    /**
     * {@code ib_umem_odp_map_dma_and_lock(umem_odp, user_virt, bcnt, access_mask, fault)}:
     * read_begin, hmm_range_fault over the pages of [userVirt, userVirt + bcnt) (requesting a
     * fault, and write when the access mask allows writing, or a snapshot when fault is false),
     * -EBUSY goes round again; then mmu_interval_read_retry under umem_mutex, and round again
     * when an invalidation ran meanwhile; then each page is DMA mapped with the access mask
     * ({@code ib_umem_odp_map_dma_single_page}: a page mapped already only has its access bits
     * set again).
     */
    public MapResult mapDmaAndLock(long userVirt, long bcnt, int accessMask, boolean fault) {
        MapResult r = new MapResult();
        long rs = userVirt & ~(PAGE - 1);
        long re = (userVirt + bcnt + PAGE - 1) & ~(PAGE - 1);
        int npfns = (int) ((re - rs) >>> PAGE_SHIFT);
        for (int tries = 0; tries < MAX_TRIES; tries++) {
            HmmRange range = new HmmRange(rs, re);
            range.notifier = notifier;
            range.defaultFlags = fault
                    ? HmmPfn.REQ_FAULT | ((accessMask & WRITE_ALLOWED) != 0 ? HmmPfn.REQ_WRITE : 0)
                    : 0;
            range.pfnFlagsMask = 0;
            range.notifierSeq = mm.notifiers().readBegin(notifier).seq();
            r.rangeFaults++;
            HmmRangeFault.Result hr = HmmRangeFault.run(mm, range);
            r.cpuFaults += hr.faults();
            r.notes.addAll(hr.notes());
            if (hr.rc() == -Errno.EBUSY) {
                continue;
            }
            if (hr.rc() != 0) {
                r.rc = hr.rc();
                r.notes.add(String.format(Locale.ROOT, "ib_umem_odp_map_dma_and_lock: hmm_range_fault returned %s",
                        Errno.name(hr.rc())));
                return r;
            }
            Runnable act = race;
            if (act != null) {
                race = null;
                r.notes.add("concurrently, between hmm_range_fault() and mmu_interval_read_retry(): " + raceText);
                act.run();
            }
            // mutex_lock(&umem_odp->umem_mutex); if (mmu_interval_read_retry(...)) goto retry.
            if (MmuNotifiers.readRetry(notifier, range.notifierSeq)) {
                r.retries++;
                r.notes.add(String.format(Locale.ROOT,
                        "mmu_interval_read_retry: sequence %d -> %d, an invalidation ran since read_begin: %#x-%#x is faulted again",
                        range.notifierSeq, notifier.invalidateSeq(), rs, re));
                continue;
            }
            for (int i = 0; i < npfns; i++) {
                long e = range.hmmPfns[i];
                int acc = accessMask;
                if (!fault) {
                    if ((e & HmmPfn.VALID) == 0) {
                        continue;
                    }
                    acc = READ_ALLOWED | ((e & HmmPfn.WRITE) != 0 ? WRITE_ALLOWED : 0);
                }
                long idx = ((rs - start) >>> PAGE_SHIFT) + i;
                Mapped before = mapped.put(idx, new Mapped(HmmPfn.pfn(e), acc));
                if (before == null) {
                    r.newlyMapped++;
                }
            }
            r.rc = npfns;
            return r;
        }
        r.rc = -Errno.EBUSY;
        r.notes.add("HMM_RANGE_DEFAULT_TIMEOUT expired: -EBUSY");
        return r;
    }

    /**
     * The notifier's callback as mlx5 has it ({@code mlx5_ib_invalidate_range}): under
     * umem_mutex, mmu_interval_set_seq, then for the part of the range inside the umem the
     * device's entries of the mapped pages are zapped and those pages unmapped
     * ({@code ib_umem_odp_unmap_dma_pages}).
     */
    @Override
    public boolean invalidate(IntervalNotifier n, MmuNotifierRange range, long curSeq) {
        MmuNotifiers.setSeq(n, curSeq);
        if (mapped.isEmpty()) {
            // if (!umem_odp->npages) goto out;
            return true;
        }
        long s = Math.max(start, range.start());
        long e = Math.min(end, range.end());
        if (s >= e) {
            return true;
        }
        int before = mapped.size();
        unmapDmaPages(s, e);
        if (mapped.size() != before) {
            invalidated.add(new long[] {s, e});
            invalidatedBy.add(range.event());
        }
        Runnable empty = onEmpty;
        if (mapped.isEmpty() && empty != null) {
            empty.run();
        }
        return true;
    }

    /** {@code ib_umem_odp_unmap_dma_pages(umem_odp, virt, bound)}: unmaps the mapped pages of [virt, bound). */
    public int unmapDmaPages(long virt, long bound) {
        long first = (Math.max(virt, start) - start) >>> PAGE_SHIFT;
        long last = (Math.min(bound, end) - start + PAGE - 1) >>> PAGE_SHIFT;
        if (first >= last) {
            return 0;
        }
        Map<Long, Mapped> sub = mapped.subMap(first, true, last, false);
        int n = sub.size();
        sub.clear();
        return n;
    }

    /** {@code ib_umem_odp_release}: the notifier is removed and every page unmapped. */
    public void release() {
        if (!released) {
            released = true;
            mm.notifiers().remove(notifier);
            mapped.clear();
        }
    }
}
