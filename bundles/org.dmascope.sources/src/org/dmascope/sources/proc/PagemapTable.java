package org.dmascope.sources.proc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageTable;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.PhysicalMemoryMap.Kind;
import org.dmascope.core.memory.PhysicalMemoryMap.Range;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.RunMerger;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.eclipse.jdt.annotation.Nullable;

/**
 * A live process's page table, read from {@code /proc/PID/pagemap} each time it is walked
 * ({@code pagemap_read()} in fs/proc/task_mmu.c), with {@code /proc/kpageflags} for the PFNs when
 * it can be read.
 *
 * <p>A walk reads pagemap in blocks of {@value #BLOCK_PAGES} entries (512 KiB, one pread each) and
 * streams runs to the sink: pages with contiguous PFNs and the same state become one run, pages
 * that are not present one run per stretch, so the memory a walk takes does not grow with the
 * range. Addresses outside the VMAs this table was read with are reported not present without
 * reading pagemap (the kernel reports holes so too); a 128 TiB walk across the address space
 * reads only the VMAs.
 *
 * <p>Page state: pagemap gives PRESENT, SWAPPED, FILE_OR_SHARED, EXCLUSIVE and SOFT_DIRTY
 * ({@link Pagemap#pageFlags}). Swapped pages carry no PFN ({@link RunSink#NO_PFN}); their swap
 * entry is not reported. A present page whose PFN reads as 0 has its PFN hidden (the kernel
 * zeroes PFNs for readers without CAP_SYS_ADMIN since 4.2; PFN 0 itself is never a user page):
 * it gets {@link PageFlags#PFN_HIDDEN} and no PFN, and keeps its other bits. kpageflags, read
 * for the PFNs of each block in a few large reads, adds THP, HUGETLB, ZERO_PAGE, MLOCKED and
 * NO_STRUCT_PAGE ({@link KPageFlags#pageFlags}). The VMA adds HUGETLB for hugetlb VMAs and
 * MLOCKED for VM_LOCKED ones. The physical memory map, when one is given, marks ZONE_DEVICE
 * PFNs (ZONE_DEVICE, DEVICE_PRIVATE, and the range's index as pgmap) and PCI BAR PFNs
 * (NO_STRUCT_PAGE); kpageflags' NOPAGE, which ZONE_DEVICE pages also show, is dropped for PFNs
 * in ZONE_DEVICE ranges.
 *
 * <p>Page shift: 12, but the VMA's KernelPageSize for hugetlb VMAs (21 for 2 MiB, 30 for 1 GiB),
 * and 21 for a THP mapped by a PMD. pagemap does not say how a page is mapped, so a THP counts
 * as PMD-mapped when it fills a 2 MiB-aligned stretch of virtual addresses inside the VMA with
 * 512 present pages of contiguous PFNs starting at a 512-aligned PFN, the first a compound head
 * and the others compound tails, all with THP in kpageflags and the same pagemap bits. A THP
 * that the kernel maps with 512 PTEs without splitting it passes the same test; smaller large
 * folios (mTHP) and parts of THPs keep 12. Without kpageflags, or with PFNs hidden, THPs are not
 * recognised at all.
 *
 * <p>Errors: a process that has exited (no /proc/PID, a zombie, pagemap reading nothing where
 * the process had memory, ESRCH, or the PID reused by a process started later) fails the walk
 * with a message naming the PID, the file and the address; the runs up to that address have
 * already been sent to the sink. No permission fails it naming the file and "permission denied
 * (ptrace access mode)".
 */
public final class PagemapTable implements PageTable {

    /** The message when PFNs are hidden. */
    public static final String PFNS_HIDDEN = "PFNs hidden: pagemap shows PFN 0 without CAP_SYS_ADMIN";
    /** The message when kpageflags cannot be read. */
    public static final String NO_KPAGEFLAGS =
            "kpageflags not readable: THP, zero and hugetlb pages are known only from the VMAs";
    /** Pagemap entries read at once (512 KiB): a multiple of 512, so a 2 MiB stretch never spans two reads. */
    public static final int BLOCK_PAGES = 64 * 1024;
    // Runs handed on together (RunSink.runs).
    private static final int BATCH_RUNS = 256;

