package org.dmascope.backend.structpage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.PhysicalMemoryMap.Kind;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.RunMerger;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.memory.WalkStopped;
import org.eclipse.jdt.annotation.Nullable;

/**
 * One long-term pin of a range of a VMA, fed the page table's runs in address order: what
 * {@code __get_user_pages()} (follow_page_mask, faultin_page) and then
 * {@code check_and_migrate_movable_pages()} make of each page. Works on runs, never on single
 * pages: a run's pages share one state, and a run is cut only where the physical memory map
 * changes kind. Present pages of ordinary memory pinned where they are pass on as read, in a
 * few tests that the compiler inlines into the page table's walk, gathered into batches; pages
 * copied, faulted in or migrated are joined into one run per state before they pass on.
 */
final class LongTermPin implements RunSink {

    private static final int PAGE_SHIFT = 12;
    // Runs of the common path handed on together: the sink takes them in one loop (the scatter
    // list keeps its state in registers there), not in one call each.
    private static final int BATCH = 256;
    // The bits that send a run off the common path: only PRESENT may be set of these.
    private static final int IN_PLACE_MASK = PageFlags.PRESENT | PageFlags.ERROR | PageFlags.DEVICE_PRIVATE
            | PageFlags.NO_STRUCT_PAGE | PageFlags.ZERO_PAGE | PageFlags.SWAPPED | PageFlags.PFN_HIDDEN
            | PageFlags.PFN_UNKNOWN;

    private final boolean write;
    private final PhysicalMemoryMap physical;
    private final boolean checkKinds;
    // Pages pinned in place on the common path go to the sink as read, in batches of runs (the
    // sink merges runs that continue each other, as PageRuns and the scatter list do). What the
    // other paths make, copies and faulted pages whose new PFNs are not known included, goes
    // through a merger, so that such pages come as one run wherever their state is the same. At
    // most one of the two holds runs: each is emptied before the other takes one, so the sink
    // gets every run in address order.
    private final RunSink out;
    private final RunBatch batch;
    private final RunMerger slow;
    private boolean slowHeld;
    private final boolean cow;
    private final boolean hugetlb;
    private final boolean anonymous;
    private final int vmaShift;
    /** Flags of a page the pin itself brings in: exclusive anonymous in a COW mapping, else a file or shmem page. */
    private final int newPageFlags;

    // The stretch of PFNs last looked up in the physical memory map, [kindFrom, kindEnd), and its range.
    private long kindFrom;
    private long kindEnd;
    private PhysicalMemoryMap.@Nullable Range kindRange;
    // Whether that stretch is ordinary memory (System RAM, or no range at all).
    private boolean kindPlain;
    // The common path in three tests: the state bits it looks at and the value they must have
    // (present, none of the other kinds, and in a COW mapping exclusive and anonymous), and the
    // PFNs of ordinary memory last looked up ([0, 0) while that stretch is not ordinary).
    private final int fastMask;
    private final int fastState;
    private long fastFrom;
    private long fastEnd;
    // Pages the common path pinned (the others count into pages and inPlace themselves).
    private long fastPages;

    private long pages;
    private long faulted;
    private long swappedIn;
    private long cowBroken;
    private long thpSplit;
    private long devicePrivate;
    private long deviceCoherent;
    private long inPlace;
    private long hidden;
    private boolean zeroPageUnshared;
    private boolean pageCacheUnshared;
    private @Nullable String error;
    private String why = "";

    LongTermPin(Vma vma, boolean write, PhysicalMemoryMap physical, RunSink sink) {
        this.write = write;
        this.physical = physical;
        this.checkKinds = !physical.ranges().isEmpty();
        if (!checkKinds) {
            kindFrom = Long.MIN_VALUE;
            kindEnd = Long.MAX_VALUE;
            kindPlain = true;
            fastEnd = Long.MAX_VALUE;
        }
        this.out = sink;
        this.batch = new RunBatch(BATCH, sink);
        this.slow = new RunMerger(sink);
        this.cow = GupRules.isCowMapping(vma);
        this.hugetlb = GupRules.isHugetlb(vma);
        this.anonymous = vma.isAnonymous();
        this.vmaShift = GupRules.pageShift(vma);
        this.fastMask = IN_PLACE_MASK | (cow ? PageFlags.FILE_OR_SHARED | PageFlags.EXCLUSIVE : 0);
        this.fastState = PageFlags.PRESENT | (cow ? PageFlags.EXCLUSIVE : 0);
        this.newPageFlags = PageFlags.PRESENT | PageFlags.PFN_UNKNOWN
                | (cow ? PageFlags.EXCLUSIVE : PageFlags.FILE_OR_SHARED) | (hugetlb ? PageFlags.HUGETLB : 0);
    }

