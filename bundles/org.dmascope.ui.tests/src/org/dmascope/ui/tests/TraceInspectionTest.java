package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GpuDirectFreeCallback;
import org.dmascope.trace.event.GpuDirectGetPages;
import org.dmascope.trace.event.MrRegister;
import org.dmascope.trace.event.Pin;
import org.dmascope.trace.event.ProcessStart;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.io.EventOutput;
import org.dmascope.trace.io.TraceFiles;
import org.dmascope.trace.store.TraceWriter;
import org.dmascope.ui.Application;
import org.dmascope.ui.TopologyPerspective;
import org.dmascope.ui.TraceInspectionPerspective;
import org.dmascope.ui.handlers.OpenTraceHandler;
import org.dmascope.ui.trace.Lane;
import org.dmascope.ui.trace.TimelineCanvas;
import org.dmascope.ui.trace.TraceModel;
import org.dmascope.ui.views.EventTableView;
import org.dmascope.ui.views.TimelineView;
import org.dmascope.ui.views.TraceStateView;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trace Inspection in the running workbench, on a trace this test writes: an RDMA process
 * registering host and GPU memory, an NVMe process mapping pages for DMA, and the GPU memory
 * freed under a registered MR. Opening, the Timeline's lanes and counts, the cursor shared by
 * the Timeline, the Event table and the State view, filtering, JSON Lines, bad input.
 */
class TraceInspectionTest {

    static final long BASE = 5_000_000_000L;
    static final long HOST = 0x7f0000000000L;
    static final long GPU_VA = 0x7e0000000000L;
    static final long FREE_TS = BASE + 6_000_000;
    static final int DMA_EVENTS = 1000;

    private static Path dir;
    private static Path store;
    private static List<TraceEvent> events;

    @BeforeAll
    static void writeTrace() throws IOException {
        dir = Files.createTempDirectory("dmascope-trace-ui");
        events = new ArrayList<>();
        EventHeader rdma = new EventHeader(BASE, 2, 100, "ib_write_bw");
        events.add(new ProcessStart(rdma, 1, "/usr/bin/ib_write_bw"));
        events.add(new ProcessStart(new EventHeader(BASE + 500, 3, 200, "nvme_io"), 1, "/usr/bin/nvme_io"));
        events.add(new VmaMap(at(rdma, 1000), HOST, HOST + (2 << 20), "rw-p", 0, ""));
        events.add(new Pin(at(rdma, 2000), HOST, 512, "FOLL_WRITE|FOLL_LONGTERM", 512, ""));
        events.add(new MrRegister(at(rdma, 3000), "mlx5_0", HOST, 2 << 20, HOST, "LOCAL_WRITE|REMOTE_READ", 0x1234, 0x5678, ""));
        events.add(new MrRegister(at(rdma, 4000), "mlx5_0", GPU_VA, 1 << 20, GPU_VA, "LOCAL_WRITE|REMOTE_WRITE", 0x2000,
                0x2001, ""));
        events.add(new GpuDirectGetPages(at(rdma, 5000), "GPU-0", GPU_VA, 1 << 20, 65536, 16, ""));
        for (int i = 0; i < DMA_EVENTS; i++) {
            long ts = BASE + 10_000 + i * 10_000L;
            events.add(new DmaMapPage(new EventHeader(ts, 3, 200, "nvme_io"), "0000:03:00.0", 0x100000000L + i * 4096L,
                    0xfff00000L + i * 4096L, 4096, "FROM_DEVICE", ""));
        }
        events.add(new GpuDirectFreeCallback(new EventHeader(FREE_TS + 5, 2, 100, "ib_write_bw"), "GPU-0", GPU_VA, 1 << 20));
        events.sort(Comparator.comparingLong(TraceEvent::ts));
        store = dir.resolve("rdma-gpu.dmatrace");
        try (TraceWriter w = TraceWriter.create(store, TraceWriter.Options.DEFAULT.withChunkBytes(4096))) {
            w.appendAll(events);
        }
    }

