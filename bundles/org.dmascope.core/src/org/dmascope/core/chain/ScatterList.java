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

    // Entries are kept in blocks of 16 K (below G1's humongous size): growing never copies what is there.
    private static final int BLOCK_SHIFT = 14;
    private static final int BLOCK = 1 << BLOCK_SHIFT;
    private static final int MASK = BLOCK - 1;

    private final long maxSegmentPages;
    private long[][] pfn = new long[4][];
    private int[][] pages = new int[4][];
    // The pgmap and page state change rarely: kept only where they change (entry index, value).
    private int[] attrIndex = new int[4];
    private int[] attrPgmap = new int[4];
    private int[] attrFlags = new int[4];
    private int attrs;
    // The last entry's page count, kept aside because merging updates it run after run.
    private long lastPages;
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
                long room = maxSegmentPages - lastPages;
                if (room == 0) {
                    breaksAtMaxSegment++;
                } else {
                    long take = Math.min(room, remaining);
                    lastPages += take;
                    pages[(size - 1) >>> BLOCK_SHIFT][(size - 1) & MASK] = (int) lastPages;
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
        int b = size >>> BLOCK_SHIFT;
        int i = size & MASK;
        if (i == 0) {
            if (b == pfn.length) {
                int c = pfn.length * 2;
                pfn = Arrays.copyOf(pfn, c);
                pages = Arrays.copyOf(pages, c);
            }
            // The first block grows from small; later ones are whole.
            int n = b == 0 ? 16 : BLOCK;
            pfn[b] = new long[n];
            pages[b] = new int[n];
        } else if (b == 0 && i == pfn[0].length) {
            int n = Math.min(BLOCK, i * 2);
            pfn[0] = Arrays.copyOf(pfn[0], n);
            pages[0] = Arrays.copyOf(pages[0], n);
        }
        pfn[b][i] = first;
        pages[b][i] = (int) count;
        if (attrs == 0 || attrPgmap[attrs - 1] != map || attrFlags[attrs - 1] != state) {
            if (attrs == attrIndex.length) {
                int c = attrs * 2;
                attrIndex = Arrays.copyOf(attrIndex, c);
                attrPgmap = Arrays.copyOf(attrPgmap, c);
                attrFlags = Arrays.copyOf(attrFlags, c);
            }
            attrIndex[attrs] = size;
            attrPgmap[attrs] = map;
            attrFlags[attrs] = state;
            attrs++;
        }
        lastPages = count;
        size++;
    }

    /** The number of entries (sgt.orig_nents). */
    public int size() {
        return size;
    }

    /** The first page of entry i, {@link RunSink#NO_PFN} when not known. */
    public long pfn(int i) {
        check(i);
        return pfn[i >>> BLOCK_SHIFT][i & MASK];
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
        return ((long) pages[i >>> BLOCK_SHIFT][i & MASK] << PAGE_SHIFT) - (i == 0 ? firstOffset : 0);
    }

    /** The pages of entry i. */
    public long pages(int i) {
        check(i);
        return pages[i >>> BLOCK_SHIFT][i & MASK];
    }

    /** The pgmap of entry i (-1: ordinary memory). */
    public int pgmap(int i) {
        return attrPgmap[attr(check(i))];
    }

    /** The {@link PageFlags} of entry i's first run. */
    public int flags(int i) {
        return attrFlags[attr(check(i))];
    }

    /** Whether any entry belongs to a device page map (ZONE_DEVICE memory), without visiting the entries. */
    public boolean hasPgmaps() {
        for (int a = 0; a < attrs; a++) {
            if (attrPgmap[a] >= 0) {
                return true;
            }
        }
        return false;
    }

    // The last attribute change at or before entry i.
    private int attr(int i) {
        int found = Arrays.binarySearch(attrIndex, 0, attrs, i);
        return found >= 0 ? found : -found - 2;
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
        long entries = 0;
        for (long[] block : pfn) {
            entries += block == null ? 0 : block.length;
        }
        return entries * (8 + 4) + pfn.length * 2L * 16 + attrIndex.length * 12L;
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return i;
    }
}
