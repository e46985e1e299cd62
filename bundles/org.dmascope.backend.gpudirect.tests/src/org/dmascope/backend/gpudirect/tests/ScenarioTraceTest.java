package org.dmascope.backend.gpudirect.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.trace.event.GpuDirectFreeCallback;
import org.dmascope.trace.event.Migrate;
import org.dmascope.trace.event.MrRegister;
import org.dmascope.trace.event.NotifierInvalidateBegin;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.state.TraceState;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenarios run with an event sink write the trace event model: the file is read back with
 * TraceReader, and its state at a time says what the scenario did (the MR invalidated by the
 * GPUDirect free callback).
 */
class ScenarioTraceTest {

    @TempDir
    Path dir;

    private List<TraceEvent> runTraced(String scenario, Path out) throws ScenarioException, IOException, InputException {
        try (TraceWriter w = TraceWriter.create(out, TraceWriter.Options.DEFAULT)) {
            new ScenarioRunner(ScenariosTest.KINDS, ScenariosTest.LOADER).withEventSink(e -> {
                try {
                    w.append(e);
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
            }).run(ScenariosTest.root().resolve(scenario), scenario);
        }
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader r = TraceReader.open(out)) {
            r.events().forEachRemaining(events::add);
        }
        return events;
    }

    private static List<String> types(List<TraceEvent> events) {
        return events.stream().map(e -> e.type().id()).toList();
    }

    @Test
    void theFreeCallbackInvalidatesTheMrInTheTrace() throws Exception {
        Path out = dir.resolve("free.dmatrace");
        List<TraceEvent> events = runTraced("gpudirect/free_while_registered.scenario", out);
        List<String> t = types(events);
        // The topology the scenario loads first, as its document, then the process.
        assertEquals(List.of("topology_snapshot", "process_start"), t.subList(0, 2));
        assertTrue(t.contains("vma_map"), t.toString());
        int reg = t.indexOf("mr_register");
        int cb = t.indexOf("gpudirect_free_callback");
        int dereg = t.indexOf("mr_deregister");
        assertTrue(reg >= 0 && reg < cb && cb < dereg, t.toString());
        MrRegister mr = (MrRegister) events.get(reg);
        assertEquals("0103:00:00.0", mr.device());
        assertEquals(0x30000, mr.length());
        GpuDirectFreeCallback free = (GpuDirectFreeCallback) events.get(cb);
        assertEquals(mr.header().pid(), free.header().pid());
        try (TraceReader r = TraceReader.open(out)) {
            TraceState before = r.stateAt(free.ts() - 1);
            assertEquals(1, before.memoryRegions().size());
            assertFalse(before.memoryRegions().iterator().next().invalidated());
            TraceState after = r.stateAt(free.ts());
            TraceState.MemoryRegion region = after.memoryRegions().iterator().next();
            assertTrue(region.invalidated(), after.summary());
            assertEquals("0003:00:00.0", region.invalidatedBy());
            assertEquals(0, r.stateAt(events.get(dereg).ts()).memoryRegions().size());
        }
    }

    @Test
    void odpAndHmmFlowsEmitTheirEvents() throws Exception {
        List<TraceEvent> events = runTraced("odp/odp_migrate.scenario", dir.resolve("odp.dmatrace"));
        List<String> t = types(events);
        for (String k : List.of("process_start", "vma_map", "page_fault", "mr_register", "hmm_range_fault", "migrate",
                "notifier_invalidate_begin", "notifier_invalidate_end")) {
            assertTrue(t.contains(k), k + " missing in " + t);
        }
        assertTrue(events.stream().anyMatch(e -> e instanceof NotifierInvalidateBegin b && b.event().equals("migrate")),
                t.toString());
        Migrate m = (Migrate) events.stream().filter(e -> e instanceof Migrate).findFirst().orElseThrow();
        assertEquals(4, m.succeeded());
        assertEquals("to_device", m.mode());
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).ts() > events.get(i - 1).ts(), "time stamps increase");
        }
    }
}
