package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.state.TraceState;
import org.dmascope.trace.store.TraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dmascope record (--pid PID | --scenario FILE) [--duration SECONDS] OUT.dmatrace}, the scenario half. */
class RecordCommandTest {

    private static List<TraceEvent> read(Path file) throws Exception {
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader r = TraceReader.open(file)) {
            r.events().forEachRemaining(events::add);
        }
        return events;
    }

    @Test
    void theDefaultBuiltinScenarioRecordsTheFreeCallbackAndTheInvalidatedMr(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("gpudirect.dmatrace");
        CliRun r = CliRun.of("record", "--scenario", "builtin:1", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        List<TraceEvent> events = read(out);
        assertEquals(List.of("topology_snapshot", "process_start", "vma_map", "gpudirect_get_pages",
                "gpudirect_put_pages", "gpudirect_get_pages", "mr_register", "p2p_transfer", "p2p_transfer",
                "gpudirect_free_callback", "mr_deregister"), events.stream().map(e -> e.type().id()).toList());
        TraceEvent callback = events.get(9);
        try (TraceReader reader = TraceReader.open(out)) {
            TraceState after = reader.stateAt(callback.ts());
            assertEquals(1, after.memoryRegions().size());
            assertTrue(after.memoryRegions().iterator().next().invalidated(), "the MR is invalidated by the callback");
            assertFalse(reader.stateAt(callback.ts() - 1).memoryRegions().iterator().next().invalidated());
        }
        long last = events.get(events.size() - 1).ts();
        assertTrue(last > 3_000_000_000L, "simulated time: the scenario's waits and pace, " + last);
        assertEquals("wrote 11 events, " + r.out().split(" ")[3] + " s of simulated time, to " + out
                + " (scenario builtin-gpudirect-free: 21 of 21 steps)\n", r.out());
    }

    @Test
    void aFileAndAnIdPlayTheSameAndDurationCapsSimulatedTime(@TempDir Path dir) throws Exception {
        Path byId = dir.resolve("id.dmatrace");
        assertEquals(0, CliRun.of("record", "--scenario", "hmm-odp-migrate", byId.toString()).status());
        Path file = dir.resolve("odp.scenario");
        Files.write(file, org.dmascope.scenario.sim.BuiltinScenarios.lines("builtin:2"));
        Path byFile = dir.resolve("file.dmatrace");
        CliRun full = CliRun.of("record", "--scenario", file.toString(), byFile.toString());
        assertEquals(0, full.status(), full.err());
        assertEquals(read(byId), read(byFile));
        assertTrue(read(byFile).stream().anyMatch(e -> e.type().id().equals("migrate")));

        Path capped = dir.resolve("capped.dmatrace");
        CliRun part = CliRun.of("record", "--scenario", file.toString(), "--duration", "1", capped.toString());
        assertEquals(0, part.status(), part.err());
        List<TraceEvent> early = read(capped);
        assertTrue(early.size() < read(byFile).size(), early.size() + " events");
        assertFalse(early.stream().anyMatch(e -> e.type().id().equals("migrate")), "the migration is after 1 s");
        assertTrue(part.out().contains(" of 27 steps)"), part.out());
    }

    @Test
    void badInputIsExitTwoWithOneLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("x.dmatrace");
        Path bad = dir.resolve("bad.scenario");
        Files.writeString(bad, "process p\nwait 5 minutes\n");
        CliRun malformed = CliRun.of("record", "--scenario", bad.toString(), out.toString());
        assertEquals(2, malformed.status());
        assertEquals("dmascope: " + bad + ": line 2: wait: expected wait DURATION (like 200ms, 1.5s, 50us)\n",
                malformed.err());
        assertFalse(Files.exists(out), "nothing is written for a file that does not parse");

        Path stops = dir.resolve("stops.scenario");
        Files.writeString(stops, "process p\nmmap p buf 4K rw private anon\nmunmap q buf 4K\n");
        CliRun failed = CliRun.of("record", "--scenario", stops.toString(), out.toString());
        assertEquals(2, failed.status());
        assertTrue(failed.err().startsWith("dmascope: " + stops + ": line 3: munmap: no process named 'q'"), failed.err());
        assertEquals(List.of("process_start", "vma_map"), read(out).stream().map(e -> e.type().id()).toList(),
                "what was recorded before the step stays readable");

        CliRun none = CliRun.of("record", "--scenario", dir.resolve("none.scenario").toString(), out.toString());
        assertEquals(2, none.status());
        assertTrue(none.err().startsWith("dmascope: " + dir.resolve("none.scenario") + ": no such file"), none.err());
        CliRun unknown = CliRun.of("record", "--scenario", "builtin:9", out.toString());
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("dmascope: builtin:9: no built-in scenario 'builtin:9'"), unknown.err());

        CliRun both = CliRun.of("record", "--pid", "1", "--scenario", "builtin:1", out.toString());
        assertEquals(2, both.status());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        CliRun neither = CliRun.of("record", out.toString());
        assertEquals(2, neither.status());
        CliRun duration = CliRun.of("record", "--scenario", "builtin:1", "--duration", "0", out.toString());
        assertEquals(2, duration.status());
        assertTrue(duration.err().contains("--duration: expected a number of seconds greater than 0"), duration.err());
        CliRun unwritable = CliRun.of("record", "--scenario", "builtin:1", dir.resolve("no/dir/x.dmatrace").toString());
        assertEquals(2, unwritable.status());
        assertTrue(unwritable.err().contains("cannot write the trace"), unwritable.err());
    }

    @Test
    void pidRecordsALiveProcessFromTheCommandLine(@TempDir Path dir) throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Path out = dir.resolve("sleep.dmatrace");
            CliRun r = CliRun.of("record", "--pid", Long.toString(sleeper.pid()), "--duration", "1", "--rate", "20",
                    out.toString());
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains(out.toString()), r.out());
            List<String> kinds = new java.util.ArrayList<>();
            try (TraceReader reader = TraceReader.open(out)) {
                reader.events().forEachRemaining(e -> kinds.add(e.type().id()));
            }
            assertEquals("process_start", kinds.get(0), kinds.toString());
            assertTrue(kinds.contains("vma_map"), "sleep's mappings: " + kinds);
        } finally {
            sleeper.destroy();
        }
        CliRun missing = CliRun.of("record", "--pid", "999999999", dir.resolve("none.dmatrace").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("dmascope: --pid 999999999: process 999999999 does not exist"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        CliRun rate = CliRun.of("record", "--scenario", "builtin:1", "--rate", "5", dir.resolve("r.dmatrace").toString());
        assertEquals(2, rate.status());
        assertTrue(rate.err().contains("--rate and --tracefs go with --pid"), rate.err());
        CliRun tracefs = CliRun.of("record", "--pid", "1", "--tracefs", "sometimes", dir.resolve("t.dmatrace").toString());
        assertEquals(2, tracefs.status());
        assertTrue(tracefs.err().contains("--tracefs: expected off, read or enable"), tracefs.err());
    }
}