    @Override
    public void run(long vaddr, long pfn, long count, int flags, int pageShift, int pgmap) {
        if (count <= 0) {
            return;
        }
        // The common case first, kept small so that the compiler inlines it into the page table's
        // walk: present pages of ordinary memory that are this mapping's own (not shared in a COW
        // mapping), pinned where they are. It decides as chunk() does for them.
        // (NO_PFN is below fastFrom, which is at least 0.)
        if ((flags & fastMask) == fastState && pfn >= fastFrom && pfn + count <= fastEnd) {
            fastPages += count;
            if (slowHeld) {
                flushSlow();
            }
            batch.run(vaddr, pfn, count, flags, pageShift, pgmap);
            return;
        }
        runAny(vaddr, pfn, count, flags, pageShift, pgmap);
    }

    /**
     * Runs in a batch: when they are all of the common path (their state passes, their PFNs lie
     * in the stretch of ordinary memory last looked up), the batch itself passes on, after what
     * this pin holds; else they go through {@link #run} one by one.
     */
    @Override
    public void runs(RunBatch in) {
        int n = in.size();
        if ((in.flags() & fastMask) == fastState) {
            long[] pfns = in.pfns();
            long[] counts = in.pageCounts();
            long from = fastFrom;
            long end = fastEnd;
            int i = 0;
            for (; i < n; i++) {
                long p = pfns[i];
                long c = counts[i];
                if (p < from || c <= 0 || p + c > end) {
                    break;
                }
            }
            // (A loop that ORs the tests of every run instead, without a branch, was faster but
            // crashed OpenJDK 17.0.15's C2 while compiling it: TypeVect::xmeet, on-stack replacement.)
            if (i == n) {
                batch.flush();
                if (slowHeld) {
                    flushSlow();
                }
                fastPages += in.pages();
                out.runs(in);
                return;
            }
        }
        RunSink.super.runs(in);
    }

    // Passes on what the merger holds, before a run of the common path.
    private void flushSlow() {
        slow.flush();
        slowHeld = false;
    }

    // Passes a run of the other paths to the merger, after the common path's runs before it.
    private void emit(long va, long pfn, long n, int flags, int shift, int pgmap) {
        batch.flush();
        slow.run(va, pfn, n, flags, shift, pgmap);
        slowHeld = true;
    }

    // Any run: cut where the kind of physical memory changes, each piece decided by chunk().
    private void runAny(long vaddr, long pfn, long count, int flags, int pageShift, int pgmap) {
        // A swapped page's PFN field is its swap entry, a hidden one reads 0: neither is looked up.
        boolean realPfn = pfn != NO_PFN && (flags & (PageFlags.SWAPPED | PageFlags.PFN_HIDDEN)) == 0;
        if (!checkKinds || !realPfn) {
            chunk(vaddr, pfn, count, flags, pageShift, pgmap, null);
            return;
        }
        long at = vaddr;
        long p = pfn;
        long left = count;
        while (left > 0) {
            if (p < kindFrom || p >= kindEnd) {
                kindRange = physical.rangeOf(p).orElse(null);
                kindFrom = kindRange == null ? p : kindRange.firstPfn();
                kindEnd = physical.sameKindEnd(p);
                kindPlain = kindRange == null || kindRange.kind() == Kind.SYSTEM_RAM;
                fastFrom = kindPlain ? kindFrom : 0;
                fastEnd = kindPlain ? kindEnd : 0;
            }
            long n = Math.min(left, kindEnd - p);
            chunk(at, p, n, flags, pageShift, pgmap, kindRange);
            at += n << PAGE_SHIFT;
            p += n;
            left -= n;
        }
    }

