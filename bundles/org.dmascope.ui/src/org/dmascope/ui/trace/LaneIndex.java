package org.dmascope.ui.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.ChunkInfo;
import org.dmascope.trace.store.TraceReader;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;

/**
 * Event counts per lane and time bucket: what the Timeline draws when too many events are in
 * view to draw one by one. Its memory is lanes x buckets, whatever the number of events: the
 * buckets start fine and are merged pairwise (halving the resolution) whenever the cells would
 * pass {@link #MAX_CELLS}. An event counts in its process's lane and in its device's lane.
 */
public final class LaneIndex {

    /** The most buckets over the whole trace. */
    public static final int MAX_BUCKETS = 1 << 15;

    /** The most count cells (lanes x buckets) kept: 32 MiB of ints. */
    public static final int MAX_CELLS = 8 << 20;

    private final long t0;
    private long bucketNs;
    private int buckets;
    private final List<Lane> lanes = new ArrayList<>();
    private final List<int[]> counts = new ArrayList<>();
    private final Map<Integer, Integer> pidLane = new HashMap<>();
    private final Map<String, Integer> deviceLane = new HashMap<>();
    private final Map<String, Integer> backendLane = new HashMap<>();
    private long total;
    private boolean overview;

    private LaneIndex(long firstTs, long lastTs) {
        this.t0 = firstTs;
        long span = Math.max(1, lastTs - firstTs + 1);
        int b = MAX_BUCKETS;
        this.bucketNs = Math.max(1, (span + b - 1) / b);
        this.buckets = (int) Math.max(1, (span + bucketNs - 1) / bucketNs);
    }

    /**
     * Reads every event of a trace store (with a reader of its own) and counts it.
     *
     * @throws OperationCanceledException when the monitor is cancelled
     */
    public static LaneIndex build(Path store, IProgressMonitor monitor) throws IOException, InputException {
        try (TraceReader reader = TraceReader.open(store)) {
            long n = reader.eventCount();
            LaneIndex index = new LaneIndex(n == 0 ? 0 : reader.firstTs(), n == 0 ? 0 : reader.lastTs());
            monitor.beginTask("Indexing " + store.getFileName() + " for the timeline", 1000);
            int reported = 0;
            TraceReader.Cursor cursor = reader.events();
            long done = 0;
            while (cursor.hasNext()) {
                index.add(cursor.next());
                if ((++done & 0xFFFF) == 0) {
                    if (monitor.isCanceled()) {
                        throw new OperationCanceledException();
                    }
                    int now = (int) (done * 1000 / Math.max(1, n));
                    if (now > reported) {
                        monitor.worked(now - reported);
                        reported = now;
                    }
                }
            }
            if (cursor.failure() != null) {
                throw cursor.failure();
            }
            index.sortLanes();
            monitor.done();
            return index;
        }
    }

    /**
     * The overview the chunk headers give without decoding anything: one lane of every event,
     * each chunk's events spread evenly over its time range. Shown while the lanes are indexed.
     */
    public static LaneIndex overview(List<ChunkInfo> chunks, long firstTs, long lastTs) {
        LaneIndex index = new LaneIndex(firstTs, lastTs);
        index.overview = true;
        index.newLane(new Lane(Lane.Kind.ALL, -1, "all events"));
        int[] c = index.counts.get(0);
        for (ChunkInfo chunk : chunks) {
            if (chunk.checkpoint() || chunk.events() == 0 || chunk.health() == ChunkInfo.Health.DAMAGED) {
                continue;
            }
            int b0 = (int) Math.max(0, Math.min(index.buckets - 1, (chunk.minTs() - firstTs) / index.bucketNs));
            int b1 = (int) Math.max(b0, Math.min(index.buckets - 1, (chunk.maxTs() - firstTs) / index.bucketNs));
            long span = b1 - b0 + 1;
            long events = chunk.events();
            for (int b = b0; b <= b1; b++) {
                // Shared out evenly over the buckets the chunk covers (cumulative rounding).
                long k = b - b0;
                c[b] += (int) (events * (k + 1) / span - events * k / span);
            }
            index.total += chunk.events();
        }
        return index;
    }

    /** Whether this is the chunk-header overview (one lane, no process or device lanes). */
    public boolean isOverview() {
        return overview;
    }

