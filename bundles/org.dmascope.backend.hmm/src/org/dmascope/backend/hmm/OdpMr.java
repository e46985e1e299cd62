package org.dmascope.backend.hmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.dmascope.scenario.Errno;
import org.dmascope.scenario.mm.Mm;
import org.eclipse.jdt.annotation.Nullable;

/**
 * An mlx5 memory region registered with IB_ACCESS_ON_DEMAND (drivers/infiniband/hw/mlx5/mr.c
 * and odp.c): an explicit MR over one {@link UmemOdp}, or an implicit MR over the whole address
 * space ({@code ibv_reg_mr(pd, NULL, SIZE_MAX, IBV_ACCESS_ON_DEMAND)}, mlx5_ib_alloc_implicit_mr)
 * whose 1 GiB children ({@code MLX5_IMR_MTT_SIZE}) are made when the NIC first faults in them
 * ({@code implicit_get_child_mr}) and destroyed when an invalidation leaves them empty.
 *
 * <p>The NIC's access to the MR follows the responder's checks and {@code pagefault_mr}: the
 * MR's access rights first (a remote write to an MR without remote write is a remote access
 * error with no page fault), the range against the MR (-EFAULT), then
 * {@code pagefault_real_mr}: the access mask asks for write whenever the umem is writable and
 * the fault is not a downgrade (a prefetch for read), so a NIC read of a writable MR breaks
 * copy-on-write as a write would; ib_umem_odp_map_dma_and_lock maps the pages and the device's
 * entries are written. A failed fault ends the operation with IB_WC_REM_ACCESS_ERR.
 */
public final class OdpMr {

    /** MLX5_IMR_MTT_SIZE: the span of one implicit child (MLX5_IMR_MTT_BITS = 30 - PAGE_SHIFT). */
    public static final long IMR_MTT_SIZE = 1L << 30;

    /** ibv_advise_mr advices ({@code mlx5_ib_advise_mr_prefetch}). */
    public enum Advice {
        /** IB_UVERBS_ADVISE_MR_ADVICE_PREFETCH: MLX5_PF_FLAGS_DOWNGRADE, read access only. */
        PREFETCH,
        /** IB_UVERBS_ADVISE_MR_ADVICE_PREFETCH_WRITE. */
        PREFETCH_WRITE,
        /** IB_UVERBS_ADVISE_MR_ADVICE_PREFETCH_NO_FAULT: MLX5_PF_FLAGS_SNAPSHOT, no fault. */
        PREFETCH_NO_FAULT
    }

    /** What an access or a prefetch did. */
    public static final class Access {
        /** 0 or a negative errno of the fault path. */
        public int rc;
        /** The work completion status the operation ends with ("IB_WC_SUCCESS", ...). */
        public String completion = "IB_WC_SUCCESS";
        /** Whether the NIC raised a page fault (some page lacked a present entry). */
        public boolean pageFault;
        /** Pages mapped by ib_umem_odp_map_dma_and_lock (its positive return, summed over children). */
        public int np;
        /** hmm_range_fault calls. */
        public int rangeFaults;
        /** read_retry round trips. */
        public int retries;
        /** handle_mm_fault calls. */
        public int cpuFaults;
        /** Implicit children created. */
        public int childrenCreated;
        /** Which rules applied. */
        public final List<String> notes = new ArrayList<>();
    }

    private final String name;
    private final Mm mm;
    private final boolean implicit;
    private final boolean remoteRead;
    private final boolean remoteWrite;
    private final boolean writable;
    private final @Nullable UmemOdp umem;
    private final TreeMap<Long, UmemOdp> children = new TreeMap<>();
    private int childrenDestroyed;
    private @Nullable Runnable pendingRace;
    private String pendingRaceText = "";
    private boolean deregistered;

    private OdpMr(String name, Mm mm, boolean implicit, long start, long end, boolean remoteRead, boolean remoteWrite,
            boolean writable) {
        this.name = name;
        this.mm = mm;
        this.implicit = implicit;
        this.remoteRead = remoteRead;
        this.remoteWrite = remoteWrite;
        this.writable = writable;
        this.umem = implicit ? null : new UmemOdp(name, mm, start, end, writable);
    }

