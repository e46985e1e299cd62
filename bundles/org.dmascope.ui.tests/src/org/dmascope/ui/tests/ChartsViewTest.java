package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.dmascope.trace.event.DmaBufMoveNotify;
import org.dmascope.trace.event.DmaMapSg;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GpuDirectFreeCallback;
import org.dmascope.trace.event.GpuDirectGetPages;
import org.dmascope.trace.event.MrRegister;
import org.dmascope.trace.event.NotifierInvalidateBegin;
import org.dmascope.trace.event.P2pTransfer;
import org.dmascope.trace.event.Pin;
import org.dmascope.trace.event.ProcessStart;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.Unpin;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.series.TraceSeries;
import org.dmascope.trace.store.TraceWriter;
import org.dmascope.ui.TopologyPerspective;
import org.dmascope.ui.TraceInspectionPerspective;
import org.dmascope.ui.charts.ChartCanvas;
import org.dmascope.ui.charts.TraceCharts;
import org.dmascope.ui.charts.TraceCharts.Kind;
import org.dmascope.ui.handlers.OpenTraceHandler;
import org.dmascope.ui.trace.TraceModel;
import org.dmascope.ui.views.ChartsView;
import org.dmascope.ui.views.TimelineView;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Event;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The Charts view in the running workbench, on a trace this test writes: host memory pinned
 * and registered, GPU memory registered and then freed under the MR, notifier invalidations,
 * two scatter lists, P2P transfers on two paths. Every value checked is what the chart draws.
 */
class ChartsViewTest {

    static final long BASE = 1_000_000_000L;
    static final long MS = 1_000_000L;
    static final long MIB = 1 << 20;
    static final long HOST = 0x7f00_0000_0000L;
    static final long GPU_VA = 0x7e00_0000_0000L;
    static final String GPU = "0000:3b:00.0";
    static final String NIC = "0000:5e:00.0";
    static final String GPU_TO_NIC = GPU + " \u2192 " + NIC;
    static final String NIC_TO_GPU = NIC + " \u2192 " + GPU;

    private static Path store;
    /** Whether Trace Inspection had the Charts view before the test showed it. */
    private static boolean inPerspective;

    private static EventHeader at(long ms) {
        return new EventHeader(BASE + ms * MS, 1, 100, "ib_write_bw");
    }

    @BeforeAll
    static void writeAndOpen() throws Exception {
        Path dir = Files.createTempDirectory("dmascope-charts-ui");
        List<TraceEvent> t = new ArrayList<>();
        t.add(new ProcessStart(at(0), 1, "/usr/bin/ib_write_bw"));
        t.add(new VmaMap(at(1), HOST, HOST + 2 * MIB, "rw-p", 0, ""));
        t.add(new Pin(at(2), HOST, 512, "FOLL_WRITE|FOLL_LONGTERM", 512, ""));
        t.add(new MrRegister(at(3), "mlx5_0", HOST, 2 * MIB, HOST, "local-write", 1, 1, ""));
        t.add(new VmaMap(at(4), GPU_VA, GPU_VA + MIB, "rw-s", 0, "/dev/nvidia-uvm"));
        t.add(new GpuDirectGetPages(at(5), GPU, GPU_VA, MIB, 65536, 16, ""));
        t.add(new MrRegister(at(6), "mlx5_0", GPU_VA, MIB, GPU_VA, "local-write,remote-write", 2, 2, ""));
        for (int i = 0; i < 3; i++) {
            t.add(new NotifierInvalidateBegin(at(7), HOST, HOST + 4096, "unmap", true));
        }
        t.add(new DmaMapSg(at(8), NIC, 3, 3, false, new long[] {0x1000, 0x5000, 0x9000},
                new long[] {0x2_0000_1000L, 0x2_0000_5000L, 0x2_0000_9000L}, new long[] {4096, 4096, 4096}, "TO_DEVICE", ""));
        t.add(new P2pTransfer(at(10), GPU, NIC, 0xf000_0000L, MIB, "write", 1000));
        t.add(new P2pTransfer(at(11), NIC, GPU, 0xf000_0000L, 4 * MIB, "write", 4000));
        t.add(new P2pTransfer(at(12), GPU, NIC, 0xf000_0000L, MIB, "write", 1000));
        t.add(new GpuDirectFreeCallback(at(14), GPU, GPU_VA, MIB));
        t.add(new DmaBufMoveNotify(at(15), 42, "nvidia", "buf", 2 * MIB));
        t.add(new Unpin(at(20), HOST, 512, true));
        store = dir.resolve("charts.dmatrace");
        try (TraceWriter w = TraceWriter.create(store, TraceWriter.Options.DEFAULT)) {
            w.appendAll(t);
        }
        Ui.execute(OpenTraceHandler.COMMAND_ID, OpenTraceHandler.PATH_PARAMETER, store.toString());
        Job.getJobManager().join(TraceModel.OPEN_FAMILY, null);
        Ui.settle();
        inPerspective = Ui.window().getActivePage().findViewReference(ChartsView.ID) != null;
        view();
        waitForCharts();
    }

