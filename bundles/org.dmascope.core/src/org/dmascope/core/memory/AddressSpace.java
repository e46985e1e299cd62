package org.dmascope.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A process's address space as far as pinning memory for DMA is concerned: its VMAs, its page
 * table, and the limits and capabilities {@code ib_umem_get()} checks.
 *
 * @param pid           the process ID (0 for a scenario)
 * @param command       the command name (/proc/PID/comm)
 * @param vmas          the VMAs, in address order, not overlapping
 * @param pageTable     what the page table maps
 * @param memlockLimit  RLIMIT_MEMLOCK in bytes, -1 for unlimited (RLIM_INFINITY)
 * @param pinnedBytes   memory already pinned long-term (mm->pinned_vm, in bytes)
 * @param capIpcLock    whether the process has CAP_IPC_LOCK (no memlock limit on pinning)
 */
public record AddressSpace(int pid, String command, List<Vma> vmas, PageTable pageTable, long memlockLimit,
        long pinnedBytes, boolean capIpcLock) {

    /** RLIM_INFINITY. */
    public static final long UNLIMITED = -1;

    /** Sorts and copies the VMAs; refuses overlapping ones. */
    public AddressSpace {
        List<Vma> sorted = new ArrayList<>(vmas);
        sorted.sort(null);
        for (int i = 1; i < sorted.size(); i++) {
            if (Long.compareUnsigned(sorted.get(i - 1).end(), sorted.get(i).start()) > 0) {
                throw new IllegalArgumentException("VMAs overlap: " + sorted.get(i - 1).mapsLine() + " and "
                        + sorted.get(i).mapsLine());
            }
        }
        vmas = List.copyOf(sorted);
    }

    /** The VMA holding an address ({@code find_vma()} and a check that it really contains it). */
    public Optional<Vma> vma(long address) {
        int lo = 0;
        int hi = vmas.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Vma v = vmas.get(mid);
            if (Long.compareUnsigned(address, v.start()) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(address, v.end()) >= 0) {
                lo = mid + 1;
            } else {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The VMAs that overlap [start, end), in order. */
    public List<Vma> vmas(long start, long end) {
        List<Vma> out = new ArrayList<>();
        for (Vma v : vmas) {
            if (Long.compareUnsigned(v.end(), start) > 0 && Long.compareUnsigned(v.start(), end) < 0) {
                out.add(v);
            }
        }
        return out;
    }

    /** A copy with another page table (a live reader's, after a fresh read). */
    public AddressSpace withPageTable(PageTable value) {
        return new AddressSpace(pid, command, vmas, value, memlockLimit, pinnedBytes, capIpcLock);
    }
}
