package org.dmascope.backend.hmm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.dmascope.core.memory.VmFlag;
import org.dmascope.scenario.Errno;
import org.dmascope.scenario.mm.Folio;
import org.dmascope.scenario.mm.IntervalNotifier;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.MmuNotifierRange;
import org.dmascope.scenario.mm.MmuNotifiers;
import org.dmascope.scenario.mm.Pte;
import org.dmascope.scenario.mm.SimVma;
import org.eclipse.jdt.annotation.Nullable;

/**
 * An open dmirror file ({@code struct dmirror} of lib/test_hmm.c): the device page table it
 * keeps (an xarray of pages tagged WRITE or ATOMIC), the interval notifier over the whole
 * address space that empties it, and the ioctls the selftest calls, each as the driver does it:
 * READ and WRITE (dmirror_read/dmirror_write: copy what the mirror maps, fault the rest with
 * hmm_range_fault 64 pages at a time under read_begin/read_retry, count the faults),
 * MIGRATE_TO_DEV / MIGRATE_TO_SYS (migrate_vma), EXCLUSIVE / CHECK_EXCLUSIVE
 * (make_device_exclusive) and SNAPSHOT (hmm_range_fault without faults, one permission byte
 * per page).
 */
public final class Dmirror implements IntervalNotifier.Ops {

    /** DPT_XA_TAG_ATOMIC. */
    public static final int TAG_ATOMIC = 1;
    /** DPT_XA_TAG_WRITE. */
    public static final int TAG_WRITE = 3;

    /** HMM_DMIRROR_PROT_ERROR. */
    public static final int PROT_ERROR = 0xff;
    /** HMM_DMIRROR_PROT_NONE. */
    public static final int PROT_NONE = 0x00;
    /** HMM_DMIRROR_PROT_READ. */
    public static final int PROT_READ = 0x01;
    /** HMM_DMIRROR_PROT_WRITE. */
    public static final int PROT_WRITE = 0x02;
    /** HMM_DMIRROR_PROT_PMD. */
    public static final int PROT_PMD = 0x04;
    /** HMM_DMIRROR_PROT_PUD. */
    public static final int PROT_PUD = 0x08;
    /** HMM_DMIRROR_PROT_ZERO. */
    public static final int PROT_ZERO = 0x10;
    /** HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL. */
    public static final int PROT_DEV_PRIVATE_LOCAL = 0x20;
    /** HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE. */
    public static final int PROT_DEV_PRIVATE_REMOTE = 0x30;
    /** HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL. */
    public static final int PROT_DEV_COHERENT_LOCAL = 0x40;
    /** HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE. */
    public static final int PROT_DEV_COHERENT_REMOTE = 0x50;

    private static final int CHUNK = 64;
    /** Retries of one range before the driver's HMM_RANGE_DEFAULT_TIMEOUT would expire. */
    private static final int MAX_TRIES = 1000;

    private record Entry(Folio page, int index, int tag) {
    }

    /** What an ioctl returned: rc, cmd.cpages, cmd.faults, and what could be seen on the way. */
    public static final class Cmd {
        /** The ioctl's return (0 or -errno). */
        public int rc;
        /** cmd.cpages. */
        public long cpages;
        /** cmd.faults: dmirror_fault calls. */
        public long faults;
        /** Passes of dmirror_range_fault retried because read_retry saw an invalidation. */
        public int retries;
        /** hmm_range_fault calls. */
        public int rangeFaults;
        /** handle_mm_fault calls made by hmm_range_fault. */
        public int cpuFaults;
        /** The values the device read (the user's mirror buffer), one per page. */
        public long[] mirror = new long[0];
        /** SNAPSHOT: one HMM_DMIRROR_PROT_* byte per page. */
        public int[] perm = new int[0];
        /** The rules that applied. */
        public final List<String> notes = new ArrayList<>();
    }

