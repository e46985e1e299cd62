package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.*;
import org.dmascope.trace.store.ChunkInfo;
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
