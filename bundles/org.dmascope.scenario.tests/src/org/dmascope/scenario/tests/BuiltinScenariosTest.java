package org.dmascope.scenario.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.dmascope.backend.gpudirect.GpuDirectBackend;
import org.dmascope.backend.gpudirect.GpuDirectSteps;
import org.dmascope.backend.hmm.HmmBackend;
import org.dmascope.backend.hmm.HmmSteps;
import org.dmascope.backend.hmm.OdpSteps;
import org.dmascope.backend.structpage.StructPageBackend;
import org.dmascope.scenario.Scenario;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioParser;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepKinds;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.sim.BuiltinScenarios;
import org.dmascope.scenario.sim.BuiltinScenarios.Entry;
import org.dmascope.scenario.sim.Simulator;
import org.dmascope.scenario.steps.CoreSteps;
import org.dmascope.sources.TopologySources;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.GpuDirectGetPages;
import org.dmascope.trace.event.GpuDirectPutPages;
import org.dmascope.trace.event.P2pTransfer;
import org.dmascope.trace.event.TopologyChange;
import org.dmascope.trace.event.TopologySnapshot;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.series.SeriesBuilder;
import org.dmascope.trace.series.TraceSeries;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.state.TraceState;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The built-in scenarios: the list, reading them from the bundle, and what each one shows. */
class BuiltinScenariosTest {

    static final StepKinds KINDS = new StepKinds(
            List.of(new CoreSteps(), new HmmSteps(), new OdpSteps(), new GpuDirectSteps()));

    static ScenarioRunner runner() {
        return new ScenarioRunner(KINDS, (f, n) -> TopologySources.builtIn().open(f, n, new NullProgressMonitor()))
                .withBackends(List.of(new StructPageBackend(), new HmmBackend(), new GpuDirectBackend()));
    }

    static Stream<String> ids() {
        return BuiltinScenarios.list().stream().map(Entry::id);
    }

    static Scenario parse(String id) throws IOException, ScenarioException {
        return BuiltinScenarios.parse(new ScenarioParser(KINDS), id);
    }

    static ScenarioResult run(String id) throws Exception {
        return runner().run(parse(id), Path.of("."));
    }

    static StepOutcome first(ScenarioResult r, String textStart, int skip) {
        return r.outcomes().stream().filter(o -> o.text().startsWith(textStart)).skip(skip).findFirst()
                .orElseThrow(() -> new AssertionError("no step '" + textStart + "'"));
    }

