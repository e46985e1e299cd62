package org.dmascope.core.memory;

/**
 * Receives runs of pages in address order: virtually contiguous pages whose PFNs are contiguous
 * too and whose state is the same. The streaming form lets a 64 GiB range pass through without
 * one object per page.
 */
@FunctionalInterface
public interface RunSink {

    /** The PFN of pages that have none (not present, or not known yet). */
    long NO_PFN = -1;

    /**
     * One run.
     *
     * @param vaddr     the virtual address of its first page
     * @param pfn       the PFN of its first page, {@link #NO_PFN} when there is none
     * @param pages     how many base pages (4 KiB) it has
     * @param flags     {@link PageFlags} bits
     * @param pageShift the size of the mapping the pages belong to: 12 (4 KiB), 21 (2 MiB), 30 (1 GiB)
     * @param pgmap     the dev_pagemap the PFNs belong to (an index into the physical memory map),
     *                  -1 for ordinary memory
     */
    void run(long vaddr, long pfn, long pages, int flags, int pageShift, int pgmap);

    /**
     * Runs in address order, as if passed to {@link #run} one after the other. A producer with
     * many runs may hand them over this way, so that a sink that overrides this method can take
     * them in one loop; the batch is only valid during the call.
     */
    default void runs(RunBatch batch) {
        batch.runEach(this);
    }
}
