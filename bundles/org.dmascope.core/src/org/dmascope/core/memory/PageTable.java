package org.dmascope.core.memory;

/**
 * What a process's page table maps, read as runs: a live process's pagemap, a recording, or a
 * scenario. Implementations decide how much they keep in memory.
 */
public interface PageTable {

    /**
     * Reports the runs covering [start, end) in address order, pages that are not mapped
     * included (without {@link PageFlags#PRESENT}). A sink ends the walk early by throwing
     * {@link WalkStopped}: nothing more reaches it, and the exception comes out of this method.
     *
     * @throws MemoryReadException when the page table cannot be read (a process that exited, no
     *                             permission)
     */
    void walk(long start, long end, RunSink sink) throws MemoryReadException;
}
