package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.*;
import org.dmascope.trace.state.TraceState;
import org.dmascope.trace.jsonl.EventSchema;
import org.dmascope.trace.store.ChunkInfo;
import org.dmascope.trace.store.FieldColumns;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .dmatrace store: round trips, the time index, growing files and damage of every kind. */
class StoreTest {

    @TempDir
    Path dir;

    static final TraceWriter.Options SMALL = TraceWriter.Options.DEFAULT.withChunkBytes(1024).withCheckpointEvery(500);

    /** n page faults of pid 7, one every 10 ns from 1000, at distinct addresses. */
    static List<TraceEvent> faults(int n) {
        List<TraceEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new PageFault(new EventHeader(1000 + 10L * i, i % 4, 7, "worker"), 0x7f00_0000_0000L + 4096L * i,
                    0x5555_0000L + i, 6, i % 3 == 0 ? "MAJOR" : ""));
        }
        return out;
    }

    Path write(String name, List<TraceEvent> events, TraceWriter.Options options) throws IOException {
        Path f = dir.resolve(name);
        try (TraceWriter w = TraceWriter.createUnflushed(f, options)) {
            w.appendAll(events);
        }
        return f;
    }

    static List<TraceEvent> readAll(TraceReader r) {
        List<TraceEvent> out = new ArrayList<>();
        r.events().forEachRemaining(out::add);
        return out;
    }

    @Test
    void everyKindRoundTripsExactly() throws Exception {
        List<TraceEvent> all = Events.oneOfEach();
        Path f = write("all.dmatrace", all, TraceWriter.Options.DEFAULT);
        try (TraceReader r = TraceReader.open(f)) {
            assertEquals(all, readAll(r));
            assertTrue(r.verifyAll());
            assertEquals(all.size(), r.eventCount());
            assertEquals(1, r.chunks().size());
        }
        // the same across many small chunks, where each chunk has its own string table
        List<TraceEvent> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.addAll(Events.oneOfEach());
        }
        f = write("many.dmatrace", many, TraceWriter.Options.DEFAULT.withChunkBytes(1024));
        try (TraceReader r = TraceReader.open(f)) {
            assertTrue(r.chunks().size() > 10, "chunks " + r.chunks().size());
            assertEquals(many, readAll(r));
            assertTrue(r.verifyAll());
        }
    }

    @Test
    void aScanGivesEveryEventsKindTimeCpuAndPidWithoutDecodingIt() throws Exception {
        List<TraceEvent> ev = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            for (TraceEvent e : Events.oneOfEach()) {
                EventHeader h = e.header();
                ev.add(e);
                ev.add(new PageFault(new EventHeader(h.ts() + i, i % 7, 1000 + i, "c" + i), i, i, i, ""));
            }
        }
        Path f = write("scan.dmatrace", ev, TraceWriter.Options.DEFAULT.withChunkBytes(2048).withCheckpointEvery(500));
        try (TraceReader r = TraceReader.open(f)) {
            List<String> got = new ArrayList<>();
            long n = r.scan((ordinal, type, ts, cpu, pid) -> got.add(ordinal + " " + type + " " + ts + " " + cpu + " " + pid));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < ev.size(); i++) {
                TraceEvent e = ev.get(i);
                expected.add(i + " " + e.type() + " " + e.ts() + " " + e.header().cpu() + " " + e.header().pid());
            }
            assertEquals(expected, got);
            assertEquals(ev.size(), n);
            assertTrue(r.chunks().stream().allMatch(c -> c.checkpoint() || c.health() == ChunkInfo.Health.OK));
        }
        ChunkInfo victim;
        try (TraceReader r = TraceReader.open(f)) {
            victim = r.chunks().get(3);
        }
        flip(f, victim.offset() + 56 + 7);
        try (TraceReader r = TraceReader.open(f)) {
            long n = r.scan((ordinal, type, ts, cpu, pid) -> {
                if (ordinal >= victim.firstOrdinal() && ordinal < victim.firstOrdinal() + victim.events()) {
                    throw new AssertionError("an event of the damaged chunk: " + ordinal);
                }
            });
            assertEquals(ev.size() - victim.events(), n);
            assertEquals(1, r.damage().size());
            assertTrue(r.damage().get(0).problem().contains("chunk 3 at offset " + victim.offset()
                    + ": payload checksum mismatch"), r.damage().toString());
        }
    }

    @Test
    void numbersOfEveryWidthRoundTrip() throws Exception {
        // varints of 1 to 10 bytes, at every position of a payload (the decoder reads 8 bytes at once)
        List<TraceEvent> ev = new ArrayList<>();
        for (int k = 0; k < 64; k++) {
            for (long v : new long[] { (1L << k) - 1, 1L << k, -(1L << k), ~(1L << k) }) {
                ev.add(new IommuUnmap(new EventHeader(v, k, (int) v, ""), v, v ^ 0x5555_5555_5555_5555L, -v));
                ev.add(new VmaProtect(new EventHeader(-v, -k, k, "x"), v + 1, v - 1, ""));
            }
        }
        Path f = write("widths.dmatrace", ev, TraceWriter.Options.DEFAULT.withChunkBytes(1024));
        try (TraceReader r = TraceReader.open(f)) {
            assertEquals(ev, readAll(r));
            assertTrue(r.verifyAll());
        }
        // the scan skips runs of numbers 8 bytes at a time, across words and at the payload's end
        try (TraceReader r = TraceReader.open(f)) {
            List<String> got = new ArrayList<>();
            r.scan((ordinal, type, ts, cpu, pid) -> got.add(ordinal + " " + type + " " + ts + " " + cpu + " " + pid));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < ev.size(); i++) {
                EventHeader h = ev.get(i).header();
                expected.add(i + " " + ev.get(i).type() + " " + h.ts() + " " + h.cpu() + " " + h.pid());
            }
            assertEquals(expected, got);
            assertTrue(r.damage().isEmpty(), r.damage().toString());
        }
    }

    @Test
    void chunkHeadersIndexTimeAndOrdinals() throws Exception {
        List<TraceEvent> ev = faults(20_000);
        Path f = write("idx.dmatrace", ev, SMALL);
        try (TraceReader r = TraceReader.open(f)) {
            long ordinal = 0;
            for (ChunkInfo c : r.chunks()) {
                if (c.checkpoint()) {
                    assertEquals(ordinal, c.firstOrdinal(), "a checkpoint holds the state after the events before it");
                    assertEquals(ev.get((int) ordinal - 1).ts(), c.minTs());
                    continue;
                }
                assertEquals(ordinal, c.firstOrdinal());
                assertEquals(ev.get((int) ordinal).ts(), c.minTs());
                assertEquals(ev.get((int) ordinal + c.events() - 1).ts(), c.maxTs());
                ordinal += c.events();
            }
            assertEquals(ev.size(), ordinal);
            assertEquals(1000, r.firstTs());
            assertEquals(1000 + 10L * 19_999, r.lastTs());
            for (long t : new long[] { 0, 1000, 1001, 1005, 55_555, 100_990, 200_990, 200_991 }) {
                TraceReader.Cursor c = r.seek(t);
                int expected = (int) Math.max(0, Math.min(ev.size(), (t - 1000 + 9) / 10));
                if (expected == ev.size()) {
                    assertFalse(c.hasNext(), "nothing at or after " + t);
                    continue;
                }
                assertTrue(c.hasNext(), "events at or after " + t);
                assertEquals(expected, c.ordinal(), "ordinal at " + t);
                assertEquals(ev.get(expected), c.next(), "first event at or after " + t);
                if (expected + 1 < ev.size()) {
                    assertEquals(ev.get(expected + 1), c.next(), "then the next one");
                }
            }
        }
    }

    @Test
    void aGrowingFileIsReadWhileItIsWritten() throws Exception {
        Path f = dir.resolve("grow.dmatrace");
        List<TraceEvent> ev = faults(3000);
        try (TraceWriter w = TraceWriter.create(f, TraceWriter.Options.DEFAULT.withChunkBytes(4096));
                TraceReader r = TraceReader.open(f)) {
            assertEquals(0, r.eventCount());
            w.appendAll(ev.subList(0, 1000));
            w.flush();
            r.refresh();
            assertEquals(1000, r.eventCount());
            assertEquals(ev.subList(0, 1000), readAll(r));
            w.appendAll(ev.subList(1000, 3000));
            w.flush();
            assertTrue(r.refresh() > 0);
            assertEquals(ev, readAll(r));
            assertNull(r.incompleteEnd());
        }
    }

    @Test
    void theBackgroundFlushWritesWithinTheInterval() throws Exception {
        Path f = dir.resolve("flush.dmatrace");
        try (TraceWriter w = TraceWriter.create(f, TraceWriter.Options.DEFAULT.withFlushInterval(Duration.ofMillis(200)));
                TraceReader r = TraceReader.open(f)) {
            w.appendAll(faults(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (r.eventCount() < 10 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                r.refresh();
            }
            assertEquals(10, r.eventCount(), "the flusher wrote the pending chunk without a flush() or close()");
        }
    }

    @Test
    void aFileCutAnywhereServesItsCompleteChunksAndNamesTheCut() throws Exception {
        List<TraceEvent> ev = faults(3000);
        Path f = write("cut.dmatrace", ev, SMALL);
        byte[] bytes = Files.readAllBytes(f);
        List<ChunkInfo> chunks;
        try (TraceReader r = TraceReader.open(f)) {
            chunks = r.chunks();
        }
        assertTrue(chunks.size() > 20);
        assertColumnar(f, chunks);
        for (ChunkInfo c : chunks) {
            for (long cut : new long[] { c.offset() + 3, c.offset() + 30, c.offset() + 56, c.end() - 1, c.end() }) {
                Path p = dir.resolve("cut-" + cut + ".dmatrace");
                Files.write(p, java.util.Arrays.copyOf(bytes, (int) cut));
                try (TraceReader r = TraceReader.open(p)) {
                    long complete = 0;
                    for (ChunkInfo k : chunks) {
                        if (!k.checkpoint() && k.end() <= cut) {
                            complete += k.events();
                        }
                    }
                    assertEquals(ev.subList(0, (int) complete), readAll(r), "cut at " + cut);
                    if (cut == c.end()) {
                        assertNull(r.incompleteEnd(), "a cut at a chunk boundary leaves a shorter, intact trace");
                        assertTrue(r.verifyAll());
                    } else {
                        TraceReader.Damage d = r.incompleteEnd();
                        assertNotNull(d, "cut at " + cut);
                        assertEquals(c.offset(), d.offset());
                        assertTrue(d.problem().contains("chunk " + c.sequence() + " is cut short"), d.problem());
                        assertFalse(r.verifyAll());
                    }
                }
            }
        }
    }

    @Test
    void aFlippedPayloadByteLosesOnlyItsChunk() throws Exception {
        List<TraceEvent> ev = faults(3000);
        Path f = write("flip.dmatrace", ev, TraceWriter.Options.DEFAULT.withChunkBytes(1024).withCheckpointEvery(1 << 30));
        ChunkInfo victim;
        try (TraceReader r = TraceReader.open(f)) {
            victim = r.chunks().get(5);
            assertColumnar(f, r.chunks());
        }
        flip(f, victim.offset() + 56 + victim.payloadBytes() / 2);
        try (TraceReader r = TraceReader.open(f)) {
            List<TraceEvent> got = readAll(r);
            List<TraceEvent> expected = new ArrayList<>(ev);
            expected.subList((int) victim.firstOrdinal(), (int) victim.firstOrdinal() + victim.events()).clear();
            assertEquals(expected, got);
            List<TraceReader.Damage> damage = r.damage();
            assertEquals(1, damage.size(), damage.toString());
            assertEquals(victim.offset(), damage.get(0).offset());
            assertEquals(5, damage.get(0).chunk());
            assertTrue(damage.get(0).problem().contains(f.toString()) && damage.get(0).problem().contains("chunk 5 at offset "
                    + victim.offset()) && damage.get(0).problem().contains("checksum"), damage.get(0).problem());
            assertFalse(r.verifyAll());
            assertEquals(ev.size() - victim.events(), r.eventCount());
        }
    }

    @Test
    void aFlippedHeaderByteIsSkippedToTheNextChunk() throws Exception {
        List<TraceEvent> ev = faults(3000);
        Path f = write("hdr.dmatrace", ev, TraceWriter.Options.DEFAULT.withChunkBytes(1024).withCheckpointEvery(1 << 30));
        ChunkInfo victim;
        try (TraceReader r = TraceReader.open(f)) {
            victim = r.chunks().get(7);
        }
        flip(f, victim.offset() + 13); // the payload length
        try (TraceReader r = TraceReader.open(f)) {
            List<TraceEvent> expected = new ArrayList<>(ev);
            expected.subList((int) victim.firstOrdinal(), (int) victim.firstOrdinal() + victim.events()).clear();
            assertEquals(expected, readAll(r));
            List<TraceReader.Damage> damage = r.damage();
            assertEquals(1, damage.size(), damage.toString());
            assertEquals(victim.offset(), damage.get(0).offset());
            assertTrue(damage.get(0).problem().contains("after chunk 6") && damage.get(0).problem().contains("skipped"),
                    damage.get(0).problem());
        }
    }

    @Test
    void randomFlipsNeverCrashTheReader() throws Exception {
        List<TraceEvent> ev = faults(2000);
        Path f = write("rand.dmatrace", ev, SMALL);
        byte[] clean = Files.readAllBytes(f);
        java.util.Random rnd = new java.util.Random(42);
        for (int round = 0; round < 200; round++) {
            byte[] b = clean.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int at = 64 + rnd.nextInt(b.length - 64);
                b[at] ^= (byte) (1 << rnd.nextInt(8));
            }
            Path p = dir.resolve("r.dmatrace");
            Files.write(p, b);
            try (TraceReader r = TraceReader.open(p)) {
                List<TraceEvent> got = readAll(r);
                assertFalse(r.verifyAll(), "round " + round + ": damage must be seen");
                // every event served is one that was written, in order
                int j = 0;
                for (TraceEvent e : got) {
                    while (j < ev.size() && !ev.get(j).equals(e)) {
                        j++;
                    }
                    assertTrue(j < ev.size(), "round " + round + ": an event that was never written: " + e);
                }
                r.stateAt(Long.MAX_VALUE);
            }
        }
    }

    @Test
    void aVersionOneZeroFileIsStillReadEventForEvent() throws Exception {
        // written by the 1.0 writer, rows only (data/README.md); copied so that nothing touches the original
        Path f = dir.resolve("v1.0.dmatrace");
        Files.copy(StoreFormatTest.V1_0, f);
        List<TraceEvent> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            expected.addAll(Events.oneOfEach());
        }
        try (TraceReader r = TraceReader.open(f)) {
            assertEquals(0, r.versionMinor());
            assertEquals(10, r.chunks().size());
            assertEquals(3, r.chunks().stream().filter(ChunkInfo::checkpoint).count());
            assertEquals(expected, readAll(r));
            assertTrue(r.verifyAll(), r.problems().toString());
            assertEquals(expected.size(), r.eventCount());
            List<String> scanned = new ArrayList<>();
            r.scan((ordinal, type, ts, cpu, pid) -> scanned.add(ordinal + " " + type + " " + ts + " " + cpu + " " + pid));
            assertEquals(headerLines(expected), scanned);
            assertEquals(expected, readBatches(r));
            TraceState replayed = new TraceState();
            expected.forEach(replayed::apply);
            assertEquals(replayed.asEvents(), r.stateAt(Long.MAX_VALUE).asEvents(), "from the last checkpoint on");
            TraceReader.Cursor c = r.seek(43);
            assertTrue(c.hasNext());
            assertEquals(expected.stream().filter(e -> e.ts() >= 43).findFirst().orElseThrow(), c.next());
        }
    }

    @Test
    void aVersionOneOneFileIsStillReadEventForEvent() throws Exception {
        // written by the 1.1 writer, event chunks as columns with their fields as varints (data/README.md)
        Path f = dir.resolve("v1.1.dmatrace");
        Files.copy(StoreFormatTest.V1_1, f);
        List<TraceEvent> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            expected.addAll(Events.oneOfEach());
        }
        try (TraceReader r = TraceReader.open(f)) {
            assertEquals(1, r.versionMinor());
            assertEquals(12, r.chunks().size());
            assertEquals(3, r.chunks().stream().filter(ChunkInfo::checkpoint).count());
            byte[] bytes = Files.readAllBytes(f);
            for (ChunkInfo c : r.chunks()) {
                assertEquals(c.checkpoint() ? 2 : 3, bytes[(int) c.offset() + 4], "kind of chunk " + c.sequence());
            }
            assertEquals(expected, readAll(r));
            assertTrue(r.verifyAll(), r.problems().toString());
            assertEquals(expected.size(), r.eventCount());
            List<String> scanned = new ArrayList<>();
            r.scan((ordinal, type, ts, cpu, pid) -> scanned.add(ordinal + " " + type + " " + ts + " " + cpu + " " + pid));
            assertEquals(headerLines(expected), scanned);
            assertEquals(expected, readBatches(r));
            TraceState replayed = new TraceState();
            expected.forEach(replayed::apply);
            assertEquals(replayed.asEvents(), r.stateAt(Long.MAX_VALUE).asEvents(), "from the last checkpoint on");
            TraceReader.Cursor c = r.seek(43);
            assertTrue(c.hasNext());
            assertEquals(expected.stream().filter(e -> e.ts() >= 43).findFirst().orElseThrow(), c.next());
        }
    }

    private static final EventSchema SCHEMA = new EventSchema();

    /** Every field of an event as its kind's field columns give it, against the record's. */
    static void assertFields(TraceEvent e, FieldColumns c, int row, TraceReader.Batch b) throws IOException {
        List<EventSchema.Field> fields = SCHEMA.of(e.type()).fields();
        assertEquals(e.type(), c.type());
        assertEquals(fields.size(), c.fieldCount());
        for (int f = 0; f < fields.size(); f++) {
            EventSchema.Field field = fields.get(f);
            String what = e.type().id() + "." + field.name() + " of " + e;
            assertEquals(field.name(), c.fieldName(f));
            assertEquals(f, c.field(field.name()));
            assertEquals(field.kind(), c.fieldKind(f), what);
            Object v = field.get(e);
            switch (field.kind()) {
                case LONG, HEX, INT, BOOLEAN, STRING -> {
                    long first = field.kind() == EventSchema.Kind.STRING ? c.stringNumber(f, 0) : c.number(f, 0);
                    long mine = field.kind() == EventSchema.Kind.STRING ? c.stringNumber(f, row) : c.number(f, row);
                    assertTrue(!c.constant(f) || mine == first, what + ": a constant column has one value");
                    assertEquals(mine, c.numbers(f)[row], what + ": the whole column");
                }
                default -> {
                    int arrayOrMap = f;
                    assertThrows(IllegalArgumentException.class, () -> c.numbers(arrayOrMap), what);
                }
            }
            switch (field.kind()) {
                case LONG, HEX -> assertEquals((long) (Long) v, c.number(f, row), what);
                case INT -> {
                    assertEquals((int) (Integer) v, c.intValue(f, row), what);
                    assertEquals((long) (Integer) v, c.number(f, row), what);
                }
                case BOOLEAN -> {
                    assertEquals(v, c.bool(f, row), what);
                    assertEquals((Boolean) v ? 1 : 0, c.number(f, row), what);
                }
                case STRING -> {
                    assertEquals(v, c.string(f, row), what);
                    assertEquals(v, b.string(c.stringNumber(f, row)), what);
                }
                case HEX_ARRAY, LONG_ARRAY -> {
                    long[] a = (long[]) v;
                    assertArrayEquals(a, c.longArray(f, row), what);
                    assertEquals(a.length, c.length(f, row), what);
                    for (int j = 0; j < a.length; j++) {
                        assertEquals(a[j], c.element(f, row, j), what);
                    }
                }
                case INT_ARRAY -> fail("no kind has an int array yet: " + what);
                case STRING_MAP -> {
                    @SuppressWarnings("unchecked")
                    List<Map.Entry<String, String>> entries = new ArrayList<>(((Map<String, String>) v).entrySet());
                    assertEquals(entries.size(), c.length(f, row), what);
                    for (int j = 0; j < entries.size(); j++) {
                        assertEquals(entries.get(j).getKey(), c.key(f, row, j), what);
                        assertEquals(entries.get(j).getValue(), c.value(f, row, j), what);
                    }
                }
            }
        }
    }

    static List<String> headerLines(List<TraceEvent> events) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            EventHeader h = events.get(i).header();
            out.add(i + " " + events.get(i).type() + " " + h.ts() + " " + h.cpu() + " " + h.pid());
        }
        return out;
    }

    /**
     * Every event through {@link TraceReader#batches()}, its columns and every one of its fields
     * in its kind's field columns checked against its record.
     */
    static List<TraceEvent> readBatches(TraceReader r) throws IOException {
        List<TraceEvent> out = new ArrayList<>();
        TraceReader.Batch b = r.batches();
        long end = 0;
        while (b.next()) {
            assertTrue(b.firstOrdinal() >= end, "batches follow each other (a damaged chunk skipped)");
            end = b.firstOrdinal() + b.size();
            assertEquals(b.chunk().events(), b.size());
            int[] rows = new int[EventType.values().length];
            for (int i = 0; i < b.size(); i++) {
                TraceEvent e = b.event(i);
                assertEquals(e.type(), b.type(i));
                assertEquals(e.ts(), b.ts(i));
                assertEquals(e.header().cpu(), b.cpu(i));
                assertEquals(e.header().pid(), b.pid(i));
                assertEquals(e.header().comm(), b.comm(i));
                assertEquals(e.header().comm(), b.string(b.commNumber(i)));
                assertEquals(rows[e.type().ordinal()]++, b.row(i), "rows count the kind's events before");
                assertFields(e, b.fields(e.type()), b.row(i), b);
                out.add(e);
            }
            for (EventType t : EventType.values()) {
                assertEquals(rows[t.ordinal()], b.fields(t).size(), "the rows of " + t);
            }
        }
        assertEquals(0, b.size(), "no events once the batches are done");
        assertThrows(IllegalStateException.class, () -> b.fields(EventType.PAGE_FAULT), "no chunk's columns once done");
        assertThrows(IllegalStateException.class, () -> b.string(0));
        return out;
    }

    @Test
    void batchesGiveEveryChunksColumnsAndRecordsOnDemand() throws Exception {
        List<TraceEvent> ev = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            for (TraceEvent e : Events.oneOfEach()) {
                ev.add(e);
                ev.add(new PageFault(new EventHeader(e.ts() + i, i % 5 - 1, 100 + i, "c" + i % 3), i, -i, i, "x" + i));
            }
        }
        Path f = write("batches.dmatrace", ev, TraceWriter.Options.DEFAULT.withChunkBytes(1024).withCheckpointEvery(300));
        try (TraceReader r = TraceReader.open(f)) {
            assertTrue(r.chunks().size() > 20, "chunks " + r.chunks().size());
            assertEquals(ev, readBatches(r));
            assertTrue(r.verifyAll());
            // records only on demand: the last event of a chunk, then its first
            TraceReader.Batch b = r.batches();
            assertTrue(b.next());
            int last = b.size() - 1;
            assertEquals(ev.get(last), b.event(last));
            assertEquals(ev.get(0), b.event(0));
            assertThrows(IndexOutOfBoundsException.class, () -> b.ts(b.size()));
            assertThrows(IndexOutOfBoundsException.class, () -> b.event(-1));
        }
        try (TraceReader r = TraceReader.open(f)) {
            assertThrows(IllegalStateException.class, () -> r.batches().chunk());
        }
    }

    @Test
    void columnsOfEveryWidthRoundTrip() throws Exception {
        // each group is one chunk (flushed), whose time, CPU and PID spans need 1, 2, 4 or 8 bytes
        long[][] groups = { { 0, 255, 0, 255 }, { 1_000, 67_000, -1, 65_534 }, { -5, 4_000_000_000L, Integer.MIN_VALUE,
            Integer.MAX_VALUE }, { Long.MIN_VALUE, Long.MAX_VALUE, -7, 70_000 }, { Long.MAX_VALUE - 3, Long.MAX_VALUE, 0, 1 } };
        int[][] widths = { { 1, 1, 1 }, { 4, 2, 2 }, { 4, 4, 4 }, { 8, 4, 4 }, { 8, 1, 1 } };
        Path f = dir.resolve("colwidths.dmatrace");
        List<TraceEvent> ev = new ArrayList<>();
        try (TraceWriter w = TraceWriter.createUnflushed(f, TraceWriter.Options.DEFAULT)) {
            for (long[] g : groups) {
                List<TraceEvent> chunk = List.of(
                        new IommuMap(new EventHeader(g[0], (int) g[2], (int) g[3], "a"), 1, 2, 3),
                        new IommuMap(new EventHeader(g[1], (int) g[3], (int) g[2], "b"), 4, 5, 6));
                w.appendAll(chunk);
                w.flush();
                ev.addAll(chunk);
            }
        }
        byte[] bytes = Files.readAllBytes(f);
        try (TraceReader r = TraceReader.open(f)) {
            assertEquals(ev, readAll(r));
            assertEquals(ev, readBatches(r));
            assertTrue(r.verifyAll(), r.problems().toString());
            List<ChunkInfo> chunks = r.chunks();
            assertEquals(groups.length, chunks.size());
            for (int k = 0; k < groups.length; k++) {
                int payload = (int) chunks.get(k).offset() + 56;
                for (int c = 0; c < 3; c++) {
                    assertEquals(widths[k][c], bytes[payload + 16 + 16 * c + 8], "chunk " + k + ", column " + c);
                }
            }
        }
    }

    /** The chunk kind byte of every event chunk: 4, field columns (or 3, columns, in a 1.1 file). */
    static void assertColumnar(Path f, List<ChunkInfo> chunks) throws IOException {
        byte[] bytes = Files.readAllBytes(f);
        int kind = bytes[10] == 1 ? 3 : 4;
        for (ChunkInfo c : chunks) {
            assertEquals(c.checkpoint() ? 2 : kind, bytes[(int) c.offset() + 4], "kind of chunk " + c.sequence());
        }
    }

    /**
     * A columnar chunk of format 1.1 whose checksums match (a writer's bug, or a file of another
     * version) but whose columns are wrong: named with the file, chunk and offset, and skipped
     * alone. (The field columns of 1.2: StoreFormatTest.)
     */
    @Test
    void aColumnarChunkThatDoesNotDecodeIsNamedAndSkipped() throws Exception {
        List<TraceEvent> ev = faults(3000);
        Path clean = write("cols.dmatrace", ev,
                TraceWriter.Options.DEFAULT.withChunkBytes(1024).withCheckpointEvery(1 << 30).withFormatMinor(1));
        ChunkInfo victim;
        try (TraceReader r = TraceReader.open(clean)) {
            victim = r.chunks().get(4);
            assertColumnar(clean, r.chunks());
        }
        int p = (int) victim.offset() + 56;
        int n = victim.events();
        byte[] bytes = Files.readAllBytes(clean);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int[] width = new int[5];
        int[] column = new int[6];
        column[0] = p + 96;
        for (int c = 0; c < 5; c++) {
            width[c] = bytes[p + 16 + 16 * c + 8];
            column[c + 1] = column[c] + width[c] * n;
        }
        int kinds = column[5];
        int strings = b.getInt(p + 4);
        int fieldArea = kinds + n + b.getInt(p + 8);
        record Case(String what, java.util.function.Consumer<ByteBuffer> damage, String message) {
        }
        List<Case> cases = List.of(
                new Case("event count", x -> x.putInt(p, n + 1), "holds " + (n + 1) + " events but its header says " + n),
                new Case("width", x -> x.put(p + 16 + 8, (byte) 3), "column ts: width 3 with base"),
                new Case("counts", x -> x.putInt(p + 12, x.getInt(p + 12) + 1), "do not add up to the payload's"),
                new Case("kind", x -> x.put(kinds + 2, (byte) 200), "event 2 of the chunk: unknown event code 200"),
                new Case("comm", x -> x.put(column[3] + 1, (byte) 50),
                        "event 1 of the chunk: command string #" + (50 + b.getLong(p + 16 + 48)) + " not in the chunk's table of "
                                + strings),
                new Case("time", x -> x.putLong(p + 16, x.getLong(p + 16) + 1_000_000),
                        "event 0 of the chunk: time stamp " + (victim.minTs() + 1_000_000) + " outside the chunk header's range "
                                + victim.minTs() + ".." + victim.maxTs()),
                new Case("field length", x -> x.put(column[4], (byte) (x.get(column[4]) + 1)),
                        "the events' fields end at " + (b.getInt(p + 12) + 1) + " but the field area has " + b.getInt(p + 12)
                                + " bytes"));
        for (Case k : cases) {
            ByteBuffer x = ByteBuffer.wrap(bytes.clone()).order(ByteOrder.LITTLE_ENDIAN);
            k.damage().accept(x);
            Path f = dir.resolve("cols-" + k.what().replace(' ', '-') + ".dmatrace");
            Files.write(f, resealed(x.array(), victim));
            List<TraceEvent> expected = new ArrayList<>(ev);
            expected.subList((int) victim.firstOrdinal(), (int) victim.firstOrdinal() + n).clear();
            try (TraceReader r = TraceReader.open(f)) {
                long scanned = r.scan((ordinal, type, ts, cpu, pid) -> {
                });
                assertEquals(expected.size(), scanned, k.what());
                assertEquals(expected, readAll(r), k.what());
                assertEquals(expected, readBatches(r), k.what());
                List<String> problems = r.problems();
                assertEquals(1, problems.size(), k.what() + ": " + problems);
                assertTrue(problems.get(0).startsWith(f + ": chunk 4 at offset " + victim.offset()
                        + ": payload does not decode: ") && problems.get(0).contains(k.message()), k.what() + ": "
                                + problems.get(0) + "\n expected: " + k.message());
                assertFalse(r.verifyAll());
            }
        }
        // fields that do not decode: the columns still scan, the records name the event and skip the chunk
        ByteBuffer x = ByteBuffer.wrap(bytes.clone()).order(ByteOrder.LITTLE_ENDIAN);
        int firstLength = (x.get(column[4]) & 0xFF) + (int) x.getLong(p + 16 + 64);
        for (int i = 0; i < firstLength; i++) {
            x.put(fieldArea + i, (byte) 0xFF);
        }
        Path f = dir.resolve("cols-fields.dmatrace");
        Files.write(f, resealed(x.array(), victim));
        try (TraceReader r = TraceReader.open(f)) {
            assertEquals(ev.size(), r.scan((ordinal, type, ts, cpu, pid) -> {
            }), "the columns are sound");
            TraceReader.Batch batch = r.batches();
            for (int k = 0; k < 4; k++) {
                assertTrue(batch.next());
            }
            assertTrue(batch.next());
            IOException e = assertThrows(IOException.class, () -> batch.event(0));
            assertTrue(e.getMessage().startsWith(f + ": chunk 4 at offset " + victim.offset() + ": event 0 (ordinal "
                    + victim.firstOrdinal() + ") does not decode: number longer than 10 bytes"), e.getMessage());
            assertEquals(1, r.damage().size(), r.damage().toString());
            List<TraceEvent> expected = new ArrayList<>(ev);
            expected.subList((int) victim.firstOrdinal(), (int) victim.firstOrdinal() + n).clear();
            assertEquals(expected, readAll(r), "the damaged chunk is skipped from then on");
        }
        try (TraceReader r = TraceReader.open(f)) {
            assertFalse(r.verifyAll(), "verifyAll decodes every event's fields");
            assertTrue(r.problems().get(0).contains("event 0 (ordinal " + victim.firstOrdinal() + ") does not decode"),
                    r.problems().toString());
        }
    }

    /** The file with the chunk's payload and header checksums made to match again. */
    static byte[] resealed(byte[] bytes, ChunkInfo c) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) c.offset();
        CRC32C crc = new CRC32C();
        crc.update(bytes, at + 56, c.payloadBytes());
        b.putInt(at + 20, (int) crc.getValue());
        crc.reset();
        crc.update(bytes, at, 52);
        b.putInt(at + 52, (int) crc.getValue());
        return bytes;
    }

    @Test
    void aBadFileHeaderIsRefusedWithItsPlace() throws Exception {
        Path f = write("bad.dmatrace", faults(10), TraceWriter.Options.DEFAULT);
        flip(f, 20);
        InputException e = assertThrows(InputException.class, () -> TraceReader.open(f));
        assertEquals(f + ": offset 0: the file header's checksum does not match: the header is damaged", e.getMessage());
        Path jsonl = dir.resolve("x.jsonl");
        Files.writeString(jsonl, "{\"ts\":1}\n");
        e = assertThrows(InputException.class, () -> TraceReader.open(jsonl));
        assertTrue(e.getMessage().startsWith(jsonl + ": offset 0: not a DMA Scope trace"), e.getMessage());
        e = assertThrows(InputException.class, () -> TraceReader.open(dir.resolve("missing.dmatrace")));
        assertTrue(e.getMessage().endsWith("missing.dmatrace: no such file"), e.getMessage());
    }

    static void flip(Path f, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x10);
        }
    }
}