    // Pages of one state and one kind of physical memory.
    private void chunk(long va, long pfn, long n, int flags, int shift, int pgmap,
            PhysicalMemoryMap.@Nullable Range range) {
        @Nullable Kind kind = range == null ? null : range.kind();
        if ((flags & PageFlags.ERROR) != 0) {
            fail("EFAULT", "the page table entry at " + hex(va) + " could not be read, so what follow_page_mask() finds"
                    + " there is unknown");
        }
        if ((flags & PageFlags.DEVICE_PRIVATE) != 0 || kind == Kind.DEVICE_PRIVATE) {
            // A device-private entry is not present: the fault migrates the page back (do_swap_page -> migrate_to_ram).
            devicePrivate += n;
            replaced(va, n, StructPageBackend.MIGRATED, PAGE_SHIFT);
            return;
        }
        if ((flags & PageFlags.PRESENT) == 0) {
            faultIn(va, n, flags);
            return;
        }
        if ((flags & PageFlags.NO_STRUCT_PAGE) != 0 || kind == Kind.PCI_BAR) {
            fail("EEXIST", "follow_page_pte: the PTE at " + hex(va) + " maps a PFN without struct page (vm_normal_page()"
                    + " gives none, follow_pfn_pte() returns -EEXIST), which pin_user_pages() cannot return");
        }
        if (kind == Kind.PCI_P2PDMA) {
            fail("EREMOTEIO", "try_grab_folio: the page at " + hex(va) + " is PCI P2PDMA memory (" + describe(range)
                    + ") and ib_umem_get() does not pass FOLL_PCI_P2PDMA");
        }
        if (kind == Kind.FS_DAX) {
            // check_vma_flags() refuses fs-dax VMAs first; a live page table can change between the two reads.
            fail("EOPNOTSUPP", "folio_is_longterm_pinnable: the page at " + hex(va) + " is fs-dax memory ("
                    + describe(range) + "), which may never be pinned long-term");
        }
        if ((flags & PageFlags.ZERO_PAGE) != 0) {
            if (cow || write) {
                // Write: the zero page's PTE is never writable, can_follow_write_pte() fails and the write fault
                // copies. Read: gup_must_unshare() is true for a page that is not anonymous in a COW mapping.
                copied(va, n, flags);
            } else {
                pinnedInPlace(va, pfn, n, flags, shift, pgmap);
            }
            return;
        }
        if (cow && ((flags & PageFlags.FILE_OR_SHARED) != 0 || (flags & PageFlags.EXCLUSIVE) == 0)) {
            // A page cache page of a private file mapping, or an anonymous page mapped elsewhere too (fork, KSM).
            copied(va, n, flags);
            return;
        }
        if (kind == Kind.DEVICE_COHERENT) {
            // folio_is_longterm_pinnable() says no: check_and_migrate_movable_pages() migrates it and GUP retries.
            deviceCoherent += n;
            replaced(va, n, StructPageBackend.MIGRATED, PAGE_SHIFT);
            return;
        }
        pinnedInPlace(va, pfn, n, flags, shift, pgmap);
    }

    private void faultIn(long va, long n, int flags) {
        faulted += n;
        if ((flags & PageFlags.SWAPPED) != 0) {
            swappedIn += n;
            replaced(va, n, StructPageBackend.SWAPPED_IN, hugetlb ? vmaShift : PAGE_SHIFT);
            return;
        }
        if (!write && cow && !hugetlb) {
            if (anonymous) {
                zeroPageUnshared = true;
            } else {
                pageCacheUnshared = true;
            }
        }
        replaced(va, n, StructPageBackend.FAULTED, hugetlb ? vmaShift : PAGE_SHIFT);
    }

    // wp_page_copy() for a write pin, or the same copy through FAULT_FLAG_UNSHARE for a read pin.
    private void copied(long va, long n, int flags) {
        cowBroken += n;
        int shift = PAGE_SHIFT;
        if (hugetlb) {
            shift = vmaShift;
        } else if ((flags & PageFlags.THP) != 0) {
            // do_huge_pmd_wp_page() splits the PMD and copies 4 KiB pages.
            thpSplit += n;
        }
        emit(va, NO_PFN, n, newPageFlags | StructPageBackend.COPIED, shift, -1);
        pages += n;
    }

