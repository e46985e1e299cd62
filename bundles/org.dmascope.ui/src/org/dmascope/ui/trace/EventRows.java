package org.dmascope.ui.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.ChunkInfo;
import org.dmascope.trace.store.TraceReader;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Events by ordinal (their position in the file), read through one reader: the chunk holding
 * an ordinal is found by its header's first ordinal and decoded, and a window of recently
 * decoded chunks is kept. Never holds more than {@link #CACHED_CHUNKS} chunks of events. Used
 * on the thread that owns the reader.
 */
public final class EventRows {

    /** How many decoded chunks are kept. */
    public static final int CACHED_CHUNKS = 16;

    private final TraceReader reader;
    private final long[] firstOrdinals;
    private final long[] minTs;
    private final int[] sizes;
    private final long[] maxTs;
    // Whether each chunk's events come at or after every event of the chunk before.
    private final boolean disjoint;
    private final Map<Integer, TraceEvent[]> cache = new LinkedHashMap<>(CACHED_CHUNKS * 2, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, TraceEvent[]> eldest) {
            return size() > CACHED_CHUNKS;
        }
    };

    /** Rows over the reader's event chunks as its headers describe them now. */
    public EventRows(TraceReader reader) {
        this.reader = reader;
        List<ChunkInfo> events = new ArrayList<>();
        for (ChunkInfo c : reader.chunks()) {
            if (!c.checkpoint() && c.events() > 0) {
                events.add(c);
            }
        }
        firstOrdinals = new long[events.size()];
        minTs = new long[events.size()];
        sizes = new int[events.size()];
        maxTs = new long[events.size()];
        boolean apart = true;
        for (int i = 0; i < events.size(); i++) {
            firstOrdinals[i] = events.get(i).firstOrdinal();
            minTs[i] = events.get(i).minTs();
            sizes[i] = events.get(i).events();
            maxTs[i] = events.get(i).maxTs();
            apart &= i == 0 || events.get(i - 1).maxTs() <= minTs[i];
        }
        disjoint = apart;
    }

    /** The events in the file (one past the last ordinal). */
    public long size() {
        int n = firstOrdinals.length;
        return n == 0 ? 0 : firstOrdinals[n - 1] + sizes[n - 1];
    }

    /** The event at this ordinal, or null when its chunk is damaged or it is out of range. */
    public @Nullable TraceEvent get(long ordinal) {
        int chunk = chunkOf(ordinal);
        if (chunk < 0) {
            return null;
        }
        TraceEvent[] events = events(chunk);
        int i = (int) (ordinal - firstOrdinals[chunk]);
        return i < events.length ? events[i] : null;
    }

    private int chunkOf(long ordinal) {
        int lo = 0;
        int hi = firstOrdinals.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (firstOrdinals[mid] <= ordinal) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && ordinal < firstOrdinals[found] + sizes[found] ? found : -1;
    }

    // Seeking to the chunk's first time stamp lands in it, or in an earlier chunk ending at that
    // time; the ordinals say which events are this chunk's.
    private TraceEvent[] decode(int chunk) {
        long from = firstOrdinals[chunk];
        long to = from + sizes[chunk];
        TraceReader.Cursor cursor = reader.seek(minTs[chunk]);
        if (!cursor.hasNext() || cursor.ordinal() > from) {
            cursor = reader.events(); // time stamps out of order: from the start
        }
        List<TraceEvent> out = new ArrayList<>(sizes[chunk]);
        while (cursor.hasNext()) {
            long ordinal = cursor.ordinal();
            if (ordinal >= to) {
                break;
            }
            TraceEvent e = cursor.next();
            if (ordinal >= from) {
                out.add(e);
            }
        }
        return out.toArray(new TraceEvent[0]);
    }

    /**
     * The ordinal of the event nearest in time to ts (the first at or after it, or the one
     * before when that is nearer), or -1 in an empty trace.
     */
    public long nearest(long ts) {
        if (!disjoint) {
            return nearestBySeek(ts);
        }
        // The chunks follow one another in time: the first event at or after ts lies in the first
        // chunk ending at or after ts (as the reader's seek finds it), read from the cache.
        int lo = 0;
        int hi = maxTs.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (maxTs[mid] < ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int chunk = lo;
        long after = -1;
        long afterTs = 0;
        for (int c = chunk; c < maxTs.length && after < 0; c++) {
            TraceEvent[] events = events(c);
            for (int i = 0; i < events.length; i++) {
                if (events[i].ts() >= ts) {
                    after = firstOrdinals[c] + i;
                    afterTs = events[i].ts();
                    break;
                }
            }
        }
        return nearer(ts, after, afterTs);
    }

    // The decoded events of a chunk, through the cache.
    private TraceEvent[] events(int chunk) {
        TraceEvent[] events = cache.get(chunk);
        if (events == null) {
            events = decode(chunk);
            cache.put(chunk, events);
        }
        return events;
    }

    // The same answer through the reader's seek, for chunks whose time ranges overlap.
    private long nearestBySeek(long ts) {
        TraceReader.Cursor cursor = reader.seek(ts);
        long after = -1;
        long afterTs = 0;
        if (cursor.hasNext()) {
            after = cursor.ordinal();
            afterTs = cursor.next().ts();
        }
        return nearer(ts, after, afterTs);
    }

    // Of the event at or after ts (after, -1 for none) and the one just before it, the nearer.
    private long nearer(long ts, long after, long afterTs) {
        long before = after < 0 ? size() - 1 : after - 1;
        if (before >= 0) {
            TraceEvent b = get(before);
            if (b != null && (after < 0 || ts - b.ts() < afterTs - ts)) {
                return before;
            }
        }
        return after;
    }
}
