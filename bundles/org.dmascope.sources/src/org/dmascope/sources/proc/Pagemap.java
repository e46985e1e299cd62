package org.dmascope.sources.proc;

import org.dmascope.core.memory.PageFlags;

/**
 * The 64-bit entries of {@code /proc/PID/pagemap}, one per virtual page, as
 * Documentation/admin-guide/mm/pagemap.rst describes them ({@code pagemap_read()} in
 * fs/proc/task_mmu.c writes them).
 */
public final class Pagemap {

    /** Bytes per entry. */
    public static final int ENTRY_BYTES = 8;
    /** Bit 63: the page is present in RAM. */
    public static final long PRESENT = 1L << 63;
    /** Bit 62: the page is swapped out; the low bits hold the swap type and offset. */
    public static final long SWAPPED = 1L << 62;
    /** Bit 61: a file page or a shared anonymous page (since 3.5). */
    public static final long FILE_OR_SHARED_ANON = 1L << 61;
    /** Bit 56: the page is mapped by this process only (since 4.2). */
    public static final long EXCLUSIVE = 1L << 56;
    /** Bit 55: the PTE is soft-dirty. */
    public static final long SOFT_DIRTY = 1L << 55;
    /** Bits 0 to 54: the PFN of a present page (0 when the reader lacks CAP_SYS_ADMIN, since 4.2). */
    public static final long PFN_MASK = (1L << 55) - 1;

    private Pagemap() {
    }

    /** Whether the entry says the page is present. */
    public static boolean isPresent(long entry) {
        return (entry & PRESENT) != 0;
    }

    /** The PFN field (bits 0 to 54): a PFN for present pages, a swap entry for swapped ones. */
    public static long pfnField(long entry) {
        return entry & PFN_MASK;
    }

    /**
     * The {@link PageFlags} an entry gives by itself: PRESENT, SWAPPED, FILE_OR_SHARED, EXCLUSIVE
     * and SOFT_DIRTY. Whether its PFN is hidden is for the reader to decide (see
     * {@link PagemapTable}).
     */
    public static int pageFlags(long entry) {
        int flags = 0;
        if ((entry & PRESENT) != 0) {
            flags |= PageFlags.PRESENT;
        }
        if ((entry & SWAPPED) != 0) {
            flags |= PageFlags.SWAPPED;
        }
        if ((entry & FILE_OR_SHARED_ANON) != 0) {
            flags |= PageFlags.FILE_OR_SHARED;
        }
        if ((entry & EXCLUSIVE) != 0) {
            flags |= PageFlags.EXCLUSIVE;
        }
        if ((entry & SOFT_DIRTY) != 0) {
            flags |= PageFlags.SOFT_DIRTY;
        }
        return flags;
    }
}
