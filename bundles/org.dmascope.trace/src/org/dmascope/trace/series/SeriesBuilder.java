package org.dmascope.trace.series;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.LongPredicate;

import org.dmascope.core.chain.BestPageSize;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.trace.event.DmaBufMoveNotify;
import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.DmaMapSg;
import org.dmascope.trace.event.DmaUnmapPage;
import org.dmascope.trace.event.DmaUnmapSg;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.GpuDirectFreeCallback;
import org.dmascope.trace.event.GpuDirectGetPages;
import org.dmascope.trace.event.GpuDirectPutPages;
import org.dmascope.trace.event.MrDeregister;
import org.dmascope.trace.event.MrRegister;
import org.dmascope.trace.event.P2pTransfer;
import org.dmascope.trace.event.Pin;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.Unpin;
import org.dmascope.trace.state.TraceState;
import org.dmascope.trace.store.TraceReader;

/**
 * Builds the {@link TraceSeries} of a time range in one pass over the events, in file order:
 * the events before the range only move the levels (bytes mapped and pinned, P2P totals), those
 * in it are also counted into its buckets, and the pass ends at the first event after it. Not
 * thread-safe; one builder per pass.
 * <p>
 * What each series means, and how an event that does not name its backend is attributed:
 * <ul>
 * <li><b>Mapped bytes</b> per backend: the length of every live registered MR, by the MR's
 * backend (below), until it is deregistered, invalidated by a GPUDirect free callback, or its
 * process exits; and the bytes of live DMA API mappings (dma_map_page, the segments of
 * dma_map_sg) under {@value #DMA_API}, because the DMA tracepoints name the device and the
 * physical addresses but not whose memory it is. An ODP MR counts its registered extent: the
 * NIC can address all of it, its pages being faulted in on access. An implicit ODP MR (length
 * -1) counts nothing. On a kernel that traces both, an MR's own dma_map_sg is counted twice,
 * once per series.</li>
 * <li>The <b>backend of an MR</b>: {@value #ODP} when its access flags say on-demand;
 * {@value #GPUDIRECT} when it overlaps a mapping of a GPU device file ({@code /dev/nvidia*}) or
 * GPU pages of its process pinned by nvidia_p2p_get_pages; {@value #STRUCT_PAGE} when it lies
 * over another known mapping of its process (ib_umem_get pins those pages with
 * pin_user_pages); {@value #UNKNOWN} when the trace shows no mapping there.</li>
 * <li><b>Pinned bytes</b>: pin_user_pages (the pages pinned, {@link #PAGE_SIZE} each, struct
 * pages by definition) less unpin_user_pages per process, as {@link TraceState} counts them, under
 * {@value #STRUCT_PAGE}; GPU memory pinned by nvidia_p2p_get_pages until put_pages, the free
 * callback or the process's exit, under {@value #GPUDIRECT}.</li>
 * <li><b>Invalidations</b>: notifier invalidate begin, the GPUDirect free callback, dma-buf
 * move_notify, and each MR a free callback invalidated.</li>
 * <li><b>Segments and best page size</b> of each mapping made: dma_map_sg's mapped entries and
 * {@link #bestPageSize} (ib_umem_find_best_pgsz over them, as if an MR were registered at the
 * list's first DMA address), nvidia_p2p_get_pages' entries and GPU page size. An MR registration
 * event carries neither (its scatter list is traced, if at all, as its dma_map_sg).</li>
 * <li><b>P2P bytes</b> per path, the path being the transfer's initiator and target.</li>
 * </ul>
 */
public final class SeriesBuilder {

    /** Backend: struct page memory, pinned by pin_user_pages. */
    public static final String STRUCT_PAGE = "structpage";
    /** Backend: GPU memory reached through GPUDirect RDMA. */
    public static final String GPUDIRECT = "gpudirect";
    /** Backend: an on-demand-paging MR (HMM, mmu interval notifier). */
    public static final String ODP = "odp";
    /** Backend: nothing in the trace says. */
    public static final String UNKNOWN = "unknown";
    /** Mapped bytes of DMA API mappings, whose owner the tracepoints do not name. */
    public static final String DMA_API = "dma-api";

