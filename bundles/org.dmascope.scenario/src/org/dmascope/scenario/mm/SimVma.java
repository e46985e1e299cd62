package org.dmascope.scenario.mm;

import java.util.EnumSet;
import java.util.Set;

import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.eclipse.jdt.annotation.Nullable;

/**
 * A VMA of a simulated address space: its range, VM_* flags and what backs it.
 */
public final class SimVma {

    /** What backs the VMA. */
    public enum Backing {
        /** Private anonymous memory (vma_is_anonymous). */
        ANON,
        /** A file, or the shmem object of a shared anonymous mapping. */
        FILE,
        /** hugetlbfs (VM_HUGETLB). */
        HUGETLB,
        /** Kernel pages a driver inserted at mmap (vm_insert_page, VM_MIXEDMAP). */
        MIXEDMAP,
        /** PFNs without struct pages (remap_pfn_range: VM_IO | VM_PFNMAP). */
        PFNMAP
    }

    private long start;
    private long end;
    private final EnumSet<VmFlag> flags;
    private final Backing backing;
    private final @Nullable SimFile file;
    private long pgoff;
    private final long hugePageSize;
    private final boolean shmem;

    /**
     * @param pgoff        the file offset of start, in pages
     * @param hugePageSize the hugetlb page size, 0 for other VMAs
     * @param shmem        whether the file is the shmem object of a shared anonymous mapping
     */
    public SimVma(long start, long end, Set<VmFlag> flags, Backing backing, @Nullable SimFile file, long pgoff,
            long hugePageSize, boolean shmem) {
        this.start = start;
        this.end = end;
        this.flags = flags.isEmpty() ? EnumSet.noneOf(VmFlag.class) : EnumSet.copyOf(flags);
        this.backing = backing;
        this.file = file;
        this.pgoff = pgoff;
        this.hugePageSize = hugePageSize;
        this.shmem = shmem;
    }

    /** The first address. */
    public long start() {
        return start;
    }

    /** The address after the last. */
    public long end() {
        return end;
    }

    /** Whether a flag is set. */
    public boolean has(VmFlag f) {
        return flags.contains(f);
    }

    /** The flags (a copy). */
    public Set<VmFlag> flags() {
        return EnumSet.copyOf(flags);
    }

    void setFlag(VmFlag f, boolean on) {
        if (on) {
            flags.add(f);
        } else {
            flags.remove(f);
        }
    }

    /** What backs it. */
    public Backing backing() {
        return backing;
    }

    /** The file, for file and shared anonymous mappings. */
    public @Nullable SimFile file() {
        return file;
    }

    /** The file page index of an address. */
    public long fileIndex(long address) {
        return pgoff + ((address - start) >>> 12);
    }

    /** The hugetlb page size, 0 for other VMAs. */
    public long hugePageSize() {
        return hugePageSize;
    }

    /** Whether it is a shared anonymous mapping (shmem behind it). */
    public boolean shmem() {
        return shmem;
    }

    /** vma_is_anonymous: private anonymous memory, no vm_ops. */
    public boolean isAnonymous() {
        return backing == Backing.ANON;
    }

    /** is_cow_mapping: private and may write. */
    public boolean isCowMapping() {
        return !has(VmFlag.SHARED) && has(VmFlag.MAY_WRITE);
    }

    /** Whether an address lies in it. */
    public boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }

    /** Splits off [at, end) as a new VMA and keeps [start, at). */
    SimVma splitAt(long at) {
        SimVma upper = new SimVma(at, end, flags, backing, file, pgoff + ((at - start) >>> 12), hugePageSize, shmem);
        end = at;
        return upper;
    }

    /** A copy for a child at fork. */
    SimVma copy() {
        return new SimVma(start, end, flags, backing, file, pgoff, hugePageSize, shmem);
    }

    /** The core model's VMA, as /proc/PID/maps would show it. */
    public Vma toVma() {
        String name = file == null ? "" : shmem ? "/dev/zero (deleted)" : file.name();
        long inode = file == null ? 0 : Math.abs((long) file.name().hashCode()) + 1;
        EnumSet<VmFlag> f = EnumSet.copyOf(flags);
        if (has(VmFlag.MAY_SHARE)) {
            f.add(VmFlag.SHARED);
        }
        return new Vma(start, end, f, pgoff << 12, file == null ? "00:00" : "00:2a", inode, name,
                hugePageSize == 0 ? 4096 : hugePageSize);
    }

    /** maps-style permissions: "rw-p". */
    public String permissions() {
        return (has(VmFlag.READ) ? "r" : "-") + (has(VmFlag.WRITE) ? "w" : "-") + (has(VmFlag.EXEC) ? "x" : "-")
                + (has(VmFlag.MAY_SHARE) ? "s" : "p");
    }
}
