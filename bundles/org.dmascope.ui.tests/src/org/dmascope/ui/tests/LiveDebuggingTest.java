package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelP2pResult;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.P2pMapType;
import org.dmascope.core.peer.PeerMatrix;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.scenario.sim.BuiltinScenarios;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.series.TraceSeries;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.ui.LiveDebuggingPerspective;
import org.dmascope.ui.TopologyPerspective;
import org.dmascope.ui.charts.TraceCharts;
import org.dmascope.ui.live.LiveSession;
import org.dmascope.ui.trace.TraceModel;
import org.dmascope.ui.trace.TraceTopology;
import org.dmascope.ui.views.AddressChainView;
import org.dmascope.ui.views.ChartsView;
import org.dmascope.ui.views.EventTableView;
import org.dmascope.ui.views.LiveControlsView;
import org.dmascope.ui.views.PeerMatrixCanvas;
import org.dmascope.ui.views.PeerMatrixView;
import org.dmascope.ui.views.TimelineView;
import org.dmascope.ui.views.TraceStateView;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Live Debugging perspective in the running workbench: the default built-in scenario (1)
 * loaded in the simulator, marked SIMULATED, stepped and then played to its end, with the
 * Timeline, the Events, the State at the cursor and the topology following the recording as it
 * grows; and the live host sampling the workbench's own process.
 */
class LiveDebuggingTest {

    @AfterAll
    static void backToTopology() throws Exception {
        LiveSession.find(Ui.window()).stop();
        TraceModel.find(Ui.window()).close();
        TraceModel.find(Ui.window()).setFollowing(true);
        Ui.window().getWorkbench().showPerspective(TopologyPerspective.ID, Ui.window());
        Ui.settle();
    }

    private static <T> T view(Class<T> type, String id) throws Exception {
        return type.cast(Ui.window().getActivePage().showView(id, null, IWorkbenchPage.VIEW_VISIBLE));
    }

