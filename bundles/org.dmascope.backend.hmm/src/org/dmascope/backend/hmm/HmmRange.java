package org.dmascope.backend.hmm;

import org.dmascope.scenario.mm.Folio;
import org.dmascope.scenario.mm.IntervalNotifier;
import org.eclipse.jdt.annotation.Nullable;

/**
 * {@code struct hmm_range}: the range to snapshot or fault, the request flags, the owner whose
 * device-private pages are reported as they are, and the notifier whose sequence guards it.
 * {@link #pages} and {@link #pageIndex} stand for hmm_pfn_to_page() on the output.
 */
public final class HmmRange {

    /** The first address (page aligned). */
    public final long start;
    /** The address after the last (page aligned). */
    public final long end;
    /** hmm_pfns: request flags on input, PFN and state on output. */
    public final long[] hmmPfns;
    /** The folio behind each valid output entry (hmm_pfn_to_page), null otherwise. */
    public final @Nullable Folio[] pages;
    /** The base page within the folio. */
    public final int[] pageIndex;
    /** default_flags: request flags for every page. */
    public long defaultFlags;
    /** pfn_flags_mask: which per-page request flags count. */
    public long pfnFlagsMask;
    /** dev_private_owner. */
    public @Nullable Object devPrivateOwner;
    /** The interval notifier (range->notifier), or null. */
    public @Nullable IntervalNotifier notifier;
    /** notifier_seq: what mmu_interval_read_begin returned. */
    public long notifierSeq;

    /** A range of [start, end) with all request flags 0. */
    public HmmRange(long start, long end) {
        if ((start & 0xfff) != 0 || (end & 0xfff) != 0 || end <= start) {
            throw new IllegalArgumentException("not a page-aligned range: " + Long.toHexString(start) + "-"
                    + Long.toHexString(end));
        }
        this.start = start;
        this.end = end;
        int n = (int) ((end - start) >>> 12);
        this.hmmPfns = new long[n];
        this.pages = new Folio[n];
        this.pageIndex = new int[n];
    }

    /** The number of pages. */
    public int npages() {
        return hmmPfns.length;
    }
}
