package org.dmascope.backend.hmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.memory.VmFlag;
import org.dmascope.scenario.Errno;
import org.dmascope.scenario.mm.Folio;
import org.dmascope.scenario.mm.IntervalNotifier;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.MmuNotifiers;
import org.dmascope.scenario.mm.PageMap;
import org.dmascope.scenario.mm.Pte;
import org.dmascope.scenario.mm.SimVma;

/**
 * {@code hmm_range_fault()} of mm/hmm.c on a simulated address space: the page walk with its
 * callbacks (hmm_vma_walk_test, hmm_vma_walk_hole, hmm_vma_walk_pmd, hmm_vma_handle_pmd,
 * hmm_vma_handle_pte, hmm_vma_walk_hugetlb_entry), the fault decision (hmm_pte_need_fault,
 * hmm_range_need_fault), hmm_vma_fault, and the restart of the walk at {@code last} after every
 * fault (-EBUSY inside the loop). Before each walk the notifier's sequence is checked
 * (mmu_interval_check_retry): an invalidation since read_begin makes it return -EBUSY.
 */
public final class HmmRangeFault {

    private static final long PAGE = 4096;
    private static final long PMD_SIZE = 2L << 20;
    private static final int NEED_FAULT = 1;
    private static final int NEED_WRITE_FAULT = 2;
    /** Bound on restarts: each restart follows a fault that changed the page table. */
    private static final int MAX_WALKS = 100_000;

    /**
     * What one call did.
     *
     * @param rc     0, -EBUSY, -EFAULT or -EPERM
     * @param walks  how many times the walk ran (1 + the restarts after faults)
     * @param faults handle_mm_fault calls made
     * @param notes  which rule decided, a line each
     */
    public record Result(int rc, int walks, int faults, List<String> notes) {
    }

    private final Mm mm;
    private final HmmRange range;
    private final List<String> notes = new ArrayList<>();
    private long last;
    private int faults;

    private HmmRangeFault(Mm mm, HmmRange range) {
        this.mm = mm;
        this.range = range;
        this.last = range.start;
    }

    /** Runs hmm_range_fault(range) on the address space, and records an hmm_range_fault event. */
    public static Result run(Mm mm, HmmRange range) {
        Result r = walkAll(mm, range);
        if (mm.machine().tracing()) {
            long valid = 0;
            for (long e : range.hmmPfns) {
                if ((e & HmmPfn.VALID) != 0) {
                    valid++;
                }
            }
            long v = valid;
            String flags = (range.defaultFlags & HmmPfn.REQ_FAULT) == 0 ? "0"
                    : (range.defaultFlags & HmmPfn.REQ_WRITE) != 0 ? "HMM_PFN_REQ_FAULT|HMM_PFN_REQ_WRITE"
                    : "HMM_PFN_REQ_FAULT";
            mm.machine().emit(mm, h -> new org.dmascope.trace.event.HmmRangeFault(h, range.start, range.end, flags, v,
                    r.rc() == 0 ? "" : Errno.name(r.rc())));
        }
        return r;
    }

    private static Result walkAll(Mm mm, HmmRange range) {
        HmmRangeFault w = new HmmRangeFault(mm, range);
        int walks = 0;
        int rc;
        do {
            IntervalNotifier n = range.notifier;
            if (n != null && MmuNotifiers.readRetry(n, range.notifierSeq)) {
                w.notes.add(String.format(Locale.ROOT,
                        "mmu_interval_check_retry: the notifier's sequence moved from %d to %d since read_begin: -EBUSY",
                        range.notifierSeq, n.invalidateSeq()));
                return new Result(-Errno.EBUSY, walks, w.faults, w.notes);
            }
            walks++;
            rc = w.walk();
        } while (rc == -Errno.EBUSY && walks < MAX_WALKS);
        return new Result(rc, walks, w.faults, w.notes);
    }

    private int idx(long addr) {
        return (int) ((addr - range.start) >>> 12);
    }

