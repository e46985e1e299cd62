package org.dmascope.backend.structpage;

import java.util.List;

import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageTable;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.memory.WalkStopped;
import org.dmascope.core.memory.VmFlag;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The VMA-level rules of mm/gup.c and include/linux/mm.h, for a long-term pin as
 * {@code ib_umem_get()} asks for it: FOLL_PIN | FOLL_LONGTERM, FOLL_WRITE when the region is
 * writable, never FOLL_FORCE, never FOLL_PCI_P2PDMA.
 */
final class GupRules {

    private static final int PAGE_SHIFT = 12;

    /** Names of shmem-backed files as /proc/PID/maps prints them: no writeback, no dirty tracking. */
    private static final List<String> SHMEM_PREFIXES = List.of("/memfd:", "/dev/shm/", "/SYSV", "/dev/zero",
            "[anon_shmem:");

    private GupRules() {
    }

    /**
     * {@code is_cow_mapping()}: private and VM_MAYWRITE. Only smaps says VM_MAYWRITE; without it,
     * a private mapping is taken to have it, as mmap() gives it to every MAP_PRIVATE mapping.
     */
    static boolean isCowMapping(Vma vma) {
        if (vma.has(VmFlag.SHARED) || vma.has(VmFlag.MAY_SHARE)) {
            return false;
        }
        boolean smapsFlags = vma.has(VmFlag.MAY_READ) || vma.has(VmFlag.MAY_WRITE) || vma.has(VmFlag.MAY_EXEC);
        return !smapsFlags || vma.has(VmFlag.MAY_WRITE);
    }

    /** {@code is_vm_hugetlb_page()}: hugetlbfs, or MAP_HUGETLB anonymous memory. */
    static boolean isHugetlb(Vma vma) {
        return vma.has(VmFlag.HUGETLB) || vma.pageSize() > 4096 || vma.name().startsWith("/anon_hugepage")
                || vma.name().startsWith("/dev/hugepages");
    }

    /** The page shift of the VMA's pages: the hugetlb page size, else 4 KiB. */
    static int pageShift(Vma vma) {
        if (vma.pageSize() > 4096 && Long.bitCount(vma.pageSize()) == 1) {
            return Long.numberOfTrailingZeros(vma.pageSize());
        }
        return isHugetlb(vma) ? 21 : PAGE_SHIFT;
    }

