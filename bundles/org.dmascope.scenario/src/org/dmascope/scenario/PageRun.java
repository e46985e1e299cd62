package org.dmascope.scenario;

/**
 * Consecutive pages of a process that are in one state, as a step's outcome lists them.
 *
 * @param start the first address
 * @param end   the address after the last page
 * @param state the state in words ("anon rw exclusive", "device-private dev0 rw", "none")
 * @param firstPfn the PFN of the first page, -1 when there is none
 */
public record PageRun(long start, long end, String state, long firstPfn) {

    /** The number of 4 KiB pages. */
    public long pages() {
        return (end - start) >>> 12;
    }
}