    /** walk_page_range(mm, last, end): VMA by VMA, PMD by PMD. */
    private int walk() {
        long addr = last;
        while (addr < range.end) {
            SimVma vma = mm.vma(addr);
            if (vma == null) {
                long holeEnd = range.end;
                for (SimVma v : mm.vmas(addr, range.end)) {
                    holeEnd = Math.min(holeEnd, v.start());
                }
                // hmm_vma_walk_hole without a VMA.
                if (rangeNeedFault(addr, holeEnd, 0) != 0) {
                    notes.add(String.format(Locale.ROOT, "hmm_vma_walk_hole: no VMA at %#x and a fault was requested: -EFAULT", addr));
                    return -Errno.EFAULT;
                }
                fill(addr, holeEnd, HmmPfn.ERROR);
                addr = holeEnd;
                continue;
            }
            long vmaEnd = Math.min(vma.end(), range.end);
            if (vma.has(VmFlag.IO) || vma.has(VmFlag.PFNMAP) || !vma.has(VmFlag.READ)) {
                // hmm_vma_walk_test.
                String why = vma.has(VmFlag.IO) || vma.has(VmFlag.PFNMAP) ? "VM_IO/VM_PFNMAP" : "no VM_READ";
                if (rangeNeedFault(addr, vmaEnd, 0) != 0) {
                    notes.add(String.format(Locale.ROOT, "hmm_vma_walk_test: %s at %#x and a fault was requested: -EFAULT", why, addr));
                    return -Errno.EFAULT;
                }
                notes.add(String.format(Locale.ROOT, "hmm_vma_walk_test: %s at %#x-%#x: HMM_PFN_ERROR", why, addr, vmaEnd));
                fill(addr, vmaEnd, HmmPfn.ERROR);
                addr = vmaEnd;
                continue;
            }
            if (vma.backing() == SimVma.Backing.HUGETLB) {
                long h = vma.hugePageSize();
                long next = Math.min((addr & ~(h - 1)) + h, vmaEnd);
                int r = hugetlbEntry(vma, addr, next);
                if (r != 0) {
                    return r;
                }
                addr = next;
                continue;
            }
            long next = Math.min((addr & ~(PMD_SIZE - 1)) + PMD_SIZE, vmaEnd);
            int r = walkPmd(vma, addr, next);
            if (r != 0) {
                return r;
            }
            addr = next;
        }
        return 0;
    }

    /** hmm_vma_walk_pmd: a PMD-mapped THP is handled whole (hmm_vma_handle_pmd), else PTE by PTE. */
    private int walkPmd(SimVma vma, long addr, long end) {
        Pte first = mm.pte(addr);
        if (first != null && first.kind() == Pte.Kind.PRESENT && first.level() == 9) {
            long cpu = HmmPfn.VALID | (first.write() ? HmmPfn.WRITE : 0) | HmmPfn.order(9);
            int required = rangeNeedFault(addr, end, cpu);
            if (required != 0) {
                return vmaFault(vma, addr, end, required);
            }
            for (long a = addr; a < end; a += PAGE) {
                Pte p = mm.pte(a);
                set(a, p, cpu);
            }
            return 0;
        }
        for (long a = addr; a < end; a += PAGE) {
            int r = handlePte(vma, a, end);
            if (r != 0) {
                return r;
            }
        }
        return 0;
    }

    /** hmm_vma_handle_pte. */
    private int handlePte(SimVma vma, long addr, long end) {
        int i = idx(addr);
        long req = range.hmmPfns[i];
        Pte pte = mm.pte(addr);
        if (pte == null) {
            int required = pteNeedFault(req, 0);
            if (required != 0) {
                return vmaFault(vma, addr, end, required);
            }
            clear(i, 0);
            return 0;
        }
        if (pte.kind() != Pte.Kind.PRESENT) {
            Folio f = pte.folio();
            PageMap pgmap = f.pgmap();
            if (pte.kind() == Pte.Kind.DEVICE_PRIVATE && pgmap != null && range.devPrivateOwner != null
                    && pgmap.owner() == range.devPrivateOwner) {
                // The caller's own device memory: reported without a fault.
                set(addr, pte, HmmPfn.VALID | (pte.write() ? HmmPfn.WRITE : 0));
                return 0;
            }
            int required = pteNeedFault(req, 0);
            if (required == 0) {
                clear(i, 0);
                return 0;
            }
            switch (pte.kind()) {
                case SWAP, DEVICE_PRIVATE, DEVICE_EXCLUSIVE -> {
                    if (pte.kind() == Pte.Kind.DEVICE_PRIVATE) {
                        notes.add(String.format(Locale.ROOT,
                                "hmm_vma_handle_pte: %#x is device-private memory of another owner (%s): faulted back",
                                addr, pgmap == null ? "?" : pgmap.name()));
                    }
                    return vmaFault(vma, addr, end, required);
                }
                case MIGRATION -> {
                    last = addr;
                    notes.add(String.format(Locale.ROOT, "hmm_vma_handle_pte: migration entry at %#x: wait, -EBUSY", addr));
                    return -Errno.EBUSY;
                }
                default -> {
                    return -Errno.EFAULT;
                }
            }
        }
        long cpu = HmmPfn.VALID | (pte.write() ? HmmPfn.WRITE : 0);
        int required = pteNeedFault(req, cpu);
        if (required != 0) {
            return vmaFault(vma, addr, end, required);
        }
        if (pte.special() && !pte.folio().isZero()) {
            // vm_normal_page() is NULL: no struct page to hand out.
            if (pteNeedFault(req, 0) != 0) {
                notes.add(String.format(Locale.ROOT, "hmm_vma_handle_pte: special PTE at %#x and a fault was requested: -EFAULT", addr));
                return -Errno.EFAULT;
            }
            clear(i, HmmPfn.ERROR);
            return 0;
        }
        set(addr, pte, cpu);
        return 0;
    }

