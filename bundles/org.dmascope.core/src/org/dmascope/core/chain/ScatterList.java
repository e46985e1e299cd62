package org.dmascope.core.chain;

import java.util.Arrays;

import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunSink;

/**
 * The CPU side of a scatter list as {@code sg_alloc_append_table_from_pages()} builds it: each
 * entry a first page, an offset (the first entry's only) and a length. Built from runs of pinned
 * pages by {@link #add}: pages merge when their PFNs follow each other and they are the same kind
 * of memory (both ordinary, or ZONE_DEVICE pages of one pgmap), up to the maximum segment. Kept
 * in columns: memory grows with entries, not pages.
 */
public final class ScatterList implements RunSink {

    private static final int PAGE_SHIFT = 12;

    private final long maxSegmentPages;
    private long[] pfn = new long[16];
    private long[] pages = new long[16];
    private int[] pgmap = new int[16];
    private int[] flags = new int[16];
    private int size;
    private final long firstOffset;
    private final long totalLength;
    // The page the last entry ends with, to decide whether the next merges.
    private long lastPfn = NO_PFN;
    private int lastPgmap;
    private boolean lastUnknown;
    private long nextVaddr = Long.MIN_VALUE;
    private long breaksAtPfn;
    private long breaksAtMaxSegment;
    private long breaksAtPgmap;
    private long unknownPages;
    private long fullBytesBeforeLast;

    /**
     * An empty list for pages pinned for a region of {@code totalLength} bytes.
     *
     * @param maxSegment  the device's maximum segment size; aligned down to a page as the kernel does
     * @param firstOffset the first entry's offset into its page (0 for ib_umem_get, which builds from whole pages)
     * @param totalLength the bytes the entries cover (the last entry is cut to it)
     * @throws IllegalArgumentException when the aligned maximum segment is below a page (the kernel's -EINVAL)
     */
    public ScatterList(long maxSegment, long firstOffset, long totalLength) {
        long aligned = Math.min(maxSegment, 0xffffffffL) & ~0xfffL;
        if (aligned < 4096) {
            throw new IllegalArgumentException("max_segment " + maxSegment + " is below a page: -EINVAL");
        }
        this.maxSegmentPages = aligned >>> PAGE_SHIFT;
        this.firstOffset = firstOffset;
        this.totalLength = totalLength;
    }

    /** The maximum segment, aligned down to a page. */
    public long maxSegment() {
        return maxSegmentPages << PAGE_SHIFT;
    }

    /**
     * Adds pinned pages. Pages whose PFN is not known ({@link PageFlags#PFN_UNKNOWN}: faulted or
     * copied at pin time) form entries of their own, chunked as if contiguous.
     */
    @Override
    public void run(long vaddr, long firstPfn, long count, int state, int pageShift, int map) {
        if (count <= 0) {
            return;
        }
        boolean unknown = firstPfn == NO_PFN || (state & (PageFlags.PFN_UNKNOWN | PageFlags.PFN_HIDDEN)) != 0;
        long remaining = count;
        long p = unknown ? NO_PFN : firstPfn;
        if (unknown) {
            unknownPages += count;
        }
        if (size > 0) {
            boolean continues = vaddr == nextVaddr;
            boolean mergeable = !unknown && !lastUnknown && p == lastPfn + 1 && map == lastPgmap;
            if (mergeable && continues) {
                long room = maxSegmentPages - pages[size - 1];
                if (room == 0) {
                    breaksAtMaxSegment++;
                } else {
                    long take = Math.min(room, remaining);
                    pages[size - 1] += take;
                    remaining -= take;
                    p += take;
                    if (remaining > 0) {
                        breaksAtMaxSegment++;
                    }
                }
            } else if (!unknown && !lastUnknown) {
                if (p != lastPfn + 1) {
                    breaksAtPfn++;
                } else {
                    breaksAtPgmap++;
                }
            }
        }
        while (remaining > 0) {
            long take = Math.min(maxSegmentPages, remaining);
            append(p, take, map, state);
            remaining -= take;
            if (p != NO_PFN) {
                p += take;
            }
            if (remaining > 0) {
                breaksAtMaxSegment++;
            }
        }
        lastPfn = unknown ? NO_PFN : p - 1;
        lastPgmap = map;
        lastUnknown = unknown;
        nextVaddr = vaddr + (count << PAGE_SHIFT);
    }

    private void append(long first, long count, int map, int state) {
        if (size > 0) {
            // The entry before is final now: the kernel's size counter goes down by its length.
            fullBytesBeforeLast += fullLength(size - 1);
        }
        if (size == pfn.length) {
            int c = pfn.length + (pfn.length >> 1);
            pfn = Arrays.copyOf(pfn, c);
            pages = Arrays.copyOf(pages, c);
            pgmap = Arrays.copyOf(pgmap, c);
            flags = Arrays.copyOf(flags, c);
        }
        pfn[size] = first;
        pages[size] = count;
        pgmap[size] = map;
        flags[size] = state;
        size++;
    }

    /** The number of entries (sgt.orig_nents). */
    public int size() {
        return size;
    }

    /** The first page of entry i, {@link RunSink#NO_PFN} when not known. */
    public long pfn(int i) {
        return pfn[check(i)];
    }

    /** The offset of entry i into its first page (sg->offset). */
    public long offset(int i) {
        return check(i) == 0 ? firstOffset : 0;
    }

    /** The length of entry i in bytes (sg->length): whole pages, the first less its offset, the last cut to the total. */
    public long length(int i) {
        long len = fullLength(check(i));
        if (i == size - 1) {
            long left = totalLength - fullBytesBeforeLast;
            if (Long.compareUnsigned(left, len) < 0) {
                len = left;
            }
        }
        return len;
    }

    private long fullLength(int i) {
        return (pages[i] << PAGE_SHIFT) - (i == 0 ? firstOffset : 0);
    }

    /** The pages of entry i. */
    public long pages(int i) {
        return pages[check(i)];
    }

    /** The pgmap of entry i (-1: ordinary memory). */
    public int pgmap(int i) {
        return pgmap[check(i)];
    }

    /** The {@link PageFlags} of entry i's first run. */
    public int flags(int i) {
        return flags[check(i)];
    }

    /** The physical address entry i starts at (sg_phys), -1 when its PFN is not known. */
    public long phys(int i) {
        long p = pfn(i);
        return p == NO_PFN ? -1 : (p << PAGE_SHIFT) + offset(i);
    }

    /** How often consecutive pages did not merge because their PFNs do not follow each other. */
    public long breaksAtPfn() {
        return breaksAtPfn;
    }

    /** How often an entry was closed because it reached the maximum segment. */
    public long breaksAtMaxSegment() {
        return breaksAtMaxSegment;
    }

    /** How often consecutive PFNs did not merge because they are different kinds of memory (pgmaps). */
    public long breaksAtPgmap() {
        return breaksAtPgmap;
    }

    /** Pages whose PFN is not known. */
    public long unknownPages() {
        return unknownPages;
    }

    /** The bytes the columns take. */
    public long footprintBytes() {
        return (long) pfn.length * (8 + 8 + 4 + 4);
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return i;
    }
}
