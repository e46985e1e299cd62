package org.dmascope.core.memory;

/**
 * Joins runs that continue each other (next address, next PFN or both without PFN, same state,
 * page size and pgmap) and hands each run on once it can grow no more. Readers and backends
 * that produce runs piece by piece put one in front of their sink; {@link #flush()} hands on the
 * last run.
 */
public final class RunMerger implements RunSink {

    private static final int PAGE_SHIFT = 12;

    private final RunSink sink;
    private long vaddr;
    private long pfn;
    private long pages;
    private int flags;
    private int shift;
    private int pgmap;

    /** A merger in front of a sink. */
    public RunMerger(RunSink sink) {
        this.sink = sink;
    }

    @Override
    public void run(long address, long firstPfn, long count, int state, int pageShift, int map) {
        if (count <= 0) {
            return;
        }
        if (pages > 0 && vaddr + (pages << PAGE_SHIFT) == address && flags == state && shift == pageShift
                && pgmap == map && (firstPfn == NO_PFN ? pfn == NO_PFN : pfn != NO_PFN && pfn + pages == firstPfn)) {
            pages += count;
            return;
        }
        flush();
        vaddr = address;
        pfn = firstPfn;
        pages = count;
        flags = state;
        shift = pageShift;
        pgmap = map;
    }

    /** Hands on the run held, if any. */
    public void flush() {
        if (pages > 0) {
            sink.run(vaddr, pfn, pages, flags, shift, pgmap);
            pages = 0;
        }
    }
}
