package org.dmascope.core.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of the pages of a run, as bits of an int: what pagemap and kpageflags say of a
 * page, what the physical memory map says of its PFN, and what pinning did to it. Bits 16 to 23
 * are left to backends for their own page states.
 */
public final class PageFlags {

    /** Mapped in the page table (pagemap bit 63). */
    public static final int PRESENT = 1;
    /** Swapped out (pagemap bit 62): no PFN (pagemap's PFN field then holds the swap entry, which runs do not carry). */
    public static final int SWAPPED = 1 << 1;
    /** Mapped by this process only (pagemap bit 56); a private page that is not is shared copy-on-write. */
    public static final int EXCLUSIVE = 1 << 2;
    /** A file page or shared anonymous page (pagemap bit 61). */
    public static final int FILE_OR_SHARED = 1 << 3;
    /** Soft-dirty (pagemap bit 55). */
    public static final int SOFT_DIRTY = 1 << 4;
    /** The PFN reads as 0 because the reader lacks CAP_SYS_ADMIN (pagemap since Linux 4.2). */
    public static final int PFN_HIDDEN = 1 << 5;
    /** Part of a transparent huge page (kpageflags THP). */
    public static final int THP = 1 << 6;
    /** Part of a hugetlbfs page (kpageflags HUGE). */
    public static final int HUGETLB = 1 << 7;
    /** The shared zero page (kpageflags ZERO_PAGE): never pinned for writing, never DMA'd into. */
    public static final int ZERO_PAGE = 1 << 8;
    /** A ZONE_DEVICE page (its PFN lies in a dev_pagemap): merges only with pages of the same pgmap. */
    public static final int ZONE_DEVICE = 1 << 9;
    /** A device-private page (HMM): not addressable by the CPU or by other devices. */
    public static final int DEVICE_PRIVATE = 1 << 10;
    /** No struct page behind the PFN (VM_PFNMAP, VM_IO, a BAR mapped with remap_pfn_range). */
    public static final int NO_STRUCT_PAGE = 1 << 11;
    /** A new page whose PFN is only known once the kernel allocates it (a fault or a copy-on-write break at pin time). */
    public static final int PFN_UNKNOWN = 1 << 12;
    /** The page could not be resolved (the backend says why). */
    public static final int ERROR = 1 << 13;
    /** Accessed (kpageflags REFERENCED). */
    public static final int REFERENCED = 1 << 14;
    /** Locked in memory (mlock, or kpageflags MLOCKED). */
    public static final int MLOCKED = 1 << 15;
    /** The first bit backends may use for their own states. */
    public static final int BACKEND_FIRST = 1 << 16;
    /** The bits backends may use. */
    public static final int BACKEND_MASK = 0xff << 16;

    private static final String[] NAMES = {"present", "swapped", "exclusive", "file-or-shared", "soft-dirty",
        "pfn-hidden", "thp", "hugetlb", "zero-page", "zone-device", "device-private", "no-struct-page", "pfn-unknown",
        "error", "referenced", "mlocked"};

    private PageFlags() {
    }

    /** The names of the bits set, as JSON and the views print them ("present,exclusive,thp"); backend bits as "backend-N". */
    public static String describe(int flags) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & 1 << i) != 0) {
                out.add(NAMES[i]);
            }
        }
        for (int i = 16; i < 24; i++) {
            if ((flags & 1 << i) != 0) {
                out.add("backend-" + (i - 16));
            }
        }
        return String.join(",", out);
    }

    /** Whether the pages can be pinned as they are: present, with a known PFN and a struct page. */
    public static boolean isPinnable(int flags) {
        return (flags & PRESENT) != 0 && (flags & (NO_STRUCT_PAGE | ERROR | DEVICE_PRIVATE)) == 0;
    }
}