    private final String name;
    private final DmirrorDevice device;
    private final Mm mm;
    private final IntervalNotifier notifier;
    private final Map<Long, Entry> pt = new HashMap<>();
    private @Nullable Runnable race;
    private @Nullable String raceText;

    /** dmirror_fops_open: a mirror of mm on the device, with a notifier over the whole address space. */
    public Dmirror(String name, DmirrorDevice device, Mm mm) {
        this.name = name;
        this.device = device;
        this.mm = mm;
        this.notifier = mm.notifiers().insert(name, mm, 0, -4096L, this);
    }

    /** The mirror's name in the scenario. */
    public String name() {
        return name;
    }

    /** The device. */
    public DmirrorDevice device() {
        return device;
    }

    /** The mirrored address space. */
    public Mm mm() {
        return mm;
    }

    /** The notifier. */
    public IntervalNotifier notifier() {
        return notifier;
    }

    /** Pages the device maps now. */
    public int mapped() {
        return pt.size();
    }

    /** dmirror_fops_release. */
    public void close() {
        mm.notifiers().remove(notifier);
        pt.clear();
    }

    /**
     * Arranges for an action (another step of the scenario) to run once, concurrently, in the
     * window between hmm_range_fault() returning and mmu_interval_read_retry() of the next
     * range this mirror faults or snapshots.
     */
    public void raceNext(Runnable action, String text) {
        race = action;
        raceText = text;
    }

    /** dmirror_interval_invalidate. */
    @Override
    public boolean invalidate(IntervalNotifier n, MmuNotifierRange range, long curSeq) {
        if (range.event() == MmuNotifierRange.Event.MIGRATE && range.owner() == device) {
            // Its own migrations are handled as part of the migration.
            return true;
        }
        MmuNotifiers.setSeq(n, curSeq);
        // xa_for_each_range(start >> PAGE_SHIFT, end >> PAGE_SHIFT) includes the index of end.
        long first = range.start() >>> 12;
        long lastIndex = range.end() >>> 12;
        if (lastIndex - first > pt.size()) {
            pt.keySet().removeIf(k -> k >= first && k <= lastIndex);
        } else {
            for (long k = first; k <= lastIndex; k++) {
                pt.remove(k);
            }
        }
        return true;
    }

    // --- READ / WRITE ------------------------------------------------------------------------

    /** HMM_DMIRROR_READ (dmirror_read). */
    public Cmd read(long addr, long npages) {
        Cmd c = new Cmd();
        long end = addr + (npages << 12);
        c.mirror = new long[(int) npages];
        long start = addr;
        while (true) {
            int ret = doRead(addr, start, end, c);
            if (ret != -Errno.ENOENT) {
                c.rc = ret;
                break;
            }
            start = addr + (c.cpages << 12);
            ret = fault(start, end, false, c);
            if (ret != 0) {
                c.rc = ret;
                break;
            }
            c.faults++;
        }
        return c;
    }

    /** HMM_DMIRROR_WRITE (dmirror_write): the device writes values.valueAt(i) into page i. */
    public Cmd write(long addr, long npages, java.util.function.LongUnaryOperator values) {
        Cmd c = new Cmd();
        long end = addr + (npages << 12);
        long start = addr;
        while (true) {
            int ret = doWrite(addr, start, end, values, c);
            if (ret != -Errno.ENOENT) {
                c.rc = ret;
                break;
            }
            start = addr + (c.cpages << 12);
            ret = fault(start, end, true, c);
            if (ret != 0) {
                c.rc = ret;
                break;
            }
            c.faults++;
        }
        return c;
    }

    /** dmirror_do_read: -ENOENT at the first page the mirror does not map. */
    private int doRead(long base, long start, long end, Cmd c) {
        for (long a = start; a < end; a += 4096) {
            Entry e = pt.get(a >>> 12);
            if (e == null) {
                return -Errno.ENOENT;
            }
            c.mirror[(int) ((a - base) >>> 12)] = e.page().data(e.index());
            c.cpages++;
        }
        return 0;
    }

