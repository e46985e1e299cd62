package org.dmascope.scenario.mm;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.dmascope.core.memory.VmFlag;
import org.dmascope.scenario.Errno;
import org.dmascope.scenario.PageRun;
import org.eclipse.jdt.annotation.Nullable;

/**
 * A simulated address space ({@code struct mm_struct}): VMAs, one page table entry per mapped
 * base page, named mappings, and its interval notifiers. The system calls and the CPU fault path
 * follow mm/mmap.c, mm/mprotect.c, mm/memory.c (handle_mm_fault, do_anonymous_page,
 * do_wp_page, do_swap_page, copy_page_range), mm/huge_memory.c and mm/hugetlb.c in what decides
 * page states: zero pages, copy-on-write, THP, hugetlb, device-private and device-exclusive
 * entries, and which MMU notifier invalidations each change sends.
 */
public final class Mm {

    /** A fault that succeeded. */
    public static final int FAULT_OK = 0;
    /** VM_FAULT_SIGSEGV: no VMA, or an access the VMA does not allow. */
    public static final int VM_FAULT_SIGSEGV = 0x2;
    /** VM_FAULT_SIGBUS. */
    public static final int VM_FAULT_SIGBUS = 0x4;
    /** VM_FAULT_OOM. */
    public static final int VM_FAULT_OOM = 0x1;

    private static final long PAGE = 4096;
    private static final long PMD_SIZE = 2L << 20;

    private final Machine machine;
    private final String name;
    private final int pid;
    private final TreeMap<Long, SimVma> vmas = new TreeMap<>();
    private final HashMap<Long, Pte> ptes = new HashMap<>();
    private final Map<String, Long> names = new LinkedHashMap<>();
    private final MmuNotifiers notifiers = new MmuNotifiers(this);
    private long mmapBase = 0x7f0000000000L;
    private long cpuFaults;

    Mm(Machine machine, String name, int pid) {
        this.machine = machine;
        this.name = name;
        this.pid = pid;
    }

    /** The machine. */
    public Machine machine() {
        return machine;
    }

    /** The process's name in the scenario. */
    public String name() {
        return name;
    }

    /** Its pid. */
    public int pid() {
        return pid;
    }

    /** Its interval notifiers and their sequence. */
    public MmuNotifiers notifiers() {
        return notifiers;
    }

    /** CPU page faults handled so far (handle_mm_fault calls). */
    public long cpuFaults() {
        return cpuFaults;
    }

    /** The start of a named mapping, or null. */
    public @Nullable Long named(String mapping) {
        return names.get(mapping);
    }

    /** Names a mapping. */
    public void name(String mapping, long address) {
        names.put(mapping, address);
    }

    /** The VMAs in address order. */
    public List<SimVma> vmas() {
        return new ArrayList<>(vmas.values());
    }

    /** {@code vma_lookup}: the VMA containing the address, or null. */
    public @Nullable SimVma vma(long address) {
        Map.Entry<Long, SimVma> e = vmas.floorEntry(address);
        return e != null && e.getValue().contains(address) ? e.getValue() : null;
    }

    /** The VMAs intersecting [start, end), in order. */
    public List<SimVma> vmas(long start, long end) {
        List<SimVma> out = new ArrayList<>();
        for (SimVma v : vmas.values()) {
            if (v.end() > start && v.start() < end) {
                out.add(v);
            }
        }
        return out;
    }

    /** The entry mapping an address, or null (pte_none). */
    public @Nullable Pte pte(long address) {
        return ptes.get(address >>> 12);
    }

    /** Sets the entry of an address; the folio's mappers are updated by the caller's map/unmap. */
    public void setPte(long address, Pte pte) {
        ptes.put(address >>> 12, pte);
    }

    /** Clears an entry (pte_clear) and drops the mapping of its folio; a device page mapped nowhere else is freed. */
    public void clearPte(long address) {
        Pte old = ptes.remove(address >>> 12);
        if (old != null) {
            old.folio().unmap(this);
            PageMap pgmap = old.folio().pgmap();
            if (pgmap != null && old.folio().mapcount() == 0) {
                pgmap.pageFree(old.folio());
            }
        }
    }

