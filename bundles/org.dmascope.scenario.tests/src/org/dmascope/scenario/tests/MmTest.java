package org.dmascope.scenario.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.dmascope.core.memory.VmFlag;
import org.dmascope.scenario.Errno;
import org.dmascope.scenario.mm.IntervalNotifier;
import org.dmascope.scenario.mm.Machine;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.MmuNotifierRange;
import org.dmascope.scenario.mm.MmuNotifiers;
import org.dmascope.scenario.mm.Pte;
import org.dmascope.scenario.mm.SimVma;
import org.junit.jupiter.api.Test;

/** The simulated mm: the fault path, copy-on-write, mprotect/munmap and the notifier sequence. */
class MmTest {

    private static final EnumSet<VmFlag> RW = EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.MAY_READ,
            VmFlag.MAY_WRITE);

    private final Machine machine = new Machine();
    private final Mm mm = machine.newProcess("p");

    private long anon(long pages) {
        return mm.mmap(pages << 12, RW, SimVma.Backing.ANON, null, 0, 0, false, 0);
    }

    @Test
    void aReadFaultMapsTheZeroPageAndAWriteReplacesIt() {
        long a = anon(4);
        assertEquals(Mm.FAULT_OK, mm.access(a, false));
        assertTrue(mm.pte(a).folio().isZero());
        assertFalse(mm.pte(a).write());
        assertEquals(Mm.FAULT_OK, mm.access(a, true));
        Pte p = mm.pte(a);
        assertFalse(p.folio().isZero());
        assertTrue(p.write());
        assertTrue(p.folio().anon());
        assertEquals("anon rw", mm.describe(a));
        assertNull(mm.pte(a + 4096), "no fault, no entry");
    }

    @Test
    void accessesTheVmaDoesNotAllowAreSegmentationFaults() {
        long a = mm.mmap(4096, EnumSet.of(VmFlag.READ, VmFlag.MAY_READ), SimVma.Backing.ANON, null, 0, 0, false, 0);
        assertEquals(Mm.VM_FAULT_SIGSEGV, mm.access(a, true));
        assertEquals(Mm.VM_FAULT_SIGSEGV, mm.access(a + (2L << 20) + 4096, false), "no VMA there");
    }

    @Test
    void forkSharesPrivatePagesCopyOnWrite() {
        long a = anon(2);
        mm.access(a, true);
        mm.pte(a).folio().setData(0, 42);
        Mm child = mm.fork("c");
        assertFalse(mm.pte(a).write());
        assertFalse(child.pte(a).write());
        assertSame(mm.pte(a).folio(), child.pte(a).folio());
        assertEquals("anon ro shared-by-2", mm.describe(a));
        assertEquals(Mm.FAULT_OK, child.access(a, true));
        assertNotEquals(mm.pte(a).folio(), child.pte(a).folio(), "the child's write copied the page");
        assertEquals(42, child.pte(a).data());
        child.pte(a).folio().setData(0, 7);
        assertEquals(42, mm.pte(a).data());
        // The parent is the only mapper now: its write reuses the page.
        long pfn = mm.pte(a).pfn();
        assertEquals(Mm.FAULT_OK, mm.access(a, true));
        assertEquals(pfn, mm.pte(a).pfn());
        assertTrue(mm.pte(a).write());
    }

    @Test
    void mprotectWriteProtectsAndNeedsEveryPageMapped() {
        long a = anon(4);
        mm.access(a, true);
        assertEquals(0, mm.mprotect(a, 4096, true, false, false));
        assertFalse(mm.pte(a).write());
        assertEquals(2, mm.vmas().size(), "split into [a, a+4K) and the rest");
        assertEquals(-Errno.ENOMEM, mm.mprotect(a, 8L << 20, true, true, false), "a range past the VMA");
        assertEquals(-Errno.EINVAL, mm.mprotect(a + 1, 4096, true, true, false));
        // Write permission back: an exclusive dirty anonymous page becomes writable at once.
        assertEquals(0, mm.mprotect(a, 4096, true, true, false));
        assertTrue(mm.pte(a).write());
    }

    @Test
    void thpWriteFaultMapsAPmdAndCopyOnWriteSplitsIt() {
        long a = anon(1024);
        assertEquals(0, mm.madvise(a, 2L << 20, "hugepage"));
        mm.access(a, true);
        assertEquals(9, mm.pte(a).level());
        assertEquals(9, mm.pte(a + (511L << 12)).level());
        assertEquals("anon-thp rw pmd", mm.describe(a));
        Mm child = mm.fork("c");
        child.access(a + 4096, true);
        assertEquals(0, child.pte(a + 4096).level(), "the child's copy is a 4 KiB page");
        assertEquals(0, child.pte(a).level(), "the PMD was split");
        assertEquals(9, mm.pte(a).level(), "the parent keeps its PMD");
    }

    @Test
    void hugetlbPagesAreMappedWholeAtTheirLevel() {
        long a = mm.mmap(1L << 30, EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.HUGETLB), SimVma.Backing.HUGETLB,
                null, 0, 1L << 30, false, 1L << 30);
        assertEquals(0, a & ((1L << 30) - 1), "aligned to its page size");
        mm.access(a + (5L << 20), true);
        assertEquals(18, mm.pte(a).level());
        assertEquals(1 << 18, mm.pte(a).folio().pages());
        assertEquals(-Errno.EINVAL, mm.munmap(a, 2L << 20), "hugetlb ranges unmap in whole pages");
    }

    @Test
    void theNotifierSequenceIsOddDuringAnInvalidation() {
        long a = anon(4);
        MmuNotifiers n = mm.notifiers();
        List<Long> seen = new ArrayList<>();
        IntervalNotifier in = n.insert("n", mm, a, 4096, (ni, range, seq) -> {
            seen.add(seq);
            MmuNotifiers.setSeq(ni, seq);
            return true;
        });
        assertEquals(2, n.invalidateSeq(), "even when idle");
        assertEquals(1, in.invalidateSeq(), "inserted while idle: invalidate_seq - 1");
        MmuNotifiers.ReadBegin rb = n.readBegin(in);
        assertFalse(rb.waited());
        MmuNotifierRange r = new MmuNotifierRange(MmuNotifierRange.Event.CLEAR, a, a + 4096, null);
        n.invalidateRangeStart(r);
        assertEquals(3, n.invalidateSeq());
        assertEquals(List.of(3L), seen);
        assertTrue(n.readBegin(in).waited(), "read_begin sleeps while its range is invalidated");
        n.invalidateRangeEnd(r);
        assertEquals(4, n.invalidateSeq());
        assertTrue(MmuNotifiers.readRetry(in, rb.seq()), "the sequence moved since read_begin");
        MmuNotifiers.ReadBegin again = n.readBegin(in);
        assertFalse(again.waited());
        assertFalse(MmuNotifiers.readRetry(in, again.seq()));
        // An invalidation elsewhere does not reach it.
        mm.invalidate(MmuNotifierRange.Event.CLEAR, a + 8192, a + 12288, null);
        assertFalse(MmuNotifiers.readRetry(in, again.seq()));
        assertEquals(1, seen.size());
        assertEquals(6, n.invalidateSeq());
    }

    @Test
    void munmapInvalidatesAndDropsTheEntries() {
        long a = anon(4);
        mm.access(a, true);
        int[] calls = {0};
        mm.notifiers().insert("n", mm, 0, -4096L, (ni, range, seq) -> {
            calls[0]++;
            assertEquals(MmuNotifierRange.Event.UNMAP, range.event());
            return true;
        });
        assertEquals(0, mm.munmap(a, 4096));
        assertEquals(1, calls[0]);
        assertNull(mm.pte(a));
        assertNull(mm.vma(a));
        assertEquals("no VMA", mm.describe(a));
        assertEquals(-Errno.EINVAL, mm.munmap(a + 1, 4096));
    }
}
