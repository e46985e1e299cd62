package org.dmascope.scenario.mm;

/**
 * {@code struct mmu_interval_notifier} (mm/mmu_notifier.c): a range of an address space a driver
 * mirrors, with the sequence number that read_begin/read_retry compare.
 */
public final class IntervalNotifier {

    /** {@code struct mmu_interval_notifier_ops}. */
    public interface Ops {
        /**
         * The invalidate callback. A driver takes its lock, calls
         * {@link MmuNotifiers#setSeq(IntervalNotifier, long)} with curSeq and drops its mappings.
         *
         * @return false when it could not block (not used by the simulation's callers)
         */
        boolean invalidate(IntervalNotifier notifier, MmuNotifierRange range, long curSeq);
    }

    private final String name;
    private final Mm mm;
    private final long start;
    private final long last;
    private final Ops ops;
    long invalidateSeq;
    private int invalidations;

    IntervalNotifier(String name, Mm mm, long start, long last, Ops ops) {
        this.name = name;
        this.mm = mm;
        this.start = start;
        this.last = last;
        this.ops = ops;
    }

    /** Its name in the scenario. */
    public String name() {
        return name;
    }

    /** The address space. */
    public Mm mm() {
        return mm;
    }

    /** The first address covered. */
    public long start() {
        return start;
    }

    /** The last address covered (inclusive, as interval_tree_node.last). */
    public long last() {
        return last;
    }

    /** The callbacks. */
    public Ops ops() {
        return ops;
    }

    /** The sequence number it holds (odd: set by an invalidation). */
    public long invalidateSeq() {
        return invalidateSeq;
    }

    /** How many invalidations reached it. */
    public int invalidations() {
        return invalidations;
    }

    void counted() {
        invalidations++;
    }

    /** Whether a range overlaps it. */
    public boolean overlaps(long rangeStart, long rangeEnd) {
        return Long.compareUnsigned(rangeStart, last) <= 0 && Long.compareUnsigned(rangeEnd - 1, start) >= 0;
    }
}