    /** Every address in [start, end) with an entry, in order. */
    public List<Long> mappedAddresses(long start, long end) {
        List<Long> out = new ArrayList<>();
        if ((end - start) / PAGE < ptes.size()) {
            for (long a = start; a < end; a += PAGE) {
                if (ptes.containsKey(a >>> 12)) {
                    out.add(a);
                }
            }
        } else {
            for (Long vpn : new TreeMap<>(ptes).keySet()) {
                long a = vpn << 12;
                if (a >= start && a < end) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** Runs an invalidation of [start, end) through the interval notifiers (start, then end). */
    public void invalidate(MmuNotifierRange.Event event, long start, long end, @Nullable Object owner) {
        MmuNotifierRange r = new MmuNotifierRange(event, start, end, owner);
        notifiers.invalidateRangeStart(r);
        notifiers.invalidateRangeEnd(r);
    }

    // --- system calls -----------------------------------------------------------------------

    /**
     * {@code mmap}: places a new VMA in free space, aligned to {@code align} (at least 2 MiB so
     * that THP and hugetlb ranges line up), with a guard gap after it.
     *
     * @return the start address
     */
    public long mmap(long length, Set<VmFlag> flags, SimVma.Backing backing, @Nullable SimFile file, long pgoff,
            long hugePageSize, boolean shmem, long align) {
        long a = Math.max(align, PMD_SIZE);
        long start = (mmapBase + a - 1) & ~(a - 1);
        long len = (length + PAGE - 1) & ~(PAGE - 1);
        if (hugePageSize > 0) {
            len = (len + hugePageSize - 1) & ~(hugePageSize - 1);
        }
        EnumSet<VmFlag> f = EnumSet.copyOf(flags);
        SimVma vma = new SimVma(start, start + len, f, backing, file, pgoff, hugePageSize, shmem);
        vmas.put(start, vma);
        mmapBase = start + len + PMD_SIZE;
        if (backing == SimVma.Backing.MIXEDMAP || backing == SimVma.Backing.PFNMAP) {
            populateSpecial(vma);
        }
        return start;
    }

    /** What a driver's mmap does: vm_insert_page of zeroed kernel pages, or remap_pfn_range of a BAR. */
    private void populateSpecial(SimVma vma) {
        // A private writable mapping is a COW mapping: vm_page_prot has no write bit.
        boolean write = vma.has(VmFlag.WRITE) && vma.has(VmFlag.SHARED);
        for (long a = vma.start(); a < vma.end(); a += PAGE) {
            if (vma.backing() == SimVma.Backing.MIXEDMAP) {
                Folio page = new Folio(machine.allocRam(0).pfn(), 0, Folio.Kind.KERNEL, null);
                page.map(this);
                ptes.put(a >>> 12, Pte.present(page, 0, write, 0));
            } else {
                Folio pfn = new Folio(0xf0000000L + ((a - vma.start()) >>> 12), 0, Folio.Kind.KERNEL, null);
                ptes.put(a >>> 12, new Pte(Pte.Kind.PRESENT, pfn, 0, write, false, 0, true, false));
            }
        }
    }

    /** {@code munmap}: 0, or -EINVAL for an unaligned start or a hugetlb range not aligned to its page size. */
    public int munmap(long start, long length) {
        if ((start & (PAGE - 1)) != 0 || length == 0) {
            return -Errno.EINVAL;
        }
        long end = start + ((length + PAGE - 1) & ~(PAGE - 1));
        for (SimVma v : vmas(start, end)) {
            long h = v.hugePageSize();
            if (h > 0 && ((Math.max(start, v.start()) & (h - 1)) != 0 || (Math.min(end, v.end()) & (h - 1)) != 0)) {
                return -Errno.EINVAL;
            }
        }
        List<SimVma> affected = splitRange(start, end);
        if (affected.isEmpty()) {
            return 0;
        }
        invalidate(MmuNotifierRange.Event.UNMAP, start, end, null);
        for (SimVma v : affected) {
            for (long a : mappedAddresses(v.start(), v.end())) {
                clearPte(a);
            }
            vmas.remove(v.start());
        }
        return 0;
    }

    /**
     * {@code mprotect}: 0, -EINVAL for an unaligned start, -ENOMEM when a page of the range is
     * not mapped. Removing write permission write-protects the entries (device-private and
     * device-exclusive ones become read-only too, as change_pte_range does); adding it makes
     * writable only what can_change_pte_writable allows (exclusive dirty anonymous pages, and
     * shared mappings that are not write-notified). An invalidation goes out when the range
     * holds entries.
     */
    public int mprotect(long start, long length, boolean read, boolean write, boolean exec) {
        if ((start & (PAGE - 1)) != 0) {
            return -Errno.EINVAL;
        }
        long end = start + ((length + PAGE - 1) & ~(PAGE - 1));
        for (long a = start; a < end;) {
            SimVma v = vma(a);
            if (v == null) {
                return -Errno.ENOMEM;
            }
            a = v.end();
        }
        List<SimVma> affected = splitRange(start, end);
        boolean anyEntry = false;
        for (SimVma v : affected) {
            v.setFlag(VmFlag.READ, read);
            v.setFlag(VmFlag.WRITE, write);
            v.setFlag(VmFlag.EXEC, exec);
            for (long a : mappedAddresses(v.start(), v.end())) {
                anyEntry = true;
                Pte p = ptes.get(a >>> 12);
                if (!write && p.write()) {
                    ptes.put(a >>> 12, p.withWrite(false));
                } else if (write && !p.write() && p.kind() == Pte.Kind.PRESENT && canChangePteWritable(v, p)) {
                    ptes.put(a >>> 12, p.withWrite(true));
                }
            }
        }
        if (anyEntry) {
            invalidate(MmuNotifierRange.Event.PROTECTION_VMA, start, end, null);
        }
        return 0;
    }

    /** mm/mprotect.c can_change_pte_writable, for the cases the simulation has. */
    private boolean canChangePteWritable(SimVma v, Pte p) {
        if (p.special() || p.folio().isZero()) {
            return false;
        }
        if (v.has(VmFlag.SHARED)) {
            SimFile f = v.file();
            return f != null && !f.writeNotify() || p.dirty();
        }
        return p.folio().anon() && p.anonExclusive() && p.dirty() && p.folio().exclusiveTo(this);
    }

    /**
     * {@code madvise}: "hugepage" / "nohugepage" set VM_HUGEPAGE / VM_NOHUGEPAGE; "dontneed"
     * zaps the range (an invalidation, then the entries go). Returns 0, -EINVAL or -ENOMEM.
     */
    public int madvise(long start, long length, String advice) {
        if ((start & (PAGE - 1)) != 0) {
            return -Errno.EINVAL;
        }
        long end = start + ((length + PAGE - 1) & ~(PAGE - 1));
        for (long a = start; a < end;) {
            SimVma v = vma(a);
            if (v == null) {
                return -Errno.ENOMEM;
            }
            a = v.end();
        }
        // Only the advice that changes VMA flags splits VMAs; MADV_DONTNEED zaps entries in place.
        List<SimVma> affected = advice.equals("dontneed") ? vmas(start, end) : splitRange(start, end);
        switch (advice) {
            case "hugepage" -> affected.forEach(v -> {
                v.setFlag(VmFlag.HUGEPAGE, true);
                v.setFlag(VmFlag.NOHUGEPAGE, false);
            });
            case "nohugepage" -> affected.forEach(v -> {
                v.setFlag(VmFlag.NOHUGEPAGE, true);
                v.setFlag(VmFlag.HUGEPAGE, false);
            });
            case "dontneed" -> {
                invalidate(MmuNotifierRange.Event.CLEAR, start, end, null);
                for (long a : mappedAddresses(start, end)) {
                    clearPte(a);
                }
            }
            default -> {
                return -Errno.EINVAL;
            }
        }
        return 0;
    }

    /** Splits VMAs at start and end and returns those inside [start, end). */
    private List<SimVma> splitRange(long start, long end) {
        for (long at : new long[] {start, end}) {
            SimVma v = vma(at);
            if (v != null && v.start() < at) {
                SimVma upper = v.splitAt(at);
                vmas.put(upper.start(), upper);
            }
        }
        return vmas(start, end);
    }

    /**
     * {@code fork}: the child gets a copy of every VMA (but VM_DONTCOPY ones) and of the entries
     * of private mappings (copy_page_range: shared file and shmem mappings are faulted in again
     * by the child). In a COW mapping both sides become read-only (an invalidation of the
     * parent's range goes out first), device-private entries become read-only
     * (copy_nonpresent_pte), and device-exclusive entries are restored in the parent first.
     */
    public Mm fork(String childName) {
        Mm child = machine.newProcess(childName);
        child.mmapBase = mmapBase;
        child.names.putAll(names);
        for (SimVma v : vmas.values()) {
            if (v.has(VmFlag.DONTCOPY)) {
                continue;
            }
            SimVma c = v.copy();
            child.vmas.put(c.start(), c);
            boolean copyEntries = !v.has(VmFlag.SHARED) || v.backing() == SimVma.Backing.MIXEDMAP
                    || v.backing() == SimVma.Backing.PFNMAP || v.backing() == SimVma.Backing.HUGETLB;
            if (!copyEntries) {
                continue;
            }
            List<Long> mapped = mappedAddresses(v.start(), v.end());
            boolean cow = v.isCowMapping();
            if (cow && !mapped.isEmpty()) {
                for (long a : mapped) {
                    Pte p = ptes.get(a >>> 12);
                    if (p.kind() == Pte.Kind.DEVICE_EXCLUSIVE) {
                        restoreExclusive(a, p);
                    }
                }
                invalidate(MmuNotifierRange.Event.PROTECTION_PAGE, v.start(), v.end(), null);
            }
            for (long a : mapped) {
                Pte p = ptes.get(a >>> 12);
                Pte q = p;
                if (cow && !p.special()) {
                    q = p.withWrite(false).withAnonExclusive(false);
                    ptes.put(a >>> 12, q);
                }
                p.folio().map(child);
                child.ptes.put(a >>> 12, q);
            }
        }
        return child;
    }

    /** A child's exit: everything is unmapped (exit_mmap sends MMU_NOTIFY_RELEASE to the mm's notifiers first). */
    public void exit() {
        for (IntervalNotifier n : notifiers.intervals()) {
            n.ops().invalidate(n, new MmuNotifierRange(MmuNotifierRange.Event.RELEASE, 0, -PAGE, null),
                    notifiers.invalidateSeq());
        }
        for (long vpn : new ArrayList<>(ptes.keySet())) {
            clearPte(vpn << 12);
        }
        vmas.clear();
        machine.removeProcess(this);
    }

    // --- CPU accesses -------------------------------------------------------------------------

    /**
     * A CPU load or store at an address, as the process would make it: SIGSEGV without a VMA
     * or without the permission, else the fault path until the entry allows the access.
     *
     * @return 0, or a VM_FAULT_* code
     */
    public int access(long address, boolean write) {
        SimVma v = vma(address);
        if (v == null || !(write ? v.has(VmFlag.WRITE) : v.has(VmFlag.READ))) {
            return VM_FAULT_SIGSEGV;
        }
        Pte p = ptes.get(address >>> 12);
        if (p != null && p.kind() == Pte.Kind.PRESENT && (!write || p.write())) {
            return FAULT_OK; // the TLB walk finds what it needs: no fault
        }
        int rc = handleMmFault(v, address, write);
        // exceptions:page_fault_user: error code X86_PF_USER (4) | X86_PF_WRITE (2) for a write.
        machine.emit(this, h -> new org.dmascope.trace.event.PageFault(h, address, 0, write ? 6 : 4,
                rc == FAULT_OK ? "ok" : rc == VM_FAULT_SIGBUS ? "sigbus" : rc == VM_FAULT_OOM ? "oom" : "sigsegv"));
        return rc;
    }

    /**
     * {@code handle_mm_fault(vma, address, write ? FAULT_FLAG_WRITE : 0)}: makes the entry of
     * the address present, and writable for a write, or fails. Callers check the VMA's
     * permissions first, as the arch fault handler (and hmm_vma_fault) do.
     */
    public int handleMmFault(SimVma vma, long address, boolean write) {
        long page = address & ~(PAGE - 1);
        cpuFaults++;
        for (int round = 0; round < 8; round++) {
            if (vma.backing() == SimVma.Backing.HUGETLB) {
                return hugetlbFault(vma, page, write);
            }
            Pte pte = ptes.get(page >>> 12);
            if (pte == null) {
                return doPteMissing(vma, page, write);
            }
            switch (pte.kind()) {
                case DEVICE_PRIVATE -> {
                    // do_swap_page: a device-private entry goes to its driver's migrate_to_ram.
                    PageMap pgmap = pte.folio().pgmap();
                    int r = pgmap == null ? VM_FAULT_SIGBUS : pgmap.migrateToRam(this, vma, page, pte.folio());
                    if (r != FAULT_OK) {
                        return r;
                    }
                }
                case DEVICE_EXCLUSIVE -> restoreExclusive(page, pte);
                case MIGRATION -> {
                    return VM_FAULT_SIGBUS;
                }
                case SWAP -> {
                    Folio f = machine.allocRam(0).setAnon(true);
                    f.setData(0, pte.data());
                    pte.folio().unmap(this);
                    f.map(this);
                    ptes.put(page >>> 12, Pte.present(f, 0, write, 0));
                }
                case PRESENT -> {
                    if (!write || pte.write()) {
                        return FAULT_OK;
                    }
                    int r = doWpPage(vma, page, pte);
                    if (r != FAULT_OK) {
                        return r;
                    }
                }
                default -> {
                    return VM_FAULT_SIGBUS;
                }
            }
        }
        return VM_FAULT_SIGBUS;
    }

    /** remove_device_exclusive_entry: an MMU_NOTIFY_EXCLUSIVE invalidation, then the original entry. */
    public void restoreExclusive(long page, Pte pte) {
        invalidate(MmuNotifierRange.Event.EXCLUSIVE, page, page + PAGE, null);
        ptes.put(page >>> 12, pte.withKind(Pte.Kind.PRESENT));
    }

    private int doPteMissing(SimVma vma, long page, boolean write) {
        switch (vma.backing()) {
            case ANON -> {
                return doAnonymousPage(vma, page, write);
            }
            case FILE -> {
                SimFile file = vma.file();
                if (file == null) {
                    return VM_FAULT_SIGBUS;
                }
                long index = vma.fileIndex(page);
                if (!vma.has(VmFlag.SHARED) && !vma.shmem() && index * PAGE >= file.size()) {
                    return VM_FAULT_SIGBUS;
                }
                Folio cached = file.page(machine, index);
                if (vma.has(VmFlag.SHARED)) {
                    // do_shared_fault / do_read_fault: writable at once unless the file is write-notified.
                    boolean w = write || vma.has(VmFlag.WRITE) && !file.writeNotify();
                    cached.map(this);
                    ptes.put(page >>> 12, new Pte(Pte.Kind.PRESENT, cached, 0, w, write, 0, false, false));
                    return FAULT_OK;
                }
                if (!write) {
                    cached.map(this);
                    ptes.put(page >>> 12, new Pte(Pte.Kind.PRESENT, cached, 0, false, false, 0, false, false));
                    return FAULT_OK;
                }
                // do_cow_fault: a private copy of the file page.
                Folio copy = machine.allocRam(0).setAnon(true);
                copy.setData(0, cached.data(0));
                copy.map(this);
                ptes.put(page >>> 12, Pte.present(copy, 0, true, 0));
                return FAULT_OK;
            }
            default -> {
                return VM_FAULT_SIGBUS;
            }
        }
    }

    /** do_anonymous_page / do_huge_pmd_anonymous_page. */
    private int doAnonymousPage(SimVma vma, long page, boolean write) {
        long block = page & ~(PMD_SIZE - 1);
        boolean thp = vma.has(VmFlag.HUGEPAGE) && !vma.has(VmFlag.NOHUGEPAGE) && block >= vma.start()
                && block + PMD_SIZE <= vma.end() && mappedAddresses(block, block + PMD_SIZE).isEmpty();
        if (!write) {
            Folio zero = thp ? machine.hugeZeroPage() : machine.zeroPage();
            if (thp) {
                for (int i = 0; i < 512; i++) {
                    ptes.put((block >>> 12) + i, new Pte(Pte.Kind.PRESENT, zero, i, false, false, 9, false, false));
                }
            } else {
                ptes.put(page >>> 12, new Pte(Pte.Kind.PRESENT, zero, 0, false, false, 0, false, false));
            }
            return FAULT_OK;
        }
        if (thp) {
            Folio f = machine.allocRam(9).setAnon(true);
            for (int i = 0; i < 512; i++) {
                f.map(this);
                ptes.put((block >>> 12) + i, new Pte(Pte.Kind.PRESENT, f, i, true, true, 9, false, true));
            }
            return FAULT_OK;
        }
        Folio f = machine.allocRam(0).setAnon(true);
        f.map(this);
        ptes.put(page >>> 12, Pte.present(f, 0, true, 0));
        return FAULT_OK;
    }

    /**
     * do_wp_page: a write to a present read-only entry. The zero page and shared or file pages
     * of a private mapping are copied (wp_page_copy, with an MMU_NOTIFY_CLEAR invalidation of
     * the page); an anonymous page only this process maps is reused; a shared mapping's page is
     * made writable. A PMD-mapped THP that cannot be reused, and the huge zero page, are split
     * to PTEs first (do_huge_pmd_wp_page's fallback).
     */
    private int doWpPage(SimVma vma, long page, Pte pte) {
        Folio f = pte.folio();
        if (pte.level() == 9 && !f.hugetlb()) {
            long block = page & ~(PMD_SIZE - 1);
            if (!f.isZero() && f.anon() && f.exclusiveTo(this)) {
                for (int i = 0; i < 512; i++) {
                    Pte p = ptes.get((block >>> 12) + i);
                    if (p != null && p.folio() == f) {
                        ptes.put((block >>> 12) + i, p.withWrite(true).withAnonExclusive(true));
                    }
                }
                return FAULT_OK;
            }
            for (int i = 0; i < 512; i++) {
                Pte p = ptes.get((block >>> 12) + i);
                if (p != null && p.folio() == f) {
                    ptes.put((block >>> 12) + i, f.isZero()
                            ? new Pte(Pte.Kind.PRESENT, machine.zeroPage(), 0, false, false, 0, false, false)
                            : p.withLevel(0));
                }
            }
            pte = ptes.get(page >>> 12);
            f = pte.folio();
        }
        if (vma.has(VmFlag.SHARED) && !f.isZero()) {
            ptes.put(page >>> 12, pte.withWrite(true));
            return FAULT_OK;
        }
        if (!f.isZero() && (f.anon() || f.isZoneDevice()) && f.exclusiveTo(this)) {
            ptes.put(page >>> 12, pte.withWrite(true).withAnonExclusive(true));
            return FAULT_OK;
        }
        invalidate(MmuNotifierRange.Event.CLEAR, page, page + PAGE, null);
        Folio copy = machine.allocRam(0).setAnon(true);
        copy.setData(0, pte.data());
        f.unmap(this);
        PageMap pgmap = f.pgmap();
        if (pgmap != null && f.mapcount() == 0) {
            pgmap.pageFree(f);
        }
        copy.map(this);
        ptes.put(page >>> 12, Pte.present(copy, 0, true, 0));
        return FAULT_OK;
    }

    /** hugetlb_fault: hugetlb_no_page (with the COW done at once for a private write), or hugetlb_wp. */
    private int hugetlbFault(SimVma vma, long page, boolean write) {
        long h = vma.hugePageSize();
        long block = page & ~(h - 1);
        int order = Long.numberOfTrailingZeros(h) - 12;
        int level = h >= (1L << 30) ? 18 : 9;
        Pte pte = ptes.get(page >>> 12);
        if (pte == null) {
            Folio f = machine.allocRam(order).setAnon(!vma.has(VmFlag.SHARED)).setHugetlb(true);
            boolean w = vma.has(VmFlag.WRITE) && (vma.has(VmFlag.SHARED) || write);
            for (int i = 0; i < f.pages(); i++) {
                f.map(this);
                ptes.put((block >>> 12) + i, new Pte(Pte.Kind.PRESENT, f, i, w, w, level, false, f.anon()));
            }
            return FAULT_OK;
        }
        if (!write || pte.write()) {
            return FAULT_OK;
        }
        Folio f = pte.folio();
        if (vma.has(VmFlag.SHARED) || f.exclusiveTo(this)) {
            for (int i = 0; i < f.pages(); i++) {
                Pte p = ptes.get((block >>> 12) + i);
                ptes.put((block >>> 12) + i, p.withWrite(true));
            }
            return FAULT_OK;
        }
        invalidate(MmuNotifierRange.Event.CLEAR, block, block + h, null);
        Folio copy = machine.allocRam(order).setAnon(true).setHugetlb(true);
        for (int i = 0; i < f.pages(); i++) {
            copy.setData(i, f.data(i));
            f.unmap(this);
            copy.map(this);
            ptes.put((block >>> 12) + i, new Pte(Pte.Kind.PRESENT, copy, i, true, true, level, false, true));
        }
        return FAULT_OK;
    }

    // --- what the pages are -------------------------------------------------------------------

    /** The state of one base page in words. */
    public String describe(long address) {
        SimVma v = vma(address);
        Pte p = ptes.get(address >>> 12);
        if (v == null) {
            return p == null ? "no VMA" : "no VMA (stale entry)";
        }
        if (p == null) {
            return "none";
        }
        Folio f = p.folio();
        StringBuilder s = new StringBuilder();
        switch (p.kind()) {
            case DEVICE_PRIVATE -> s.append("device-private ").append(pgmapName(f));
            case DEVICE_EXCLUSIVE -> s.append("device-exclusive ").append(kindWord(f, v));
            case MIGRATION -> s.append("migration ").append(kindWord(f, v));
            case SWAP -> s.append("swap");
            default -> s.append(p.special() ? "pfn (no struct page)" : kindWord(f, v));
        }
        s.append(p.write() ? " rw" : " ro");
        if (p.level() == 9) {
            s.append(" pmd");
        } else if (p.level() == 18) {
            s.append(" pud");
        }
        if (!f.isZero() && !p.special() && f.mapcount() > 1) {
            s.append(" shared-by-").append(f.mapcount());
        }
        return s.toString();
    }

    private static String pgmapName(Folio f) {
        PageMap m = f.pgmap();
        return m == null ? "?" : m.name();
    }

    private static String kindWord(Folio f, SimVma v) {
        return switch (f.kind()) {
            case ZERO -> f.order() > 0 ? "huge-zero-page" : "zero-page";
            case KERNEL -> "kernel-page";
            case DEVICE_COHERENT -> "device-coherent " + pgmapName(f);
            case DEVICE_PRIVATE -> "device-private " + pgmapName(f);
            default -> f.hugetlb() ? "hugetlb" : f.anon() ? (f.order() > 0 ? "anon-thp" : "anon")
                    : v.shmem() ? "shmem" : "file";
        };
    }

    /** The states of [start, end) as runs of pages in one state. */
    public List<PageRun> pageRuns(long start, long end) {
        List<PageRun> out = new ArrayList<>();
        long runStart = start;
        String state = null;
        long firstPfn = -1;
        long prevPfn = -1;
        for (long a = start; a < end; a += PAGE) {
            String s = describe(a);
            Pte p = ptes.get(a >>> 12);
            long pfn = p == null ? -1 : p.pfn();
            boolean contiguous = pfn == -1 ? prevPfn == -1 : prevPfn != -1 && pfn == prevPfn + 1;
            boolean breaksRun = !s.equals(state) || pfn != -1 && !contiguous && !s.contains("zero-page");
            if (state != null && breaksRun) {
                out.add(new PageRun(runStart, a, state, firstPfn));
                state = null;
            }
            if (state == null) {
                state = s;
                runStart = a;
                firstPfn = pfn;
            }
            prevPfn = pfn;
        }
        if (state != null) {
            out.add(new PageRun(runStart, end, state, firstPfn));
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (pid %d)", name, pid);
    }
}
