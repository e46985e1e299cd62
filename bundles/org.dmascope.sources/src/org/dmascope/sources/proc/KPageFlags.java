package org.dmascope.sources.proc;

import org.dmascope.core.memory.PageFlags;

/**
 * The 64-bit entries of {@code /proc/kpageflags}, one per PFN: the bits of
 * include/uapi/linux/kernel-page-flags.h, and MLOCKED from the kernel-internal
 * include/linux/kernel-page-flags.h ({@code stable_page_flags()} in fs/proc/page.c sets them).
 */
public final class KPageFlags {

    /** Bytes per entry. */
    public static final int ENTRY_BYTES = 8;
    /** KPF_REFERENCED. */
    public static final int REFERENCED = 2;
    /** KPF_ANON. */
    public static final int ANON = 12;
    /** KPF_COMPOUND_HEAD: the first page of a compound page (a huge page, a large folio). */
    public static final int COMPOUND_HEAD = 15;
    /** KPF_COMPOUND_TAIL: a page of a compound page after the first. */
    public static final int COMPOUND_TAIL = 16;
    /** KPF_HUGE: part of a hugetlbfs page. */
    public static final int HUGE = 17;
    /** KPF_NOPAGE: no page frame the kernel hands out here (a hole, MMIO, and also ZONE_DEVICE). */
    public static final int NOPAGE = 20;
    /** KPF_THP: part of a transparent huge page (any large anonymous or page-cache folio since 6.x). */
    public static final int THP = 22;
    /** KPF_ZERO_PAGE: the zero page or the huge zero page. */
    public static final int ZERO_PAGE = 24;
    /** KPF_MLOCKED (a kernel-hacking bit, exported all the same). */
    public static final int MLOCKED = 33;

    private KPageFlags() {
    }

    /** Whether a bit is set in an entry. */
    public static boolean has(long entry, int bit) {
        return (entry >>> bit & 1) != 0;
    }

    /**
     * The {@link PageFlags} an entry gives: THP, HUGETLB, ZERO_PAGE, MLOCKED, and NO_STRUCT_PAGE
     * for NOPAGE. REFERENCED is left out on purpose: it changes from page to page with LRU aging,
     * would cut runs wherever it does, and says nothing about DMA.
     */
    public static int pageFlags(long entry) {
        int flags = 0;
        if (has(entry, THP)) {
            flags |= PageFlags.THP;
        }
        if (has(entry, HUGE)) {
            flags |= PageFlags.HUGETLB;
        }
        if (has(entry, ZERO_PAGE)) {
            flags |= PageFlags.ZERO_PAGE;
        }
        if (has(entry, MLOCKED)) {
            flags |= PageFlags.MLOCKED;
        }
        if (has(entry, NOPAGE)) {
            flags |= PageFlags.NO_STRUCT_PAGE;
        }
        return flags;
    }
}
