package org.dmascope.sources.proc;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.core.memory.AddressSpace;

/**
 * A live process as read from /proc: its address space, the page table behind it, what its
 * status says, and what could not be known.
 *
 * @param addressSpace the address space (its page table is {@link #pageTable()})
 * @param pageTable    the page table, read from pagemap at each walk
 * @param status       its status file
 * @param limits       its memlock limits
 * @param smapsRead    whether the VMAs come from smaps (flags and page sizes) or from maps alone
 * @param readNotes    what could not be read, found while reading (the page table's notes are
 *                     added by {@link #notes()})
 */
public record LiveProcess(AddressSpace addressSpace, PagemapTable pageTable, ProcStatus status, ProcLimits limits,
        boolean smapsRead, List<String> readNotes) {

    /** Copies the notes. */
    public LiveProcess {
        readNotes = List.copyOf(readNotes);
    }

    /** The process ID. */
    public int pid() {
        return addressSpace.pid();
    }

    /** Whether pagemap shows this reader PFNs ({@link PagemapTable#pfnsVisible()}). */
    public boolean pfnsVisible() {
        return pageTable.pfnsVisible();
    }

    /** Everything that could not be known, in words: the read's notes, then the page table's. */
    public List<String> notes() {
        List<String> out = new ArrayList<>(readNotes);
        out.addAll(pageTable.notes());
        return out;
    }
}
