package org.dmascope.backend.hmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.dmascope.backend.hmm.Dmirror;
import org.dmascope.backend.hmm.DmirrorDevice;
import org.dmascope.backend.hmm.HmmPfn;
import org.dmascope.backend.hmm.HmmRange;
import org.dmascope.backend.hmm.HmmRangeFault;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.scenario.Errno;
import org.dmascope.scenario.mm.IntervalNotifier;
import org.dmascope.scenario.mm.Machine;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.MmuNotifierRange;
import org.dmascope.scenario.mm.MmuNotifiers;
import org.dmascope.scenario.mm.SimVma;
import org.junit.jupiter.api.Test;

/** hmm_range_fault(): request flags, output flags and the fault rules of mm/hmm.c. */
class HmmRangeFaultTest {

    private static final Set<VmFlag> RW = EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.MAY_READ, VmFlag.MAY_WRITE);
    private static final Set<VmFlag> RO = EnumSet.of(VmFlag.READ, VmFlag.MAY_READ, VmFlag.MAY_WRITE);

    private final Machine machine = new Machine();
    private final Mm mm = machine.newProcess("p");

    private long anon(long pages, Set<VmFlag> flags) {
        return mm.mmap(pages << 12, flags, SimVma.Backing.ANON, null, 0, 0, false, 0);
    }

    private static HmmRange range(long start, int pages, long defaultFlags) {
        HmmRange r = new HmmRange(start, start + ((long) pages << 12));
        r.defaultFlags = defaultFlags;
        return r;
    }

    @Test
    void withoutARequestAbsentPagesAreZeroAndNothingFaults() {
        long a = anon(4, RW);
        mm.access(a + 4096, true);
        HmmRange r = range(a, 4, 0);
        HmmRangeFault.Result res = HmmRangeFault.run(mm, r);
        assertEquals(0, res.rc());
        assertEquals(0, res.faults());
        assertEquals(0, r.hmmPfns[0], "0: faultable");
        assertEquals(HmmPfn.VALID | HmmPfn.WRITE, r.hmmPfns[1] & HmmPfn.FLAGS);
        assertEquals(mm.pte(a + 4096).pfn(), HmmPfn.pfn(r.hmmPfns[1]));
        assertNull(mm.pte(a));
    }

    @Test
    void perPageRequestsCountThroughTheMaskAndTheFaultCoversTheRestOfThePmd() {
        long a = anon(4, RW);
        HmmRange r = range(a, 4, 0);
        r.pfnFlagsMask = HmmPfn.REQ_FAULT;
        r.hmmPfns[1] = HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE; // WRITE is masked off
        HmmRangeFault.Result res = HmmRangeFault.run(mm, r);
        assertEquals(0, res.rc());
        assertEquals(2, res.walks(), "the walk restarts after the fault");
        assertEquals(3, res.faults(), "hmm_vma_fault faults from page 1 to the end of the walk");
        assertEquals(0, r.hmmPfns[0]);
        assertEquals(HmmPfn.VALID, r.hmmPfns[1] & HmmPfn.FLAGS, "a read fault: the zero page");
        assertTrue(mm.pte(a + 4096).folio().isZero());
        // Masked in, the write request makes a writable page.
        HmmRange w = range(a, 4, 0);
        w.pfnFlagsMask = HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE;
        w.hmmPfns[2] = HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE;
        assertEquals(0, HmmRangeFault.run(mm, w).rc());
        assertEquals(HmmPfn.VALID | HmmPfn.WRITE, w.hmmPfns[2] & HmmPfn.FLAGS);
        assertEquals(HmmPfn.VALID, w.hmmPfns[1] & HmmPfn.FLAGS, "page 1 was not asked for write");
    }

    @Test
    void aWriteFaultOnAReadOnlyVmaIsEperm() {
        long a = anon(2, RO);
        HmmRange r = range(a, 2, HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE);
        HmmRangeFault.Result res = HmmRangeFault.run(mm, r);
        assertEquals(-Errno.EPERM, res.rc());
        assertTrue(res.notes().get(0).contains("without VM_WRITE"));
        assertEquals(0, HmmRangeFault.run(mm, range(a, 2, HmmPfn.REQ_FAULT)).rc(), "a read fault is allowed");
    }

    @Test
    void holesAndVmasWithoutReadAreErrorsOrEfault() {
        long a = anon(3, RW);
        assertEquals(0, mm.munmap(a + 4096, 4096));
        assertEquals(0, mm.mprotect(a + 8192, 4096, false, false, false));
        HmmRange r = range(a, 3, 0);
        assertEquals(0, HmmRangeFault.run(mm, r).rc());
        assertEquals(0, r.hmmPfns[0]);
        assertEquals(HmmPfn.ERROR, r.hmmPfns[1], "a hole");
        assertEquals(HmmPfn.ERROR, r.hmmPfns[2], "no VM_READ");
        assertEquals(-Errno.EFAULT, HmmRangeFault.run(mm, range(a + 4096, 1, HmmPfn.REQ_FAULT)).rc());
        assertEquals(-Errno.EFAULT, HmmRangeFault.run(mm, range(a + 8192, 1, HmmPfn.REQ_FAULT)).rc());
    }

    @Test
    void pfnmapVmasAreErrorsOrEfault() {
        long a = mm.mmap(8192, EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.SHARED, VmFlag.IO, VmFlag.PFNMAP),
                SimVma.Backing.PFNMAP, null, 0, 0, false, 0);
        HmmRange r = range(a, 2, 0);
        assertEquals(0, HmmRangeFault.run(mm, r).rc());
        assertEquals(HmmPfn.ERROR, r.hmmPfns[0]);
        HmmRangeFault.Result res = HmmRangeFault.run(mm, range(a, 2, HmmPfn.REQ_FAULT));
        assertEquals(-Errno.EFAULT, res.rc());
        assertTrue(res.notes().get(0).contains("VM_IO/VM_PFNMAP"));
    }

    @Test
    void mapOrdersOfThpAndHugetlb() {
        long a = anon(1024, RW);
        mm.madvise(a, 2L << 20, "hugepage");
        HmmRange r = range(a, 512, HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE);
        assertEquals(0, HmmRangeFault.run(mm, r).rc());
        assertEquals(9, HmmPfn.mapOrder(r.hmmPfns[0]));
        assertEquals(9, HmmPfn.mapOrder(r.hmmPfns[511]));
        assertEquals(HmmPfn.pfn(r.hmmPfns[0]) + 511, HmmPfn.pfn(r.hmmPfns[511]));
        long h = mm.mmap(1L << 30, EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.HUGETLB), SimVma.Backing.HUGETLB, null,
                0, 1L << 30, false, 1L << 30);
        HmmRange g = range(h + (3L << 20), 4, HmmPfn.REQ_FAULT);
        assertEquals(0, HmmRangeFault.run(mm, g).rc());
        assertEquals(18, HmmPfn.mapOrder(g.hmmPfns[0]), "a 1 GiB page: PUD order");
        assertEquals(HmmPfn.VALID | HmmPfn.order(18), g.hmmPfns[0] & HmmPfn.FLAGS, "read-only until written");
    }

    @Test
    void deviceMemoryOfTheOwnerIsReportedOtherOwnersAreFaultedBack() {
        long a = anon(2, RW);
        mm.access(a, true);
        mm.access(a + 4096, true);
        DmirrorDevice dev0 = new DmirrorDevice("dev0", false, 0x40000000L);
        DmirrorDevice dev1 = new DmirrorDevice("dev1", false, 0x41000000L);
        Dmirror m1 = new Dmirror("m1", dev1, mm);
        assertEquals(0, m1.migrateToDevice(a, 2).rc);
        assertEquals("device-private dev1 rw", mm.describe(a));

        HmmRange own = range(a, 2, HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE);
        own.devPrivateOwner = dev1;
        HmmRangeFault.Result r = HmmRangeFault.run(mm, own);
        assertEquals(0, r.rc());
        assertEquals(0, r.faults(), "the owner's pages are not faulted");
        assertEquals(HmmPfn.VALID | HmmPfn.WRITE, own.hmmPfns[0] & HmmPfn.FLAGS);
        assertEquals(mm.pte(a).pfn(), HmmPfn.pfn(own.hmmPfns[0]));

        HmmRange snapshot = range(a, 2, 0);
        snapshot.devPrivateOwner = dev0;
        assertEquals(0, HmmRangeFault.run(mm, snapshot).rc());
        assertEquals(0, snapshot.hmmPfns[0], "another owner's page without a fault request: 0");

        HmmRange other = range(a, 2, HmmPfn.REQ_FAULT);
        other.devPrivateOwner = dev0;
        r = HmmRangeFault.run(mm, other);
        assertEquals(0, r.rc());
        assertEquals(HmmPfn.VALID | HmmPfn.WRITE, other.hmmPfns[0] & HmmPfn.FLAGS);
        assertEquals("anon rw", mm.describe(a), "migrate_to_ram brought it back");
        assertEquals(0, dev1.pagesInUse());
    }

    @Test
    void anInvalidationSinceReadBeginIsEbusy() {
        long a = anon(2, RW);
        IntervalNotifier n = mm.notifiers().insert("n", mm, a, 8192, (ni, range, seq) -> {
            MmuNotifiers.setSeq(ni, seq);
            return true;
        });
        HmmRange r = range(a, 2, HmmPfn.REQ_FAULT);
        r.notifier = n;
        r.notifierSeq = mm.notifiers().readBegin(n).seq();
        mm.invalidate(MmuNotifierRange.Event.CLEAR, a, a + 4096, null);
        HmmRangeFault.Result res = HmmRangeFault.run(mm, r);
        assertEquals(-Errno.EBUSY, res.rc());
        assertEquals(0, res.walks());
        r.notifierSeq = mm.notifiers().readBegin(n).seq();
        assertEquals(0, HmmRangeFault.run(mm, r).rc());
    }

    @Test
    void inOutFlagsSurviveTheCall() {
        long a = anon(1, RW);
        HmmRange r = range(a, 1, HmmPfn.REQ_FAULT);
        r.hmmPfns[0] = HmmPfn.DMA_MAPPED;
        assertEquals(0, HmmRangeFault.run(mm, r).rc());
        assertEquals(HmmPfn.VALID | HmmPfn.DMA_MAPPED, r.hmmPfns[0] & HmmPfn.FLAGS);
        assertEquals("VALID|DMA_MAPPED", HmmPfn.describe(r.hmmPfns[0]));
        assertEquals(HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE, HmmPfn.parseRequest("fault|write"));
        assertEquals(1L << 53, HmmPfn.order(1), "the order sits at BITS_PER_LONG - 11 (v6.16)");
    }
}
