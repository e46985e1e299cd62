package org.dmascope.core.backend;

import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;

/**
 * One kind of memory behind VMAs. Contributed as an OSGi service; the chain resolver asks every
 * backend how well it handles the part of a VMA it resolves and uses the best.
 */
public interface MemoryBackend {

    /** A stable identifier ("structpage", "hmm", "gpudirect"). */
    String id();

    /** How views draw this memory. */
    BackendStyle style();

    /** What pinning, faulting, migration and invalidation mean for this memory. */
    BackendSemantics semantics();

    /**
     * How well this backend handles [start, end) of a VMA (the part a request covers, inside the
     * VMA): 0 not at all; higher wins. A backend for a special kind of memory answers above the
     * struct page backend's 10 for the memory that is its own. A backend that looks at pages to
     * answer looks at those of the range only: they are the pages a pin of it meets, and a small
     * range of a large VMA stays cheap to resolve.
     */
    int handles(AddressSpace space, Vma vma, long start, long end, PhysicalMemoryMap physical);

    /**
     * Pins [start, end) of a VMA for long-term DMA, as the kernel would for an RDMA memory
     * region, and reports the pinned pages in address order. A run may continue the one before
     * it (next address, next PFN, same state): pages pinned where they are may be passed on as
     * the page table reports them, and sinks that keep runs join such runs ({@code PageRuns}
     * and the scatter list do). Pages whose PFN is not known come joined wherever their state
     * is the same, since no sink can tell where one such run ends. Runs may come one at a time
     * ({@code RunSink.run}) or in batches ({@code RunSink.runs}), which the scatter list takes in
     * one loop; either way in address order.
     *
     * @param write whether the pages are pinned for writing by the device (FOLL_WRITE)
     * @return what pinning did, or why it was refused (then the sink may have received the
     *         pages before the refusal)
     * @throws MemoryReadException when the process's memory cannot be read
     */
    PinResult pin(AddressSpace space, Vma vma, long start, long end, boolean write, PhysicalMemoryMap physical,
            RunSink sink) throws MemoryReadException;
}