    /** Whether a file is shmem (tmpfs, memfd, SysV shared memory, shared anonymous memory), told by its name. */
    static boolean isShmem(Vma vma) {
        for (String p : SHMEM_PREFIXES) {
            if (vma.name().startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** {@code vma_is_secretmem()}: a memfd_secret() file, which maps prints as "/secretmem (deleted)". */
    static boolean isSecretmem(Vma vma) {
        return vma.name().startsWith("/secretmem");
    }

    /**
     * {@code vma_needs_dirty_tracking()}: a shared writable mapping of a file whose file system
     * wants to hear of writes (page_mkwrite) or writes pages back. shmem, hugetlbfs, device files
     * and special files do neither; any other file is taken to be on such a file system, as maps
     * does not say which file system a file is on.
     */
    static boolean needsDirtyTracking(Vma vma) {
        if (!vma.has(VmFlag.SHARED) || !vma.has(VmFlag.WRITE) || vma.isAnonymous()) {
            return false;
        }
        String name = vma.name();
        return name.startsWith("/") && !isShmem(vma) && !isHugetlb(vma) && !name.startsWith("/dev/")
                && !name.startsWith("/proc/") && !name.startsWith("/sys/");
    }

    /**
     * {@code check_vma_flags()} for FOLL_PIN | FOLL_LONGTERM (| FOLL_WRITE), in the kernel's order.
     *
     * @param fsdax whether the VMA maps a file on fs-dax ({@code vma_is_fsdax()})
     * @return the refusal, or null when the VMA may be pinned
     */
    static @Nullable PinResult checkVmaFlags(Vma vma, boolean write, boolean fsdax) {
        if (vma.has(VmFlag.IO) || vma.has(VmFlag.PFNMAP)) {
            return PinResult.refused("EFAULT", "check_vma_flags: VM_IO|VM_PFNMAP: GUP refuses memory without struct pages"
                    + " (I/O memory, remap_pfn_range): " + vma.mapsLine());
        }
        if (fsdax) {
            return PinResult.refused("EOPNOTSUPP", "check_vma_flags: vma_is_fsdax with FOLL_LONGTERM: fs-dax pages may not"
                    + " be pinned long-term, the file system must stay free to truncate and punch holes: " + vma.mapsLine());
        }
        if (isSecretmem(vma)) {
            return PinResult.refused("EFAULT", "check_vma_flags: vma_is_secretmem: memfd_secret() memory is removed from"
                    + " the kernel's direct map and never handed to GUP: " + vma.mapsLine());
        }
        if (vma.isProtNone()) {
            return PinResult.refused("EFAULT", "check_vma_flags: PROT_NONE VMA (neither VM_READ nor VM_WRITE): nothing in it"
                    + " may be pinned: " + vma.mapsLine());
        }
        if (write) {
            if (needsDirtyTracking(vma)) {
                return PinResult.refused("EFAULT", "check_vma_flags: writable_file_mapping_allowed: FOLL_LONGTERM|FOLL_WRITE"
                        + " on a shared writable file mapping that needs dirty tracking (vma_needs_dirty_tracking; taken"
                        + " as a regular file system, not shmem, tmpfs, memfd or hugetlbfs): " + vma.mapsLine());
            }
            if (!vma.has(VmFlag.WRITE)) {
                return PinResult.refused("EFAULT", "check_vma_flags: FOLL_WRITE on a VMA without VM_WRITE (ib_umem_get never"
                        + " passes FOLL_FORCE): " + vma.mapsLine());
            }
        } else if (!vma.has(VmFlag.READ)) {
            return PinResult.refused("EFAULT", "check_vma_flags: a read pin of a VMA without VM_READ: " + vma.mapsLine());
        }
        return null;
    }

    /**
     * {@code vma_is_fsdax()} as the process's memory shows it: MAP_SYNC (only fs-dax files accept
     * it), or a mapped PFN of the VMA lying in an fs-dax page map.
     */
    static boolean isFsdax(Vma vma, PageTable table, PhysicalMemoryMap physical) throws MemoryReadException {
        if (vma.has(VmFlag.SYNC)) {
            return true;
        }
        if (vma.isAnonymous() || physical.ranges().stream().noneMatch(r -> r.kind() == PhysicalMemoryMap.Kind.FS_DAX)) {
            return false;
        }
        FsdaxFinder finder = new FsdaxFinder(physical);
        try {
            table.walk(vma.start(), vma.end(), finder);
        } catch (WalkStopped e) {
            return true;
        }
        return false;
    }

    /** Looks for the first mapped PFN in an fs-dax range and stops the walk there. */
    private static final class FsdaxFinder implements RunSink {

        private final PhysicalMemoryMap physical;

        FsdaxFinder(PhysicalMemoryMap physical) {
            this.physical = physical;
        }

        @Override
        public void run(long vaddr, long pfn, long pages, int flags, int pageShift, int pgmap) {
            if ((flags & PageFlags.PRESENT) == 0 || (flags & PageFlags.PFN_HIDDEN) != 0 || pfn == RunSink.NO_PFN) {
                return;
            }
            long p = pfn;
            long end = pfn + pages;
            while (p < end) {
                PhysicalMemoryMap.Range r = physical.rangeOf(p).orElse(null);
                if (r != null && r.kind() == PhysicalMemoryMap.Kind.FS_DAX) {
                    throw new WalkStopped("fs-dax page found");
                }
                p = physical.sameKindEnd(p);
            }
        }
    }
}
