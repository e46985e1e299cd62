package org.dmascope.backend.structpage.tests;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.PageTable;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.PhysicalMemoryMap.Kind;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.topology.PciAddress;

/** Address spaces, VMAs, physical maps and a recording sink for the backend's tests. */
final class Fixtures {

    static final long PAGE = 4096;
    static final long BASE = 0x7f00_0000_0000L;

    private Fixtures() {
    }

    /** One run as a sink received it. */
    record Run(long vaddr, long pfn, long pages, int flags, int shift, int pgmap) {
    }

    /**
     * Keeps the runs it receives, in order, joining a run of known PFNs to the one before when it
     * continues it (next address, next PFN, same state, page size and pgmap), as the scatter list
     * and PageRuns do: the backend passes such runs on as the page table reports them. Runs
     * without a known PFN are kept as received: the backend itself joins those of one state.
     */
    static final class Recorder implements RunSink {
        final List<Run> runs = new ArrayList<>();
        long calls;

        @Override
        public void run(long vaddr, long pfn, long pages, int flags, int pageShift, int pgmap) {
            calls++;
            if (!runs.isEmpty() && pfn != NO_PFN) {
                Run last = runs.get(runs.size() - 1);
                if (last.pfn() != NO_PFN && last.vaddr() + last.pages() * PAGE == vaddr && last.pfn() + last.pages() == pfn
                        && last.flags() == flags && last.shift() == pageShift && last.pgmap() == pgmap) {
                    runs.set(runs.size() - 1, new Run(last.vaddr(), last.pfn(), last.pages() + pages, flags, pageShift,
                            pgmap));
                    return;
                }
            }
            runs.add(new Run(vaddr, pfn, pages, flags, pageShift, pgmap));
        }
    }

    /** Counts runs and pages and checks they come in address order without gaps. */
    static final class Counter implements RunSink {
        long runs;
        long pages;
        long next;
        boolean ordered = true;

        Counter(long start) {
            next = start;
        }

        @Override
        public void run(long vaddr, long pfn, long count, int flags, int pageShift, int pgmap) {
            ordered &= vaddr == next;
            next = vaddr + count * PAGE;
            runs++;
            pages += count;
        }
    }

    static long at(long page) {
        return BASE + page * PAGE;
    }

    static AddressSpace space(PageTable table, Vma... vmas) {
        return new AddressSpace(4242, "test", List.of(vmas), table, AddressSpace.UNLIMITED, 0, false);
    }

    /** Anonymous memory of this many pages at {@link #BASE}. */
    static Vma anon(long pages, String perms) {
        return Vma.anonymous(BASE, at(pages), perms);
    }

    /** A file mapping of this many pages at {@link #BASE}. */
    static Vma file(long pages, String perms, String name, String device) {
        return new Vma(BASE, at(pages), Vma.parsePermissions(perms), 0, device, 1234, name, PAGE);
    }

    /** The VMA with more flags (as smaps adds them). */
    static Vma plus(Vma vma, VmFlag... more) {
        Set<VmFlag> flags = vma.flags().isEmpty() ? EnumSet.noneOf(VmFlag.class) : EnumSet.copyOf(vma.flags());
        flags.addAll(List.of(more));
        return vma.withFlags(flags);
    }

    static PhysicalMemoryMap.Range range(long first, long end, Kind kind, String name, int index) {
        return new PhysicalMemoryMap.Range(first, end, kind, name, kind == Kind.SYSTEM_RAM ? null
                : PciAddress.parse("0000:41:00.0"), index);
    }

    static PhysicalMemoryMap physical(PhysicalMemoryMap.Range... ranges) {
        return PhysicalMemoryMap.of(List.of(ranges));
    }
}