    /** The page size of pin_user_pages' counts (x86-64, arm64 with 4 KiB pages). */
    public static final long PAGE_SIZE = 4096;

    /**
     * The page sizes a device accepts for {@link #bestPageSize}: every power of two from 4 KiB,
     * as mlx5 mkeys do.
     */
    public static final long ANY_PAGE_SIZE = ~(PAGE_SIZE - 1);

    private static final int PROGRESS_EVERY = 4096;

    private final long from;
    private final long to;
    private final int buckets;
    private final long pgszBitmap;
    /** The mappings of each process, for {@link #backendOf}: only VMA and process events are applied. */
    private final TraceState state = new TraceState();

    private final Map<String, Level> mapped = new LinkedHashMap<>();
    private final Map<String, Level> pinned = new LinkedHashMap<>();
    private final Map<String, long[]> invalidations = new LinkedHashMap<>();
    private final Map<String, long[]> segments = new LinkedHashMap<>();
    private final Map<String, long[]> pageSizes = new LinkedHashMap<>();
    private final Map<String, long[]> p2p = new LinkedHashMap<>();
    private final Map<String, Long> p2pBefore = new LinkedHashMap<>();

    private final Map<MrKey, Mr> mrs = new LinkedHashMap<>();
    private final Map<Integer, Long> pinnedPages = new HashMap<>();
    private final Map<GpuKey, Long> gpuPinned = new LinkedHashMap<>();
    private final Map<DmaKey, Long> dma = new HashMap<>();
    private long events;
    private boolean ended;

    /**
     * @param from    start of the range, ns
     * @param to      end of the range, ns, after from
     * @param buckets number of buckets, positive
     */
    public SeriesBuilder(long from, long to, int buckets) {
        this(from, to, buckets, ANY_PAGE_SIZE);
    }

    /**
     * @param pgszBitmap the page sizes the device accepts, as ib_umem_find_best_pgsz's
     *                   {@code pgsz_bitmap}; must hold 4 KiB or a smaller page
     */
    public SeriesBuilder(long from, long to, int buckets, long pgszBitmap) {
        if (buckets <= 0) {
            throw new IllegalArgumentException("buckets must be positive: " + buckets);
        }
        if (to <= from) {
            throw new IllegalArgumentException("empty range [" + from + ", " + to + "]");
        }
        if ((pgszBitmap & (2 * PAGE_SIZE - 1)) == 0) {
            throw new IllegalArgumentException("the page sizes must include 4 KiB or smaller: " + Long.toHexString(pgszBitmap));
        }
        this.from = from;
        this.to = to;
        this.buckets = buckets;
        this.pgszBitmap = pgszBitmap;
    }

    /**
     * The series of a stored trace over [from, to]: one pass from its first event to the first
     * one after {@code to}, over the store's columns ({@link TraceReader#batches()}): a record is
     * made only for the events of a kind that feeds a series or changes a mapping.
     *
     * @param keepGoing told the events read so far every few thousand events; false cancels
     * @throws CancellationException when keepGoing said false
     * @throws IOException           when the store cannot be read (damaged chunks are skipped,
     *                               as the reader does)
     */
    public static TraceSeries compute(TraceReader reader, long from, long to, int buckets, LongPredicate keepGoing)
            throws IOException {
        SeriesBuilder b = new SeriesBuilder(from, to, buckets);
        TraceReader.Batch batch = reader.batches();
        List<TraceEvent> records = new ArrayList<>();
        chunks:
        while (batch.next()) {
            int n = batch.size();
            // the records of the kinds that feed a series, made before any is taken, so that a
            // chunk whose fields do not decode is skipped whole, as events() skips it
            records.clear();
            try {
                for (int i = 0; i < n && batch.ts(i) <= to; i++) {
                    if (NEEDS_RECORD.contains(batch.type(i))) {
                        records.add(batch.event(i));
                    }
                }
            } catch (IOException damaged) {
                continue; // recorded in the reader's damage(), as events() records it
            }
            int next = 0;
            for (int i = 0; i < n; i++) {
                boolean more = NEEDS_RECORD.contains(batch.type(i)) && batch.ts(i) <= to ? b.accept(records.get(next++))
                        : b.acceptOther(batch.ts(i));
                if (!more) {
                    break chunks;
                }
                if (b.events % PROGRESS_EVERY == 0 && !keepGoing.test(b.events)) {
                    throw new CancellationException("cancelled after " + b.events + " events");
                }
            }
        }
        return b.build();
    }