    /** Counts one event (events may come in any time order within the trace's span). */
    void add(TraceEvent e) {
        EventHeader h = e.header();
        int b = (int) Math.min(buckets - 1, Math.max(0, (h.ts() - t0) / bucketNs));
        total++;
        if (h.pid() != EventHeader.UNKNOWN) {
            Integer lane = pidLane.get(h.pid());
            if (lane == null) {
                lane = newLane(new Lane(Lane.Kind.PROCESS, h.pid(), h.comm()));
                pidLane.put(h.pid(), lane);
            } else if (lanes.get(lane).name().isEmpty() && !h.comm().isEmpty()) {
                lanes.set(lane, new Lane(Lane.Kind.PROCESS, h.pid(), h.comm()));
            }
            counts.get(lane)[b]++;
        }
        String device = EventFields.device(e);
        if (!device.isEmpty()) {
            Integer lane = deviceLane.get(device);
            if (lane == null) {
                lane = newLane(new Lane(Lane.Kind.DEVICE, -1, device));
                deviceLane.put(device, lane);
            }
            counts.get(lane)[b]++;
        }
        String backend = EventFields.backend(e);
        if (!backend.isEmpty()) {
            Integer lane = backendLane.get(backend);
            if (lane == null) {
                lane = newLane(new Lane(Lane.Kind.BACKEND, -1, backend));
                backendLane.put(backend, lane);
            }
            counts.get(lane)[b]++;
        }
    }

    private int newLane(Lane lane) {
        while ((long) (lanes.size() + 1) * buckets > MAX_CELLS && buckets > 1) {
            halve();
        }
        lanes.add(lane);
        counts.add(new int[buckets]);
        return lanes.size() - 1;
    }

    // Merges neighbouring buckets in every lane: half the resolution, half the memory.
    private void halve() {
        int next = (buckets + 1) / 2;
        for (int i = 0; i < counts.size(); i++) {
            int[] old = counts.get(i);
            int[] merged = new int[next];
            for (int b = 0; b < old.length; b++) {
                merged[b >> 1] += old[b];
            }
            counts.set(i, merged);
        }
        buckets = next;
        bucketNs *= 2;
    }

    // Processes by PID, then devices by name, then backends by name; the lookups follow.
    private void sortLanes() {
        TreeMap<String, Integer> order = new TreeMap<>();
        for (int i = 0; i < lanes.size(); i++) {
            Lane l = lanes.get(i);
            String key = l.kind() == Lane.Kind.PROCESS ? String.format(java.util.Locale.ROOT, "0%011d", Integer.toUnsignedLong(l.pid()))
                    : (l.kind() == Lane.Kind.DEVICE ? "1" : "2") + l.name();
            order.put(key, i);
        }
        List<Lane> sortedLanes = new ArrayList<>();
        List<int[]> sortedCounts = new ArrayList<>();
        for (int old : order.values()) {
            sortedLanes.add(lanes.get(old));
            sortedCounts.add(counts.get(old));
        }
        lanes.clear();
        lanes.addAll(sortedLanes);
        counts.clear();
        counts.addAll(sortedCounts);
        pidLane.clear();
        deviceLane.clear();
        backendLane.clear();
        for (int i = 0; i < lanes.size(); i++) {
            Lane l = lanes.get(i);
            switch (l.kind()) {
                case PROCESS -> pidLane.put(l.pid(), i);
                case DEVICE -> deviceLane.put(l.name(), i);
                case BACKEND -> backendLane.put(l.name(), i);
                case ALL -> {
                    // the overview's one lane is never sorted
                }
            }
        }
    }

    /** The lanes: processes by PID, then devices by name, then backends by name. */
    public List<Lane> lanes() {
        return List.copyOf(lanes);
    }

    /** Events counted (each once, whatever its lanes). */
    public long total() {
        return total;
    }

    /** The time of bucket 0's start. */
    public long startTs() {
        return t0;
    }

    /** The width of a bucket in nanoseconds. */
    public long bucketNs() {
        return bucketNs;
    }

    /** The number of buckets. */
    public int buckets() {
        return buckets;
    }

    /** The count of a lane in a bucket. */
    public int count(int lane, int bucket) {
        return counts.get(lane)[bucket];
    }

    /** The events of a lane in all buckets. */
    public long laneTotal(int lane) {
        long s = 0;
        for (int c : counts.get(lane)) {
            s += c;
        }
        return s;
    }

    /** The lane of a process's events, or -1. */
    public int processLane(int pid) {
        return pidLane.getOrDefault(pid, -1);
    }

    /** The lane of a device's events, or -1. */
    public int deviceLane(String device) {
        return device.isEmpty() ? -1 : deviceLane.getOrDefault(device, -1);
    }

    /** The lane of a backend ({@link EventFields#backend}), or -1 (also for ""). */
    public int backendLane(String backend) {
        return backend.isEmpty() ? -1 : backendLane.getOrDefault(backend, -1);
    }

    /**
     * About how many events (counted once per lane) fall in [from, to]: the buckets that
     * overlap it, summed over the lanes.
     */
    public long estimate(long from, long to) {
        if (to < from || buckets == 0) {
            return 0;
        }
        int b0 = (int) Math.max(0, Math.min(buckets - 1, (from - t0) / bucketNs));
        int b1 = (int) Math.max(0, Math.min(buckets - 1, (to - t0) / bucketNs));
        long s = 0;
        for (int[] lane : counts) {
            for (int b = b0; b <= b1; b++) {
                s += lane[b];
            }
        }
        return s;
    }
}