    private static final int PAGE_SHIFT = 12;
    private static final long PAGE_MASK = (1L << PAGE_SHIFT) - 1;
    private static final int PMD_SHIFT = 21;
    private static final int PMD_PAGES = 1 << (PMD_SHIFT - PAGE_SHIFT);
    private static final long PMD_MASK = (1L << PMD_SHIFT) - 1;
    private static final long BLOCK_BYTES = (long) BLOCK_PAGES << PAGE_SHIFT;
    // kpageflags: read across gaps of up to this many entries rather than issue another read. The
    // kernel spends about 0.2 us per kpageflags entry and 2.5 us per read (measured on a 2-core VM):
    // a read costs as much as about 13 entries.
    private static final int KPF_GAP = 16;

    private final Path procRoot;
    private final int pid;
    private final List<Vma> vmas;
    private final long startTime;
    private final PhysicalMemoryMap physical;
    private final boolean kpageflagsReadable;
    private volatile boolean pfnsVisible;

    /**
     * A page table over a process's pagemap.
     *
     * @param procRoot          the /proc folder (another one for tests)
     * @param pid               the process
     * @param vmas              its VMAs as read with it, sorted
     * @param startTime         its start time (field 22 of /proc/PID/stat), -1 when unknown: a walk
     *                          refuses a process with the same PID and another start time
     * @param physical          the physical memory map, to mark ZONE_DEVICE and BAR PFNs
     * @param readerSysAdmin    whether the reader has CAP_SYS_ADMIN: the first guess of
     *                          {@link #pfnsVisible()}, until a walk sees a present page
     */
    PagemapTable(Path procRoot, int pid, List<Vma> vmas, long startTime, PhysicalMemoryMap physical,
            boolean readerSysAdmin) {
        this.procRoot = procRoot;
        this.pid = pid;
        this.vmas = List.copyOf(vmas);
        this.startTime = startTime;
        this.physical = physical;
        this.kpageflagsReadable = Files.isReadable(procRoot.resolve("kpageflags"));
        this.pfnsVisible = readerSysAdmin;
    }

    /** The process. */
    public int pid() {
        return pid;
    }

    /** The pagemap file read. */
    public Path pagemapFile() {
        return procRoot.resolve(Integer.toString(pid)).resolve("pagemap");
    }

    /**
     * Whether pagemap shows PFNs to this reader: the reader's CAP_SYS_ADMIN until a walk has seen
     * a present page, then what the last such walk saw (a present page with PFN 0 means hidden).
     */
    public boolean pfnsVisible() {
        return pfnsVisible;
    }

    /** Whether /proc/kpageflags can be read (root only). */
    public boolean kpageflagsReadable() {
        return kpageflagsReadable;
    }

    /** What this table cannot tell, in words: {@link #PFNS_HIDDEN}, {@link #NO_KPAGEFLAGS}. */
    public List<String> notes() {
        List<String> out = new ArrayList<>();
        if (!pfnsVisible) {
            out.add(PFNS_HIDDEN);
        }
        if (!kpageflagsReadable) {
            out.add(NO_KPAGEFLAGS);
        }
        return out;
    }

