package org.dmascope.scenario.mm;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.trace.event.NotifierInvalidateBegin;
import org.dmascope.trace.event.NotifierInvalidateEnd;

/**
 * The interval notifiers of one address space and their sequence ({@code struct
 * mmu_notifier_subscriptions}, mm/mmu_notifier.c): {@code invalidate_seq} is even while no
 * invalidation runs and odd while one does; an interval notifier inserted while idle takes
 * {@code invalidate_seq - 1}; an invalidation hands the odd value to each overlapping notifier's
 * callback, which stores it with mmu_interval_set_seq; {@code mmu_interval_read_begin} waits
 * while the notifier's value equals the odd current one, and {@code mmu_interval_read_retry}
 * says whether the value moved since read_begin.
 */
public final class MmuNotifiers {

    /** What mmu_interval_read_begin found. */
    public record ReadBegin(long seq, boolean waited) {
    }

    private final List<IntervalNotifier> intervals = new ArrayList<>();
    private long invalidateSeq = 2;
    private int activeInvalidateRanges;

    private final Mm mm;

    MmuNotifiers(Mm mm) {
        this.mm = mm;
    }

    /** {@code subscriptions->invalidate_seq}. */
    public long invalidateSeq() {
        return invalidateSeq;
    }

    /** Whether an invalidation is running (mn_itree_is_invalidating). */
    public boolean invalidating() {
        return (invalidateSeq & 1) != 0;
    }

    /** The notifiers. */
    public List<IntervalNotifier> intervals() {
        return List.copyOf(intervals);
    }

    /**
     * {@code mmu_interval_notifier_insert(interval_sub, mm, start, length, ops)}.
     *
     * @param length bytes covered (the last address is start + length - 1)
     */
    public IntervalNotifier insert(String name, Mm mm, long start, long length, IntervalNotifier.Ops ops) {
        IntervalNotifier n = new IntervalNotifier(name, mm, start, start + length - 1, ops);
        if (activeInvalidateRanges > 0) {
            // __mmu_interval_notifier_insert: inserted during an invalidation, it starts "invalidating".
            invalidateSeq |= 1;
            n.invalidateSeq = invalidateSeq;
        } else {
            n.invalidateSeq = invalidateSeq - 1;
        }
        intervals.add(n);
        return n;
    }

    /** {@code mmu_interval_notifier_remove}. */
    public void remove(IntervalNotifier n) {
        intervals.remove(n);
    }

    /** {@code mmu_interval_set_seq}: called by an invalidate callback under the driver's lock. */
    public static void setSeq(IntervalNotifier n, long curSeq) {
        n.invalidateSeq = curSeq;
    }

    /** {@code mn_itree_invalidate}: start an invalidation and call every overlapping notifier. */
    public void invalidateRangeStart(MmuNotifierRange range) {
        mm.machine().emit(mm, h -> new NotifierInvalidateBegin(h, range.start(), range.end(),
                range.event().name().toLowerCase(java.util.Locale.ROOT), true));
        activeInvalidateRanges++;
        invalidateSeq |= 1;
        for (IntervalNotifier n : List.copyOf(intervals)) {
            if (n.overlaps(range.start(), range.end())) {
                n.counted();
                n.ops().invalidate(n, range, invalidateSeq);
            }
        }
    }

    /** {@code mn_itree_inv_end}: the last running invalidation ends and the sequence becomes even. */
    public void invalidateRangeEnd(MmuNotifierRange range) {
        if (activeInvalidateRanges == 0) {
            throw new IllegalStateException("invalidate_range_end without a start");
        }
        activeInvalidateRanges--;
        if (activeInvalidateRanges == 0) {
            invalidateSeq++;
        }
        mm.machine().emit(mm, h -> new NotifierInvalidateEnd(h, range.start(), range.end()));
    }

    /** The number of invalidations running. */
    public int activeInvalidateRanges() {
        return activeInvalidateRanges;
    }

    /**
     * {@code mmu_interval_read_begin}: the notifier's sequence; when an invalidation of it is
     * running ({@code seq == subscriptions->invalidate_seq}) the caller sleeps until it ends.
     * Callers that cannot end the invalidation themselves check {@link #isInvalidating} first.
     */
    public ReadBegin readBegin(IntervalNotifier n) {
        boolean waits = n.invalidateSeq == invalidateSeq;
        return new ReadBegin(n.invalidateSeq, waits);
    }

    /** Whether read_begin on this notifier would sleep now. */
    public boolean isInvalidating(IntervalNotifier n) {
        return n.invalidateSeq == invalidateSeq;
    }

    /** {@code mmu_interval_read_retry} / {@code mmu_interval_check_retry}: whether an invalidation happened since read_begin returned seq. */
    public static boolean readRetry(IntervalNotifier n, long seq) {
        return n.invalidateSeq != seq;
    }
}
