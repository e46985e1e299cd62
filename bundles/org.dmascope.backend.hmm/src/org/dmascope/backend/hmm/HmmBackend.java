package org.dmascope.backend.hmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.dmascope.core.backend.BackendSemantics;
import org.dmascope.core.backend.BackendStyle;
import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.memory.WalkStopped;

/**
 * The HMM backend: VMAs with device-private or device-coherent pages in them (memory an HMM
 * driver migrated with migrate_vma). For the chain resolver, long-term pinning of such a range
 * is what {@code pin_user_pages(FOLL_LONGTERM)} does to these pages: a device-private page is
 * faulted back to system memory through its driver's migrate_to_ram (do_swap_page), and a
 * device-coherent page is migrated out before the pin holds (check_and_migrate_movable_pages),
 * so the MR never points at device memory. A Declarative Services component
 * (OSGI-INF/org.dmascope.backend.hmm.xml).
 */
public final class HmmBackend implements MemoryBackend {

    /** The backend's identifier. */
    public static final String ID = "hmm";

    /** How well it handles VMAs with device memory in them: above the struct page backend's 10. */
    public static final int SCORE = 20;

    /** State bit: a device-private page faulted back to system memory at pin time (migrate_to_ram). */
    public static final int MIGRATED_FROM_PRIVATE = PageFlags.BACKEND_FIRST;
    /** State bit: a device-coherent page migrated to system memory before a long-term pin. */
    public static final int MIGRATED_FROM_COHERENT = PageFlags.BACKEND_FIRST << 1;
    /** State bit: absent at pin time and faulted in. */
    public static final int FAULTED = PageFlags.BACKEND_FIRST << 2;
    /**
     * State bit of an ODP MR's page: DMA mapped for the NIC with write access (ODP_WRITE_ALLOWED_BIT
     * in its pfn_list entry, drivers/infiniband/core/umem_odp.c).
     */
    public static final int ODP_WRITABLE = PageFlags.BACKEND_FIRST << 3;
    /**
     * State bit of an ODP MR's page: unmapped by an MMU notifier invalidation
     * (ib_umem_odp_unmap_dma_pages from the driver's invalidate callback) and not faulted again
     * since; the NIC faults when it next touches it.
     */
    public static final int ODP_INVALIDATED = PageFlags.BACKEND_FIRST << 4;

    private static final BackendStyle STYLE = new BackendStyle(0x9d4edd, "HMM",
            "HMM memory: system pages mirrored by a device and device-private or device-coherent pages moved by"
                    + " migrate_vma (hatched where a page had to come back from the device)",
            Map.of(MIGRATED_FROM_PRIVATE, "faulted back from device-private memory", MIGRATED_FROM_COHERENT,
                    "migrated out of device-coherent memory", FAULTED, "faulted in at pin", ODP_WRITABLE,
                    "ODP: mapped writable for the NIC", ODP_INVALIDATED, "ODP: invalidated by the MMU notifier"));

    private static final BackendSemantics SEMANTICS = new BackendSemantics(
            "devices do not pin HMM memory: they mirror the page table with hmm_range_fault() under an MMU interval"
                    + " notifier; a long-term pin (ib_umem_get) first brings device pages back to system memory",
            "hmm_range_fault() faults what HMM_PFN_REQ_FAULT asks for (handle_mm_fault, then the walk restarts with"
                    + " -EBUSY); a CPU access to a device-private page calls the driver's migrate_to_ram",
            "migrate_vma_setup / migrate_vma_pages / migrate_vma_finalize move anonymous pages to device memory and"
                    + " back (MIGRATE_VMA_SELECT_SYSTEM, _DEVICE_PRIVATE, _DEVICE_COHERENT); file and shared pages stay",
            "mmu_interval_notifier: every change of the page table invalidates the mirror and makes the sequence odd;"
                    + " mmu_interval_read_retry() tells the driver to fault again");