    /**
     * The kinds {@link #accept} does more with than count: it reads their fields. The others
     * are taken from the columns of the store, with no record made ({@link #acceptOther}).
     */
    private static final Set<EventType> NEEDS_RECORD = EnumSet.of(EventType.MR_REGISTER, EventType.MR_DEREGISTER,
            EventType.PIN, EventType.UNPIN, EventType.GPUDIRECT_GET_PAGES, EventType.GPUDIRECT_PUT_PAGES,
            EventType.GPUDIRECT_FREE_CALLBACK, EventType.DMABUF_MOVE_NOTIFY, EventType.NOTIFIER_INVALIDATE_BEGIN,
            EventType.DMA_MAP_PAGE, EventType.DMA_UNMAP_PAGE, EventType.DMA_MAP_SG, EventType.DMA_UNMAP_SG,
            EventType.P2P_TRANSFER, EventType.PROCESS_EXIT, EventType.VMA_MAP, EventType.VMA_UNMAP, EventType.VMA_PROTECT,
            EventType.PROCESS_START);

    /**
     * Takes the next event in file order when it is of a kind that feeds no series and changes
     * no mapping (not in {@link #NEEDS_RECORD}): as {@link #accept}, from its time stamp alone.
     */
    private boolean acceptOther(long ts) {
        if (ended) {
            return false;
        }
        if (ts > to) {
            ended = true;
            return false;
        }
        events++;
        return true;
    }

    /** The series of a list of events over [from, to]. */
    public static TraceSeries of(Iterable<? extends TraceEvent> events, long from, long to, int buckets) {
        SeriesBuilder b = new SeriesBuilder(from, to, buckets);
        Iterator<? extends TraceEvent> it = events.iterator();
        while (it.hasNext() && b.accept(it.next())) {
            // accept does the work
        }
        return b.build();
    }

