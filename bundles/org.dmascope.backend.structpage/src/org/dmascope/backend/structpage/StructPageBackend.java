package org.dmascope.backend.structpage;

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
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.memory.WalkStopped;

/**
 * The default backend: memory with struct pages behind it. Pinning reproduces
 * {@code pin_user_pages_fast(start, n, FOLL_LONGTERM | (write ? FOLL_WRITE : 0))} as
 * {@code ib_umem_get()} calls it (mm/gup.c): the VMA checks of {@code check_vma_flags()}, then per
 * page what {@code follow_page_pte()}, {@code faultin_page()} and
 * {@code check_and_migrate_movable_pages()} do. A Declarative Services component
 * (OSGI-INF/org.dmascope.backend.structpage.xml).
 */
public final class StructPageBackend implements MemoryBackend {

    /** The backend's identifier. */
    public static final String ID = "structpage";

    /** How well it handles the VMAs it handles: the default, below every special backend. */
    public static final int DEFAULT_SCORE = 10;

    /** State bit: absent at pin time and faulted in (a new page, a page cache page, or shmem). */
    public static final int FAULTED = PageFlags.BACKEND_FIRST;
    /** State bit: swapped out at pin time and swapped in by the fault. */
    public static final int SWAPPED_IN = PageFlags.BACKEND_FIRST << 1;
    /** State bit: a copy made at pin time (a COW break for a write pin, an unshare for a read pin). */
    public static final int COPIED = PageFlags.BACKEND_FIRST << 2;
    /** State bit: migrated to system RAM before pinning (device-private or device-coherent memory). */
    public static final int MIGRATED = PageFlags.BACKEND_FIRST << 3;

    private static final BackendStyle STYLE = new BackendStyle(0x4c78a8, "page",
            "struct page memory (anonymous, page cache, shmem, THP, hugetlbfs): pinned in place by"
                    + " pin_user_pages(FOLL_LONGTERM), faulted, copied or migrated first where the kernel must",
            Map.of(FAULTED, "faulted in at pin", SWAPPED_IN, "swapped in at pin", COPIED,
                    "copied at pin (COW break or unshare)", MIGRATED, "migrated to RAM before pin"));

    private static final BackendSemantics SEMANTICS = new BackendSemantics(
            "pin_user_pages_fast(FOLL_LONGTERM, plus FOLL_WRITE for a writable MR) as ib_umem_get() calls it: each page"
                    + " holds a pin (GUP_PIN_COUNTING_BIAS or the folio's pincount) until the MR is deregistered"
                    + " (unpin_user_pages_dirty_lock)",
            "absent pages are faulted in at pin time (faultin_page -> handle_mm_fault): new anonymous pages, swap-in,"
                    + " page cache reads; a write pin breaks COW (wp_page_copy) and a read-only long-term pin unshares"
                    + " anything shared in a COW mapping (gup_must_unshare -> FAULT_FLAG_UNSHARE), zero page included",
            "before the pin holds, pages that may not stay pinned move (check_and_migrate_movable_pages:"
                    + " device-coherent memory, ZONE_MOVABLE, CMA) and device-private pages come back to RAM through the"
                    + " fault; once pinned, a page is never migrated, compacted, swapped or reclaimed",
            "none: struct page memory pinned long-term stays where it is until unpinned; MMU notifiers do not reach a"
                    + " pinned MR, so after munmap, MADV_DONTNEED or a COW break in the process the device keeps the old"
                    + " pages (only an ODP MR follows the page tables, through an MMU interval notifier)");

    /** For Declarative Services. */
    public StructPageBackend() {
        // Stateless: every call works on what it is given.
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
     * {@value #DEFAULT_SCORE} for every VMA but the vsyscall page, which is the gate area and no VMA
     * of the process's mm at all (GUP reaches it only through {@code get_gate_page()}). VMAs GUP
     * refuses (VM_IO, VM_PFNMAP, secretmem, fs-dax) are still this backend's: pinning says why.
     */
    @Override
    public int handles(AddressSpace space, Vma vma, long start, long end, PhysicalMemoryMap physical) {
        return vma.name().equals("[vsyscall]") ? 0 : DEFAULT_SCORE;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The range is widened to whole pages, as {@code ib_umem_get()} pins whole pages. On a
     * refusal midway the sink has received the pages before the refused one and the result counts
     * them, as the kernel returns the pages pinned so far and the error on the next call.
     *
     * @throws IllegalArgumentException when [start, end) is empty or not inside the VMA
     */
    @Override
    public PinResult pin(AddressSpace space, Vma vma, long start, long end, boolean write, PhysicalMemoryMap physical,
            RunSink sink) throws MemoryReadException {
        if (Long.compareUnsigned(start, end) >= 0 || !vma.contains(start) || Long.compareUnsigned(end, vma.end()) > 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "range %#x-%#x is not inside the VMA %s", start,
                    end, vma.mapsLine()));
        }
        long from = start & ~0xfffL;
        long to = (end + 0xfff) & ~0xfffL;
        PinResult refused = GupRules.checkVmaFlags(vma, write, GupRules.isFsdax(vma, space.pageTable(), physical));
        if (refused != null) {
            return refused;
        }
        LongTermPin pin = new LongTermPin(vma, write, physical, sink);
        try {
            space.pageTable().walk(from, to, pin);
        } catch (WalkStopped e) {
            // The refusal is recorded in pin; the pages before it were passed on.
        }
        return pin.finish(from, to);
    }
}
