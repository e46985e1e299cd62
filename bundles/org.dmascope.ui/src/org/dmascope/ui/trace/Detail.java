package org.dmascope.ui.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.TraceReader;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The single events of a time window, for drawing one by one: only the chunks that hold the
 * window are decoded (a seek to its start), and the events are kept as compact arrays.
 *
 * @param from     the window's start
 * @param to       the window's end (inclusive)
 * @param ts       each event's time stamp
 * @param laneA    each event's process lane, or -1
 * @param laneB    each event's device lane, or -1
 * @param laneC    each event's backend lane, or -1
 * @param types    each event's kind
 * @param ordinals each event's ordinal in the trace
 */
public record Detail(long from, long to, long[] ts, int[] laneA, int[] laneB, int[] laneC, EventType[] types,
        long[] ordinals) {

    /** The number of events. */
    public int size() {
        return ts.length;
    }

    /** Whether this holds every event of [from, to]. */
    public boolean covers(long viewFrom, long viewTo) {
        return from <= viewFrom && to >= viewTo;
    }

    /**
     * Reads the events of [from, to] from a store (with a reader of its own), or null when there
     * are more than {@code limit}.
     *
     * @throws OperationCanceledException when the monitor is cancelled
     */
    public static @Nullable Detail load(Path store, LaneIndex index, long from, long to, int limit,
            IProgressMonitor monitor) throws IOException, InputException {
        try (TraceReader reader = TraceReader.open(store)) {
            long[] ts = new long[256];
            int[] a = new int[256];
            int[] b = new int[256];
            int[] c = new int[256];
            EventType[] types = new EventType[256];
            long[] ordinals = new long[256];
            int n = 0;
            TraceReader.Cursor cursor = reader.seek(from);
            while (cursor.hasNext()) {
                long ordinal = cursor.ordinal();
                TraceEvent e = cursor.next();
                if (e.ts() > to) {
                    break;
                }
                if (n == limit) {
                    return null;
                }
                if ((n & 0x3FF) == 0 && monitor.isCanceled()) {
                    throw new OperationCanceledException();
                }
                if (n == ts.length) {
                    int len = n * 2;
                    ts = Arrays.copyOf(ts, len);
                    a = Arrays.copyOf(a, len);
                    b = Arrays.copyOf(b, len);
                    c = Arrays.copyOf(c, len);
                    types = Arrays.copyOf(types, len);
                    ordinals = Arrays.copyOf(ordinals, len);
                }
                ts[n] = e.ts();
                a[n] = index.processLane(e.header().pid());
                b[n] = index.deviceLane(EventFields.device(e));
                c[n] = index.backendLane(EventFields.backend(e));
                types[n] = e.type();
                ordinals[n] = ordinal;
                n++;
            }
            return new Detail(from, to, Arrays.copyOf(ts, n), Arrays.copyOf(a, n), Arrays.copyOf(b, n),
                    Arrays.copyOf(c, n), Arrays.copyOf(types, n), Arrays.copyOf(ordinals, n));
        }
    }
}
