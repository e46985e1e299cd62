package org.dmascope.core.memory;

/**
 * A SYNTHETIC page table for benchmarks, which generates its runs instead of reading them: a
 * region of anonymous memory at {@link #VA}, either physically contiguous transparent huge
 * pages (one run for all of it) or fully fragmented 4 KiB pages, every other page frame (one
 * run per page, as a pagemap read of such memory gives them, handed over in batches of runs as a
 * table read in blocks can). Never shown as a real process.
 *
 * @param pages      the region's size in 4 KiB pages
 * @param fragmented whether every page is its own run
 */
public record SyntheticPageTable(long pages, boolean fragmented) implements PageTable {

    /** Where the region starts. */
    public static final long VA = 0x7f0000000000L;
    /** The first page's frame. */
    public static final long BASE_PFN = 0x100000L;

    private static final int THP_STATE = PageFlags.PRESENT | PageFlags.EXCLUSIVE | PageFlags.THP;
    private static final int PAGE_STATE = PageFlags.PRESENT | PageFlags.EXCLUSIVE;
    private static final int BATCH = 256;

    /** The VMA that maps the region (anonymous, private, read and write). */
    public Vma vma() {
        return Vma.anonymous(VA, VA + (pages << 12), "rw-p");
    }

    @Override
    public void walk(long start, long end, RunSink sink) {
        long first = Math.max(0, (start - VA) >> 12);
        long last = Math.min(pages, (end - VA) >> 12);
        if (first >= last) {
            return;
        }
        if (!fragmented) {
            sink.run(VA + (first << 12), BASE_PFN + first, last - first, THP_STATE, 21, -1);
            return;
        }
        RunBatch batch = new RunBatch(BATCH, sink);
        long[] pfns = batch.pfns();
        long[] counts = batch.pageCounts();
        for (long i = first; i < last;) {
            int n = (int) Math.min(BATCH, last - i);
            for (int k = 0; k < n; k++) {
                pfns[k] = BASE_PFN + 2 * (i + k);
                counts[k] = 1;
            }
            batch.fill(VA + (i << 12), n, PAGE_STATE, 12, -1);
            batch.flush();
            i += n;
        }
    }
}