    /** hmm_vma_walk_hugetlb_entry: one entry for the whole huge page, with its order. */
    private int hugetlbEntry(SimVma vma, long addr, long end) {
        Pte pte = mm.pte(addr);
        int order = Long.numberOfTrailingZeros(vma.hugePageSize()) - 12;
        long cpu = HmmPfn.order(order);
        if (pte != null && pte.kind() == Pte.Kind.PRESENT) {
            cpu |= HmmPfn.VALID | (pte.write() ? HmmPfn.WRITE : 0);
        }
        int required = pteNeedFault(range.hmmPfns[idx(addr)], cpu);
        if (required != 0) {
            return vmaFault(vma, addr, end, required);
        }
        for (long a = addr; a < end; a += PAGE) {
            Pte p = mm.pte(a);
            if (p == null) {
                clear(idx(a), cpu);
            } else {
                set(a, p, cpu);
            }
        }
        return 0;
    }

    /**
     * hmm_vma_fault: -EPERM for a write fault on a VMA without VM_WRITE; handle_mm_fault for
     * every page of [addr, end); -EFAULT if one fails; else -EBUSY so the walk restarts at addr.
     */
    private int vmaFault(SimVma vma, long addr, long end, int required) {
        boolean write = (required & NEED_WRITE_FAULT) != 0;
        if (write && !vma.has(VmFlag.WRITE)) {
            notes.add(String.format(Locale.ROOT, "hmm_vma_fault: write fault at %#x on a VMA without VM_WRITE: -EPERM", addr));
            return -Errno.EPERM;
        }
        last = addr;
        for (long a = addr; a < end; a += PAGE) {
            faults++;
            if (mm.handleMmFault(vma, a, write) != Mm.FAULT_OK) {
                notes.add(String.format(Locale.ROOT, "hmm_vma_fault: handle_mm_fault failed at %#x: -EFAULT", a));
                return -Errno.EFAULT;
            }
        }
        notes.add(String.format(Locale.ROOT, "hmm_vma_fault: faulted %#x-%#x%s, walk restarts there (-EBUSY)", addr, end,
                write ? " for write" : ""));
        return -Errno.EBUSY;
    }

    /** hmm_pte_need_fault. */
    private int pteNeedFault(long pfnReqFlags, long cpuFlags) {
        long req = (pfnReqFlags & range.pfnFlagsMask) | range.defaultFlags;
        if ((req & HmmPfn.REQ_FAULT) == 0) {
            return 0;
        }
        if ((req & HmmPfn.REQ_WRITE) != 0 && (cpuFlags & HmmPfn.WRITE) == 0) {
            return NEED_FAULT | NEED_WRITE_FAULT;
        }
        if ((cpuFlags & HmmPfn.VALID) == 0) {
            return NEED_FAULT;
        }
        return 0;
    }

    /** hmm_range_need_fault: the union over [addr, end), 0 at once when nothing can ask for a fault. */
    private int rangeNeedFault(long addr, long end, long cpuFlags) {
        if (((range.defaultFlags | range.pfnFlagsMask) & HmmPfn.REQ_FAULT) == 0) {
            return 0;
        }
        int required = 0;
        for (long a = addr; a < end; a += PAGE) {
            required |= pteNeedFault(range.hmmPfns[idx(a)], cpuFlags);
            if (required == (NEED_FAULT | NEED_WRITE_FAULT)) {
                return required;
            }
        }
        return required;
    }

    /** hmm_pfns_fill. */
    private void fill(long addr, long end, long flags) {
        for (long a = addr; a < end; a += PAGE) {
            clear(idx(a), flags);
        }
    }

    private void clear(int i, long flags) {
        range.hmmPfns[i] = (range.hmmPfns[i] & HmmPfn.INOUT_FLAGS) | flags;
        range.pages[i] = null;
        range.pageIndex[i] = 0;
    }

    private void set(long addr, Pte pte, long cpuFlags) {
        int i = idx(addr);
        range.hmmPfns[i] = (range.hmmPfns[i] & HmmPfn.INOUT_FLAGS) | pte.pfn() | cpuFlags;
        range.pages[i] = pte.folio();
        range.pageIndex[i] = pte.index();
    }
}
