package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.MrRegister;
import org.dmascope.trace.event.PageFault;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.jsonl.JsonlReader;
import org.dmascope.trace.store.ChunkInfo;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;

/** {@code dmascope trace info|check|convert} on intact and damaged files. */
class TraceCommandTest {

    @TempDir
    Path dir;

    static List<TraceEvent> events() {
        List<TraceEvent> out = new ArrayList<>();
        out.add(new VmaMap(new EventHeader(1_000, 0, 5, "app"), 0x7f00_0000_0000L, 0x7f00_0020_0000L, "rw-p", 0, ""));
        for (int i = 0; i < 5000; i++) {
            out.add(new PageFault(new EventHeader(2_000 + i, i % 2, 5, "app"), 0x7f00_0000_0000L + 4096L * (i % 512),
                    0x401000, 6, ""));
        }
        out.add(new MrRegister(new EventHeader(9_000, 1, 5, "app"), "mlx5_0", 0x7f00_0000_0000L, 1 << 21,
                0x7f00_0000_0000L, "LOCAL_WRITE", 0x42, 0x42, ""));
        return out;
    }

    Path store(String name) throws Exception {
        Path f = dir.resolve(name);
        try (TraceWriter w = TraceWriter.createUnflushed(f, TraceWriter.Options.DEFAULT.withChunkBytes(4096)
                .withCheckpointEvery(2000))) {
            w.appendAll(events());
        }
        return f;
    }

    @Test
    void infoCountsEventsPerTypeAndShowsChunkHealth() throws Exception {
        Path f = store("a.dmatrace");
        CliRun run = CliRun.of("trace", "info", f.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith(f + ": DMA Scope trace store, format 1.2, created "), run.out());
        assertTrue(run.out().contains("events:     5002 in "), run.out());
        assertTrue(run.out().contains("time span:  1000 .. 9000 ns (8000 ns)"), run.out());
        assertTrue(run.out().contains("  page_fault                               5000"), run.out());
        assertTrue(run.out().contains("  vma_map                                     1"), run.out());
        assertTrue(run.out().matches("(?s).*  chunks 0\\.\\.\\d+ \\(offsets 64\\.\\.\\d+\\): ok, 5002 events, 2 checkpoints.*"),
                run.out());
        assertTrue(run.out().contains("health:     intact"), run.out());

        JsonObject doc = CliRun.of("trace", "info", "--json", f.toString()).json();
        assertEquals(5002, doc.get("events").getAsLong());
        assertEquals(1000, doc.get("firstTs").getAsLong());
        assertEquals(5000, doc.getAsJsonObject("types").get("page_fault").getAsLong());
        assertTrue(doc.get("intact").getAsBoolean());
        assertEquals("events", doc.getAsJsonArray("chunks").get(0).getAsJsonObject().get("kind").getAsString());
    }

