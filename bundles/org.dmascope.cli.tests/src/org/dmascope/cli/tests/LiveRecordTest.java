package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.dmascope.cli.LiveRecord;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.TraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code record --pid} half of {@code dmascope record}: {@link LiveRecord#recordPid}. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LiveRecordTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int record(int pid, double seconds, Double rate, Path file) {
        return LiveRecord.recordPid(pid, seconds, rate, file, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** A process that is killed 1.5 s from now (a short sleep could end before the recording starts). */
    private static Process endsSoon() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS).execute(p::destroy);
        return p;
    }

    private static List<TraceEvent> events(Path file) throws Exception {
        List<TraceEvent> all = new ArrayList<>();
        try (TraceReader r = TraceReader.open(file)) {
            assertTrue(r.problems().isEmpty(), r.problems().toString());
            r.events().forEachRemaining(all::add);
        }
        return all;
    }

    @Test
    void recordsForTheDuration() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Path file = dir.resolve("sleep.dmatrace");
            long t0 = System.nanoTime();
            assertEquals(0, record((int) sleeper.pid(), 1.0, 20.0, file), err.toString());
            long took = System.nanoTime() - t0;
            assertTrue(took >= 1_000_000_000L && took < 20_000_000_000L, "about a second: " + took);
            String line = out.toString().strip();
            assertFalse(line.contains("\n"), "one line: " + line);
            assertTrue(line.matches("recorded process " + sleeper.pid() + " \\(sleep\\): \\d+ samples, \\d+ events, span "
                    + "\\d+\\.\\d{3} s, file " + Path.of(file.toString()) + "; the duration of 1 s elapsed"), line);
            List<TraceEvent> all = events(file);
            assertEquals(EventType.PROCESS_START, all.get(0).type());
            assertTrue(all.stream().anyMatch(e -> e.type() == EventType.VMA_MAP));
            assertTrue(all.stream().anyMatch(e -> e.type() == EventType.TOPOLOGY_SNAPSHOT));
            assertTrue(all.stream().noneMatch(e -> e.type() == EventType.PROCESS_EXIT), "still alive");
            assertTrue(sleeper.isAlive());
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void stopsWhenTheProcessExits() throws Exception {
        Process sleeper = endsSoon();
        Path file = dir.resolve("exit.dmatrace");
        long t0 = System.nanoTime();
        assertEquals(0, record((int) sleeper.pid(), Double.POSITIVE_INFINITY, null, file), err.toString());
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L);
        assertTrue(out.toString().strip().endsWith("; the process exited"), out.toString());
        List<TraceEvent> all = events(file);
        assertEquals(EventType.PROCESS_START, all.get(0).type());
        TraceEvent last = all.get(all.size() - 1);
        assertEquals(EventType.PROCESS_EXIT, last.type());
        assertEquals(sleeper.pid(), last.header().pid());
    }

    @Test
    void withoutTracefsOneLineSaysSoAndTheRecordingGoesOn() throws Exception {
        assumeFalse(Files.exists(Path.of("/sys/kernel/tracing/trace_pipe")), "tracefs is mounted here");
        Process sleeper = endsSoon();
        Path file = dir.resolve("tracefs.dmatrace");
        assertEquals(0, LiveRecord.recordPid((int) sleeper.pid(), 30, null, file, new PrintWriter(out, true),
                new PrintWriter(err, true), LiveRecord.Tracefs.ENABLE));
        assertTrue(err.toString().startsWith("dmascope: tracefs is not mounted at /sys/kernel/tracing"), err.toString());
        assertEquals(1, err.toString().strip().split("\n").length, err.toString());
        assertTrue(out.toString().strip().endsWith("; the process exited"), out.toString());
        assertEquals(EventType.PROCESS_EXIT, events(file).get(events(file).size() - 1).type());
    }

    @Test
    void aPidThatDoesNotExistIsBadInput() throws Exception {
        Path file = dir.resolve("none.dmatrace");
        Files.writeString(file, "an earlier file, kept");
        int pid = 0x3fff_fff0;
        assertEquals(2, record(pid, 5, null, file));
        assertEquals("dmascope: --pid " + pid + ": process " + pid + " does not exist (no /proc/" + pid + ")\n",
                err.toString().replace("\r\n", "\n"));
        assertEquals("", out.toString());
        assertEquals("an earlier file, kept", Files.readString(file));
    }

    @Test
    void badRateAndDuration() {
        int self = (int) ProcessHandle.current().pid();
        Path file = dir.resolve("x.dmatrace");
        assertEquals(2, record(self, 1, 0.0, file));
        assertEquals(2, record(self, 1, 5000.0, file));
        assertEquals(2, record(self, -1, null, file));
        assertEquals(2, record(self, Double.NaN, null, file));
        String[] lines = err.toString().split("\n");
        assertEquals("dmascope: --rate 0: not a sampling rate above 0 and at most 1000 Hz", lines[0].strip());
        assertEquals("dmascope: --rate 5000: not a sampling rate above 0 and at most 1000 Hz", lines[1].strip());
        assertEquals("dmascope: --duration -1: not a positive number of seconds", lines[2].strip());
        assertFalse(Files.exists(file));
    }
}