    /**
     * Takes the next event in file order.
     *
     * @return false once an event after the range was seen (it and the later ones are ignored)
     */
    public boolean accept(TraceEvent e) {
        if (ended) {
            return false;
        }
        long ts = e.ts();
        if (ts > to) {
            ended = true;
            return false;
        }
        events++;
        int b = bucketOf(ts, from, to, buckets);
        int pid = e.header().pid();
        switch (e.type()) {
            case MR_REGISTER -> {
                MrRegister r = (MrRegister) e;
                if (r.error().isEmpty()) {
                    Mr old = mrs.remove(new MrKey(r.device(), r.lkey()));
                    if (old != null && old.counted) {
                        level(mapped, old.backend).add(b, -old.length);
                    }
                    long length = Math.max(0, r.length());
                    String backend = backendOf(pid, r);
                    mrs.put(new MrKey(r.device(), r.lkey()), new Mr(pid, r.addr(), length, backend));
                    level(mapped, backend).add(b, length);
                }
            }
            case MR_DEREGISTER -> {
                MrDeregister d = (MrDeregister) e;
                if (d.error().isEmpty()) {
                    Mr old = mrs.remove(new MrKey(d.device(), d.lkey()));
                    if (old != null && old.counted) {
                        level(mapped, old.backend).add(b, -old.length);
                    }
                }
            }
            case PIN -> {
                Pin p = (Pin) e;
                if (p.pinned() > 0) {
                    pinnedPages.merge(pid, p.pinned(), Long::sum);
                    level(pinned, STRUCT_PAGE).add(b, p.pinned() * PAGE_SIZE);
                }
            }
            case UNPIN -> unpin(pid, ((Unpin) e).nrPages(), b);
            case GPUDIRECT_GET_PAGES -> {
                GpuDirectGetPages g = (GpuDirectGetPages) e;
                if (g.error().isEmpty()) {
                    Long old = gpuPinned.put(new GpuKey(pid, g.gpu(), g.virtualAddress()), g.length());
                    level(pinned, GPUDIRECT).add(b, g.length() - (old == null ? 0 : old));
                    mapping(b, TraceSeries.GET_PAGES, g.entries(), g.pageSize());
                }
            }
            case GPUDIRECT_PUT_PAGES -> {
                GpuDirectPutPages g = (GpuDirectPutPages) e;
                // after the free callback the pages are gone and put_pages is a no-op (nvidia-peermem)
                Long old = g.error().isEmpty() ? gpuPinned.remove(new GpuKey(pid, g.gpu(), g.virtualAddress())) : null;
                if (old != null) {
                    level(pinned, GPUDIRECT).add(b, -old);
                }
            }
            case GPUDIRECT_FREE_CALLBACK -> freeCallback((GpuDirectFreeCallback) e, pid, b);
            case DMABUF_MOVE_NOTIFY -> count(TraceSeries.MOVE_NOTIFY, b, 1);
            case NOTIFIER_INVALIDATE_BEGIN -> count(TraceSeries.MMU_NOTIFIER, b, 1);
            case DMA_MAP_PAGE -> {
                DmaMapPage m = (DmaMapPage) e;
                Long old = dma.put(new DmaKey(m.device(), m.dmaAddr(), false), m.size());
                level(mapped, DMA_API).add(b, m.size() - (old == null ? 0 : old));
            }
            case DMA_UNMAP_PAGE -> {
                DmaUnmapPage m = (DmaUnmapPage) e;
                Long old = dma.remove(new DmaKey(m.device(), m.dmaAddr(), false));
                if (old != null) {
                    level(mapped, DMA_API).add(b, -old);
                }
            }
            case DMA_MAP_SG -> mapSg((DmaMapSg) e, b);
            case DMA_UNMAP_SG -> {
                long[] phys = ((DmaUnmapSg) e).physAddrs();
                Long old = phys.length == 0 ? null : dma.remove(new DmaKey(((DmaUnmapSg) e).device(), phys[0], true));
                if (old != null) {
                    level(mapped, DMA_API).add(b, -old);
                }
            }
            case P2P_TRANSFER -> {
                P2pTransfer t = (P2pTransfer) e;
                String path = t.initiator() + " \u2192 " + t.target();
                if (b < 0) {
                    p2pBefore.merge(path, t.size(), Long::sum);
                } else {
                    p2p.computeIfAbsent(path, k -> new long[buckets])[b] += t.size();
                }
            }
            case PROCESS_EXIT -> exit(pid, b);
            default -> {
                // other kinds feed no series; the state below still follows the mappings
            }
        }
        // a kind handled in either switch must be in NEEDS_RECORD (compute reads the others from columns)
        switch (e.type()) {
            // only the mappings are looked up (backendOf): the rest of the state is not kept
            case VMA_MAP, VMA_UNMAP, VMA_PROTECT, PROCESS_START, PROCESS_EXIT -> state.apply(e);
            default -> {
                // nothing of the mappings changes
            }
        }
        return true;
    }

    private void unpin(int pid, long pages, int b) {
        long had = pinnedPages.getOrDefault(pid, 0L);
        long left = had - pages;
        if (left > 0) {
            pinnedPages.put(pid, left);
        } else {
            pinnedPages.remove(pid);
        }
        long released = had - Math.max(0, left);
        if (released > 0) {
            level(pinned, STRUCT_PAGE).add(b, -released * PAGE_SIZE);
        }
    }

    private void freeCallback(GpuDirectFreeCallback f, int pid, int b) {
        count(TraceSeries.FREE_CALLBACK, b, 1);
        int invalidated = 0;
        for (Mr mr : mrs.values()) {
            if (mr.counted && mr.pid == pid && overlaps(mr.addr, mr.length, f.virtualAddress(), f.length())) {
                mr.counted = false;
                level(mapped, mr.backend).add(b, -mr.length);
                invalidated++;
            }
        }
        if (invalidated > 0) {
            count(TraceSeries.MR_INVALIDATED, b, invalidated);
        }
        long released = 0;
        for (Iterator<Map.Entry<GpuKey, Long>> it = gpuPinned.entrySet().iterator(); it.hasNext();) {
            Map.Entry<GpuKey, Long> g = it.next();
            GpuKey k = g.getKey();
            if (k.pid == pid && k.gpu.equals(f.gpu()) && overlaps(k.va, g.getValue(), f.virtualAddress(), f.length())) {
                released += g.getValue();
                it.remove();
            }
        }
        if (released > 0) {
            level(pinned, GPUDIRECT).add(b, -released);
        }
    }