    /** dmirror_do_write: -ENOENT at the first page the mirror does not map writable. */
    private int doWrite(long base, long start, long end, java.util.function.LongUnaryOperator values, Cmd c) {
        for (long a = start; a < end; a += 4096) {
            Entry e = pt.get(a >>> 12);
            if (e == null || e.tag() != TAG_WRITE) {
                return -Errno.ENOENT;
            }
            e.page().setData(e.index(), values.applyAsLong((a - base) >>> 12));
            c.cpages++;
        }
        return 0;
    }

    /** dmirror_fault: hmm_range_fault over 64 pages at a time, requesting a fault (and write). */
    private int fault(long start, long end, boolean write, Cmd c) {
        for (long a = start; a < end;) {
            long next = Math.min(a + ((long) CHUNK << 12), end);
            HmmRange range = new HmmRange(a, next);
            range.notifier = notifier;
            range.defaultFlags = HmmPfn.REQ_FAULT | (write ? HmmPfn.REQ_WRITE : 0);
            range.pfnFlagsMask = 0;
            range.devPrivateOwner = device;
            int ret = rangeFault(range, c);
            if (ret != 0) {
                return ret;
            }
            ret = doFault(range, c);
            if (ret != 0) {
                return ret;
            }
            a = next;
        }
        return 0;
    }

    /** dmirror_range_fault: read_begin, hmm_range_fault (again on -EBUSY), read_retry (again if it moved). */
    private int rangeFault(HmmRange range, Cmd c) {
        for (int tries = 0; tries < MAX_TRIES; tries++) {
            range.notifierSeq = mm.notifiers().readBegin(notifier).seq();
            c.rangeFaults++;
            HmmRangeFault.Result r = HmmRangeFault.run(mm, range);
            c.cpuFaults += r.faults();
            addNotes(c, r.notes());
            if (r.rc() != 0) {
                if (r.rc() == -Errno.EBUSY) {
                    continue;
                }
                return r.rc();
            }
            runRace(c);
            if (MmuNotifiers.readRetry(notifier, range.notifierSeq)) {
                c.retries++;
                c.notes.add(String.format(Locale.ROOT,
                        "mmu_interval_read_retry: sequence %d -> %d, an invalidation ran since read_begin: the range %#x-%#x is faulted again",
                        range.notifierSeq, notifier.invalidateSeq(), range.start, range.end));
                continue;
            }
            return 0;
        }
        c.notes.add("HMM_RANGE_DEFAULT_TIMEOUT expired: -EBUSY");
        return -Errno.EBUSY;
    }

    private void runRace(Cmd c) {
        Runnable r = race;
        if (r != null) {
            race = null;
            c.notes.add("concurrently, between hmm_range_fault() and mmu_interval_read_retry(): " + raceText);
            r.run();
        }
    }

    private static void addNotes(Cmd c, List<String> notes) {
        for (String n : notes) {
            if (c.notes.size() < 64 && !c.notes.contains(n)) {
                c.notes.add(n);
            }
        }
    }

    /** dmirror_do_fault: store the pages hmm_range_fault returned, tagged WRITE when writable. */
    private int doFault(HmmRange range, Cmd c) {
        for (int i = 0; i < range.npages(); i++) {
            long p = range.hmmPfns[i];
            Folio page = range.pages[i];
            if ((p & HmmPfn.ERROR) != 0 || (p & HmmPfn.VALID) == 0 || page == null) {
                c.notes.add("dmirror_do_fault: WARN_ON: hmm_range_fault returned an entry without a page");
                continue;
            }
            int tag = 0;
            if ((p & HmmPfn.WRITE) != 0) {
                tag = TAG_WRITE;
            } else if ((range.defaultFlags & HmmPfn.WRITE) != 0) {
                c.notes.add("dmirror_do_fault: a write was requested and the entry is read-only: -EFAULT");
                return -Errno.EFAULT;
            }
            pt.put((range.start >>> 12) + i, new Entry(page, range.pageIndex[i], tag));
        }
        return 0;
    }