    @Test
    void checkSaysIntactOrNamesEveryDamage() throws Exception {
        Path f = store("b.dmatrace");
        CliRun ok = CliRun.of("trace", "check", f.toString());
        assertEquals(0, ok.status(), ok.out() + ok.err());
        assertTrue(ok.out().startsWith(f + ": intact, 5002 events in "), ok.out());

        ChunkInfo victim;
        try (TraceReader r = TraceReader.open(f)) {
            victim = r.chunks().get(2);
        }
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(victim.offset() + 60);
            int b = raf.read();
            raf.seek(victim.offset() + 60);
            raf.write(b ^ 1);
            raf.setLength(raf.length() - 7);
        }
        CliRun bad = CliRun.of("trace", "check", f.toString());
        assertEquals(1, bad.status());
        List<String> lines = bad.out().lines().toList();
        assertTrue(lines.get(0).startsWith(f + ": DAMAGED, 2 problems; "), bad.out());
        assertEquals(f + ": chunk 2 at offset " + victim.offset() + ": payload checksum mismatch (" + victim.payloadBytes()
                + " bytes): its " + victim.events() + " events are skipped", lines.get(1));
        assertTrue(lines.get(2).startsWith(f + ": offset ") && lines.get(2).contains("is cut short: its payload of"),
                lines.get(2));
        CliRun info = CliRun.of("trace", "info", f.toString());
        assertEquals(0, info.status());
        assertTrue(info.out().contains("  chunk 2 at offset " + victim.offset() + ": DAMAGED"), info.out());
    }

    @Test
    void convertRoundTripsThroughJsonLinesAndNamesWhatItSkipped() throws Exception {
        Path f = store("c.dmatrace");
        Path jsonl = dir.resolve("c.jsonl");
        CliRun run = CliRun.of("trace", "convert", f.toString(), jsonl.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(f + " (DMA Scope trace store) -> " + jsonl + " (JSON Lines): 5002 events\n", run.out());
        List<TraceEvent> back = new ArrayList<>();
        try (JsonlReader r = JsonlReader.open(jsonl)) {
            r.forEach(back::add);
        }
        assertEquals(events(), back);

        Path again = dir.resolve("again.dmatrace");
        Files.writeString(jsonl, Files.readString(jsonl).replaceFirst("\"type\":\"page_fault\",\"address\":\"0x",
                "\"type\":\"page_fault\",\"address\":\"0xZ"));
        run = CliRun.of("trace", "convert", jsonl.toString(), again.toString());
        assertEquals(2, run.status());
        assertTrue(run.out().endsWith(": 5001 events\n"), run.out());
        assertTrue(run.err().startsWith("dmascope: " + jsonl + ": line 2, column "), run.err());
        try (TraceReader r = TraceReader.open(again)) {
            assertEquals(5001, r.eventCount());
            assertTrue(r.verifyAll());
        }
    }

    /** tracefs's trace file, lines written with the kernel's formats (trace_print_context, iommu.h, dma.h). */
    static String ftrace() {
        return "# tracer: nop\n#\n# entries-in-buffer/entries-written: 4/4   #P:2\n#\n"
                + "#                                _-----=> irqs-off/BH-disabled\n"
                + "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
                + "#              | |         |   |||||     |         |\n"
                + "     ib_write_bw-4242    [003] ..... 12345.678901: map: IOMMU: iova=0x00000000ffff0000 - "
                + "0x00000000ffff1000 paddr=0x0000000812345000 size=4096\n"
                + "     ib_write_bw-4242    [003] ..... 12345.678950: dma_map_page: 0000:3b:00.0 dir=BIDIRECTIONAL "
                + "dma_addr=ffff0000 size=4096 phys_addr=812345000 attrs=\n"
                + "          <idle>-0       [001] d..2. 12345.679000: sched_switch: prev_comm=swapper/1 prev_pid=0 "
                + "prev_prio=120 prev_state=R ==> next_comm=ib_write_bw next_pid=4242 next_prio=120\n"
                + "     ib_write_bw-4242    [003] ..... 12345.679100: unmap: IOMMU: iova=0x00000000ffff0000 - "
                + "0x00000000ffff1000 size=4096 unmapped_size=4096\n";
    }

    @Test
    void convertReadsFtraceTextAndWritesEveryFormat() throws Exception {
        Path text = dir.resolve("trace.txt");
        Files.writeString(text, ftrace());
        Path store = dir.resolve("f.dmatrace");
        CliRun run = CliRun.of("trace", "convert", text.toString(), store.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(text + " (ftrace text) -> " + store + " (DMA Scope trace store): 4 events\n", run.out());
        JsonObject info = CliRun.of("trace", "info", "--json", store.toString()).json();
        assertEquals(1, info.getAsJsonObject("types").get("iommu_map").getAsLong());
        assertEquals(1, info.getAsJsonObject("types").get("dma_map_page").getAsLong());
        assertEquals(1, info.getAsJsonObject("types").get("generic").getAsLong(), "sched_switch kept as generic");
        assertEquals(12_345_678_901_000L, info.get("firstTs").getAsLong());

        Path perfetto = dir.resolve("f.json");
        run = CliRun.of("trace", "convert", store.toString(), perfetto.toString());
        assertEquals(0, run.status(), run.err());
        JsonObject doc = com.google.gson.JsonParser.parseString(Files.readString(perfetto)).getAsJsonObject();
        long instants = 0;
        for (var e : doc.getAsJsonArray("traceEvents")) {
            if (!"M".equals(e.getAsJsonObject().get("ph").getAsString())) {
                instants++;
            }
        }
        assertEquals(4, instants);

        Path csv = dir.resolve("f.csv");
        run = CliRun.of("trace", "convert", text.toString(), csv.toString());
        assertEquals(0, run.status(), run.err());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(5, rows.size(), "a header and one row per event");
        assertTrue(rows.get(0).startsWith("ts,cpu,pid,comm,type"), rows.get(0));

        CliRun check = CliRun.of("trace", "check", text.toString());
        assertEquals(0, check.status(), check.out());
        Files.writeString(text, ftrace().replace("paddr=0x0000000812345000", "paddr=0xZZ"));
        check = CliRun.of("trace", "check", text.toString());
        assertEquals(1, check.status(), check.out());
        assertTrue(check.out().lines().skip(1).findFirst().orElse("").startsWith(text + ": line 8, column "), check.out());
    }

    @Test
    void badUsageAndUnreadableInputExitWithTwo() throws Exception {
        CliRun run = CliRun.of("trace", "convert", store("d.dmatrace").toString(), dir.resolve("out.txt").toString());
        assertEquals(2, run.status());
        assertTrue(run.err().contains("out.txt: unknown output format: the name must end with one of .dmatrace, .jsonl, .json, .csv"),
                run.err());
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello\n");
        run = CliRun.of("trace", "info", text.toString());
        assertEquals(2, run.status());
        assertEquals("dmascope: " + text + ": offset 0: not a trace DMA Scope reads (a .dmatrace store, JSON Lines, ftrace text or trace-cmd report text)\n",
                run.err());
        run = CliRun.of("trace", "check", dir.resolve("none.dmatrace").toString());
        assertEquals(2, run.status());
        assertTrue(run.err().endsWith("none.dmatrace: no such file\n"), run.err());
        run = CliRun.of("trace");
        assertEquals(2, run.status());
    }
}
