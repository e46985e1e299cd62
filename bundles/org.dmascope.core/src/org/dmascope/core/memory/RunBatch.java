package org.dmascope.core.memory;

/**
 * Gathers runs in front of a sink and hands them on together with
 * {@link RunSink#runs(RunBatch)}: consecutive runs of one state, each starting at the virtual
 * address where the one before ends, all with the same flags, page size and pgmap, so that only
 * their PFNs and lengths are kept, in two columns. A sink can take such a batch in one loop that
 * keeps its own state in local variables, instead of one call per run. A run that does not
 * continue the batch, or a full batch, hands the batch on first; {@link #flush()} hands on what
 * is left. The sink reads the batch during the call only.
 *
 * <p>A producer that makes many runs of one state (a page table read in blocks) may also write
 * them into the columns itself and {@link #fill} the batch, without a call per run.
 */
public final class RunBatch implements RunSink {

    private static final int PAGE_SHIFT = 12;

    private final RunSink sink;
    private final long[] pfn;
    private final long[] pages;
    private int size;
    private long start;
    private long end;
    private int flags;
    private int shift;
    private int pgmap;

    /** An empty batch of up to {@code capacity} runs in front of the sink. */
    public RunBatch(int capacity, RunSink sink) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a batch holds at least one run: " + capacity);
        }
        this.sink = sink;
        pfn = new long[capacity];
        pages = new long[capacity];
    }

    /** Adds a run, after handing the batch on when the run does not continue it; a run of no pages is nothing. */
    @Override
    public void run(long address, long firstPfn, long count, int state, int pageShift, int map) {
        if (count <= 0) {
            return;
        }
        int i = size;
        if (i != 0 && (address != end || state != flags || pageShift != shift || map != pgmap)) {
            flush();
            i = 0;
        }
        if (i == 0) {
            start = address;
            flags = state;
            shift = pageShift;
            pgmap = map;
        }
        pfn[i] = firstPfn;
        pages[i] = count;
        end = address + (count << PAGE_SHIFT);
        size = i + 1;
        if (i + 1 == pfn.length) {
            flush();
        }
    }

    /**
     * Takes the runs a producer wrote into the first {@code count} slots of {@link #pfns()} and
     * {@link #pageCounts()}: consecutive, from {@code address} on, all with this state. The batch
     * must be empty; {@link #flush()} hands them on.
     *
     * @throws IllegalStateException    when the batch holds runs
     * @throws IllegalArgumentException when {@code count} is not 1 to the capacity
     */
    public void fill(long address, int count, int state, int pageShift, int map) {
        if (size != 0) {
            throw new IllegalStateException("the batch holds " + size + " runs");
        }
        if (count < 1 || count > pfn.length) {
            throw new IllegalArgumentException("a batch of " + pfn.length + " runs cannot take " + count);
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += pages[i];
        }
        start = address;
        end = address + (total << PAGE_SHIFT);
        flags = state;
        shift = pageShift;
        pgmap = map;
        size = count;
    }

    /**
     * Hands the runs held to the sink, if there are any, and empties the batch, also when the
     * sink throws (it has had the runs).
     */
    public void flush() {
        if (size > 0) {
            try {
                sink.runs(this);
            } finally {
                size = 0;
            }
        }
    }

    /** The number of runs. */
    public int size() {
        return size;
    }

    /** The base pages of all runs. */
    public long pages() {
        return size == 0 ? 0 : (end - start) >>> PAGE_SHIFT;
    }

    /** The virtual address of the first run. */
    public long vaddr() {
        return start;
    }

    /** The virtual address where the last run ends. */
    public long end() {
        return end;
    }

    /** The runs' {@link PageFlags}. */
    public int flags() {
        return flags;
    }

    /** The runs' page shift. */
    public int pageShift() {
        return shift;
    }

    /** The runs' pgmap, -1 for ordinary memory. */
    public int pgmap() {
        return pgmap;
    }

    /**
     * The runs' first PFNs, in the first {@link #size()} slots: the batch's own column, for a
     * sink's loop to read and never to write (only a producer writes it, before {@link #fill}).
     */
    public long[] pfns() {
        return pfn;
    }

    /** The runs' page counts, in the first {@link #size()} slots: read only, as {@link #pfns()}. */
    public long[] pageCounts() {
        return pages;
    }

    /** Passes the runs to a sink one by one. */
    public void runEach(RunSink to) {
        long at = start;
        for (int i = 0; i < size; i++) {
            to.run(at, pfn[i], pages[i], flags, shift, pgmap);
            at += pages[i] << PAGE_SHIFT;
        }
    }
}