    /** For Declarative Services. */
    public HmmBackend() {
        // Stateless.
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public BackendStyle style() {
        return STYLE;
    }

    @Override
    public BackendSemantics semantics() {
        return SEMANTICS;
    }

    /**
     * {@value #SCORE} when a page of the range (widened to whole pages, as the pin widens it) is
     * device-private or lies in device-coherent memory; 0 otherwise: the struct page backend's
     * rules then pin the range as they pin any other.
     */
    @Override
    public int handles(AddressSpace space, Vma vma, long start, long end, PhysicalMemoryMap physical) {
        long from = start & ~0xfffL;
        long to = (end + 0xfff) & ~0xfffL;
        try {
            space.pageTable().walk(from, to, new DeviceMemoryFinder(physical));
        } catch (WalkStopped e) {
            return SCORE;
        } catch (MemoryReadException e) {
            return 0;
        }
        return 0;
    }

    private static boolean isCoherent(PhysicalMemoryMap physical, long pfn) {
        return physical.rangeOf(pfn).map(r -> r.kind() == PhysicalMemoryMap.Kind.DEVICE_COHERENT).orElse(false);
    }

    /**
     * Looks for the first device-private page, or mapped PFN in device-coherent memory, and stops
     * the walk there. A batch of runs is one state: its flags are tested once, and its PFNs only
     * when the machine has device-coherent memory at all (most have none).
     */
    private static final class DeviceMemoryFinder implements RunSink {

        private final PhysicalMemoryMap physical;
        private final boolean coherentMemory;

        DeviceMemoryFinder(PhysicalMemoryMap physical) {
            this.physical = physical;
            this.coherentMemory = physical.ranges().stream()
                    .anyMatch(r -> r.kind() == PhysicalMemoryMap.Kind.DEVICE_COHERENT);
        }

        @Override
        public void run(long vaddr, long pfn, long pages, int flags, int shift, int pgmap) {
            if ((flags & PageFlags.DEVICE_PRIVATE) != 0
                    || coherentMemory && pfn != RunSink.NO_PFN && isCoherent(physical, pfn)) {
                throw new WalkStopped("device memory found");
            }
        }

        @Override
        public void runs(RunBatch batch) {
            if ((batch.flags() & PageFlags.DEVICE_PRIVATE) != 0) {
                throw new WalkStopped("device memory found");
            }
            if (coherentMemory) {
                long[] pfns = batch.pfns();
                for (int i = 0; i < batch.size(); i++) {
                    if (pfns[i] != RunSink.NO_PFN && isCoherent(physical, pfns[i])) {
                        throw new WalkStopped("device memory found");
                    }
                }
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>check_vma_flags first (VM_IO/VM_PFNMAP, and a write pin of a VMA without VM_WRITE:
     * -EFAULT); then each device-private page comes back through migrate_to_ram and each
     * device-coherent page is migrated out: the pinned page is a new system page whose PFN the
     * kernel only knows then.
     */
    @Override
    public PinResult pin(AddressSpace space, Vma vma, long start, long end, boolean write, PhysicalMemoryMap physical,
            RunSink sink) throws MemoryReadException {
        if (Long.compareUnsigned(start, end) >= 0 || !vma.contains(start) || Long.compareUnsigned(end, vma.end()) > 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "range %#x-%#x is not inside the VMA %s", start,
                    end, vma.mapsLine()));
        }
        if (vma.has(VmFlag.IO) || vma.has(VmFlag.PFNMAP)) {
            return PinResult.refused("EFAULT", "check_vma_flags: VM_IO | VM_PFNMAP cannot be pinned");
        }
        if (write && !vma.has(VmFlag.WRITE)) {
            return PinResult.refused("EFAULT", "check_vma_flags: FOLL_WRITE on a VMA without VM_WRITE");
        }
        long from = start & ~0xfffL;
        long to = (end + 0xfff) & ~0xfffL;
        long[] counts = new long[3];
        List<String> notes = new ArrayList<>();
        space.pageTable().walk(from, to, (vaddr, pfn, pages, flags, shift, pgmap) -> {
            if ((flags & PageFlags.DEVICE_PRIVATE) != 0) {
                counts[1] += pages;
                sink.run(vaddr, RunSink.NO_PFN, pages, PageFlags.PRESENT | PageFlags.EXCLUSIVE | PageFlags.PFN_UNKNOWN
                        | MIGRATED_FROM_PRIVATE, 12, -1);
            } else if (pfn != RunSink.NO_PFN && isCoherent(physical, pfn)) {
                counts[1] += pages;
                sink.run(vaddr, RunSink.NO_PFN, pages, PageFlags.PRESENT | PageFlags.EXCLUSIVE | PageFlags.PFN_UNKNOWN
                        | MIGRATED_FROM_COHERENT, 12, -1);
            } else if ((flags & PageFlags.PRESENT) == 0 || pfn == RunSink.NO_PFN) {
                counts[2] += pages;
                sink.run(vaddr, RunSink.NO_PFN, pages, PageFlags.PRESENT | PageFlags.EXCLUSIVE | PageFlags.PFN_UNKNOWN
                        | FAULTED, 12, -1);
            } else {
                sink.run(vaddr, pfn, pages, flags, shift, pgmap);
            }
            counts[0] += pages;
        });
        if (counts[1] > 0) {
            notes.add(counts[1] + " pages of device memory were migrated to system memory before the pin held"
                    + " (device-private: do_swap_page -> migrate_to_ram; device-coherent: check_and_migrate_movable_pages)");
        }
        return new PinResult(null, "pin_user_pages(FOLL_LONGTERM) after bringing device pages back to system memory",
                counts[0], counts[2], 0, counts[1], notes);
    }
}
