package org.dmascope.backend.hmm;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.core.memory.VmFlag;
import org.dmascope.scenario.Errno;
import org.dmascope.scenario.mm.Folio;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.MmuNotifierRange;
import org.dmascope.scenario.mm.PageMap;
import org.dmascope.scenario.mm.Pte;
import org.dmascope.scenario.mm.SimVma;
import org.eclipse.jdt.annotation.Nullable;

/**
 * {@code struct migrate_vma} and the three calls of mm/migrate_device.c a driver makes around
 * its own allocate-and-copy: {@link #setup()} (migrate_vma_setup: argument checks,
 * migrate_vma_collect under an MMU_NOTIFY_MIGRATE invalidation carrying the owner, then
 * migrate_vma_unmap: migration entries in every address space that maps a collected page),
 * {@link #pages()} (migrate_vma_pages: holes get their new page inserted, file and shmem pages
 * refuse device memory) and {@link #migrateFinalize()} (migrate_vma_finalize: the new page replaces
 * the migration entries, or the old one comes back).
 */
public final class MigrateVma {

    /** MIGRATE_PFN_VALID. */
    public static final long PFN_VALID = 1L << 0;
    /** MIGRATE_PFN_MIGRATE. */
    public static final long PFN_MIGRATE = 1L << 1;
    /** MIGRATE_PFN_WRITE. */
    public static final long PFN_WRITE = 1L << 3;
    /** MIGRATE_PFN_SHIFT. */
    public static final int PFN_SHIFT = 6;

    /** MIGRATE_VMA_SELECT_SYSTEM. */
    public static final int SELECT_SYSTEM = 1;
    /** MIGRATE_VMA_SELECT_DEVICE_PRIVATE. */
    public static final int SELECT_DEVICE_PRIVATE = 2;
    /** MIGRATE_VMA_SELECT_DEVICE_COHERENT. */
    public static final int SELECT_DEVICE_COHERENT = 4;

    private record Where(Mm mm, long address, Pte original) {
    }

    private final Mm mm;
    private final @Nullable SimVma vma;
    /** args->start. */
    public final long start;
    /** args->end. */
    public final long end;
    private final @Nullable Object pgmapOwner;
    private final int flags;
    private final @Nullable Folio faultPage;
    /** args->src: MIGRATE_PFN_* of each source page. */
    public final long[] src;
    /** args->dst: MIGRATE_PFN_* of each destination page, set by the driver. */
    public final long[] dst;
    private final @Nullable Folio[] srcPage;
    private final int[] srcIndex;
    private final @Nullable Folio[] dstPage;
    private final List<List<Where>> where;
    private int cpages;
    private final List<String> notes = new ArrayList<>();