    private static EventHeader at(EventHeader h, long dt) {
        return new EventHeader(h.ts() + dt, h.cpu(), h.pid(), h.comm());
    }

    @AfterAll
    static void backToTopology() throws Exception {
        TraceModel model = model();
        model.close();
        Ui.window().getWorkbench().showPerspective(TopologyPerspective.ID, Ui.window());
        Ui.settle();
    }

    static TraceModel model() {
        return TraceModel.find(Ui.window());
    }

    /** Opens a trace as File > Open Trace does and waits until every trace view is done. */
    static void open(Path file) throws Exception {
        Ui.execute(OpenTraceHandler.COMMAND_ID, OpenTraceHandler.PATH_PARAMETER, file.toString());
        waitForTraceWork();
    }

    static void waitForTraceWork() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            Job.getJobManager().join(TraceModel.OPEN_FAMILY, null);
            Ui.settle();
            Job.getJobManager().join(TimelineView.FAMILY, null);
            Job.getJobManager().join(EventTableView.FILTER_FAMILY, null);
            Job.getJobManager().join(TraceStateView.FAMILY, null);
            Ui.settle();
        }
    }

    private static <T> T view(Class<T> type, String id) throws Exception {
        return type.cast(Ui.window().getActivePage().showView(id, null, IWorkbenchPage.VIEW_VISIBLE));
    }

    private static int ordinalOf(long ts) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).ts() == ts) {
                return i;
            }
        }
        throw new AssertionError("no event at " + ts);
    }

    @Test
    void opensATraceWithLanesPerProcessAndDevice() throws Exception {
        open(store);
        assertEquals(TraceInspectionPerspective.ID, Ui.window().getActivePage().getPerspective().getId());
        TraceModel.OpenTrace trace = model().trace();
        assertNotNull(trace);
        assertEquals(store.toAbsolutePath().normalize(), trace.source());
        assertTrue(model().recent().get(0).equals(trace.source()), model().recent().toString());

        TimelineView timeline = view(TimelineView.class, TimelineView.ID);
        TimelineCanvas canvas = timeline.canvas();
        assertNotNull(canvas.index(), "the lane index was built");
        assertEquals(events.size(), canvas.index().total());
        List<String> labels = canvas.lanes().stream().map(Lane::label).toList();
        assertEquals(List.of("100 ib_write_bw", "200 nvme_io", "0000:03:00.0", "GPU-0", "mlx5_0", "backend: GPUDirect",
                "backend: struct page"), labels);
        // Every event counts in its process's lane; device events also in the device's.
        assertEquals(7, canvas.index().laneTotal(0));
        assertEquals(DMA_EVENTS + 1, canvas.index().laneTotal(1));
        assertEquals(DMA_EVENTS, canvas.index().laneTotal(2));
        assertEquals(2, canvas.index().laneTotal(3));
        assertEquals(2, canvas.index().laneTotal(4));
        // Backend lanes: get_pages and the free callback are GPUDirect's, the pin struct page memory's.
        assertEquals(2, canvas.index().laneTotal(5));
        assertEquals(1, canvas.index().laneTotal(6));
        assertTrue(timeline.getContentDescription().contains(String.format(java.util.Locale.ROOT, "%,d events, 7 lanes",
                events.size())), timeline.getContentDescription());
        // The whole trace is in view, with labels in ms; the cursor starts at the first event.
        assertTrue(canvas.viewFrom() <= BASE && canvas.viewTo() >= FREE_TS);
        assertTrue(canvas.axisLabels().stream().anyMatch(l -> l.endsWith(" ms")), canvas.axisLabels().toString());
        assertEquals(BASE, model().cursor());
        Ui.screenshot(Ui.window().getShell(), "trace-inspection");
    }

    @Test
    void theCursorMovesTheTableSelectionAndTheState() throws Exception {
        open(store);
        EventTableView table = view(EventTableView.class, EventTableView.ID);
        TraceStateView state = view(TraceStateView.class, TraceStateView.ID);
        assertEquals(events.size(), table.table().getItemCount());

        // Just after the GPU pages were got: both MRs registered, none invalidated.
        model().setCursor(BASE + 5003, null);
        waitForTraceWork();
        int row = table.table().getSelectionIndex();
        assertEquals(ordinalOf(BASE + 5000), table.ordinalAt(row));
        assertEquals("gpudirect_get_pages", table.table().getItem(row).getText(5));
        assertTrue(table.table().getItem(row).getText(6).contains("gpu=GPU-0 virtualAddress=0x7e0000000000"),
                table.table().getItem(row).getText(6));
        assertEquals(BASE + 5003, state.shownTs());
        TreeItem regions = top(state, "Memory regions");
        assertEquals("2", regions.getText(1));
        assertEquals("2", top(state, "Processes").getText(1));

        // After the free callback: the GPU MR is invalidated and marked.
        model().setCursor(FREE_TS + 100, null);
        waitForTraceWork();
        regions = top(state, "Memory regions");
        assertEquals("2 (1 invalidated)", regions.getText(1));
        TreeItem gpuMr = null;
        for (TreeItem i : regions.getItems()) {
            if (i.getText(0).equals("mlx5_0 lkey 0x2000")) {
                gpuMr = i;
            }
        }
        assertNotNull(gpuMr, "the GPU MR's row");
        assertTrue(gpuMr.getText(1).startsWith("INVALIDATED by GPU-0"), gpuMr.getText(1));
        assertEquals(0xc0, gpuMr.getForeground().getRed());
        assertEquals(ordinalOf(FREE_TS + 5), table.ordinalAt(table.table().getSelectionIndex()));
        Ui.screenshot(Ui.window().getShell(), "trace-state-invalidated");

        // Selecting a row moves the cursor to its event; the State view follows.
        table.table().setSelection(ordinalOf(BASE + 3000));
        table.table().notifyListeners(SWT.Selection, new Event());
        assertEquals(BASE + 3000, model().cursor());
        waitForTraceWork();
        assertEquals("1", top(state, "Memory regions").getText(1));
    }

    private static TreeItem top(TraceStateView state, String label) {
        for (TreeItem i : state.tree().getItems()) {
            if (i.getText(0).equals(label)) {
                return i;
            }
        }
        throw new AssertionError("no row " + label);
    }

    @Test
    void zoomingInDrawsSingleEventsAndAClickPicksOne() throws Exception {
        open(store);
        TimelineView timeline = view(TimelineView.class, TimelineView.ID);
        TimelineCanvas canvas = timeline.canvas();
        canvas.setView(BASE, BASE + 8_000);
        waitForTraceWork();
        assertTrue(canvas.showsSingleEvents(), "few events in view: drawn one by one");
        assertTrue(canvas.axisLabels().stream().allMatch(l -> l.endsWith(" us")), canvas.axisLabels().toString());
        // A click a pixel off the MR registration picks its time; the table selects it.
        Event down = new Event();
        down.button = 1;
        down.x = canvas.xOf(BASE + 3000) + 1;
        down.y = canvas.laneCentre(4);
        canvas.notifyListeners(SWT.MouseDown, down);
        canvas.notifyListeners(SWT.MouseUp, down);
        assertEquals(BASE + 3000, model().cursor());
        waitForTraceWork();
        EventTableView table = view(EventTableView.class, EventTableView.ID);
        assertEquals(ordinalOf(BASE + 3000), table.ordinalAt(table.table().getSelectionIndex()));
        Ui.screenshot(Ui.window().getShell(), "timeline-single-events");

        // A drag selects a range; the wheel zooms in around the pointer, down to nanoseconds.
        Event a = new Event();
        a.button = 1;
        a.x = canvas.xOf(BASE + 1000);
        a.y = canvas.laneCentre(0);
        canvas.notifyListeners(SWT.MouseDown, a);
        Event b = new Event();
        b.button = 1;
        b.x = canvas.xOf(BASE + 5000);
        b.y = a.y;
        canvas.notifyListeners(SWT.MouseMove, b);
        canvas.notifyListeners(SWT.MouseUp, b);
        assertTrue(Math.abs(model().rangeFrom() - (BASE + 1000)) <= 20, Long.toString(model().rangeFrom() - BASE));
        assertTrue(Math.abs(model().rangeTo() - (BASE + 5000)) <= 20, Long.toString(model().rangeTo() - BASE));
        for (int i = 0; i < 40; i++) {
            Event wheel = new Event();
            wheel.count = 3;
            wheel.x = canvas.xOf(BASE + 3000);
            canvas.notifyListeners(SWT.MouseVerticalWheel, wheel);
        }
        assertEquals(TimelineCanvas.MIN_SPAN, canvas.viewTo() - canvas.viewFrom());
        assertTrue(canvas.viewFrom() <= BASE + 3000 && canvas.viewTo() >= BASE + 3000);
        assertTrue(canvas.axisLabels().stream().allMatch(l -> l.endsWith(" ns")), canvas.axisLabels().toString());
        Event home = new Event();
        home.keyCode = SWT.HOME;
        canvas.notifyListeners(SWT.KeyDown, home);
        assertTrue(canvas.viewFrom() <= BASE && canvas.viewTo() >= FREE_TS);
        model().setRange(TraceModel.NONE, TraceModel.NONE);
    }

    @Test
    void theTableFiltersByTypeAndText() throws Exception {
        open(store);
        EventTableView table = view(EventTableView.class, EventTableView.ID);
        Combo type = (Combo) Ui.controls(table.table().getParent()).stream()
                .filter(c -> "events.type".equals(c.getData(org.dmascope.ui.views.TopologyView.WIDGET_KEY))).findFirst()
                .orElseThrow();
        Text search = (Text) Ui.controls(table.table().getParent()).stream()
                .filter(c -> "events.search".equals(c.getData(org.dmascope.ui.views.TopologyView.WIDGET_KEY))).findFirst()
                .orElseThrow();
        type.select(type.indexOf("mr_register"));
        type.notifyListeners(SWT.Selection, new Event());
        waitForTraceWork();
        assertEquals(2, table.table().getItemCount());
        assertEquals("mr_register", table.table().getItem(1).getText(5));
        try {
            // The text is found in the fields, whatever its case.
            search.setText("remote_write");
            search.notifyListeners(SWT.DefaultSelection, new Event());
            waitForTraceWork();
            assertEquals(1, table.table().getItemCount());
            assertEquals(ordinalOf(BASE + 4000), table.ordinalAt(0));
            assertTrue(table.table().getItem(0).getText(6).contains("addr=0x7e0000000000"),
                    table.table().getItem(0).getText(6));
            Ui.screenshot(Ui.window().getShell(), "events-filtered");
            // Any kind, a command name.
            type.select(0);
            search.setText("NVME_IO");
            search.notifyListeners(SWT.DefaultSelection, new Event());
            waitForTraceWork();
            assertEquals(DMA_EVENTS + 1, table.table().getItemCount());
        } finally {
            // Sorting by time the other way round, then no filter again.
            type.select(0);
            search.setText("");
            search.notifyListeners(SWT.DefaultSelection, new Event());
            waitForTraceWork();
        }
        assertEquals(events.size(), table.table().getItemCount());
        table.table().getColumn(1).notifyListeners(SWT.Selection, new Event());
        assertEquals(events.size() - 1, table.ordinalAt(0));
        assertEquals(SWT.DOWN, table.table().getSortDirection());
        table.table().getColumn(1).notifyListeners(SWT.Selection, new Event());
        assertEquals(0, table.ordinalAt(0));
    }

    @Test
    void jsonLinesAreConvertedAndBadFilesNamed() throws Exception {
        Path jsonl = dir.resolve("small.jsonl");
        try (EventOutput out = TraceFiles.create(jsonl)) {
            for (TraceEvent e : events.subList(0, 20)) {
                out.write(e);
            }
        }
        open(store);
        open(jsonl);
        TraceModel.OpenTrace trace = model().trace();
        assertNotNull(trace);
        assertEquals("small.jsonl", trace.name());
        assertNotEquals(trace.source(), trace.store());
        assertEquals(20, trace.reader().eventCount());
        TimelineView timeline = view(TimelineView.class, TimelineView.ID);
        assertEquals(20, timeline.canvas().index().total());

        Path bad = dir.resolve("bad.dmatrace");
        Files.writeString(bad, "DMATRACX not a trace");
        List<String> texts = new ArrayList<>();
        boolean shown = Ui.withDialog("Cannot open bad.dmatrace", () -> {
            try {
                Ui.execute(OpenTraceHandler.COMMAND_ID, OpenTraceHandler.PATH_PARAMETER, bad.toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, dialog -> Ui.controls(dialog).forEach(c -> {
            if (c instanceof org.eclipse.swt.widgets.Label l) {
                texts.add(l.getText());
            }
        }));
        assertTrue(shown, "an error dialog");
        assertTrue(texts.stream().anyMatch(t -> t.contains(bad.toString()) && t.contains("offset 0")), texts.toString());
        // What was open stays open.
        assertEquals("small.jsonl", model().trace().name());
        // Both are remembered, newest first, and File > Recent Traces lists them.
        assertEquals(jsonl.toAbsolutePath().normalize(), model().recent().get(0));
        Menu file = Ui.window().getShell().getMenuBar().getItem(0).getMenu();
        file.notifyListeners(SWT.Show, new Event());
        MenuItem recent = null;
        for (MenuItem i : file.getItems()) {
            if (i.getText().replace("&", "").equals("Recent Traces")) {
                recent = i;
            }
        }
        assertNotNull(recent, "File > Recent Traces");
        recent.getMenu().notifyListeners(SWT.Show, new Event());
        List<String> items = new ArrayList<>();
        for (MenuItem i : recent.getMenu().getItems()) {
            items.add(i.getText());
        }
        assertTrue(items.get(0).contains("small.jsonl"), items.toString());
        assertTrue(items.stream().anyMatch(i -> i.contains("rdma-gpu.dmatrace")), items.toString());
        recent.getMenu().notifyListeners(SWT.Hide, new Event());
        file.notifyListeners(SWT.Hide, new Event());
    }

    @Test
    void theChunkHeadersGiveAnOverviewBeforeTheIndex() throws Exception {
        try (org.dmascope.trace.store.TraceReader reader = org.dmascope.trace.store.TraceReader.open(store)) {
            org.dmascope.ui.trace.LaneIndex overview = org.dmascope.ui.trace.LaneIndex.overview(reader.chunks(),
                    reader.firstTs(), reader.lastTs());
            assertTrue(overview.isOverview());
            assertEquals(List.of("all events"), overview.lanes().stream().map(Lane::label).toList());
            assertEquals(events.size(), overview.total());
            assertEquals(events.size(), overview.laneTotal(0));
            assertTrue(reader.chunks().size() > 3, "several chunks: " + reader.chunks().size());
            // Shared out evenly, the last chunk's events reach the last bucket.
            int last = overview.buckets() - 1;
            assertTrue(overview.count(0, last) >= 1);
        }
    }

    @Test
    void theCommandLineNamesATrace() {
        assertEquals(Path.of("/t/a.dmatrace"), Application.initialTrace(new String[] {"/t/a.dmatrace"}));
        assertEquals(Path.of("/t/a.jsonl"), Application.initialTrace(new String[] {"--open", "/t/a.jsonl"}));
        assertEquals(Path.of("/t/rec"), Application.initialTrace(new String[] {"--trace", "/t/rec"}));
        assertNull(Application.initialTrace(new String[] {"--open", "/t/snapshot.tar.gz"}));
        assertNull(Application.initialTrace(new String[0]));
        assertEquals(Path.of("/t/snapshot.tar.gz"), Application.initialSource(new String[] {"--open", "/t/snapshot.tar.gz"}));
    }
}