    private void exit(int pid, int b) {
        for (Iterator<Mr> it = mrs.values().iterator(); it.hasNext();) {
            Mr mr = it.next();
            if (mr.pid == pid) {
                if (mr.counted) {
                    level(mapped, mr.backend).add(b, -mr.length);
                }
                it.remove();
            }
        }
        unpin(pid, Long.MAX_VALUE, b);
        long released = 0;
        for (Iterator<Map.Entry<GpuKey, Long>> it = gpuPinned.entrySet().iterator(); it.hasNext();) {
            Map.Entry<GpuKey, Long> g = it.next();
            if (g.getKey().pid == pid) {
                released += g.getValue();
                it.remove();
            }
        }
        if (released > 0) {
            level(pinned, GPUDIRECT).add(b, -released);
        }
    }

    private void mapSg(DmaMapSg m, int b) {
        long[] phys = m.physAddrs();
        long[] addrs = m.dmaAddrs();
        long[] lengths = m.lengths();
        long total = 0;
        for (long l : lengths) {
            total += l;
        }
        if (phys.length > 0 && addrs.length > 0) {
            Long old = dma.put(new DmaKey(m.device(), phys[0], true), total);
            level(mapped, DMA_API).add(b, total - (old == null ? 0 : old));
        }
        // a truncated record lacks entries: its page size cannot be known
        long pgsz = m.truncated() || addrs.length != lengths.length || addrs.length == 0 ? -1
                : bestPageSize(addrs, lengths, addrs[0], 0, pgszBitmap);
        mapping(b, TraceSeries.DMA_MAP_SG, m.ents(), pgsz <= 0 ? -1 : pgsz);
    }

    private void mapping(int b, String source, long nents, long pageSize) {
        if (b < 0) {
            return;
        }
        long[] s = segments.computeIfAbsent(source, k -> filled(-1));
        s[b] = Math.max(s[b], nents);
        long[] p = pageSizes.computeIfAbsent(source, k -> filled(-1));
        if (pageSize > 0) {
            p[b] = p[b] < 0 ? pageSize : Math.min(p[b], pageSize);
        }
    }

    private void count(String kind, int b, int n) {
        if (b >= 0) {
            invalidations.computeIfAbsent(kind, k -> new long[buckets])[b] += n;
        }
    }