    /** An explicit ODP MR over [start, start + length). */
    public static OdpMr explicit(String name, Mm mm, long start, long length, boolean remoteRead, boolean remoteWrite,
            boolean writable) {
        return new OdpMr(name, mm, false, start, start + length, remoteRead, remoteWrite, writable);
    }

    /** An implicit ODP MR over the whole address space. */
    public static OdpMr implicit(String name, Mm mm, boolean remoteRead, boolean remoteWrite, boolean writable) {
        return new OdpMr(name, mm, true, 0, 0, remoteRead, remoteWrite, writable);
    }

    /** Its name. */
    public String name() {
        return name;
    }

    /** The process. */
    public Mm mm() {
        return mm;
    }

    /** Whether it is implicit. */
    public boolean isImplicit() {
        return implicit;
    }

    /** Whether it was deregistered. */
    public boolean deregistered() {
        return deregistered;
    }

    /** The umems: the one of an explicit MR, or the live children of an implicit one, by address. */
    public List<UmemOdp> umems() {
        UmemOdp u = umem;
        if (u != null) {
            return List.of(u);
        }
        return List.copyOf(children.values());
    }

    /** Implicit children destroyed because an invalidation emptied them. */
    public int childrenDestroyed() {
        return childrenDestroyed;
    }

    /** Pages DMA mapped in all its umems. */
    public int npages() {
        int n = 0;
        for (UmemOdp u : umems()) {
            n += u.npages();
        }
        return n;
    }

    /** A remote RDMA READ (write=false) or WRITE of [addr, addr + length) by a peer. */
    public Access access(long addr, long length, boolean write, @Nullable Runnable race, String raceText) {
        Access a = new Access();
        if (deregistered) {
            a.completion = "IB_WC_REM_ACCESS_ERR";
            a.notes.add("the MR was deregistered: its rkey is invalid, the responder refuses the access");
            return a;
        }
        if (write ? !remoteWrite : !remoteRead) {
            a.completion = "IB_WC_REM_ACCESS_ERR";
            a.notes.add("the MR lacks " + (write ? "IB_ACCESS_REMOTE_WRITE" : "IB_ACCESS_REMOTE_READ")
                    + ": the responder refuses it before any translation (no page fault)");
            return a;
        }
        if (present(addr, length, write)) {
            a.notes.add("every page has a present device entry: no page fault");
            return a;
        }
        a.pageFault = true;
        a.notes.add(String.format(Locale.ROOT, "RDMA %s page fault at %#x+%#x (mlx5_ib_eqe_pf_action, pagefault_mr)",
                write ? "write" : "read", addr, length));
        pendingRace = race;
        pendingRaceText = raceText;
        fault(addr, length, UmemOdp.READ_ALLOWED | (writable ? UmemOdp.WRITE_ALLOWED : 0), true, a);
        pendingRace = null;
        if (a.rc < 0) {
            a.completion = "IB_WC_REM_ACCESS_ERR";
            a.notes.add("mlx5_ib_page_fault_resume with an error: the operation completes with IB_WC_REM_ACCESS_ERR");
        } else if (!present(addr, length, write)) {
            a.completion = "IB_WC_REM_ACCESS_ERR";
            a.notes.add("the pages were mapped without write access: the RDMA write is refused");
        } else {
            a.rc = 0;
        }
        return a;
    }

    /** ibv_advise_mr over [addr, addr + length). */
    public Access prefetch(long addr, long length, Advice advice) {
        Access a = new Access();
        if (deregistered) {
            a.rc = -Errno.EINVAL;
            a.notes.add("the MR was deregistered");
            return a;
        }
        int mask = UmemOdp.READ_ALLOWED;
        if (advice != Advice.PREFETCH && writable) {
            mask |= UmemOdp.WRITE_ALLOWED;
        }
        if (advice == Advice.PREFETCH) {
            a.notes.add("IB_UVERBS_ADVISE_MR_ADVICE_PREFETCH: MLX5_PF_FLAGS_DOWNGRADE, pages are mapped for read");
        }
        fault(addr, length, mask, advice != Advice.PREFETCH_NO_FAULT, a);
        if (a.rc > 0) {
            a.rc = 0;
        }
        return a;
    }

