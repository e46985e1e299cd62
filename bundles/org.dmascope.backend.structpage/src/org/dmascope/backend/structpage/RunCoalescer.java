package org.dmascope.backend.structpage;

import org.dmascope.core.memory.RunSink;

/**
 * Holds back the last run and extends it while the next continues it (next address, next PFN or
 * both without PFN, same state, page size and pgmap), so a sink receives as few runs as the state
 * allows whatever the page table's own run boundaries were.
 */
final class RunCoalescer {

    private static final int PAGE_SHIFT = 12;

    private final RunSink sink;
    private long vaddr;
    private long pfn;
    private long pages;
    private int flags;
    private int shift;
    private int pgmap;

    RunCoalescer(RunSink sink) {
        this.sink = sink;
    }

    /** Adds pages; passes the held run on when these do not continue it. */
    void add(long at, long firstPfn, long count, int state, int pageShift, int map) {
        if (count <= 0) {
            return;
        }
        if (pages > 0) {
            boolean next = vaddr + (pages << PAGE_SHIFT) == at;
            boolean pfnNext = firstPfn == RunSink.NO_PFN ? pfn == RunSink.NO_PFN
                    : pfn != RunSink.NO_PFN && pfn + pages == firstPfn;
            if (next && pfnNext && flags == state && shift == pageShift && pgmap == map) {
                pages += count;
                return;
            }
            flush();
        }
        vaddr = at;
        pfn = firstPfn;
        pages = count;
        flags = state;
        shift = pageShift;
        pgmap = map;
    }

    /** Passes the held run on. */
    void flush() {
        if (pages > 0) {
            sink.run(vaddr, pfn, pages, flags, shift, pgmap);
            pages = 0;
        }
    }
}
