package org.dmascope.core.chain;

import java.util.Arrays;
import java.util.Locale;

import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.RunSink;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The CPU side of a scatter list as {@code sg_alloc_append_table_from_pages()} builds it: each
 * entry a first page, an offset (the first entry's only) and a length. Built from runs of pinned
 * pages by {@link #add}: pages merge when their PFNs follow each other and they are the same kind
 * of memory (both ordinary, or ZONE_DEVICE pages of one pgmap), up to the maximum segment. Kept
 * in columns: memory grows with entries, not pages.
 *
 * <p>A list made with an {@link EntrySink} hands each entry over when it is final (when the
 * next one starts, the last one at {@link #finish()}), so that what follows the list (DMA
 * mapping, the best page size) runs in the same pass. Such a list may keep no entries and only
 * count; its accessors of single entries then throw {@link IllegalStateException}.
 *
 * <p>Runs handed over in batches ({@link #runs}) take one loop that keeps the list's state in
 * local variables for the common case: known PFNs of ordinary memory, each run either continuing
 * the last entry or starting the next. A list that keeps no entries hands those that became
 * final to its sink together after the loop ({@link EntrySink#pages}), where the IOMMU layout
 * takes its own common case in a loop of its own; a kept dma-direct list's loop does the common
 * case of the best-page-size scan itself. Everything else goes through {@link #run}, one run at
 * a time, so the rules have one implementation each; the batch path repeats only their common
 * case, and BatchedRunsTest checks that both paths give the same list, mapping and counters.
 */
public final class ScatterList implements RunSink {

    /**
     * The counters of a built list, without its entries.
     *
     * @param entries            the number of entries (sgt.orig_nents)
     * @param maxSegment         the maximum segment, aligned down to a page
     * @param breaksAtPfn        see {@link ScatterList#breaksAtPfn()}
     * @param breaksAtMaxSegment see {@link ScatterList#breaksAtMaxSegment()}
     * @param breaksAtPgmap      see {@link ScatterList#breaksAtPgmap()}
     * @param unknownPages       see {@link ScatterList#unknownPages()}
     */
    public record Counts(int entries, long maxSegment, long breaksAtPfn, long breaksAtMaxSegment, long breaksAtPgmap,
            long unknownPages) {
    }

    /** Takes the entries of a list that does not keep them, in order, each once it is final. */
    interface EntrySink {
        /**
         * One final entry.
         *
         * @param index  its index
         * @param phys   sg_phys(), -1 when its PFN is not known
         * @param offset its offset into its first page
         * @param length its length in bytes (the last one cut to the total)
         * @param pgmap  its pgmap, -1 for ordinary memory
         */
        void entry(int index, long phys, long offset, long length, int pgmap);

        /**
         * Final entries {@code first} to {@code first + n - 1} together, each whole pages of
         * ordinary memory (pgmap -1) at offset 0, with a first PFN known: entries after a list's
         * first, from its batch path. Their first PFNs and page counts are in the arrays' first n
         * slots, which the sink reads and never writes. This default hands them to
         * {@link #entry} one by one; a sink may take them in one loop.
         */
        default void pages(int first, long[] firstPfns, long[] pageCounts, int n) {
            for (int k = 0; k < n; k++) {
                entry(first + k, firstPfns[k] << PAGE_SHIFT, 0, pageCounts[k] << PAGE_SHIFT, -1);
            }
        }
    }

    private static final int PAGE_SHIFT = 12;
    private static final int PAGES_BITS = 20;
    private static final long PAGES_MASK = (1L << PAGES_BITS) - 1;
    /** The largest PFN an entry holds: physical addresses below 2^55 (32 PiB). */
    static final long MAX_PFN = (1L << 43) - 1;
    // A run with one of these has no known PFN.
    private static final int UNKNOWN_PFN = PageFlags.PFN_UNKNOWN | PageFlags.PFN_HIDDEN;

    // Entries are kept in blocks of 1 Mi (8 MiB), so growing never copies what is there, and G1
    // allocates each block as a humongous object in the old generation (regions of up to 16 MiB,
    // heaps below 32 GiB): young collections do not copy a large list's entries again and again
    // while it grows (JMH, fragmented 64 GiB with dma-direct: 6 collections and 475 ms of GC in
    // about 8 s of resolving with blocks of 16 Ki, 2 and 15 ms with these). The first block
    // starts with 16 entries and doubles, so a small list stays small.
    private static final int BLOCK_SHIFT = 20;
    private static final int BLOCK = 1 << BLOCK_SHIFT;
    private static final int MASK = BLOCK - 1;

    private final long maxSegmentPages;
    // Each entry in one long: its first PFN shifted up by PAGES_BITS, its page count below (a
    // segment has at most 0xfffff pages: max_segment is below 4 GiB). NO_PFN stays -1 above.
    private long[][] entries = new long[4][];
    // The block the last entry is in (the block entry number size goes to, once grown).
    private long[] lastBlock = new long[0];
    // Where in it entry number size goes.
    private int lastPos;
    // The pgmap and page state change rarely: kept only where they change (entry index, value).
    private int[] attrIndex = new int[4];
    private int[] attrPgmap = new int[4];
    private int[] attrFlags = new int[4];
    private int attrs;
    // The last change's values, compared with every new entry's.
    private int attrPgmapLast = Integer.MIN_VALUE;
    private int attrFlagsLast;
    // The last entry's page count, kept aside because merging updates it run after run.
    private long lastPages;
    private int size;
    private final long firstOffset;
    // The last entry's offset: the first entry's until a second starts, then 0.
    private long openOffset;
    private final long totalLength;
    // The page the last entry ends with, to decide whether the next merges.
    private long lastPfn = NO_PFN;
    private int lastPgmap;
    // Whether there is a last entry and its PFNs are known (only then may pages merge into it).
    private boolean knownLast;
    private long nextVaddr = Long.MIN_VALUE;
    private long breaksAtPfn;
    private long breaksAtMaxSegment;
    private long breaksAtPgmap;
    private long unknownPages;
    private long fullBytesBeforeLast;
    // Where entries go as they become final, whether the columns keep them too, and the open
    // (last) entry's first page and pgmap for the sink.
    private final @Nullable EntrySink sink;
    private final boolean keep;
    private long openPfn;
    // The entries a batch made final, for the sink of a list that keeps none: first PFNs and page counts.
    private long[] donePfns = new long[0];
    private long[] donePages = new long[0];
    private int openPgmap;
    private boolean finished;

    /**
     * An empty list for pages pinned for a region of {@code totalLength} bytes.
     *
     * @param maxSegment  the device's maximum segment size; aligned down to a page as the kernel does
     * @param firstOffset the first entry's offset into its page (0 for ib_umem_get, which builds from whole pages)
     * @param totalLength the bytes the entries cover (the last entry is cut to it)
     * @throws IllegalArgumentException when the aligned maximum segment is below a page (the kernel's -EINVAL)
     */
    public ScatterList(long maxSegment, long firstOffset, long totalLength) {
        this(maxSegment, firstOffset, totalLength, null);
    }

    /** A list that hands its entries to {@code sink} instead of keeping them (when not null). */
    ScatterList(long maxSegment, long firstOffset, long totalLength, @Nullable EntrySink sink) {
        this(maxSegment, firstOffset, totalLength, sink, sink == null);
    }

    /**
     * A list that hands its entries to {@code sink} (when not null) as they become final, and
     * keeps them too when {@code keep} is true.
     */
    ScatterList(long maxSegment, long firstOffset, long totalLength, @Nullable EntrySink sink, boolean keep) {
        this.sink = sink;
        this.keep = keep;
        long aligned = Math.min(maxSegment, 0xffffffffL) & ~0xfffL;
        if (aligned < 4096) {
            throw new IllegalArgumentException("max_segment " + maxSegment + " is below a page: -EINVAL");
        }
        this.maxSegmentPages = aligned >>> PAGE_SHIFT;
        this.firstOffset = firstOffset;
        this.openOffset = firstOffset;
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
        // Known PFNs after an entry of known PFNs, within one maximum segment: the common case,
        // kept small so that the compiler inlines it into the backend's loop. Everything else
        // (the first entry, unknown PFNs, a run longer than a segment) takes runAny.
        if (knownLast && firstPfn != NO_PFN && (state & UNKNOWN_PFN) == 0
                && count <= maxSegmentPages) {
            boolean follows = firstPfn == lastPfn + 1;
            if (follows && map == lastPgmap && vaddr == nextVaddr) {
                if (lastPages + count <= maxSegmentPages) {
                    // The pages continue the last entry and fit in it.
                    lastPages += count;
                    if (keep) {
                        lastBlock[lastPos - 1] += count;
                    }
                    lastPfn += count;
                    nextVaddr = vaddr + (count << PAGE_SHIFT);
                    return;
                }
            } else {
                // A new entry: the PFN does not follow (or it does, into another pgmap).
                if (follows) {
                    breaksAtPgmap++;
                } else {
                    breaksAtPfn++;
                }
                append(firstPfn, count, map, state);
                lastPfn = firstPfn + count - 1;
                lastPgmap = map;
                nextVaddr = vaddr + (count << PAGE_SHIFT);
                return;
            }
        }
        runAny(vaddr, firstPfn, count, state, map);
    }

    /**
     * Adds runs of pinned pages, as {@link #run} would one after the other: the common case in
     * one loop (see the class comment), the rest one by one.
     */
    @Override
    public void runs(RunBatch batch) {
        int n = batch.size();
        long[] pfns = batch.pfns();
        long[] counts = batch.pageCounts();
        int state = batch.flags();
        int map = batch.pgmap();
        // Known PFNs of the kind of memory the last entry is, after the first two entries (the
        // first has the offset, and the stage after takes it apart).
        boolean common = (state & UNKNOWN_PFN) == 0 && map == lastPgmap && map == -1;
        long va = batch.vaddr();
        int i = 0;
        while (i < n) {
            int stop = i;
            if (common && knownLast && size >= 2 && va == nextVaddr) {
                if (!keep) {
                    stop = runsStreamed(pfns, counts, i, n);
                } else if (attrPgmapLast == map) {
                    if (sink == null) {
                        stop = runsKept(pfns, counts, i, n, state == attrFlagsLast, null);
                    } else if (sink instanceof BestPageSize.Scan scan && scan.batchable()) {
                        stop = runsKept(pfns, counts, i, n, state == attrFlagsLast, scan);
                    }
                }
                if (stop > i) {
                    // Those runs were consecutive: the next starts where the last ended.
                    va = nextVaddr;
                }
            }
            if (stop < n) {
                run(va, pfns[stop], counts[stop], state, batch.pageShift(), map);
                va += counts[stop] << PAGE_SHIFT;
            }
            i = stop + 1;
        }
    }

    // The common case of run() for consecutive runs from index from on, for a list that keeps no
    // entries: each run continues the last entry or starts the next, of known PFNs of ordinary
    // memory. The entries that become final are gathered and handed to the sink together
    // (EntrySink.pages, the IOMMU layout's loop) after the loop: two short loops, each with its
    // state in registers, run faster than one that holds both (the IOMMU layout's state beside
    // the list's went to the stack). Returns the index of the first run it leaves to run().
    private int runsStreamed(long[] pfns, long[] counts, int from, int end) {
        final long maxPages = maxSegmentPages;
        final long pages0 = lastPages;
        final int size0 = size;
        if (donePfns.length < end - from) {
            donePfns = new long[end - from];
            donePages = new long[end - from];
        }
        final long[] firstPfns = donePfns;
        final long[] pageCounts = donePages;
        long lastPfnL = lastPfn;
        long pagesL = pages0;
        // Pages taken: the virtual address, the bytes before the last entry and the breaks follow from it.
        long taken = 0;
        int done = 0;
        int i = from;
        for (; i < end; i++) {
            long pfn = pfns[i];
            long count = counts[i];
            if (pfn < 0 || count <= 0 || count > maxPages) {
                break;
            }
            if (pfn == lastPfnL + 1) {
                if (pagesL + count > maxPages) {
                    break;
                }
                pagesL += count;
                lastPfnL += count;
                taken += count;
                continue;
            }
            // The last entry is final (whole pages at offset 0); the run starts the next.
            firstPfns[done] = lastPfnL - pagesL + 1;
            pageCounts[done] = pagesL;
            done++;
            pagesL = count;
            lastPfnL = pfn + count - 1;
            taken += count;
        }
        lastPfn = lastPfnL;
        lastPages = pagesL;
        openPfn = lastPfnL - pagesL + 1;
        took(taken, pages0, done);
        if (sink != null && done > 0) {
            sink.pages(size0 - 1, firstPfns, pageCounts, done);
        }
        return i;
    }

    // What a batch loop's taking pages changed: the next address, the bytes before the last
    // entry (all but its pages, at offset 0) and the entries it began (each breaks at a PFN).
    private void took(long pagesTaken, long lastPagesBefore, int newEntries) {
        nextVaddr += pagesTaken << PAGE_SHIFT;
        fullBytesBeforeLast += (lastPagesBefore + pagesTaken - lastPages) << PAGE_SHIFT;
        breaksAtPfn += newEntries;
        size += newEntries;
    }

    // The common case of run() for consecutive runs from index from on, for a list that keeps its
    // entries, with the common case of BestPageSize.Scan.segment() for each entry that becomes
    // final when the scan is not null (a dma-direct list: address = physical + offset). New
    // entries only when the runs have the state of the last one kept (sameState). One loop here,
    // though its state does not all fit in registers: the stores of the kept entries, new memory,
    // wait on the cache, and the scan's arithmetic runs while they do (split in two loops, as
    // for the IOMMU, the same case measured about 8 % slower). Returns the index of the first run
    // it leaves to run().
    private int runsKept(long[] pfns, long[] counts, int from, int end, boolean sameState,
            BestPageSize.@Nullable Scan scan) {
        final long maxPages = maxSegmentPages;
        final long pages0 = lastPages;
        final int size0 = size;
        long lastPfnL = lastPfn;
        long pagesL = pages0;
        long taken = 0;
        int n = size0;
        long[] block = lastBlock;
        int at = lastPos;
        boolean scanning = scan != null;
        long offset = 0;
        long va = 0;
        long mask = 0;
        long base = 0;
        long curLen = 0;
        // The bits below the limit: a contribution with one of them set moves the limit.
        long belowLimit = 0;
        int discontinuities = 0;
        if (scan != null) {
            offset = scan.directOffset;
            va = scan.va;
            mask = scan.mask;
            base = scan.currBase;
            curLen = scan.currLen;
            belowLimit = scan.limitBit >= 64 ? -1 : (1L << scan.limitBit) - 1;
            discontinuities = scan.discontinuities;
        }
        int i = from;
        for (; i < end; i++) {
            long pfn = pfns[i];
            long count = counts[i];
            if (pfn < 0 || count <= 0 || count > maxPages) {
                break;
            }
            if (pfn == lastPfnL + 1) {
                if (pagesL + count > maxPages) {
                    break;
                }
                pagesL += count;
                block[at - 1] += count;
                lastPfnL += count;
                taken += count;
                continue;
            }
            // A new entry, in the last block, within MAX_PFN.
            if (!sameState || at == block.length || pfn > MAX_PFN) {
                break;
            }
            long len = pagesL << PAGE_SHIFT;
            if (scanning) {
                // Scan.segment() for entry n - 1 (not the first: the scan's page offset is 0).
                long a = ((lastPfnL - pagesL + 1) << PAGE_SHIFT) + offset;
                long segEnd = base + curLen;
                if (a == -1) {
                    break;
                }
                if (segEnd != a || Long.compareUnsigned(segEnd, base) < 0) {
                    long differ = a ^ va;
                    if (((differ | va) & belowLimit) != 0) {
                        // The limit moves: Scan.segment() words it.
                        break;
                    }
                    base = a;
                    curLen = 0;
                    mask |= differ | va;
                    discontinuities++;
                }
                curLen += len;
                va += len;
            }
            block[at++] = pfn << PAGES_BITS | count;
            pagesL = count;
            n++;
            lastPfnL = pfn + count - 1;
            taken += count;
        }
        lastPfn = lastPfnL;
        lastPages = pagesL;
        openPfn = lastPfnL - pagesL + 1;
        took(taken, pages0, n - size0);
        lastPos = at;
        if (scan != null) {
            scan.va = va;
            scan.mask = mask;
            scan.currBase = base;
            scan.currLen = curLen;
            scan.discontinuities = discontinuities;
        }
        return i;
    }

    // Any run: merging into the last entry as far as the maximum segment allows, then new entries.
    private void runAny(long vaddr, long firstPfn, long count, int state, int map) {
        boolean unknown = firstPfn == NO_PFN || (state & (PageFlags.PFN_UNKNOWN | PageFlags.PFN_HIDDEN)) != 0;
        long remaining = count;
        long p = unknown ? NO_PFN : firstPfn;
        if (unknown) {
            unknownPages += count;
        }
        if (size > 0) {
            boolean continues = vaddr == nextVaddr;
            boolean mergeable = !unknown && knownLast && p == lastPfn + 1 && map == lastPgmap;
            if (mergeable && continues) {
                long room = maxSegmentPages - lastPages;
                if (room == 0) {
                    breaksAtMaxSegment++;
                } else {
                    long take = Math.min(room, remaining);
                    lastPages += take;
                    if (keep) {
                        lastBlock[lastPos - 1] += take;
                    }
                    remaining -= take;
                    p += take;
                    if (remaining > 0) {
                        breaksAtMaxSegment++;
                    }
                }
            } else if (!unknown && knownLast) {
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
        knownLast = !unknown;
        nextVaddr = vaddr + (count << PAGE_SHIFT);
    }

    private void append(long first, long count, int map, int state) {
        if (size > 0) {
            // The entry before is final now: the kernel's size counter goes down by its length.
            long len = openLength();
            if (sink != null) {
                // Merging only ever extends the last entry, so the one before can be handed over.
                sink.entry(size - 1, openPhys(), openOffset, len, openPgmap);
            }
            openOffset = 0;
            fullBytesBeforeLast += len;
        }
        lastPages = count;
        if (sink != null) {
            openPfn = first;
            openPgmap = map;
        }
        if (!keep) {
            size++;
            return;
        }
        if (lastPos == lastBlock.length) {
            grow();
        }
        if (first >>> 43 != 0 && first != NO_PFN) {
            throw beyondMaxPfn(first);
        }
        lastBlock[lastPos++] = first << PAGES_BITS | count;
        // (No pgmap is Integer.MIN_VALUE: the first entry starts the first change.)
        if (attrPgmapLast != map || attrFlagsLast != state) {
            attribute(map, state);
        }
        size++;
    }

    // Made apart from append, so that the message's formatting stays out of the hot loop's code.
    private static IllegalArgumentException beyondMaxPfn(long pfn) {
        return new IllegalArgumentException(String.format(Locale.ROOT, "PFN %#x is beyond what a scatter list entry"
                + " holds here (%#x: physical addresses below 2^55; x86-64 and arm64 have at most 52 physical address"
                + " bits)", pfn, MAX_PFN));
    }

    // Room for entry number size: a new block, or the first block grown (it starts small).
    private void grow() {
        int b = size >>> BLOCK_SHIFT;
        int i = size & MASK;
        if (i == 0) {
            if (b == entries.length) {
                entries = Arrays.copyOf(entries, entries.length * 2);
            }
            entries[b] = new long[b == 0 ? 16 : BLOCK];
        } else {
            entries[0] = Arrays.copyOf(entries[0], Math.min(BLOCK, i * 2));
        }
        lastBlock = entries[b];
        lastPos = i;
    }

    // The pgmap or page state changes at entry number size.
    private void attribute(int map, int state) {
        if (attrs == attrIndex.length) {
            int c = attrs * 2;
            attrIndex = Arrays.copyOf(attrIndex, c);
            attrPgmap = Arrays.copyOf(attrPgmap, c);
            attrFlags = Arrays.copyOf(attrFlags, c);
        }
        attrIndex[attrs] = size;
        attrPgmap[attrs] = map;
        attrFlags[attrs] = state;
        attrPgmapLast = map;
        attrFlagsLast = state;
        attrs++;
    }

    // The last entry's full length (before the cut to the total), and its sg_phys().
    private long openLength() {
        return (lastPages << PAGE_SHIFT) - openOffset;
    }

    private long openPhys() {
        return openPfn == NO_PFN ? -1 : (openPfn << PAGE_SHIFT) + openOffset;
    }

    /**
     * Ends the list: a list with an entry sink hands over the last entry, cut to the total
     * length as {@link #length(int)} cuts it. Nothing to do for a list without one.
     */
    public void finish() {
        if (sink == null || finished) {
            return;
        }
        finished = true;
        if (size > 0) {
            long len = openLength();
            long left = totalLength - fullBytesBeforeLast;
            if (Long.compareUnsigned(left, len) < 0) {
                len = left;
            }
            sink.entry(size - 1, openPhys(), openOffset, len, openPgmap);
        }
    }

    /** Whether the entries are kept (else they were handed to a sink, and only counted). */
    public boolean keepsEntries() {
        return keep;
    }

    /** The counters, which a list that does not keep its entries has too. */
    public Counts counts() {
        return new Counts(size, maxSegment(), breaksAtPfn, breaksAtMaxSegment, breaksAtPgmap, unknownPages);
    }

    /** The number of entries (sgt.orig_nents). */
    public int size() {
        return size;
    }

    /** The first page of entry i, {@link RunSink#NO_PFN} when not known. */
    public long pfn(int i) {
        check(i);
        return entries[i >>> BLOCK_SHIFT][i & MASK] >> PAGES_BITS;
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
        return ((entries[i >>> BLOCK_SHIFT][i & MASK] & PAGES_MASK) << PAGE_SHIFT) - (i == 0 ? firstOffset : 0);
    }

    /** The pages of entry i. */
    public long pages(int i) {
        check(i);
        return entries[i >>> BLOCK_SHIFT][i & MASK] & PAGES_MASK;
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
        if (!keep) {
            throw new IllegalStateException("the scatter list's entries were streamed, not kept");
        }
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

    /**
     * Hands every entry to the visitor as a dma-direct segment (its physical address plus
     * {@code dmaOffset}, -1 when its PFN is not known, and its length), in order, until it says
     * to stop.
     *
     * @return whether every entry was visited
     */
    boolean visit(long dmaOffset, DmaSegments.Visitor v) {
        if (!keep) {
            throw new IllegalStateException("the scatter list's entries were streamed, not kept");
        }
        int i = 0;
        for (int b = 0; i < size; b++) {
            long[] e = entries[b];
            int end = Math.min(e.length, size - i);
            for (int j = 0; j < end; j++, i++) {
                long off = i == 0 ? firstOffset : 0;
                long len = ((e[j] & PAGES_MASK) << PAGE_SHIFT) - off;
                long pfn = e[j] >> PAGES_BITS;
                if (i == size - 1) {
                    long left = totalLength - fullBytesBeforeLast;
                    if (Long.compareUnsigned(left, len) < 0) {
                        len = left;
                    }
                }
                long address = pfn == NO_PFN ? -1 : (pfn << PAGE_SHIFT) + off + dmaOffset;
                if (!v.segment(i, address, len)) {
                    return false;
                }
            }
        }
        return true;
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
        long n = 0;
        for (long[] block : entries) {
            n += block == null ? 0 : block.length;
        }
        return n * 8 + entries.length * 16L + attrIndex.length * 12L;
    }

    private int check(int i) {
        if (!keep) {
            throw new IllegalStateException("the scatter list's entries were streamed, not kept");
        }
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return i;
    }
}