    private void replaced(long va, long n, int state, int shift) {
        emit(va, NO_PFN, n, newPageFlags | state, shift, -1);
        pages += n;
    }

    private void pinnedInPlace(long va, long pfn, long n, int flags, int shift, int pgmap) {
        if ((flags & PageFlags.PFN_HIDDEN) != 0 || pfn == NO_PFN) {
            hidden += n;
            emit(va, NO_PFN, n, flags | PageFlags.PFN_HIDDEN, shift, pgmap);
        } else {
            inPlace += n;
            emit(va, pfn, n, flags, shift, pgmap);
        }
        pages += n;
    }

    private void fail(String errno, String reason) {
        batch.flush();
        flushSlow();
        error = errno;
        why = reason;
        // Stops the page table walk at the page the kernel refuses.
        throw new WalkStopped("pinning stopped");
    }

    private static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    private static String describe(PhysicalMemoryMap.@Nullable Range range) {
        return range == null ? "" : range.name() + (range.owner() == null ? "" : ", " + range.owner());
    }

    /** Passes on the last run and says what pinning did. */
    PinResult finish(long start, long end) {
        batch.flush();
        flushSlow();
        pages += fastPages;
        inPlace += fastPages;
        fastPages = 0;
        List<String> notes = new ArrayList<>();
        if (zeroPageUnshared) {
            notes.add("read-only FOLL_LONGTERM pin of untouched private memory: do_anonymous_page() would map the shared"
                    + " zero page, but gup_must_unshare() asks for FAULT_FLAG_UNSHARE in a COW mapping and"
                    + " wp_page_copy() gives every page its own zeroed page: the zero page is never kept");
        }
        if (pageCacheUnshared) {
            notes.add("read-only FOLL_LONGTERM pin of untouched pages of a private file mapping: the read fault maps the"
                    + " page cache page, then gup_must_unshare() (not anonymous, COW mapping) has it copied, so the"
                    + " pinned pages are private copies, not the page cache");
        }
        if (swappedIn > 0) {
            notes.add(swappedIn + " swapped-out pages were swapped in by the fault (do_swap_page)");
        }
        if (cowBroken > 0) {
            notes.add(cowBroken + " pages shared copy-on-write (after fork, KSM, the zero page, or the page cache of a"
                    + " private file mapping) were copied before pinning: "
                    + (write ? "the write pin breaks COW (do_wp_page -> wp_page_copy)"
                            : "a read-only long-term pin unshares them (gup_must_unshare -> FAULT_FLAG_UNSHARE)"));
        }
        if (thpSplit > 0) {
            notes.add(thpSplit + " of the copied pages were part of shared THPs: do_huge_pmd_wp_page() splits the PMD,"
                    + " so the copies are 4 KiB pages");
        }
        if (devicePrivate > 0) {
            notes.add(devicePrivate + " device-private pages were migrated back to system RAM by the fault"
                    + " (do_swap_page -> pgmap->ops->migrate_to_ram)");
        }
        if (deviceCoherent > 0) {
            notes.add(deviceCoherent + " device-coherent pages were migrated to system RAM before pinning"
                    + " (folio_is_longterm_pinnable says no; check_and_migrate_movable_pages)");
        }
        if (hidden > 0) {
            notes.add("PFNs hidden: " + hidden + " pages were pinned in place but their PFNs are unknown here (pagemap shows"
                    + " PFNs only to CAP_SYS_ADMIN), and so is what kind of memory they are");
        }
        if (inPlace > 0) {
            notes.add("PFNs of pages pinned in place are as read: a page in ZONE_MOVABLE or CMA would first be migrated"
                    + " (folio_is_longterm_pinnable), which the physical memory map here cannot show");
        }
        long migrated = devicePrivate + deviceCoherent;
        if (error != null) {
            return new PinResult(error, why, pages, faulted, cowBroken, migrated, notes);
        }
        String done = String.format(Locale.ROOT, "pin_user_pages_fast(FOLL_LONGTERM%s) pinned %d pages of %#x-%#x",
                write ? "|FOLL_WRITE" : "", pages, start, end);
        return new PinResult(null, done, pages, faulted, cowBroken, migrated, notes);
    }
}
