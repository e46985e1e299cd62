package org.dmascope.core.memory;

/**
 * The VMA flags that decide how a range can be pinned and mapped for DMA, with the two-letter
 * codes {@code /proc/PID/smaps} prints in VmFlags (fs/proc/task_mmu.c, {@code show_smap_vma_flags}).
 */
public enum VmFlag {
    /** VM_READ. */
    READ("rd"),
    /** VM_WRITE. */
    WRITE("wr"),
    /** VM_EXEC. */
    EXEC("ex"),
    /**
     * VM_SHARED; readers of maps also set it for the "s" column, which is VM_MAYSHARE (a read-only
     * shared mapping has VM_MAYSHARE without VM_SHARED), so that permissions print as maps prints them.
     */
    SHARED("sh"),
    /** VM_MAYREAD. */
    MAY_READ("mr"),
    /** VM_MAYWRITE. */
    MAY_WRITE("mw"),
    /** VM_MAYEXEC. */
    MAY_EXEC("me"),
    /** VM_MAYSHARE. */
    MAY_SHARE("ms"),
    /** VM_GROWSDOWN (a stack). */
    GROWS_DOWN("gd"),
    /** VM_PFNMAP: PFNs without struct pages (remap_pfn_range); GUP refuses it. */
    PFNMAP("pf"),
    /** VM_LOCKED (mlock). */
    LOCKED("lo"),
    /** VM_IO: memory-mapped I/O; GUP refuses it. */
    IO("io"),
    /** VM_SEQ_READ. */
    SEQ_READ("sr"),
    /** VM_RAND_READ. */
    RAND_READ("rr"),
    /** VM_DONTCOPY (MADV_DONTFORK): not copied into a child at fork. */
    DONTCOPY("dc"),
    /** VM_DONTEXPAND. */
    DONTEXPAND("de"),
    /** VM_LOCKONFAULT. */
    LOCKONFAULT("lf"),
    /** VM_ACCOUNT. */
    ACCOUNT("ac"),
    /** VM_NORESERVE. */
    NORESERVE("nr"),
    /** VM_HUGETLB: hugetlbfs pages. */
    HUGETLB("ht"),
    /** VM_SYNC (MAP_SYNC, DAX). */
    SYNC("sf"),
    /** VM_ARCH_1. */
    ARCH_1("ar"),
    /** VM_WIPEONFORK. */
    WIPEONFORK("wf"),
    /** VM_DONTDUMP. */
    DONTDUMP("dd"),
    /** VM_SOFTDIRTY. */
    SOFTDIRTY("sd"),
    /** VM_MIXEDMAP: PFNs with and without struct pages. */
    MIXEDMAP("mm"),
    /** VM_HUGEPAGE (MADV_HUGEPAGE). */
    HUGEPAGE("hg"),
    /** VM_NOHUGEPAGE (MADV_NOHUGEPAGE). */
    NOHUGEPAGE("nh"),
    /** VM_MERGEABLE (KSM). */
    MERGEABLE("mg"),
    /** VM_UFFD_MISSING. */
    UFFD_MISSING("um"),
    /** VM_UFFD_WP. */
    UFFD_WP("uw"),
    /** Memory tagging. */
    MTE("mt"),
    /** VM_SEALED. */
    SEALED("sl");

    private final String code;

    VmFlag(String code) {
        this.code = code;
    }

    /** The code in smaps' VmFlags line. */
    public String code() {
        return code;
    }

    /** The flag for an smaps code, or null for a code this enum does not name. */
    public static @org.eclipse.jdt.annotation.Nullable VmFlag ofCode(String code) {
        for (VmFlag f : values()) {
            if (f.code.equals(code)) {
                return f;
            }
        }
        return null;
    }
}