    /** pagefault_mr: the range check, then pagefault_real_mr per umem (per implicit child). */
    private void fault(long addr, long length, int mask, boolean fault, Access a) {
        long end = addr + length;
        UmemOdp umem = this.umem;
        if (umem != null) {
            if (Long.compareUnsigned(addr, umem.start()) < 0 || Long.compareUnsigned(end, umem.end()) > 0) {
                a.rc = -Errno.EFAULT;
                a.notes.add(String.format(Locale.ROOT, "pagefault_mr: %#x-%#x is outside the MR's umem %#x-%#x: -EFAULT",
                        addr, end, umem.start(), umem.end()));
                return;
            }
            realMr(umem, addr, length, mask, fault, a);
            return;
        }
        // pagefault_implicit_mr: child by child.
        for (long s = addr; s < end;) {
            long idx = s / IMR_MTT_SIZE;
            long childEnd = Math.min(end, (idx + 1) * IMR_MTT_SIZE);
            UmemOdp child = children.get(idx);
            if (child == null) {
                if (!fault) {
                    // A snapshot prefetch has nothing to map in a child that does not exist.
                    s = childEnd;
                    continue;
                }
                child = new UmemOdp(String.format(Locale.ROOT, "%s[%d]", name, idx), mm, idx * IMR_MTT_SIZE,
                        (idx + 1) * IMR_MTT_SIZE, writable);
                UmemOdp c = child;
                child.onEmpty(() -> destroyChild(idx, c));
                children.put(idx, child);
                a.childrenCreated++;
                a.notes.add(String.format(Locale.ROOT,
                        "implicit_get_child_mr: child %d (%#x-%#x) created, with an interval notifier of its own", idx,
                        child.start(), child.end()));
            }
            realMr(child, s, childEnd - s, mask, fault, a);
            if (a.rc < 0) {
                return;
            }
            s = childEnd;
        }
    }

    private void realMr(UmemOdp u, long addr, long length, int mask, boolean fault, Access a) {
        Runnable race = pendingRace;
        if (race != null) {
            u.raceNext(race, pendingRaceText);
            pendingRace = null;
        }
        UmemOdp.MapResult r = u.mapDmaAndLock(addr, length, mask, fault);
        a.rangeFaults += r.rangeFaults;
        a.retries += r.retries;
        a.cpuFaults += r.cpuFaults;
        a.notes.addAll(r.notes);
        if (r.rc < 0) {
            a.rc = r.rc;
            return;
        }
        a.np += r.rc;
        a.rc = a.np;
        a.notes.add(String.format(Locale.ROOT,
                "pagefault_real_mr: %d pages of %s mapped for %s, device entries written (mlx5r_umr_update_xlt)", r.rc,
                u.name(), UmemOdp.access(mask)));
    }

    private void destroyChild(long idx, UmemOdp child) {
        if (children.get(idx) == child) {
            children.remove(idx);
            child.release();
            childrenDestroyed++;
        }
    }

    /** Whether the NIC finds a present entry with the needed access for every page. */
    private boolean present(long addr, long length, boolean write) {
        long end = addr + length;
        for (long p = addr & ~0xfffL; Long.compareUnsigned(p, end) < 0; p += 4096) {
            UmemOdp u = umemAt(p);
            UmemOdp.Mapped m = u == null ? null : u.mappedAt(p);
            if (m == null || (write && (m.access() & UmemOdp.WRITE_ALLOWED) == 0)) {
                return false;
            }
        }
        return true;
    }

    private @Nullable UmemOdp umemAt(long address) {
        UmemOdp umem = this.umem;
        if (umem != null) {
            return Long.compareUnsigned(address, umem.start()) >= 0 && Long.compareUnsigned(address, umem.end()) < 0
                    ? umem : null;
        }
        return children.get(address / IMR_MTT_SIZE);
    }

    /** ibv_dereg_mr: ib_umem_odp_release of the umem or of every child. */
    public void deregister() {
        deregistered = true;
        UmemOdp umem = this.umem;
        if (umem != null) {
            umem.release();
        }
        for (Map.Entry<Long, UmemOdp> e : children.entrySet()) {
            e.getValue().release();
        }
        children.clear();
    }
}