    // --- migration ---------------------------------------------------------------------------

    /** HMM_DMIRROR_MIGRATE_TO_DEV (dmirror_migrate_to_device), then dmirror_do_read for cpages. */
    public Cmd migrateToDevice(long addr, long npages) {
        Cmd c = new Cmd();
        long end = addr + (npages << 12);
        for (long a = addr; a < end;) {
            SimVma vma = mm.vma(a);
            if (vma == null || !vma.has(VmFlag.READ)) {
                c.rc = -Errno.EINVAL;
                c.notes.add(String.format(Locale.ROOT, "dmirror_migrate_to_device: no readable VMA at %#x: -EINVAL", a));
                return c;
            }
            long next = Math.min(end, Math.min(a + ((long) CHUNK << 12), vma.end()));
            MigrateVma args = new MigrateVma(mm, vma, a, next, device, MigrateVma.SELECT_SYSTEM, null);
            int ret = args.setup();
            c.notes.addAll(args.notes());
            if (ret != 0) {
                c.rc = ret;
                return c;
            }
            allocAndCopyToDevice(args, vma);
            args.pages();
            finalizeAndMap(args);
            args.migrateFinalize();
            a = next;
        }
        c.mirror = new long[(int) npages];
        c.rc = doRead(addr, addr, end, c);
        if (c.rc == -Errno.ENOENT) {
            c.notes.add(String.format(Locale.ROOT,
                    "dmirror_do_read: page %#x did not move to the device (not selected by migrate_vma: shared, file-backed,"
                            + " or another device's memory): -ENOENT", addr + (c.cpages << 12)));
        }
        return c;
    }

    /** dmirror_migrate_alloc_and_copy. */
    private void allocAndCopyToDevice(MigrateVma args, SimVma vma) {
        for (int i = 0; i < args.npages(); i++) {
            if ((args.src[i] & MigrateVma.PFN_MIGRATE) == 0) {
                continue;
            }
            Folio spage = args.srcPage(i);
            if (spage != null && spage.isZoneDevice()) {
                continue;
            }
            Folio dpage = device.allocate();
            if (dpage == null) {
                continue;
            }
            dpage.setData(0, spage == null ? 0 : spage.data(args.srcIndex(i)));
            dpage.setZoneDeviceData(this);
            boolean write = (args.src[i] & MigrateVma.PFN_WRITE) != 0 || spage == null && vma.has(VmFlag.WRITE);
            args.setDst(i, dpage, write);
        }
    }

    /** dmirror_migrate_finalize_and_map: the device maps what moved. */
    private void finalizeAndMap(MigrateVma args) {
        for (int i = 0; i < args.npages(); i++) {
            if ((args.src[i] & MigrateVma.PFN_MIGRATE) == 0) {
                continue;
            }
            Folio dpage = args.dstPage(i);
            if (dpage == null) {
                continue;
            }
            int tag = (args.dst[i] & MigrateVma.PFN_WRITE) != 0 ? TAG_WRITE : 0;
            pt.put((args.start >>> 12) + i, new Entry(dpage, 0, tag));
        }
    }

    /** HMM_DMIRROR_MIGRATE_TO_SYS (dmirror_migrate_to_system). */
    public Cmd migrateToSystem(long addr, long npages) {
        Cmd c = new Cmd();
        long end = addr + (npages << 12);
        for (long a = addr; a < end;) {
            SimVma vma = mm.vma(a);
            if (vma == null || !vma.has(VmFlag.READ)) {
                c.rc = -Errno.EINVAL;
                return c;
            }
            long next = Math.min(end, Math.min(a + ((long) CHUNK << 12), vma.end()));
            MigrateVma args = new MigrateVma(mm, vma, a, next, device, device.selectFlag(), null);
            int ret = args.setup();
            c.notes.addAll(args.notes());
            if (ret != 0) {
                c.rc = ret;
                return c;
            }
            allocAndCopyToSystem(args, this, mm);
            args.pages();
            c.cpages += args.migrated();
            args.migrateFinalize();
            a = next;
        }
        return c;
    }

