package org.dmascope.trace.series;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The series of a trace over a time range, bucketed for drawing: {@link #buckets()} buckets of
 * equal width over [{@link #from()}, {@link #to()}], bucket i covering
 * [{@link #bucketStart(int) bucketStart(i)}, {@link #bucketStart(int) bucketStart(i + 1)}), the
 * last one including {@code to}. Every map is sorted by its key (a backend, a kind, a path);
 * arrays have one value per bucket. Built by {@link SeriesBuilder}; immutable.
 *
 * @param from            start of the range, ns
 * @param to              end of the range, ns (inclusive)
 * @param buckets         number of buckets
 * @param mappedBytes     per backend, the most bytes mapped at any moment of each bucket (so a
 *                        short peak still shows when many events share a bucket)
 * @param pinnedBytes     per backend, the most bytes pinned at any moment of each bucket
 * @param invalidations   per kind, the invalidations in each bucket
 * @param segments        per source, the most segments of a mapping made in each bucket, -1
 *                        where none was made
 * @param bestPageSize    per source, the smallest best page size of a mapping made in each
 *                        bucket (the worst one), -1 where none was made or it is unknown
 * @param p2pBytes        per path ("initiator → target"), the bytes of the transfers that began
 *                        in each bucket
 * @param p2pBytesBefore  per path, the bytes of the transfers that began before {@code from}
 * @param events          the events read (those before {@code from} included)
 */
public record TraceSeries(long from, long to, int buckets, Map<String, long[]> mappedBytes,
        Map<String, long[]> pinnedBytes, Map<String, long[]> invalidations, Map<String, long[]> segments,
        Map<String, long[]> bestPageSize, Map<String, long[]> p2pBytes, Map<String, Long> p2pBytesBefore, long events) {

    /** Invalidation kind: an MMU notifier invalidate_range_start (notifier_invalidate_begin). */
    public static final String MMU_NOTIFIER = "mmu notifier";
    /** Invalidation kind: the GPUDirect free callback (nvidia_p2p_get_pages' callback). */
    public static final String FREE_CALLBACK = "gpudirect free callback";
    /** Invalidation kind: a dma-buf exporter's move_notify to its importers. */
    public static final String MOVE_NOTIFY = "dma-buf move_notify";
    /** Invalidation kind: a registered MR invalidated behind its owner's back (by a free callback). */
    public static final String MR_INVALIDATED = "MR invalidated";

    /** Segment source: dma_map_sg, its mapped entries ({@code ents}). */
    public static final String DMA_MAP_SG = "dma_map_sg";
    /** Segment source: nvidia_p2p_get_pages, its page table entries. */
    public static final String GET_PAGES = "nvidia_p2p_get_pages";

    /** The maps are copied and unmodifiable; the arrays are kept (the builder hands them over). */
    public TraceSeries {
        if (buckets <= 0) {
            throw new IllegalArgumentException("buckets must be positive: " + buckets);
        }
        if (to <= from) {
            throw new IllegalArgumentException("empty range [" + from + ", " + to + "]");
        }
        mappedBytes = freeze(mappedBytes);
        pinnedBytes = freeze(pinnedBytes);
        invalidations = freeze(invalidations);
        segments = freeze(segments);
        bestPageSize = freeze(bestPageSize);
        p2pBytes = freeze(p2pBytes);
        p2pBytesBefore = freeze(p2pBytesBefore);
    }

    private static <V> Map<String, V> freeze(Map<String, V> m) {
        return Collections.unmodifiableMap(new TreeMap<>(m));
    }

    /** The width of a bucket, ns (fractional). */
    public double bucketWidth() {
        return (double) (to - from) / buckets;
    }

    /** The start of bucket i, ns ({@code bucketStart(buckets)} is {@code to}). */
    public long bucketStart(int i) {
        return from + SeriesBuilder.scale(to - from, i, buckets);
    }

    /** The bucket holding a time, or -1 when it lies outside [from, to]. */
    public int bucketOf(long ts) {
        return SeriesBuilder.bucketOf(ts, from, to, buckets);
    }

    /** Invalidations of a kind per second in each bucket (zeros when the kind never occurs). */
    public double[] invalidationsPerSecond(String kind) {
        long[] counts = invalidations.get(kind);
        double[] out = new double[buckets];
        if (counts == null) {
            return out;
        }
        for (int i = 0; i < buckets; i++) {
            double seconds = (bucketStart(i + 1) - bucketStart(i)) / 1e9;
            out[i] = counts[i] / seconds;
        }
        return out;
    }

    /** The bytes of a path transferred since the trace began, at the end of each bucket. */
    public long[] p2pCumulative(String path) {
        long[] per = p2pBytes.get(path);
        long[] out = new long[buckets];
        long sum = p2pBytesBefore.getOrDefault(path, 0L);
        for (int i = 0; i < buckets; i++) {
            sum += per == null ? 0 : per[i];
            out[i] = sum;
        }
        return out;
    }

    @Override
    public String toString() {
        return "TraceSeries[" + from + ".." + to + " in " + buckets + " buckets, mapped " + mappedBytes.keySet()
                + ", pinned " + pinnedBytes.keySet() + ", invalidations " + invalidations.keySet() + ", segments "
                + segments.keySet() + ", p2p " + p2pBytes.keySet() + ", " + events + " events]";
    }
}
