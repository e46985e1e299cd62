package org.dmascope.core.memory;

import java.util.Arrays;

/**
 * Runs of pages in columns of primitives: as much memory as there are runs, whatever the number
 * of pages. Adding a run that continues the last one (next address, next PFN, same state)
 * extends it. Also a page table over what it holds, for scenarios and recordings.
 */
public final class PageRuns implements RunSink, PageTable {

    private static final int PAGE_SHIFT = 12;

    private long[] vaddr;
    private long[] pfn;
    private long[] pages;
    private int[] flags;
    private byte[] shift;
    private int[] pgmap;
    private int size;

    /** Empty. */
    public PageRuns() {
        this(16);
    }

    /** Empty, with room for this many runs. */
    public PageRuns(int capacity) {
        int c = Math.max(1, capacity);
        vaddr = new long[c];
        pfn = new long[c];
        pages = new long[c];
        flags = new int[c];
        shift = new byte[c];
        pgmap = new int[c];
    }

    @Override
    public void run(long address, long firstPfn, long count, int state, int pageShift, int map) {
        if (count <= 0) {
            return;
        }
        if (size > 0) {
            int i = size - 1;
            boolean next = vaddr[i] + (pages[i] << PAGE_SHIFT) == address;
            boolean pfnNext = firstPfn == RunSink.NO_PFN ? pfn[i] == RunSink.NO_PFN : pfn[i] != RunSink.NO_PFN
                    && pfn[i] + pages[i] == firstPfn;
            if (next && pfnNext && flags[i] == state && shift[i] == pageShift && pgmap[i] == map) {
                pages[i] += count;
                return;
            }
        }
        if (size == vaddr.length) {
            grow();
        }
        vaddr[size] = address;
        pfn[size] = firstPfn;
        pages[size] = count;
        flags[size] = state;
        shift[size] = (byte) pageShift;
        pgmap[size] = map;
        size++;
    }

    private void grow() {
        int c = Math.max(16, vaddr.length + (vaddr.length >> 1));
        vaddr = Arrays.copyOf(vaddr, c);
        pfn = Arrays.copyOf(pfn, c);
        pages = Arrays.copyOf(pages, c);
        flags = Arrays.copyOf(flags, c);
        shift = Arrays.copyOf(shift, c);
        pgmap = Arrays.copyOf(pgmap, c);
    }

    /** How many runs. */
    public int size() {
        return size;
    }

    /** The first address of run i. */
    public long vaddr(int i) {
        return vaddr[check(i)];
    }

    /** The first PFN of run i, {@link RunSink#NO_PFN} for none. */
    public long pfn(int i) {
        return pfn[check(i)];
    }

    /** The base pages of run i. */
    public long pages(int i) {
        return pages[check(i)];
    }

    /** The {@link PageFlags} of run i. */
    public int flags(int i) {
        return flags[check(i)];
    }

    /** The page shift of run i's mapping. */
    public int pageShift(int i) {
        return shift[check(i)];
    }

    /** The pgmap of run i, -1 for none. */
    public int pgmap(int i) {
        return pgmap[check(i)];
    }

    /** The base pages of all runs. */
    public long totalPages() {
        long n = 0;
        for (int i = 0; i < size; i++) {
            n += pages[i];
        }
        return n;
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return i;
    }

    /** Replays the runs (cut to [start, end)) into a sink; pages no run covers are reported as not present. */
    @Override
    public void walk(long start, long end, RunSink sink) {
        long at = start;
        int i = firstRunEndingAfter(start);
        for (; i < size && Long.compareUnsigned(vaddr[i], end) < 0; i++) {
            long runStart = vaddr[i];
            long runEnd = runStart + (pages[i] << PAGE_SHIFT);
            if (Long.compareUnsigned(runStart, at) > 0) {
                sink.run(at, RunSink.NO_PFN, (runStart - at) >>> PAGE_SHIFT, 0, PAGE_SHIFT, -1);
                at = runStart;
            }
            long from = Math.max(at, runStart);
            long to = Long.compareUnsigned(runEnd, end) < 0 ? runEnd : end;
            if (Long.compareUnsigned(from, to) < 0) {
                long skip = (from - runStart) >>> PAGE_SHIFT;
                sink.run(from, pfn[i] == RunSink.NO_PFN ? RunSink.NO_PFN : pfn[i] + skip, (to - from) >>> PAGE_SHIFT,
                        flags[i], shift[i], pgmap[i]);
                at = to;
            }
        }
        if (Long.compareUnsigned(at, end) < 0) {
            sink.run(at, RunSink.NO_PFN, (end - at) >>> PAGE_SHIFT, 0, PAGE_SHIFT, -1);
        }
    }

    // Runs are in address order: binary search for the first that ends after the address.
    private int firstRunEndingAfter(long address) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long runEnd = vaddr[mid] + (pages[mid] << PAGE_SHIFT);
            if (Long.compareUnsigned(runEnd, address) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The bytes the columns take (for the benchmark's heap figures). */
    public long footprintBytes() {
        return (long) vaddr.length * (8 + 8 + 8 + 4 + 1 + 4);
    }
}