    /** dmirror_devmem_fault_alloc_and_copy: a system page for each device page, erased from the mirror. */
    static void allocAndCopyToSystem(MigrateVma args, @Nullable Dmirror mirror, Mm mm) {
        for (int i = 0; i < args.npages(); i++) {
            Folio spage = args.srcPage(i);
            if (spage == null || (args.src[i] & MigrateVma.PFN_MIGRATE) == 0 || !spage.isZoneDevice()) {
                continue;
            }
            Folio dpage = mm.machine().allocRam(0).setAnon(true);
            if (mirror != null) {
                mirror.pt.remove((args.start >>> 12) + i);
            }
            dpage.setData(0, spage.data(args.srcIndex(i)));
            args.setDst(i, dpage, (args.src[i] & MigrateVma.PFN_WRITE) != 0);
        }
    }

    // --- exclusive access --------------------------------------------------------------------

    /**
     * HMM_DMIRROR_EXCLUSIVE (dmirror_exclusive): make_device_exclusive() on each page (faulted in
     * for write like GUP with FOLL_WRITE; anonymous pages only), the page mapped ATOMIC in the
     * mirror; then dmirror_do_read for cpages.
     */
    public Cmd exclusive(long addr, long npages) {
        Cmd c = new Cmd();
        long end = addr + (npages << 12);
        for (long a = addr; a < end; a += 4096) {
            SimVma vma = mm.vma(a);
            if (vma == null || !vma.has(VmFlag.WRITE)) {
                c.rc = -Errno.EFAULT;
                c.notes.add(String.format(Locale.ROOT, "make_device_exclusive: GUP for write fails at %#x: -EFAULT", a));
                return c;
            }
            if (mm.handleMmFault(vma, a, true) != Mm.FAULT_OK) {
                c.rc = -Errno.EFAULT;
                return c;
            }
            Pte p = mm.pte(a);
            if (!p.folio().anon() || p.folio().hugetlb()) {
                c.rc = -Errno.EOPNOTSUPP;
                c.notes.add(String.format(Locale.ROOT, "make_device_exclusive: %#x is not anonymous memory: -EOPNOTSUPP", a));
                return c;
            }
            if (p.level() == 9) {
                long block = a & ~((2L << 20) - 1);
                for (int k = 0; k < 512; k++) {
                    Pte q = mm.pte(block + ((long) k << 12));
                    if (q != null && q.level() == 9) {
                        mm.setPte(block + ((long) k << 12), q.withLevel(0));
                    }
                }
                p = mm.pte(a);
            }
            mm.invalidate(MmuNotifierRange.Event.EXCLUSIVE, a, a + 4096, null);
            mm.setPte(a, p.withKind(Pte.Kind.DEVICE_EXCLUSIVE));
            pt.put(a >>> 12, new Entry(p.folio(), p.index(), TAG_ATOMIC));
        }
        c.mirror = new long[(int) npages];
        c.rc = doRead(addr, addr, end, c);
        return c;
    }

    /** HMM_DMIRROR_CHECK_EXCLUSIVE (dmirror_check_atomic): -EPERM while a page is still mapped ATOMIC. */
    public Cmd checkExclusive(long addr, long npages) {
        Cmd c = new Cmd();
        for (long k = 0; k < npages; k++) {
            Entry e = pt.get((addr >>> 12) + k);
            if (e != null && e.tag() == TAG_ATOMIC) {
                c.rc = -Errno.EPERM;
                c.notes.add(String.format(Locale.ROOT, "dmirror_check_atomic: %#x is still mapped for atomic access: -EPERM",
                        addr + (k << 12)));
                return c;
            }
        }
        return c;
    }