    /**
     * Reads [start, end) from pagemap and reports its runs.
     *
     * @throws IllegalArgumentException when start or end is not page aligned or end is below start
     * @throws MemoryReadException      when the process has exited or may not be read; the runs
     *                                  before the failing address have been reported
     */
    @Override
    public void walk(long start, long end, RunSink sink) throws MemoryReadException {
        if ((start & PAGE_MASK) != 0 || (end & PAGE_MASK) != 0 || Long.compareUnsigned(start, end) > 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "not a page-aligned range: %#x-%#x", start, end));
        }
        if (start == end) {
            return;
        }
        try (Walk w = new Walk(sink, start, end)) {
            try {
                w.run(start, end);
            } catch (MemoryReadException e) {
                // What was read before the failure still reaches the sink.
                w.handOn();
                throw e;
            } finally {
                if (w.sawPresent) {
                    pfnsVisible = !w.sawHidden;
                }
            }
            // (When the sink throws, it has stopped the walk: nothing more reaches it.)
            w.handOn();
        }
    }

    private String hex(long address) {
        return String.format(Locale.ROOT, "%#x", address);
    }

    private MemoryReadException exited(Path file, long address) {
        return new MemoryReadException("process " + pid + " exited while reading " + file + " at " + hex(address));
    }

    // Whether the process is gone: no /proc/PID, a zombie, or another process with its PID.
    private boolean gone() {
        Path dir = procRoot.resolve(Integer.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"));
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state == 'Z' || state == 'X' || startTime >= 0 && ProcMemory.startTime(stat) != startTime;
        } catch (IOException | RuntimeException e) {
            return !Files.isDirectory(dir);
        }
    }

    // VMAs are sorted and do not overlap: binary search for the first that ends after the address.
    private int firstVmaEndingAfter(long address) {
        int lo = 0;
        int hi = vmas.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(vmas.get(mid).end(), address) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** One walk: its files, buffers and the run being built. */
    private final class Walk implements AutoCloseable {

        private final RunMerger merger;
        // Runs go to the sink in batches: a long-term pin passes a batch of ordinary pages on whole.
        private final RunBatch batch;
        private final Path pagemap = pagemapFile();
        private @Nullable FileChannel pagemapChannel;
        private @Nullable FileChannel kpfChannel;
        // Buffers for one block, no larger than the walk needs (a small walk stays small).
        private final ByteBuffer buffer;
        private final long[] entry;
        private final long[] pfn;
        private final int[] flags;
        private final long[] kpf;
        private final int[] pgmap;
        private final byte[] shift;
        private final long[] sorted;
        private final long[] sortedKpf;
        private int uniqueCount;
        private @Nullable IOException readError;
        private boolean sawPresent;
        private boolean sawHidden;
        // The physical range of the last PFN looked up, and where that answer stops holding.
        private long physFirst = 1;
        private long physEnd = 0;
        private @Nullable Range physRange;

        Walk(RunSink sink, long start, long end) {
            this.batch = new RunBatch(BATCH_RUNS, sink);
            this.merger = new RunMerger(batch);
            long pages = (end - start) >>> PAGE_SHIFT;
            // The range, plus the 2 MiB stretches around its ends read to tell THPs.
            int n = (int) Math.min(BLOCK_PAGES, pages + 2L * PMD_PAGES);
            buffer = ByteBuffer.allocateDirect(n * Pagemap.ENTRY_BYTES).order(ByteOrder.nativeOrder());
            entry = new long[n];
            pfn = new long[n];
            flags = new int[n];
            kpf = new long[n];
            pgmap = new int[n];
            shift = new byte[n];
            sorted = new long[n];
            sortedKpf = new long[n];
        }

        void run(long start, long end) throws MemoryReadException {
            open(start);
            long cursor = start;
            for (int vi = firstVmaEndingAfter(start); vi < vmas.size(); vi++) {
                Vma v = vmas.get(vi);
                if (Long.compareUnsigned(v.start(), end) >= 0) {
                    break;
                }
                if (Long.compareUnsigned(cursor, v.start()) < 0) {
                    merger.run(cursor, RunSink.NO_PFN, (v.start() - cursor) >>> PAGE_SHIFT, 0, PAGE_SHIFT, -1);
                    cursor = v.start();
                }
                long segEnd = Long.compareUnsigned(v.end(), end) < 0 ? v.end() : end;
                walkVma(v, cursor, segEnd);
                cursor = segEnd;
            }
            if (Long.compareUnsigned(cursor, end) < 0) {
                merger.run(cursor, RunSink.NO_PFN, (end - cursor) >>> PAGE_SHIFT, 0, PAGE_SHIFT, -1);
            }
        }

        private void open(long start) throws MemoryReadException {
            try {
                pagemapChannel = FileChannel.open(pagemap, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                throw exited(pagemap, start);
            } catch (AccessDeniedException e) {
                throw new MemoryReadException("cannot read " + pagemap + ": permission denied (ptrace access mode)", e);
            } catch (IOException e) {
                throw failure(pagemap, start, e);
            }
            // Opened: make sure it is still the process that was read (and not a new one with its PID).
            if (startTime >= 0) {
                Path stat = procRoot.resolve(Integer.toString(pid)).resolve("stat");
                long now;
                try {
                    now = ProcMemory.startTime(Files.readString(stat));
                } catch (IOException e) {
                    throw exited(pagemap, start);
                }
                if (now != startTime) {
                    throw new MemoryReadException(exited(pagemap, start).getMessage() + " (PID " + pid
                            + " now belongs to a process started later)");
                }
            }
        }

        private MemoryReadException failure(Path file, long address, IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("No such process") || gone()) {
                return new MemoryReadException(exited(file, address).getMessage(), e);
            }
            if (e instanceof AccessDeniedException || m.contains("Permission denied")) {
                return new MemoryReadException("cannot read " + file + ": permission denied (ptrace access mode)", e);
            }
            return new MemoryReadException("cannot read " + file + " at " + hex(address) + ": " + m, e);
        }

        // Hands on the run being built and the batch.
        void handOn() {
            merger.flush();
            batch.flush();
        }

        private void walkVma(Vma v, long s, long e) throws MemoryReadException {
            int hugeShift = v.pageSize() > (1L << PAGE_SHIFT) ? Long.numberOfTrailingZeros(v.pageSize()) : 0;
            boolean thpPossible = hugeShift == 0 && kpageflagsReadable;
            // To tell a PMD-mapped THP, read the whole 2 MiB stretches the range touches (within the VMA).
            long readStart = s;
            long readEnd = e;
            if (thpPossible) {
                long down = s & ~PMD_MASK;
                readStart = Long.compareUnsigned(down, v.start()) < 0 ? s : down;
                long up = (e + PMD_MASK) & ~PMD_MASK;
                readEnd = up == 0 || Long.compareUnsigned(up, v.end()) > 0 ? e : up;
            }
            long a = readStart;
            while (Long.compareUnsigned(a, readEnd) < 0) {
                long blockEnd = (a & -BLOCK_BYTES) + BLOCK_BYTES;
                long b = blockEnd == 0 || Long.compareUnsigned(blockEnd, readEnd) > 0 ? readEnd : blockEnd;
                if (Long.compareUnsigned(b - a, (long) entry.length << PAGE_SHIFT) > 0) {
                    b = a + ((long) entry.length << PAGE_SHIFT);
                }
                int n = (int) ((b - a) >>> PAGE_SHIFT);
                int got = readPagemap(a, n);
                // pagemap reads nothing once the process has no mm (and past the top of the user
                // address space, [vsyscall], where the pages then are not present).
                IOException error = readError;
                boolean exited = got < n && (error != null || gone());
                int valid = exited ? got : n;
                if (nothingMapped(valid)) {
                    emitNotPresent(a, valid, s, e, hugeShift != 0 ? hugeShift : PAGE_SHIFT);
                } else {
                    decode(v, a, valid, hugeShift, thpPossible);
                    emit(a, valid, s, e);
                }
                if (exited) {
                    throw error != null ? failure(pagemap, a + ((long) got << PAGE_SHIFT), error)
                            : exited(pagemap, a + ((long) got << PAGE_SHIFT));
                }
                a = b;
            }
        }

        // Reads n entries from the one for address; returns how many came (the rest read as 0).
        private int readPagemap(long address, int n) {
            FileChannel ch = pagemapChannel;
            readError = null;
            buffer.clear().limit(n * Pagemap.ENTRY_BYTES);
            long position = (address >>> PAGE_SHIFT) * Pagemap.ENTRY_BYTES;
            try {
                while (buffer.hasRemaining()) {
                    int got = ch.read(buffer, position + buffer.position());
                    if (got <= 0) {
                        break;
                    }
                }
            } catch (IOException e) {
                readError = e;
            }
            int got = buffer.position() / Pagemap.ENTRY_BYTES;
            buffer.flip();
            buffer.asLongBuffer().get(entry, 0, got);
            Arrays.fill(entry, got, n, 0L);
            return got;
        }

        // Whether the first n entries are all 0: untouched memory, the common case of large ranges.
        private boolean nothingMapped(int n) {
            for (int i = 0; i < n; i++) {
                if (entry[i] != 0) {
                    return false;
                }
            }
            return true;
        }

        private void decode(Vma v, long address, int n, int hugeShift, boolean thpPossible)
                throws MemoryReadException {
            int vmaFlags = v.has(VmFlag.LOCKED) ? PageFlags.MLOCKED : 0;
            if (hugeShift != 0) {
                vmaFlags |= PageFlags.HUGETLB;
            }
            byte pageShift = (byte) (hugeShift != 0 ? hugeShift : PAGE_SHIFT);
            int visible = 0;
            for (int i = 0; i < n; i++) {
                long en = entry[i];
                int f = Pagemap.pageFlags(en);
                long p = RunSink.NO_PFN;
                if ((f & PageFlags.PRESENT) != 0) {
                    sawPresent = true;
                    f |= vmaFlags;
                    long field = Pagemap.pfnField(en);
                    if (field == 0) {
                        f |= PageFlags.PFN_HIDDEN;
                        sawHidden = true;
                    } else {
                        p = field;
                        sorted[visible++] = field;
                    }
                }
                pfn[i] = p;
                flags[i] = f;
                kpf[i] = 0;
                pgmap[i] = -1;
                shift[i] = pageShift;
            }
            if (visible > 0 && kpageflagsReadable) {
                readKpageflags(visible, address);
                for (int i = 0; i < n; i++) {
                    if (pfn[i] != RunSink.NO_PFN) {
                        int at = Arrays.binarySearch(sorted, 0, uniqueCount, pfn[i]);
                        kpf[i] = sortedKpf[at];
                        flags[i] |= KPageFlags.pageFlags(kpf[i]);
                    }
                }
            }
            if (!physical.ranges().isEmpty()) {
                for (int i = 0; i < n; i++) {
                    if (pfn[i] != RunSink.NO_PFN) {
                        classify(i);
                    }
                }
            }
            if (thpPossible) {
                markPmdThps(address, n);
            }
        }

        // Sorts the block's PFNs and reads their kpageflags, several PFNs per read where they lie close.
        private void readKpageflags(int count, long address) throws MemoryReadException {
            Arrays.sort(sorted, 0, count);
            int m = 0;
            for (int i = 0; i < count; i++) {
                if (m == 0 || sorted[m - 1] != sorted[i]) {
                    sorted[m++] = sorted[i];
                }
            }
            uniqueCount = m;
            Path file = procRoot.resolve("kpageflags");
            try {
                if (kpfChannel == null) {
                    kpfChannel = FileChannel.open(file, StandardOpenOption.READ);
                }
                FileChannel ch = kpfChannel;
                int i = 0;
                while (i < m) {
                    int j = i + 1;
                    while (j < m && sorted[j] - sorted[j - 1] <= KPF_GAP && sorted[j] - sorted[i] < entry.length) {
                        j++;
                    }
                    long first = sorted[i];
                    int span = (int) (sorted[j - 1] - first + 1);
                    buffer.clear().limit(span * KPageFlags.ENTRY_BYTES);
                    while (buffer.hasRemaining()) {
                        int got = ch.read(buffer, first * KPageFlags.ENTRY_BYTES + buffer.position());
                        if (got <= 0) {
                            break; // past the last PFN with a struct page
                        }
                    }
                    int got = buffer.position() / KPageFlags.ENTRY_BYTES;
                    for (int k = i; k < j; k++) {
                        int off = (int) (sorted[k] - first);
                        sortedKpf[k] = off < got ? buffer.getLong(off * KPageFlags.ENTRY_BYTES) : 1L << KPageFlags.NOPAGE;
                    }
                    i = j;
                }
            } catch (IOException e) {
                throw new MemoryReadException("cannot read " + file + " for the pages of " + pagemap + " at "
                        + hex(address) + ": " + e.getMessage(), e);
            }
        }

        private void classify(int i) {
            long p = pfn[i];
            if (Long.compareUnsigned(p, physFirst) < 0 || Long.compareUnsigned(p, physEnd) >= 0) {
                Optional<Range> r = physical.rangeOf(p);
                physRange = r.orElse(null);
                physFirst = r.isPresent() ? r.get().firstPfn() : p;
                physEnd = physical.sameKindEnd(p);
            }
            Range r = physRange;
            if (r == null) {
                return;
            }
            if (r.isZoneDevice()) {
                flags[i] = flags[i] & ~PageFlags.NO_STRUCT_PAGE | PageFlags.ZONE_DEVICE
                        | (r.kind() == Kind.DEVICE_PRIVATE ? PageFlags.DEVICE_PRIVATE : 0);
                pgmap[i] = r.index();
            } else if (r.kind() == Kind.PCI_BAR) {
                flags[i] |= PageFlags.NO_STRUCT_PAGE;
            }
        }

        // Gives shift 21 to each 2 MiB-aligned stretch that is one whole THP (see the class comment).
        private void markPmdThps(long address, int n) {
            int first = (int) ((((address + PMD_MASK) & ~PMD_MASK) - address) >>> PAGE_SHIFT);
            for (int g = first; g + PMD_PAGES <= n; g += PMD_PAGES) {
                long head = pfn[g];
                if (head == RunSink.NO_PFN || (head & (PMD_PAGES - 1)) != 0
                        || !KPageFlags.has(kpf[g], KPageFlags.THP) || !KPageFlags.has(kpf[g], KPageFlags.COMPOUND_HEAD)) {
                    continue;
                }
                boolean whole = true;
                for (int k = 1; k < PMD_PAGES && whole; k++) {
                    int i = g + k;
                    whole = pfn[i] == head + k && flags[i] == flags[g] && KPageFlags.has(kpf[i], KPageFlags.THP)
                            && KPageFlags.has(kpf[i], KPageFlags.COMPOUND_TAIL);
                }
                if (whole) {
                    Arrays.fill(shift, g, g + PMD_PAGES, (byte) PMD_SHIFT);
                }
            }
        }

        // Sends the pages of the block that lie in [s, e), a stretch of alike pages at a time.
        private void emit(long address, int n, long s, long e) {
            int from = first(address, s);
            int to = last(address, n, e);
            int i = from;
            while (i < to) {
                long p = pfn[i];
                int f = flags[i];
                byte sh = shift[i];
                int pg = pgmap[i];
                int j = i + 1;
                if (p == RunSink.NO_PFN) {
                    while (j < to && pfn[j] == RunSink.NO_PFN && flags[j] == f && shift[j] == sh && pgmap[j] == pg) {
                        j++;
                    }
                } else {
                    while (j < to && pfn[j] == p + (j - i) && flags[j] == f && shift[j] == sh && pgmap[j] == pg) {
                        j++;
                    }
                }
                merger.run(address + ((long) i << PAGE_SHIFT), p, j - i, f, sh, pg);
                i = j;
            }
        }

        private void emitNotPresent(long address, int n, long s, long e, int pageShift) {
            int from = first(address, s);
            int to = last(address, n, e);
            if (from < to) {
                merger.run(address + ((long) from << PAGE_SHIFT), RunSink.NO_PFN, to - from, 0, pageShift, -1);
            }
        }

        private int first(long address, long s) {
            return Long.compareUnsigned(s, address) > 0 ? (int) ((s - address) >>> PAGE_SHIFT) : 0;
        }

        private int last(long address, int n, long e) {
            long blockEnd = address + ((long) n << PAGE_SHIFT);
            return Long.compareUnsigned(e, blockEnd) < 0 ? (int) ((e - address) >>> PAGE_SHIFT) : n;
        }

        @Override
        public void close() {
            closeQuietly(pagemapChannel);
            closeQuietly(kpfChannel);
        }

        private void closeQuietly(@Nullable FileChannel ch) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // read-only /proc files: nothing was written that could be lost
                }
            }
        }
    }
}