    @Test
    void fourScenariosOnePerFailureAndTheDefaultIsTheFirst() {
        assertEquals(List.of("gpudirect-free", "hmm-odp-migrate", "mr-fragmented-thp", "acs-redirect"),
                ids().toList());
        assertEquals("gpudirect-free", BuiltinScenarios.DEFAULT);
        assertEquals(BuiltinScenarios.list().get(0), BuiltinScenarios.find(BuiltinScenarios.DEFAULT).orElseThrow());
        assertEquals("acs-redirect", BuiltinScenarios.find("builtin:4").orElseThrow().id());
        assertEquals("acs-redirect", BuiltinScenarios.find("BUILTIN:acs-redirect").orElseThrow().id());
        assertEquals("hmm-odp-migrate", BuiltinScenarios.find("2-hmm-odp-migrate.scenario").orElseThrow().id());
        assertEquals("hmm-odp-migrate", BuiltinScenarios.find("builtin:2-hmm-odp-migrate").orElseThrow().id());
        assertFalse(BuiltinScenarios.find("builtin:5").isPresent());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BuiltinScenarios.open("builtin:nope"));
        assertTrue(e.getMessage().startsWith("no built-in scenario 'builtin:nope' (known: builtin:1 or"), e.getMessage());
        assertTrue(BuiltinScenarios.isBuiltinName("builtin:1"));
        assertFalse(BuiltinScenarios.isBuiltinName("scenarios/x.scenario"));
        for (Entry en : BuiltinScenarios.list()) {
            assertFalse(en.title().isBlank());
            assertFalse(en.description().isBlank());
        }
    }

    @ParameterizedTest
    @MethodSource("ids")
    void eachOpensAsAFileSaysItIsSimulatedAndHoldsItsExpectations(String id) throws Exception {
        Path file = BuiltinScenarios.open(id);
        List<String> lines = Files.readAllLines(file);
        assertEquals(BuiltinScenarios.lines(id), lines);
        assertTrue(lines.get(0).startsWith("# SIMULATED"), lines.get(0));
        ScenarioResult fromFile = runner().run(file, file.toString());
        ScenarioResult r = run(id);
        assertEquals(fromFile.outcomes().size(), r.outcomes().size());
        assertEquals(List.of(), r.failedExpectations().stream().map(o -> o.line() + ": " + o.failed()).toList(), id);
        assertTrue(r.outcomes().stream().filter(o -> o.kind().equals("expect")).count() >= 5, id + " checks little");
    }

    @ParameterizedTest
    @MethodSource("ids")
    void eachPlaysOverSecondsOfSimulatedTimeAndRecordsEvents(String id, @TempDir Path dir) throws Exception {
        Path file = dir.resolve(id + ".dmatrace");
        try (Simulator sim = new Simulator(runner(), parse(id), Path.of("."),
                TraceWriter.create(file, TraceWriter.Options.DEFAULT))) {
            assertEquals(sim.stepCount(), sim.runUntil(Long.MAX_VALUE));
            assertEquals(Simulator.State.FINISHED, sim.state());
            assertTrue(sim.simulatedTime() >= 3_000_000_000L, id + " is over in " + sim.simulatedTime() + " ns");
            assertTrue(sim.simulatedTime() <= 60_000_000_000L, id + " takes " + sim.simulatedTime() + " ns");
        }
        try (TraceReader reader = TraceReader.open(file)) {
            assertTrue(reader.eventCount() > 0, id);
            // As fast as possible: the writer's chunks fill, no flush after every step.
            assertTrue(reader.chunks().size() < Math.max(3, reader.eventCount() / 4), reader.chunks().size() + " chunks");
        }
    }

    @Test
    void gpudirectFreeRunsTheCallbackAndInvalidatesTheMrInTheTrace(@TempDir Path dir) throws Exception {
        ScenarioResult r = run("builtin:1");
        assertEquals("BUS_ADDR", first(r, "gpu reg_mr", 0).values().get("map_type"));
        assertEquals("IBV_WC_SUCCESS", first(r, "gpu rdma mr 0 64", 0).rc());
        StepOutcome free = first(r, "gpu free buf", 0);
        assertEquals("3", free.values().get("callbacks"));
        assertEquals("mr", free.values().get("invalid_mrs"));
        assertEquals("IBV_WC_REM_ACCESS_ERR", first(r, "gpu rdma mr 0 64", 1).rc());

        Path file = dir.resolve("1.dmatrace");
        try (Simulator sim = new Simulator(runner(), parse("1"), Path.of("."),
                TraceWriter.create(file, TraceWriter.Options.DEFAULT))) {
            sim.runUntil(Long.MAX_VALUE);
        }
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(file)) {
            reader.events().forEachRemaining(events::add);
            TraceEvent callback = events.stream().filter(e -> e.type().id().equals("gpudirect_free_callback"))
                    .findFirst().orElseThrow();
            TraceState before = reader.stateAt(callback.ts() - 1);
            TraceState after = reader.stateAt(callback.ts());
            assertEquals(1, before.memoryRegions().size());
            assertFalse(before.memoryRegions().iterator().next().invalidated());
            assertTrue(after.memoryRegions().iterator().next().invalidated(), "the free callback invalidates the MR");
            // The free comes after the one-second wait: simulated time, not one microsecond per step.
            TraceEvent register = events.stream().filter(e -> e.type().id().equals("mr_register")).findFirst()
                    .orElseThrow();
            assertTrue(callback.ts() - register.ts() >= 1_000_000_000L, register.ts() + " " + callback.ts());
        }
        // The machine's topology document first, so that a viewer of the trace shows the same machine;
        // ib_reg_mr through nvidia-peermem: nv_mem_acquire's probe (get_pages, put_pages), then
        // nv_mem_get_pages; two RDMA accesses by the HCA into BAR1; after the free callback the
        // dereg calls no put_pages (PEER_MEM_INVALIDATE_UNMAPS: the IB core leaves the client alone).
        assertEquals(List.of("topology_snapshot", "process_start", "vma_map", "gpudirect_get_pages",
                "gpudirect_put_pages", "gpudirect_get_pages", "mr_register", "p2p_transfer", "p2p_transfer",
                "gpudirect_free_callback", "mr_deregister"), events.stream().map(e -> e.type().id()).toList());
        TopologySnapshot topology = (TopologySnapshot) events.get(0);
        assertEquals("xml", topology.format());
        assertTrue(topology.data().contains("<pci busid=\"0003:00:00.0\""), topology.data());
        // The MR 0x30000 bytes at buf+0x1234: whole 64 KiB GPU pages from buf, 4 of them.
        GpuDirectGetPages pin = (GpuDirectGetPages) events.get(5);
        VmaMap gpuMemory = (VmaMap) events.get(2);
        assertEquals(gpuMemory.start(), pin.virtualAddress());
        assertEquals(0x40000, pin.length());
        assertEquals(4, pin.entries());
        assertEquals(65536, pin.pageSize());
        assertEquals("0003:00:00.0", pin.gpu());
        assertEquals("", pin.error());
        GpuDirectPutPages probe = (GpuDirectPutPages) events.get(4);
        assertEquals(pin.virtualAddress(), probe.virtualAddress());
        P2pTransfer first = (P2pTransfer) events.get(7);
        assertEquals(new P2pTransfer(first.header(), "0103:00:00.0", "0003:00:00.0", 0x38000001234L, 64, "WRITE", 0),
                first);
        P2pTransfer second = (P2pTransfer) events.get(8);
        assertEquals(0x38000011234L, second.busAddr());
        assertEquals(4096, second.size());
        assertEquals(pin.header().pid(), second.header().pid());

        // What the Charts draw: P2P bytes on the HCA -> GPU path, GPU memory pinned until the callback.
        SeriesBuilder sb = new SeriesBuilder(0, events.get(events.size() - 1).ts() + 1, 400);
        events.forEach(sb::accept);
        TraceSeries series = sb.build();
        long[] p2p = series.p2pCumulative("0103:00:00.0 \u2192 0003:00:00.0");
        assertEquals(64 + 4096, p2p[p2p.length - 1]);
        assertEquals(64, p2p[series.bucketOf(first.ts())]);
        long[] pinned = series.pinnedBytes().get(SeriesBuilder.GPUDIRECT);
        assertEquals(0x40000, pinned[series.bucketOf(second.ts())]);
        assertEquals(0, pinned[series.bucketOf(events.get(9).ts()) + 1]);
    }

    @Test
    void eventCountsByTypeOfEachScenario(@TempDir Path dir) throws Exception {
        assertEquals(Map.of("topology_snapshot", 1L, "process_start", 1L, "vma_map", 1L, "gpudirect_get_pages", 2L,
                "gpudirect_put_pages", 1L, "mr_register", 1L, "p2p_transfer", 2L, "gpudirect_free_callback", 1L,
                "mr_deregister", 1L), counts(record("1", dir)));
        // Two boots, each changing ACS Control (3 functions, then the 2 switch ports) and recording the
        // machine as it booted; two P2P decisions; the GPUDirect MR, one transfer, its dereg with put_pages.
        assertEquals(Map.of("topology_snapshot", 3L, "topology_change", 5L, "generic", 2L, "process_start", 1L,
                "vma_map", 1L, "gpudirect_get_pages", 2L, "gpudirect_put_pages", 2L, "mr_register", 1L,
                "p2p_transfer", 1L, "mr_deregister", 1L), counts(record("4", dir)));
    }

    static List<TraceEvent> record(String id, Path dir) throws Exception {
        Path file = dir.resolve(id + ".dmatrace");
        try (Simulator sim = new Simulator(runner(), parse(id), Path.of("."),
                TraceWriter.create(file, TraceWriter.Options.DEFAULT))) {
            sim.runUntil(Long.MAX_VALUE);
        }
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(file)) {
            reader.events().forEachRemaining(events::add);
        }
        return events;
    }

    static Map<String, Long> counts(List<TraceEvent> events) {
        return events.stream().collect(Collectors.groupingBy(e -> e.type().id(), TreeMap::new, Collectors.counting()));
    }

    @Test
    void hmmMigrationInvalidatesPartOfTheOdpMrAndItFaultsAgain() throws Exception {
        ScenarioResult r = run("builtin:2");
        assertEquals("32", first(r, "dmirror migrate-to-dev", 0).values().get("cpages"));
        StepOutcome shown = first(r, "odp show mr", 1);
        assertEquals("32", shown.values().get("npages"));
        assertEquals("0x7f0000000000-0x7f0000020000 migrate", shown.values().get("invalidated"));
        assertEquals("32", first(r, "touch app buf 32p read", 0).values().get("faults"));
        StepOutcome again = first(r, "odp access mr", 1);
        assertEquals("true", again.values().get("page_fault"));
        assertEquals("64", again.values().get("npages"));
    }

    @Test
    void fragmentedPagesGiveOneSegmentPerPageAndThpOneHugePage() throws Exception {
        ScenarioResult r = run("builtin:3");
        StepOutcome thp = first(r, "register_mr app thp 2M max-seg=2G", 0);
        assertEquals("1", thp.values().get("dma_segments"));
        assertEquals("2097152", thp.values().get("page_size"));
        assertEquals("32", first(r, "register_mr app thp 2M", 0).values().get("dma_segments"));
        StepOutcome frag = first(r, "register_mr app frag 2M max-seg=2G", 0);
        assertEquals("512", frag.values().get("dma_segments"));
        assertEquals("4096", frag.values().get("page_size"));
        assertEquals("512", frag.values().get("dma_blocks"));
    }

    @Test
    void acsRedirectRefusesP2pUntilTheSuggestedParameter() throws Exception {
        ScenarioResult r = run("builtin:4");
        StepOutcome refused = first(r, "p2p ", 0);
        assertEquals("NOT_SUPPORTED", refused.rc());
        assertEquals("-1", refused.values().get("distance"));
        String suggested = refused.values().get("suggests");
        assertEquals("pci=disable_acs_redir=0000:02:08.0;0000:02:10.0", suggested);
        StepOutcome reboot = first(r, "boot iommu=on pci=", 0);
        assertTrue(reboot.text().endsWith(suggested), "the scenario boots with what the kernel suggested");
        StepOutcome allowed = first(r, "p2p ", 1);
        assertEquals("BUS_ADDR", allowed.rc());
        assertEquals("4", allowed.values().get("distance"));
        assertEquals("BUS_ADDR", first(r, "gpu reg_mr", 0).values().get("map_type"));
    }

    @Test
    void acsRedirectRecordsEachBootsMachineAndEachDecision(@TempDir Path dir) throws Exception {
        List<TraceEvent> events = record("4", dir);
        List<TopologySnapshot> snapshots = events.stream().filter(e -> e instanceof TopologySnapshot)
                .map(e -> (TopologySnapshot) e).toList();
        assertEquals(3, snapshots.size());
        // The firmware's document, then the machine each boot made: ACSCtl as the kernel left it.
        String firmware = snapshots.get(0).data();
        String first = snapshots.get(1).data();
        String second = snapshots.get(2).data();
        assertEquals(3, acsControls(firmware, "SrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl-"
                + " DirectTrans-").size(), firmware);
        assertEquals(3, acsControls(first, "SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl-"
                + " DirectTrans-").size(), first);
        assertEquals(1, acsControls(second, "SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl-"
                + " DirectTrans-").size(), second);
        assertEquals(2, acsControls(second, "SrcValid+ TransBlk- ReqRedir- CmpltRedir- UpstreamFwd+ EgressCtrl-"
                + " DirectTrans-").size(), second);
        assertTrue(snapshots.get(2).source().contains("booted with iommu=on pci=disable_acs_redir=0000:02:08.0;"
                + "0000:02:10.0"), snapshots.get(2).source());
        // The documents read back as the machines the boots made.
        for (int i = 1; i < 3; i++) {
            Path doc = dir.resolve("boot" + i + ".txt");
            Files.writeString(doc, snapshots.get(i).data());
            org.dmascope.core.topology.PciTopology t = TopologySources.builtIn().open(doc, "boot",
                    new NullProgressMonitor());
            boolean redirect = t.function(org.dmascope.core.topology.PciAddress.parse("0000:02:08.0")).orElseThrow()
                    .acs().redirectsPeerToPeer();
            assertEquals(i == 1, redirect, "boot " + i);
        }
        // Each boot's ACS changes, with the command line, before the machine it made.
        List<TopologyChange> changes = events.stream().filter(e -> e instanceof TopologyChange)
                .map(e -> (TopologyChange) e).toList();
        assertEquals(List.of("0000:00:02.0", "0000:02:08.0", "0000:02:10.0", "0000:02:08.0", "0000:02:10.0"),
                changes.stream().map(TopologyChange::device).toList());
        assertTrue(changes.stream().allMatch(c -> c.change().equals("ACS")));
        assertEquals("ACSCtl: SrcValid+ TransBlk- ReqRedir- CmpltRedir- UpstreamFwd+ EgressCtrl- DirectTrans-"
                + " (was SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-);"
                + " kernel command line: iommu=on pci=disable_acs_redir=0000:02:08.0;0000:02:10.0",
                changes.get(3).detail());
        assertTrue(changes.get(2).ts() < snapshots.get(1).ts() && snapshots.get(1).ts() < changes.get(3).ts());
        // The two P2P decisions: refused through ACS redirect, then by bus address.
        List<GenericEvent> decisions = events.stream().filter(e -> e instanceof GenericEvent)
                .map(e -> (GenericEvent) e).toList();
        assertEquals(2, decisions.size());
        assertEquals("p2pdma", decisions.get(0).system());
        assertEquals("pci_p2pdma_map_type", decisions.get(0).name());
        assertEquals("NOT_SUPPORTED", decisions.get(0).fields().get("map_type"));
        assertEquals("-1", decisions.get(0).fields().get("distance"));
        assertEquals("0000:02:08.0,0000:02:10.0", decisions.get(0).fields().get("acs_redirect"));
        assertEquals("pci=disable_acs_redir=0000:02:08.0;0000:02:10.0", decisions.get(0).fields().get("suggests"));
        assertTrue(decisions.get(0).fields().get("dmesg").contains("ACS redirect"), decisions.get(0).fields().toString());
        assertTrue(snapshots.get(1).ts() < decisions.get(0).ts() && decisions.get(0).ts() < snapshots.get(2).ts());
        assertEquals("BUS_ADDR", decisions.get(1).fields().get("map_type"));
        assertEquals("4", decisions.get(1).fields().get("distance"));
        assertTrue(snapshots.get(2).ts() < decisions.get(1).ts());
    }

    // The devices (as their header line starts) whose ACSCtl line is exactly this.
    private static List<String> acsControls(String lspci, String control) {
        List<String> out = new ArrayList<>();
        String device = "";
        for (String line : lspci.split("\n")) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                device = line.substring(0, line.indexOf(' '));
            } else if (line.strip().equals("ACSCtl:\t" + control) || line.strip().equals("ACSCtl:" + control)) {
                out.add(device);
            }
        }
        return out;
    }
}
