package org.dmascope.sources.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunSink;

/** Keeps every run a walk sends, as sent (no merging), and checks that they follow one another. */
final class RunList implements RunSink {

    /** One run as sent. */
    record Run(long vaddr, long pfn, long pages, int flags, int pageShift, int pgmap) {

        long end() {
            return vaddr + (pages << 12);
        }

        boolean present() {
            return (flags & PageFlags.PRESENT) != 0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%x+%d pfn %x [%s] shift %d pgmap %d", vaddr, pages, pfn,
                    PageFlags.describe(flags), pageShift, pgmap);
        }
    }

    final List<Run> runs = new ArrayList<>();

    @Override
    public void run(long vaddr, long pfn, long pages, int flags, int pageShift, int pgmap) {
        if (!runs.isEmpty() && runs.get(runs.size() - 1).end() != vaddr) {
            throw new AssertionError("run at " + Long.toHexString(vaddr) + " does not follow " + runs.get(runs.size() - 1));
        }
        if (pages <= 0) {
            throw new AssertionError("empty run at " + Long.toHexString(vaddr));
        }
        runs.add(new Run(vaddr, pfn, pages, flags, pageShift, pgmap));
    }

    long pages() {
        return runs.stream().mapToLong(Run::pages).sum();
    }

    long presentPages() {
        return runs.stream().filter(Run::present).mapToLong(Run::pages).sum();
    }

    /** The run holding an address (binary search: the runs follow one another). */
    Run at(long address) {
        int lo = 0;
        int hi = runs.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Run r = runs.get(mid);
            if (Long.compareUnsigned(address, r.vaddr()) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(address, r.end()) >= 0) {
                lo = mid + 1;
            } else {
                return r;
            }
        }
        throw new AssertionError("no run holds " + Long.toHexString(address));
    }

    /** The PFN of the page at an address, NO_PFN when it has none. */
    long pfnAt(long address) {
        Run r = at(address);
        return r.pfn() == NO_PFN ? NO_PFN : r.pfn() + ((address - r.vaddr()) >>> 12);
    }

    @Override
    public String toString() {
        return runs.size() + " runs " + (runs.size() > 20 ? runs.subList(0, 20) + "..." : runs);
    }
}