    private static void joinViews() {
        try {
            Job.getJobManager().join(TimelineView.FAMILY, null);
            Job.getJobManager().join(EventTableView.FILTER_FAMILY, null);
            Job.getJobManager().join(TraceStateView.FAMILY, null);
            Job.getJobManager().join(TraceTopology.FAMILY, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the Timeline's index and the Events table hold every event of the store. */
    private static void waitForRecording(TimelineView timeline, EventTableView table, long events) {
        Ui.waitUntil(events + " recorded events in the Timeline and the Events", () -> {
            joinViews();
            return timeline.canvas().index() != null && !timeline.canvas().index().isOverview()
                    && timeline.canvas().index().total() == events && table.table().getItemCount() == events;
        });
    }

    @Test
    void theDefaultScenarioStepsAndPlaysWithEveryViewFollowing() throws Exception {
        Ui.window().getWorkbench().showPerspective(LiveDebuggingPerspective.ID, Ui.window());
        LiveControlsView controls = view(LiveControlsView.class, LiveControlsView.ID);
        TimelineView timeline = view(TimelineView.class, TimelineView.ID);
        EventTableView table = view(EventTableView.class, EventTableView.ID);
        TraceStateView state = view(TraceStateView.class, TraceStateView.ID);
        LiveSession session = LiveSession.find(Ui.window());
        TraceModel model = TraceModel.find(Ui.window());
        model.setFollowing(true);

        List<BuiltinScenarios.Entry> builtins = BuiltinScenarios.list();
        int index = builtins.indexOf(BuiltinScenarios.require(BuiltinScenarios.DEFAULT));
        controls.loadBuiltin(index);
        Ui.settle();
        assertEquals("SIMULATED", controls.bannerText());
        assertEquals(LiveSession.State.READY, session.state());
        TraceModel.OpenTrace trace = model.trace();
        assertNotNull(trace);
        assertTrue(trace.live() && trace.origin().simulated(), "a live recording, simulated");
        assertEquals(session.origin().store(), trace.store());

        // Three steps, one at a time: the views show what was recorded, the cursor the newest event.
        for (int i = 0; i < 3; i++) {
            assertTrue(session.step(), "step " + (i + 1));
        }
        Ui.waitUntil("three steps listed", () -> controls.steps().getItemCount() == 3);
        long recorded = session.simulator().eventCount();
        assertTrue(recorded > 0);
        waitForRecording(timeline, table, recorded);
        assertEquals(model.trace().reader().lastTs(), model.cursor(), "following the newest event");
        assertEquals(LiveSession.State.PAUSED, session.state());

        // The rest as fast as it can: the recording ends, stays open, and holds the free callback.
        session.setSpeed(Double.POSITIVE_INFINITY);
        session.play();
        Ui.waitUntil("the scenario to finish", () -> session.state() == LiveSession.State.FINISHED);
        Ui.waitUntil("the recording to end", () -> !model.trace().live());
        long total = session.simulator().eventCount();
        waitForRecording(timeline, table, total);
        assertEquals(session.simulator().stepCount(), controls.steps().getItemCount());
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(trace.store())) {
            reader.events().forEachRemaining(events::add);
        }
        assertEquals(total, events.size());
        TraceEvent callback = events.stream().filter(e -> e.type().id().equals("gpudirect_free_callback")).findFirst()
                .orElseThrow();
        assertTrue(timeline.getContentDescription().startsWith("SIMULATED (1) "), timeline.getContentDescription());

        // The cursor on the free callback: the State shows the MR invalidated.
        model.setFollowing(false);
        model.setCursor(callback.ts(), null);
        Ui.waitUntil("the state at the free callback", () -> {
            joinViews();
            return state.shownTs() == callback.ts();
        });
        TreeItem regions = null;
        for (TreeItem i : state.tree().getItems()) {
            if (i.getText(0).equals("Memory regions")) {
                regions = i;
            }
        }
        assertNotNull(regions);
        assertEquals("1 (1 invalidated)", regions.getText(1));

        // The Address Chain shows the chain of the last step at or before the cursor that built
        // one: at the free callback, the free step's invalidated MR.
        AddressChainView chain = view(AddressChainView.class, AddressChainView.ID);
        Ui.settle();
        assertNotNull(chain.followedStep(), "a simulated step's chain is shown");
        assertEquals("gpu free buf", chain.followedStep().text());
        assertTrue(chain.shownTitle().startsWith("SIMULATED (1) GPUDirect RDMA"), chain.shownTitle());
        assertTrue(chain.canvas().runStates(0).contains("GPU: MR invalidated by the free callback"),
                chain.canvas().runStates(0).toString());
        // At the registration: the MR's pages in BAR1, with no struct page, in the GPUDirect style.
        TraceEvent register = events.stream().filter(e -> e.type().id().equals("mr_register")).findFirst()
                .orElseThrow();
        model.setCursor(register.ts(), null);
        Ui.settle();
        assertTrue(chain.followedStep().text().startsWith("gpu reg_mr mr app"), chain.followedStep().text());
        assertTrue(chain.canvas().legend().stream().anyMatch(e -> e.text().equals("GPU")), "the GPUDirect backend's style");
        assertTrue(chain.canvas().runStates(0).stream().anyMatch(r -> r.startsWith("no struct page")),
                chain.canvas().runStates(0).toString());
        // Before any step built a chain there is none: the registration's, later, is not the state there.
        model.setCursor(events.get(0).ts(), null);
        Ui.settle();
        assertNull(chain.followedStep());
        assertNull(chain.chain());
        assertTrue(chain.shownTitle().endsWith("no address chain yet"), chain.shownTitle());
        // The empty canvas speaks of the session, not of choosing a process to resolve.
        assertTrue(chain.canvas().emptyText().endsWith("no address chain yet."), chain.canvas().emptyText());
        model.setCursor(register.ts(), null);
        Ui.settle();
        assertTrue(chain.followedStep().text().startsWith("gpu reg_mr mr app"), chain.followedStep().text());

        // The Charts: one free callback at its time, and the MR it invalidated.
        ChartsView charts = view(ChartsView.class, ChartsView.ID);
        Ui.waitUntil("the charts", () -> {
            joinViews();
            try {
                Job.getJobManager().join(ChartsView.FAMILY, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return charts.series() != null && charts.series().events() == total;
        });
        TraceSeries series = charts.series();
        long callbacks = events.stream().filter(e -> e.type().id().equals("gpudirect_free_callback")).count();
        assertEquals(callbacks, java.util.Arrays.stream(series.invalidations().get(TraceSeries.FREE_CALLBACK)).sum());
        assertEquals(1, series.invalidations().get(TraceSeries.FREE_CALLBACK)[series.bucketOf(callback.ts())]);
        // P2P bytes per path: the HCA's two RDMA writes into the GPU's BAR1 (64 bytes, then 4 KiB),
        // as the chart draws them, and nothing on that path before the first.
        List<TraceEvent> transfers = events.stream().filter(e -> e.type().id().equals("p2p_transfer")).toList();
        assertEquals(2, transfers.size());
        double[] p2p = TraceCharts.shownValues(charts.canvas(TraceCharts.Kind.P2P).chart(), 0,
                "0103:00:00.0 \u2192 0003:00:00.0");
        assertNotNull(p2p, "a P2P series for the HCA -> GPU path");
        assertEquals(64 + 4096, Math.round(p2p[p2p.length - 1]));
        assertEquals(64, Math.round(p2p[series.bucketOf(transfers.get(0).ts())]));
        assertEquals(0, Math.round(p2p[series.bucketOf(transfers.get(0).ts()) - 1]));
        assertEquals(64 + 4096, Math.round(p2p[series.bucketOf(transfers.get(1).ts())]));
        model.setCursor(callback.ts(), null);
        // The topology the scenario runs on (Azure NDv4's, inline) is the one the topology views show.
        Ui.waitUntil("the scenario's topology", () -> {
            joinViews();
            return Ui.session().current().map(s -> s.source().name().contains("recorded in")).orElse(false);
        });
        assertTrue(Ui.session().current().get().topology().size() >= 20);
        Ui.screenshot(Ui.window().getShell(), "live-debugging");

        // Record, then open: the saved recording opens in Trace Inspection with every event.
        java.nio.file.Path saved = java.nio.file.Files.createTempDirectory("dmascope-live-ui").resolve("saved.dmatrace");
        session.saveRecording(saved);
        TraceInspectionTest.open(saved);
        assertEquals(saved.toAbsolutePath().normalize(), model.trace().source());
        assertFalse(model.trace().live(), "a file opened by the user is not live");
        assertEquals(total, model.trace().reader().eventCount());
        assertEquals(total, view(TimelineView.class, TimelineView.ID).canvas().index().total());
    }

    @Test
    void thePeerMatrixShowsTheAcsStateAtTheCursorAcrossTheBoot() throws Exception {
        Ui.window().getWorkbench().showPerspective(LiveDebuggingPerspective.ID, Ui.window());
        LiveControlsView controls = view(LiveControlsView.class, LiveControlsView.ID);
        LiveSession session = LiveSession.find(Ui.window());
        TraceModel model = TraceModel.find(Ui.window());
        List<BuiltinScenarios.Entry> builtins = BuiltinScenarios.list();
        controls.loadBuiltin(builtins.indexOf(BuiltinScenarios.require("acs-redirect")));
        Ui.settle();
        // No chain (nor empty view) of another scenario or of the live host stays titled as if it were this one's.
        AddressChainView chain = view(AddressChainView.class, AddressChainView.ID);
        assertFalse(chain.shownTitle().startsWith("SIMULATED (1)"), chain.shownTitle());
        assertFalse(chain.shownTitle().startsWith("LIVE"), chain.shownTitle());
        session.setSpeed(Double.POSITIVE_INFINITY);
        session.play();
        Ui.waitUntil("the scenario to finish", () -> session.state() == LiveSession.State.FINISHED);
        Ui.waitUntil("the recording to end", () -> !model.trace().live());
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(model.trace().store())) {
            reader.events().forEachRemaining(events::add);
        }
        // The two P2P decisions: after the first boot (ACS redirect on), after the second (off).
        List<GenericEvent> decisions = events.stream().filter(e -> e instanceof GenericEvent g
                && g.name().equals("pci_p2pdma_map_type")).map(e -> (GenericEvent) e).toList();
        assertEquals(List.of("NOT_SUPPORTED", "BUS_ADDR"), decisions.stream().map(d -> d.fields().get("map_type"))
                .toList());
        PeerMatrixView matrix = view(PeerMatrixView.class, PeerMatrixView.ID);
        PeerMatrixCanvas.Mode shownBefore = matrix.canvas().mode();
        matrix.setMode(PeerMatrixCanvas.Mode.KERNEL);
        model.setFollowing(false);
        try {
            scrubAcrossTheBoot(model, matrix, decisions);
        } finally {
            matrix.setMode(shownBefore); // the other tests find the view as they left it
        }
        Ui.screenshot(Ui.window().getShell(), "acs-redirect-allowed");
    }

    private static void scrubAcrossTheBoot(TraceModel model, PeerMatrixView matrix, List<GenericEvent> decisions)
            throws Exception {
        for (int round = 0; round < 2; round++) {
            // Before the second boot: refused, ACS redirect sends the TLPs to a host bridge not on the list.
            model.setCursor(decisions.get(0).ts(), null);
            awaitGpuToNic(matrix, P2pMapType.NOT_SUPPORTED);
            KernelP2pResult why = Ui.session().current().map(t -> new KernelP2pEngine(KernelRules.DEFAULT)
                    .evaluate(t.topology(), PciAddress.parse("0000:03:00.0"), PciAddress.parse("0000:04:00.0"), null))
                    .orElseThrow();
            assertEquals(List.of("0000:02:08.0", "0000:02:10.0"), why.acsRedirect().stream().map(PciAddress::toString)
                    .toList(), "the switch ports redirect");
            assertEquals(-1, why.reportedDistance());
            if (round == 0) {
                Ui.screenshot(Ui.window().getShell(), "acs-redirect-refused");
            }
            // After the boot with pci=disable_acs_redir=: bus addresses through the switch.
            model.setCursor(decisions.get(1).ts(), null);
            KernelP2pEngine.Decision allowed = awaitGpuToNic(matrix, P2pMapType.BUS_ADDR);
            assertEquals(4, allowed.distance());
        }
    }

    // The kernel's decision for the V100's memory and the ConnectX-5 once the matrix shows this map type.
    private static KernelP2pEngine.Decision awaitGpuToNic(PeerMatrixView matrix, P2pMapType expected) {
        KernelP2pEngine.Decision[] found = new KernelP2pEngine.Decision[1];
        Ui.waitUntil("the Peer Matrix to show " + expected + " between 03:00.0 and 04:00.0", () -> {
            joinViews();
            Ui.waitForTopologyReads();
            Ui.waitForPeerWork();
            PeerMatrix m = matrix.canvas().matrix();
            if (m == null) {
                return false;
            }
            int gpu = -1;
            int nic = -1;
            for (int i = 0; i < m.endpoints().size(); i++) {
                String a = m.endpoints().get(i).address().toString();
                gpu = a.equals("0000:03:00.0") ? i : gpu;
                nic = a.equals("0000:04:00.0") ? i : nic;
            }
            if (gpu < 0 || nic < 0) {
                return false;
            }
            found[0] = matrix.decision(gpu, nic);
            return found[0] != null && found[0].mapType() == expected;
        });
        return found[0];
    }

    @Test
    void theLiveHostSamplesAProcessIntoARecording() throws Exception {
        Ui.window().getWorkbench().showPerspective(LiveDebuggingPerspective.ID, Ui.window());
        LiveControlsView controls = view(LiveControlsView.class, LiveControlsView.ID);
        TimelineView timeline = view(TimelineView.class, TimelineView.ID);
        LiveSession session = LiveSession.find(Ui.window());
        TraceModel model = TraceModel.find(Ui.window());
        int pid = (int) ProcessHandle.current().pid();
        controls.setProcess(pid);
        controls.setTracefs(true);
        controls.startHost();
        Ui.settle();
        assertEquals("LIVE", controls.bannerText());
        assertEquals(LiveSession.State.PLAYING, session.state());
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/sys/kernel/tracing/trace_pipe"))
                && !java.nio.file.Files.exists(java.nio.file.Path.of("/sys/kernel/debug/tracing/trace_pipe"))) {
            // No tracefs here: said once, and sampling goes on without it.
            assertEquals(null, session.kernelTrace());
        }
        assertFalse(model.trace().origin().simulated());
        // The first sample: the process, its VMAs and the pages present, and the sysfs topology.
        Ui.waitUntil("the first samples in the timeline", () -> {
            joinViews();
            return timeline.canvas().index() != null && timeline.canvas().index().total() > 10;
        });
        session.pause();
        assertEquals(LiveSession.State.PAUSED, session.state());
        long samples = session.sampler().samples();
        assertTrue(session.step());
        assertEquals(samples + 1, session.sampler().samples(), "a step takes one sample");
        session.stop();
        Ui.settle();
        assertEquals(LiveSession.State.FINISHED, session.state());
        assertFalse(model.trace().live());
        List<String> kinds = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(model.trace().store())) {
            reader.events().forEachRemaining(e -> kinds.add(e.type().id()));
        }
        assertEquals("process_start", kinds.get(0), kinds.subList(0, Math.min(5, kinds.size())).toString());
        assertTrue(kinds.contains("vma_map"), "the workbench's mappings");
        assertTrue(kinds.contains("topology_snapshot"), "the sysfs topology");
        Ui.screenshot(Ui.window().getShell(), "live-host");
    }
}
