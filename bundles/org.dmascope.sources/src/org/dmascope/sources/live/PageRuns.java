package org.dmascope.sources.live;

import java.util.Arrays;

import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunSink;

/**
 * The present pages of one sample, as runs in address order: virtually contiguous pages with
 * contiguous PFNs (or all with hidden PFNs) and the same flags. Pages that are not present are
 * not kept; a sample of a large sparse process costs one entry per run, not per page.
 */
final class PageRuns implements RunSink {

    static final int PAGE_SHIFT = 12;

    private long[] start = new long[64];
    private long[] pages = new long[64];
    private long[] pfn = new long[64];
    private int[] flags = new int[64];
    private int size;
    private long presentPages;

    @Override
    public void run(long vaddr, long firstPfn, long count, int runFlags, int pageShift, int pgmap) {
        if ((runFlags & PageFlags.PRESENT) == 0 || count <= 0) {
            return;
        }
        presentPages += count;
        if (size > 0) {
            int last = size - 1;
            boolean adjacent = start[last] + (pages[last] << PAGE_SHIFT) == vaddr && flags[last] == runFlags;
            boolean pfnFollows = pfn[last] == RunSink.NO_PFN ? firstPfn == RunSink.NO_PFN
                    : firstPfn == pfn[last] + pages[last];
            if (adjacent && pfnFollows) {
                pages[last] += count;
                return;
            }
        }
        if (size == start.length) {
            int n = size * 2;
            start = Arrays.copyOf(start, n);
            pages = Arrays.copyOf(pages, n);
            pfn = Arrays.copyOf(pfn, n);
            flags = Arrays.copyOf(flags, n);
        }
        start[size] = vaddr;
        pages[size] = count;
        pfn[size] = firstPfn;
        flags[size] = runFlags;
        size++;
    }

    /** Runs kept. */
    int size() {
        return size;
    }

    /** Present pages in all runs. */
    long presentPages() {
        return presentPages;
    }

    long start(int i) {
        return start[i];
    }

    long end(int i) {
        return start[i] + (pages[i] << PAGE_SHIFT);
    }

    /** The PFN of the page at address (inside run i), or {@link RunSink#NO_PFN} when hidden. */
    long pfnAt(int i, long address) {
        return pfn[i] == RunSink.NO_PFN ? RunSink.NO_PFN : pfn[i] + ((address - start[i]) >>> PAGE_SHIFT);
    }

    int flags(int i) {
        return flags[i];
    }
}