    private long[] filled(long v) {
        long[] a = new long[buckets];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** The backend of a new MR, from its access flags and what the trace says of its memory. */
    private String backendOf(int pid, MrRegister r) {
        if (r.access().toLowerCase(Locale.ROOT).replace('_', '-').contains("on-demand")) {
            return ODP;
        }
        long length = Math.max(1, r.length());
        for (Map.Entry<GpuKey, Long> g : gpuPinned.entrySet()) {
            if (g.getKey().pid == pid && overlaps(g.getKey().va, g.getValue(), r.addr(), length)) {
                return GPUDIRECT;
            }
        }
        boolean known = false;
        for (TraceState.Mapping m : state.mappings(pid)) {
            if (overlaps(m.start(), m.length(), r.addr(), length)) {
                if (m.path().startsWith("/dev/nvidia")) {
                    return GPUDIRECT;
                }
                known = true;
            }
        }
        return known ? STRUCT_PAGE : UNKNOWN;
    }

    /**
     * The largest page size that maps a DMA-mapped scatter list with one page size, as
     * drivers/infiniband/core/umem.c ib_umem_find_best_pgsz chooses it: the core's
     * {@link BestPageSize} over the traced segments.
     *
     * @param dmaAddrs   the segments' DMA addresses
     * @param lengths    their lengths
     * @param virt       the device's virtual address of the first byte (the MR's IOVA; for a
     *                   plain scatter list, its first DMA address)
     * @param pgoff      the offset of the first byte into its page, not included in
     *                   {@code dmaAddrs[0]} (umem->address's low bits; 0 when the DMA address
     *                   includes it)
     * @param pgszBitmap the page sizes the device accepts
     * @return the page size, or 0 when no accepted size fits
     */
    public static long bestPageSize(long[] dmaAddrs, long[] lengths, long virt, long pgoff, long pgszBitmap) {
        DmaSegments segments = DmaSegments.of(dmaAddrs, lengths);
        long length = -pgoff;
        for (long l : lengths) {
            length += l;
        }
        if (length <= 0) {
            return 0;
        }
        return Math.max(0, BestPageSize.find(segments, pgoff, length, virt, pgszBitmap).pageSize());
    }

    /** The series of the events taken so far. */
    public TraceSeries build() {
        return new TraceSeries(from, to, buckets, peaks(mapped), peaks(pinned), invalidations, segments, pageSizes, p2p,
                p2pBefore, events);
    }

    private Map<String, long[]> peaks(Map<String, Level> levels) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Level> l : levels.entrySet()) {
            out.put(l.getKey(), l.getValue().peaks());
        }
        return out;
    }

    private Level level(Map<String, Level> levels, String key) {
        return levels.computeIfAbsent(key, k -> new Level(buckets));
    }

    /** The bucket of a time in [from, to] (the last one holds to), -1 outside. */
    static int bucketOf(long ts, long from, long to, int buckets) {
        if (ts < from || ts > to) {
            return -1;
        }
        long off = ts - from;
        long span = to - from;
        int b = (int) Math.min(buckets - 1, scale(off, buckets, span));
        while (b + 1 < buckets && scale(span, b + 1, buckets) <= off) {
            b++;
        }
        while (b > 0 && scale(span, b, buckets) > off) {
            b--;
        }
        return b;
    }

    /** floor(a * b / c) for non-negative a, b and positive c, without overflow. */
    static long scale(long a, long b, long c) {
        long hi = Math.multiplyHigh(a, b);
        if (hi == 0 && a * b >= 0) {
            return a * b / c;
        }
        return java.math.BigInteger.valueOf(a).multiply(java.math.BigInteger.valueOf(b))
                .divide(java.math.BigInteger.valueOf(c)).longValue();
    }

    private static boolean overlaps(long a, long alen, long b, long blen) {
        return Long.compareUnsigned(a, b + blen) < 0 && Long.compareUnsigned(b, a + alen) < 0;
    }

    /** A quantity that rises and falls, and its peak in each bucket. */
    private static final class Level {
        private long value;
        private final long[] peak;
        /** Buckets up to here hold their peak so far; later ones still carry {@link #value}. */
        private int filled = -1;

        Level(int buckets) {
            peak = new long[buckets];
        }

        /** Changes the value by delta at a time in bucket b (-1: before the range). */
        void add(int b, long delta) {
            if (b >= 0) {
                while (filled < b) {
                    peak[++filled] = value;
                }
            }
            value += delta;
            if (b >= 0) {
                peak[b] = Math.max(peak[b], value);
            }
        }

        long[] peaks() {
            long[] out = peak.clone();
            for (int i = filled + 1; i < out.length; i++) {
                out[i] = value;
            }
            return out;
        }
    }

    private record MrKey(String device, long lkey) {
    }

    private static final class Mr {
        final int pid;
        final long addr;
        final long length;
        final String backend;
        /** Still counted as mapped (not invalidated). */
        boolean counted = true;

        Mr(int pid, long addr, long length, String backend) {
            this.pid = pid;
            this.addr = addr;
            this.length = length;
            this.backend = backend;
        }
    }

    private record GpuKey(int pid, String gpu, long va) {
    }

    private record DmaKey(String device, long addr, boolean scatterList) {
    }

    @Override
    public String toString() {
        return "SeriesBuilder[" + from + ".." + to + ", " + buckets + " buckets, " + events + " events]";
    }
}