    /**
     * @param vma        args->vma
     * @param pgmapOwner args->pgmap_owner
     * @param flags      SELECT_* bits
     * @param faultPage  args->fault_page (the device-private page a CPU fault is on), or null
     */
    public MigrateVma(Mm mm, @Nullable SimVma vma, long start, long end, @Nullable Object pgmapOwner, int flags,
            @Nullable Folio faultPage) {
        this.mm = mm;
        this.vma = vma;
        this.start = start;
        this.end = end;
        this.pgmapOwner = pgmapOwner;
        this.flags = flags;
        this.faultPage = faultPage;
        int n = end > start ? (int) ((end - start) >>> 12) : 0;
        src = new long[n];
        dst = new long[n];
        srcPage = new Folio[n];
        srcIndex = new int[n];
        dstPage = new Folio[n];
        where = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            where.add(new ArrayList<>());
        }
    }

    /** args->cpages: pages collected by setup. */
    public int cpages() {
        return cpages;
    }

    /** args->npages. */
    public int npages() {
        return src.length;
    }

    /** migrate_pfn_to_page(src[i]): the source page, null for a hole or the zero page. */
    public @Nullable Folio srcPage(int i) {
        return srcPage[i];
    }

    /** The base page of the source folio. */
    public int srcIndex(int i) {
        return srcIndex[i];
    }

    /** The driver's destination for page i: dst[i] = migrate_pfn(page) | write. */
    public void setDst(int i, Folio page, boolean write) {
        dstPage[i] = page;
        dst[i] = (page.pfn() << PFN_SHIFT) | PFN_VALID | (write ? PFN_WRITE : 0);
    }

    /** The destination page of i, or null. */
    public @Nullable Folio dstPage(int i) {
        return dstPage[i];
    }

    /** The rules that applied, a line each. */
    public List<String> notes() {
        return notes;
    }

    /** migrate_vma_setup: 0 or -EINVAL. */
    public int setup() {
        SimVma v = vma;
        if (v == null || v.backing() == SimVma.Backing.HUGETLB || v.has(VmFlag.IO) || v.has(VmFlag.PFNMAP)
                || v.has(VmFlag.MIXEDMAP) || v.has(VmFlag.DONTEXPAND)) {
            notes.add("migrate_vma_setup: no VMA, a hugetlb VMA or VM_SPECIAL: -EINVAL");
            return -Errno.EINVAL;
        }
        if ((start & 0xfff) != 0 || (end & 0xfff) != 0 || start < v.start() || start >= v.end() || end <= v.start()
                || end > v.end()) {
            notes.add("migrate_vma_setup: the range is not page aligned or not inside the VMA: -EINVAL");
            return -Errno.EINVAL;
        }
        Folio fp = faultPage;
        if (fp != null && fp.kind() != Folio.Kind.DEVICE_PRIVATE) {
            return -Errno.EINVAL;
        }
        collect(v);
        if (cpages > 0) {
            unmap();
        }
        return 0;
    }

    /** migrate_vma_collect and migrate_vma_collect_pmd. */
    private void collect(SimVma v) {
        MmuNotifierRange r = new MmuNotifierRange(MmuNotifierRange.Event.MIGRATE, start, end, pgmapOwner);
        mm.notifiers().invalidateRangeStart(r);
        for (int i = 0; i < src.length; i++) {
            long a = start + ((long) i << 12);
            Pte pte = mm.pte(a);
            if (pte == null) {
                if (v.isAnonymous()) {
                    src[i] = PFN_MIGRATE;
                    cpages++;
                }
                continue;
            }
            Folio f = pte.folio();
            if (pte.kind() != Pte.Kind.PRESENT) {
                PageMap pgmap = f.pgmap();
                if (pte.kind() != Pte.Kind.DEVICE_PRIVATE || (flags & SELECT_DEVICE_PRIVATE) == 0 || pgmap == null
                        || pgmap.owner() != pgmapOwner) {
                    continue;
                }
                src[i] = (pte.pfn() << PFN_SHIFT) | PFN_VALID | PFN_MIGRATE | (pte.write() ? PFN_WRITE : 0);
                isolate(i, a, pte);
                continue;
            }
            if (f.isZero()) {
                if (pte.level() == 9) {
                    splitPmd(a);
                }
                if ((flags & SELECT_SYSTEM) != 0) {
                    src[i] = PFN_MIGRATE;
                    cpages++;
                }
                continue;
            }
            if (pte.special()) {
                continue;
            }
            if (!f.isZoneDevice() && (flags & SELECT_SYSTEM) == 0) {
                continue;
            }
            if (f.kind() == Folio.Kind.DEVICE_COHERENT) {
                PageMap pgmap = f.pgmap();
                if ((flags & SELECT_DEVICE_COHERENT) == 0 || pgmap == null || pgmap.owner() != pgmapOwner) {
                    continue;
                }
            }
            if (pte.level() == 9 && !f.hugetlb()) {
                splitPmd(a);
                pte = mm.pte(a);
            }
            src[i] = (pte.pfn() << PFN_SHIFT) | PFN_VALID | PFN_MIGRATE | (pte.write() ? PFN_WRITE : 0);
            isolate(i, a, pte);
        }
        mm.notifiers().invalidateRangeEnd(r);
    }

    /** The collected page's entry becomes a migration entry; cpages counts it. */
    private void isolate(int i, long a, Pte pte) {
        srcPage[i] = pte.folio();
        srcIndex[i] = pte.index();
        where.get(i).add(new Where(mm, a, pte));
        mm.setPte(a, pte.withKind(Pte.Kind.MIGRATION));
        cpages++;
    }

    /** split_huge_pmd: the PMD mapping of a THP (or the huge zero page) becomes 512 PTEs. */
    private void splitPmd(long a) {
        long block = a & ~((2L << 20) - 1);
        for (int k = 0; k < 512; k++) {
            long b = block + ((long) k << 12);
            Pte p = mm.pte(b);
            if (p != null && p.level() == 9) {
                mm.setPte(b, p.folio().isZero()
                        ? new Pte(Pte.Kind.PRESENT, mm.machine().zeroPage(), 0, false, false, 0, false, false)
                        : p.withLevel(0));
            }
        }
    }

    /**
     * migrate_vma_unmap: a collected page still mapped by other address spaces (shared
     * copy-on-write after fork) gets migration entries there too (try_to_migrate), each with an
     * invalidation of that address space.
     */
    private void unmap() {
        for (int i = 0; i < src.length; i++) {
            Folio f = srcPage[i];
            if (f == null || (src[i] & PFN_MIGRATE) == 0) {
                continue;
            }
            for (Mm other : f.mappers()) {
                if (other == mm) {
                    continue;
                }
                for (long a : other.mappedAddresses(0, Long.MAX_VALUE & ~0xfffL)) {
                    Pte p = other.pte(a);
                    if (p != null && p.folio() == f && p.index() == srcIndex[i] && p.kind() != Pte.Kind.MIGRATION) {
                        other.invalidate(MmuNotifierRange.Event.CLEAR, a, a + 4096, null);
                        where.get(i).add(new Where(other, a, p));
                        other.setPte(a, p.withKind(Pte.Kind.MIGRATION));
                    }
                }
            }
        }
    }

    /** migrate_vma_pages. */
    public void pages() {
        boolean notified = false;
        for (int i = 0; i < src.length; i++) {
            Folio newPage = dstPage[i];
            if (newPage == null) {
                src[i] &= ~PFN_MIGRATE;
                continue;
            }
            Folio page = srcPage[i];
            long a = start + ((long) i << 12);
            if (page == null) {
                if ((src[i] & PFN_MIGRATE) == 0) {
                    continue;
                }
                if (!notified) {
                    notified = true;
                    mm.invalidate(MmuNotifierRange.Event.MIGRATE, a, end, pgmapOwner);
                }
                if (!insertPage(a, newPage)) {
                    src[i] &= ~PFN_MIGRATE;
                }
                continue;
            }
            boolean mapping = page.file() != null && !page.anon();
            if (newPage.isZoneDevice() && mapping) {
                // Only anonymous memory goes to device-private or device-coherent memory.
                src[i] &= ~PFN_MIGRATE;
            }
        }
    }

    /** migrate_vma_insert_page: a new page for a hole or the zero page of an anonymous VMA. */
    private boolean insertPage(long a, Folio page) {
        SimVma v = vma;
        if (v == null || !v.isAnonymous()) {
            return false;
        }
        Pte old = mm.pte(a);
        if (old != null && !(old.kind() == Pte.Kind.PRESENT && old.folio().isZero())) {
            return false;
        }
        boolean w = v.has(VmFlag.WRITE);
        page.setAnon(true);
        page.map(mm);
        if (page.kind() == Folio.Kind.DEVICE_PRIVATE) {
            mm.setPte(a, new Pte(Pte.Kind.DEVICE_PRIVATE, page, 0, w, w, 0, false, true));
        } else {
            mm.setPte(a, new Pte(Pte.Kind.PRESENT, page, 0, w, w, 0, false, true));
        }
        return true;
    }

    /** migrate_vma_finalize: remove_migration_ptes with the new page, or the old one back. */
    public void migrateFinalize() {
        for (int i = 0; i < src.length; i++) {
            Folio page = srcPage[i];
            Folio newPage = dstPage[i];
            if (page == null) {
                if (newPage != null && (src[i] & PFN_MIGRATE) == 0) {
                    free(newPage);
                }
                continue;
            }
            boolean moved = newPage != null && (src[i] & PFN_MIGRATE) != 0;
            for (Where w : where.get(i)) {
                if (!moved) {
                    w.mm().setPte(w.address(), w.original());
                    continue;
                }
                page.unmap(w.mm());
                newPage.setAnon(page.anon() || newPage.isZoneDevice());
                newPage.map(w.mm());
                Pte o = w.original();
                Pte.Kind kind = newPage.kind() == Folio.Kind.DEVICE_PRIVATE ? Pte.Kind.DEVICE_PRIVATE : Pte.Kind.PRESENT;
                w.mm().setPte(w.address(), new Pte(kind, newPage, 0, o.write(), o.dirty(), 0, false,
                        w.mm() == mm && o.anonExclusive()));
            }
            if (moved) {
                PageMap pgmap = page.pgmap();
                if (pgmap != null && page.mapcount() == 0) {
                    pgmap.pageFree(page);
                }
            } else if (newPage != null) {
                free(newPage);
            }
        }
    }

    private static void free(Folio page) {
        PageMap pgmap = page.pgmap();
        if (pgmap != null) {
            pgmap.pageFree(page);
        }
    }

    /** How many pages moved: src VALID and MIGRATE after migrate_vma_pages (dmirror_successful_migrated_pages). */
    public int migrated() {
        int n = 0;
        for (long s : src) {
            if ((s & PFN_VALID) != 0 && (s & PFN_MIGRATE) != 0) {
                n++;
            }
        }
        return n;
    }
}