    @AfterAll
    static void backToTopology() throws Exception {
        model().close();
        Ui.window().getWorkbench().showPerspective(TopologyPerspective.ID, Ui.window());
        Ui.settle();
    }

    static TraceModel model() {
        return TraceModel.find(Ui.window());
    }

    static ChartsView view() throws Exception {
        return (ChartsView) Ui.window().getActivePage().showView(ChartsView.ID, null, IWorkbenchPage.VIEW_ACTIVATE);
    }

    static void waitForCharts() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            Ui.settle();
            Job.getJobManager().join(ChartsView.FAMILY, null);
            Ui.settle();
        }
    }

    /** The values a chart draws for a series, one per bucket (the step's last point dropped). */
    static long[] shown(ChartsView v, Kind kind, int plot, String key) {
        double[] y = TraceCharts.shownValues(v.canvas(kind).chart(), plot, key);
        assertNotNull(y, kind + " plot " + plot + " has no series " + key);
        long[] out = new long[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = Math.round(y[i]);
        }
        return out;
    }

    @Test
    void showsTheSeriesOfTheWholeTrace() throws Exception {
        assertEquals(TraceInspectionPerspective.ID, Ui.window().getActivePage().getPerspective().getId());
        assertTrue(inPerspective, "Trace Inspection lays out the Charts view (plugin.xml perspectiveExtensions)");
        ChartsView v = view();
        TraceSeries s = v.series();
        assertNotNull(s, "the series were computed");
        assertEquals(BASE, s.from());
        assertEquals(BASE + 20 * MS, s.to());
        assertEquals(ChartsView.BUCKETS, s.buckets());
        assertEquals(BASE, v.origin());
        // 400 buckets of 50 us: the MR registered at 3 ms is in bucket 60
        long[] structpage = shown(v, Kind.MEMORY, 0, "structpage");
        assertEquals(ChartsView.BUCKETS + 1, structpage.length);
        assertEquals(0, structpage[59]);
        assertEquals(2 * MIB, structpage[60]);
        assertEquals(2 * MIB, structpage[400]);
        // the GPU MR from 6 ms until the free callback at 14 ms
        long[] gpu = shown(v, Kind.MEMORY, 0, "gpudirect");
        assertEquals(0, gpu[119]);
        assertEquals(MIB, gpu[120]);
        assertEquals(MIB, gpu[280]);
        assertEquals(0, gpu[281]);
        // pinned: 512 host pages from 2 ms to 20 ms (the unpin lies in the last bucket)
        long[] pinned = shown(v, Kind.MEMORY, 1, "structpage");
        assertEquals(0, pinned[39]);
        assertEquals(2 * MIB, pinned[40]);
        assertEquals(2 * MIB, pinned[399]);
        assertEquals(MIB, shown(v, Kind.MEMORY, 1, "gpudirect")[100]);
        // three notifier invalidations in one 50 us bucket: 60,000 per second
        long[] notifier = shown(v, Kind.INVALIDATIONS, 0, TraceSeries.MMU_NOTIFIER);
        assertEquals(60_000, notifier[140]);
        assertEquals(0, notifier[141]);
        assertEquals(20_000, shown(v, Kind.INVALIDATIONS, 0, TraceSeries.FREE_CALLBACK)[280]);
        assertEquals(20_000, shown(v, Kind.INVALIDATIONS, 0, TraceSeries.MR_INVALIDATED)[280]);
        assertEquals(20_000, shown(v, Kind.INVALIDATIONS, 0, TraceSeries.MOVE_NOTIFY)[300]);
        // one point per mapping: the fragmented list's 3 segments of 4 KiB, the GPU's 16 of 64 KiB
        assertArrayEquals(new long[] {3}, shown(v, Kind.SEGMENTS, 0, TraceSeries.DMA_MAP_SG));
        assertArrayEquals(new long[] {4096}, shown(v, Kind.SEGMENTS, 1, TraceSeries.DMA_MAP_SG));
        assertArrayEquals(new long[] {16}, shown(v, Kind.SEGMENTS, 0, TraceSeries.GET_PAGES));
        assertArrayEquals(new long[] {65536}, shown(v, Kind.SEGMENTS, 1, TraceSeries.GET_PAGES));
        // P2P bytes per path since the trace began
        long[] out = shown(v, Kind.P2P, 0, GPU_TO_NIC);
        assertEquals(0, out[199]);
        assertEquals(MIB, out[200]);
        assertEquals(2 * MIB, out[240]);
        assertEquals(4 * MIB, shown(v, Kind.P2P, 0, NIC_TO_GPU)[400]);
        assertTrue(v.getContentDescription().contains("400 buckets of 50.000 us"), v.getContentDescription());
    }

    @Test
    void theMarkerFollowsTheCursorAndAClickMovesIt() throws Exception {
        ChartsView v = view();
        model().setCursor(BASE + 7 * MS, null);
        Ui.settle();
        for (Kind k : Kind.values()) {
            assertEquals(7.0 * MS, TraceCharts.cursorOf(v.canvas(k).chart()), k.name());
        }
        v.show(Kind.MEMORY);
        Ui.settle();
        ChartCanvas canvas = v.canvas(Kind.MEMORY);
        Rectangle area = canvas.dataArea();
        assertTrue(area.width > 200 && area.height > 100, "the chart was drawn: " + area);
        // a click at 12 ms moves the shared cursor there (to within a pixel's time)
        Event down = new Event();
        down.button = 1;
        down.x = canvas.columnOf(12.0 * MS);
        down.y = area.y + area.height / 2;
        canvas.notifyListeners(SWT.MouseDown, down);
        double pixelNs = 20.0 * MS / area.width;
        assertEquals(BASE + 12 * MS, model().cursor(), pixelNs);
        assertEquals(model().cursor() - BASE, TraceCharts.cursorOf(canvas.chart()), 0.5);
        // a click outside the plot leaves it alone
        long before = model().cursor();
        down.x = 1;
        down.y = 1;
        canvas.notifyListeners(SWT.MouseDown, down);
        assertEquals(before, model().cursor());
        model().setCursor(BASE + 14 * MS, null);
        Ui.settle();
        Ui.screenshot(Ui.window().getShell(), "charts");
    }

    @Test
    void aRangeSelectionRechartsThatRange() throws Exception {
        ChartsView v = view();
        try {
            model().setRange(BASE + 5 * MS, BASE + 10 * MS);
            waitForCharts();
            TraceSeries s = v.series();
            assertNotNull(s);
            assertEquals(BASE + 5 * MS, s.from());
            assertEquals(BASE + 10 * MS, s.to());
            // 400 buckets of 12.5 us: the host MR carried in, the GPU MR from 6 ms (bucket 80)
            long[] host = shown(v, Kind.MEMORY, 0, "structpage");
            assertEquals(2 * MIB, host[0]);
            long[] gpu = shown(v, Kind.MEMORY, 0, "gpudirect");
            assertEquals(0, gpu[79]);
            assertEquals(MIB, gpu[80]);
            // the 1 MiB sent at 10 ms lies on the range's end: the last bucket
            assertEquals(MIB, shown(v, Kind.P2P, 0, GPU_TO_NIC)[399]);
            // the cursor outside the range has no marker
            model().setCursor(BASE + 2 * MS, null);
            Ui.settle();
            assertTrue(Double.isNaN(TraceCharts.cursorOf(v.canvas(Kind.MEMORY).chart())));
        } finally {
            model().setRange(TraceModel.NONE, TraceModel.NONE);
            waitForCharts();
        }
        assertEquals(BASE + 20 * MS, v.series().to());
    }

    @Test
    void theChartsFollowTheTimelinesZoomAndTheRangeSelectionComesFirst() throws Exception {
        TimelineView timeline = (TimelineView) Ui.window().getActivePage().showView(TimelineView.ID, null,
                IWorkbenchPage.VIEW_VISIBLE);
        ChartsView v = view();
        try {
            // Zoomed on 5 to 10 ms: the model's visible window, and the charts over it.
            timeline.canvas().setView(BASE + 5 * MS, BASE + 10 * MS);
            assertEquals(BASE + 5 * MS, model().visibleFrom());
            assertEquals(BASE + 10 * MS, model().visibleTo());
            assertEquals(TraceModel.NONE, model().rangeFrom(), "zooming selects no range");
            awaitCharted(v, BASE + 5 * MS, BASE + 10 * MS);
            long[] gpu = shown(v, Kind.MEMORY, 0, "gpudirect");
            assertEquals(0, gpu[79]);
            assertEquals(MIB, gpu[80]);
            // A range selection is charted whatever the zoom, and zooming leaves it charted.
            model().setRange(BASE + 2 * MS, BASE + 4 * MS);
            awaitCharted(v, BASE + 2 * MS, BASE + 4 * MS);
            timeline.canvas().setView(BASE + 6 * MS, BASE + 8 * MS);
            waitForCharts();
            assertEquals(BASE + 2 * MS, v.series().from());
            // Without it, the charts follow the zoom again.
            model().setRange(TraceModel.NONE, TraceModel.NONE);
            awaitCharted(v, BASE + 6 * MS, BASE + 8 * MS);
        } finally {
            model().setRange(TraceModel.NONE, TraceModel.NONE);
            timeline.canvas().fit();
            view();
        }
        // The whole trace in view: the whole trace charted, as before any zoom.
        awaitCharted(v, BASE, BASE + 20 * MS);
    }

    private static void awaitCharted(ChartsView v, long from, long to) {
        Ui.waitUntil("the charts over " + from + " to " + to, () -> {
            try {
                waitForCharts();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return v.series() != null && v.series().from() == from && v.series().to() == to;
        });
    }

    @Test
    void exportsPngAndSvg() throws Exception {
        ChartsView v = view();
        model().setCursor(BASE + 7 * MS, null);
        Ui.settle();
        Path dir = Files.createDirectories(Path.of("target", "charts"));
        for (Kind k : Kind.values()) {
            String name = k.name().toLowerCase(java.util.Locale.ROOT);
            Path png = dir.resolve(name + ".png");
            Path svg = dir.resolve(name + ".svg");
            Files.deleteIfExists(png);
            Files.deleteIfExists(svg);
            v.export(k, png, false);
            v.export(k, svg, true);
            ImageData image;
            try (InputStream in = Files.newInputStream(png)) {
                image = new ImageData(in);
            }
            assertEquals(v.canvas(k).exportSize().x, image.width);
            assertEquals(v.canvas(k).exportSize().y, image.height);
            Document doc = parse(svg);
            assertEquals("svg", doc.getDocumentElement().getLocalName() != null
                    ? doc.getDocumentElement().getLocalName() : doc.getDocumentElement().getNodeName());
            assertTrue(doc.getDocumentElement().getTextContent().contains(k.title()),
                    svg + " holds the title " + k.title());
        }
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setExpandEntityReferences(false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        DocumentBuilder b = f.newDocumentBuilder();
        try {
            return b.parse(file.toFile());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }
}