    // --- snapshot ----------------------------------------------------------------------------

    /** HMM_DMIRROR_SNAPSHOT (dmirror_snapshot and dmirror_range_snapshot). */
    public Cmd snapshot(long addr, long npages) {
        Cmd c = new Cmd();
        long end = addr + (npages << 12);
        c.perm = new int[(int) npages];
        for (long a = addr; a < end;) {
            long next = Math.min(a + ((long) CHUNK << 12), end);
            HmmRange range = new HmmRange(a, next);
            range.devPrivateOwner = device;
            IntervalNotifier temp = mm.notifiers().insert(name + "-snapshot", mm, a, next - a, (n, r, seq) -> {
                MmuNotifiers.setSeq(n, seq);
                return true;
            });
            range.notifier = temp;
            int ret = -Errno.EBUSY;
            try {
                for (int tries = 0; tries < MAX_TRIES; tries++) {
                    range.notifierSeq = mm.notifiers().readBegin(temp).seq();
                    c.rangeFaults++;
                    HmmRangeFault.Result r = HmmRangeFault.run(mm, range);
                    addNotes(c, r.notes());
                    ret = r.rc();
                    if (ret == -Errno.EBUSY) {
                        continue;
                    }
                    if (ret != 0) {
                        break;
                    }
                    runRace(c);
                    if (MmuNotifiers.readRetry(temp, range.notifierSeq)) {
                        c.retries++;
                        ret = -Errno.EBUSY;
                        continue;
                    }
                    break;
                }
            } finally {
                mm.notifiers().remove(temp);
            }
            if (ret != 0) {
                c.rc = ret;
                return c;
            }
            for (int i = 0; i < range.npages(); i++) {
                c.perm[(int) (((a - addr) >>> 12) + i)] = mkentry(range.hmmPfns[i], range.pages[i]);
            }
            c.cpages += range.npages();
            a = next;
        }
        return c;
    }

    /** dmirror_mkentry: one HMM_DMIRROR_PROT_* byte from an output entry. */
    int mkentry(long entry, @Nullable Folio page) {
        if ((entry & HmmPfn.ERROR) != 0) {
            return PROT_ERROR;
        }
        if ((entry & HmmPfn.VALID) == 0 || page == null) {
            return PROT_NONE;
        }
        int perm;
        if (page.kind() == Folio.Kind.DEVICE_PRIVATE) {
            perm = page.pgmap() == device ? PROT_DEV_PRIVATE_LOCAL : PROT_DEV_PRIVATE_REMOTE;
        } else if (page.kind() == Folio.Kind.DEVICE_COHERENT) {
            perm = page.pgmap() == device ? PROT_DEV_COHERENT_LOCAL : PROT_DEV_COHERENT_REMOTE;
        } else if (page.isZero() && page.order() == 0) {
            perm = PROT_ZERO;
        } else {
            perm = PROT_NONE;
        }
        perm |= (entry & HmmPfn.WRITE) != 0 ? PROT_WRITE : PROT_READ;
        int order = HmmPfn.mapOrder(entry);
        if (order == 9) {
            perm |= PROT_PMD;
        } else if (order == 18) {
            perm |= PROT_PUD;
        }
        return perm;
    }

    /** Permission bytes as the outcome prints them: two hex digits each, runs as "02*1024". */
    public static String formatPerm(int[] perm) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < perm.length) {
            int j = i;
            while (j < perm.length && perm[j] == perm[i]) {
                j++;
            }
            String b = String.format(Locale.ROOT, "%02x", perm[i]);
            parts.add(j - i > 1 ? b + "*" + (j - i) : b);
            i = j;
        }
        return String.join(",", parts);
    }
}
