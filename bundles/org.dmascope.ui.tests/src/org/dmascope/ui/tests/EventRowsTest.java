package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.PageFault;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.dmascope.ui.trace.EventRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Events table's lookup of the event nearest the cursor, against every event of the trace:
 * chunks in time order (found in the decoded chunks), equal time stamps across a chunk's end,
 * and chunks whose times overlap (found through the reader's seek).
 */
class EventRowsTest {

    // The first event at or after ts, or the one before it when that is nearer; -1 when none.
    private static long expected(List<TraceEvent> events, long ts) {
        // time stamps in order here: the first at or after ts by bisection
        int lo = 0;
        int hi = events.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (events.get(mid).ts() < ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int after = lo < events.size() ? lo : -1;
        int before = after < 0 ? events.size() - 1 : after - 1;
        if (before >= 0 && (after < 0 || ts - events.get(before).ts() < events.get(after).ts() - ts)) {
            return before;
        }
        return after;
    }

    private static void check(Path store, List<TraceEvent> events, boolean ordered) throws Exception {
        try (TraceWriter w = TraceWriter.create(store, TraceWriter.Options.DEFAULT.withChunkBytes(4096))) {
            for (TraceEvent e : events) {
                w.append(e);
            }
        }
        try (TraceReader r = TraceReader.open(store)) {
            assertTrue(r.chunks().size() > 10, r.chunks().size() + " chunks");
            EventRows rows = new EventRows(r);
            long first = events.get(0).ts();
            long last = events.get(events.size() - 1).ts();
            Random random = new Random(3);
            for (int i = 0; i < 2_000; i++) {
                long ts = first - 50 + (long) (random.nextDouble() * (last - first + 100));
                if (ordered) {
                    assertEquals(expected(events, ts), rows.nearest(ts), "at " + ts);
                } else {
                    long n = rows.nearest(ts);
                    assertTrue(n >= 0 && n < events.size(), "at " + ts);
                }
            }
            for (TraceEvent e : events) {
                if (ordered) {
                    assertEquals(expected(events, e.ts()), rows.nearest(e.ts()));
                }
            }
        }
    }

    @Test
    void nearestEventInChunksFollowingEachOtherInTime(@TempDir Path dir) throws Exception {
        List<TraceEvent> events = new ArrayList<>();
        long ts = 1_000_000;
        for (int i = 0; i < 20_000; i++) {
            // runs of equal time stamps, some across chunk ends, and gaps
            ts += i % 7 == 0 ? 0 : i % 101 == 0 ? 5_000 : 30;
            events.add(new PageFault(new EventHeader(ts, 0, 1, "p"), 0x7f0000000000L + i * 4096L, 0x401000, 6, ""));
        }
        check(dir.resolve("ordered.dmatrace"), events, true);
    }

    @Test
    void overlappingChunksStillFindAnEvent(@TempDir Path dir) throws Exception {
        List<TraceEvent> events = new ArrayList<>();
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            long ts = 1_000_000 + i * 30L + random.nextInt(20_000);
            events.add(new PageFault(new EventHeader(ts, 0, 1, "p"), 0x7f0000000000L + i * 4096L, 0x401000, 6, ""));
        }
        check(dir.resolve("unordered.dmatrace"), events, false);
    }
}
