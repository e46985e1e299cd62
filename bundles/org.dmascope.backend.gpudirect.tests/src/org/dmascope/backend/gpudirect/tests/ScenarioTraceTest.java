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
import org.dmascope.trace.event.GpuDirectPutPages;
import org.dmascope.trace.event.Migrate;
import org.dmascope.trace.event.MrRegister;
import org.dmascope.trace.event.NotifierInvalidateBegin;
import org.dmascope.trace.event.P2pTransfer;
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

    @Test
    void rdmaRecordsAPeerTransferInItsDirectionAndDeregPutsThePages() throws Exception {
        Path file = dir.resolve("rdma.scenario");
        java.nio.file.Files.write(file, List.of(
                "topology " + ScenariosTest.root().getParent().resolve("testdata/nccl-topo/azure-ndv4-topo.xml"),
                "gpu add g0 0003:00:00.0 bar1=0x38000000000 bar1-size=64G",
                "process app",
                "gpu alloc app buf g0 2M",
                "gpu reg_mr mr app buf 128K 0103:00:00.0",
                "gpu reg_mr ro app buf+1M 64K 0103:00:00.0 read-only",
                "gpu rdma mr 0 4096",
                "gpu rdma mr 64K 8192 read",
                "gpu rdma ro 0 4096 read",
                "gpu rdma ro 0 4096 write",
                "expect rc=IBV_WC_REM_ACCESS_ERR",
                "gpu rdma ro 0 4096 write local",
                "expect rc=IBV_WC_LOC_PROT_ERR",
                "gpu dereg_mr mr"));
        Path out = dir.resolve("rdma.dmatrace");
        List<TraceEvent> events;
        try (TraceWriter w = TraceWriter.create(out, TraceWriter.Options.DEFAULT)) {
            org.dmascope.scenario.ScenarioResult r = new ScenarioRunner(ScenariosTest.KINDS, ScenariosTest.LOADER)
                    .withEventSink(e -> {
                        try {
                            w.append(e);
                        } catch (IOException x) {
                            throw new UncheckedIOException(x);
                        }
                    }).run(file, "rdma.scenario");
            assertEquals(List.of(), r.failedExpectations().stream().map(o -> o.line() + ": " + o.failed()).toList());
        }
        events = new ArrayList<>();
        try (TraceReader r = TraceReader.open(out)) {
            r.events().forEachRemaining(events::add);
        }
        List<P2pTransfer> transfers = events.stream().filter(e -> e instanceof P2pTransfer).map(e -> (P2pTransfer) e)
                .toList();
        // Write by default, read when asked; the refused writes into the read-only MR move nothing.
        assertEquals(List.of("WRITE 4096", "READ 8192", "READ 4096"),
                transfers.stream().map(t -> t.direction() + " " + t.size()).toList());
        assertTrue(transfers.stream().allMatch(t -> t.initiator().equals("0103:00:00.0")
                && t.target().equals("0003:00:00.0")));
        assertEquals(0x38000010000L, transfers.get(1).busAddr());
        // ib_reg_mr twice (probe get/put, get), then the dereg of the mapped MR puts its pages back.
        List<String> t = types(events);
        assertEquals(List.of("gpudirect_get_pages", "gpudirect_put_pages", "gpudirect_get_pages", "mr_register"),
                t.subList(3, 7));
        assertEquals(List.of("gpudirect_put_pages", "mr_deregister"), t.subList(t.size() - 2, t.size()));
        GpuDirectPutPages put = (GpuDirectPutPages) events.get(events.size() - 2);
        assertEquals(0x20000, put.length());
        assertEquals("0003:00:00.0", put.gpu());
        // Not both: the step refuses the line before anything runs.
        ScenarioException e = org.junit.jupiter.api.Assertions.assertThrows(ScenarioException.class,
                () -> new org.dmascope.scenario.ScenarioParser(ScenariosTest.KINDS).parse(List.of(
                        "gpu rdma mr 0 64 read write"), "t.scenario"));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("read or a write"), e.getMessage());
    }
}
