package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.PageFault;
import org.dmascope.trace.store.TraceWriter;
import org.dmascope.ui.TopologyPerspective;
import org.dmascope.ui.trace.TimelineCanvas;
import org.dmascope.ui.trace.TraceModel;
import org.dmascope.ui.views.ChartsView;
import org.dmascope.ui.views.EventTableView;
import org.dmascope.ui.views.TimelineView;
import org.dmascope.ui.views.TraceStateView;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A figure, not a check: how long the Timeline takes to repaint with every event of a large
 * trace in view (drawn from the lane index). One million events by default; the environment
 * variable DMASCOPE_BENCH_EVENTS asks for another number (10000000 for the figure).
 * The times go to standard output and target/bench/timeline.txt; nothing is asserted on them.
 * Then how long a cursor move takes until every trace view shows it (target/bench/cursor.txt).
 */
class TimelineBenchTest {

    private static Path dir;

    @AfterAll
    static void cleanUp() throws Exception {
        TraceModel.find(Ui.window()).close();
        Ui.window().getWorkbench().showPerspective(TopologyPerspective.ID, Ui.window());
        Ui.settle();
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void repaintWithEveryEventInView() throws Exception {
        String env = System.getenv("DMASCOPE_BENCH_EVENTS");
        int n = env == null || env.isBlank() ? 1_000_000 : Integer.parseInt(env.strip());
        dir = Files.createTempDirectory("dmascope-bench");
        Path store = dir.resolve("bench.dmatrace");
        long t = System.nanoTime();
        write(store, n);
        long writeMs = (System.nanoTime() - t) / 1_000_000;

        t = System.nanoTime();
        TraceInspectionTest.open(store);
        long openMs = (System.nanoTime() - t) / 1_000_000;
        TimelineView view = (TimelineView) Ui.window().getActivePage().showView(TimelineView.ID, null,
                IWorkbenchPage.VIEW_VISIBLE);
        TimelineCanvas canvas = view.canvas();
        assertNotNull(canvas.index());
        assertEquals(n, canvas.index().total());
        canvas.fit();
        Ui.settle();
        assertFalse(canvas.showsSingleEvents(), "every event in view: the density is drawn");
        // On-screen repaints are asynchronous: the same painting into an image of the canvas's size.
        // A pan by a pixel each time: the density is computed again from the index.
        long step = (canvas.viewTo() - canvas.viewFrom()) / 1000;
        long[] pan = new long[30];
        for (int i = 0; i < pan.length; i++) {
            canvas.setView(canvas.viewFrom() + (i % 2 == 0 ? step : -step), canvas.viewTo() + (i % 2 == 0 ? step : -step));
            pan[i] = canvas.paintOffscreen();
        }
        Arrays.sort(pan);
        // A cursor move: the density image is kept, the cursor drawn over it.
        long[] cursor = new long[30];
        for (int i = 0; i < cursor.length; i++) {
            canvas.setCursor(canvas.viewFrom() + (canvas.viewTo() - canvas.viewFrom()) * i / cursor.length);
            cursor[i] = canvas.paintOffscreen();
        }
        Arrays.sort(cursor);
        String line = String.format(Locale.ROOT,
                "timeline bench: %,d events, %d lanes, %d x %d px; written in %d ms; opened, indexed and shown in %d ms "
                        + "(lane index built in %d ms); repaint with all in view after a pan: median %.2f ms, max %.2f ms; "
                        + "after a cursor move: median %.2f ms, max %.2f ms; load average %.1f on %d CPUs",
                n, canvas.lanes().size(), canvas.getClientArea().width, canvas.getClientArea().height, writeMs, openMs,
                view.indexMillis(), pan[pan.length / 2] / 1e6, pan[pan.length - 1] / 1e6,
                cursor[cursor.length / 2] / 1e6, cursor[cursor.length - 1] / 1e6,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        System.out.println(line);
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        Files.writeString(out.resolve("timeline.txt"), line + "\n");
        Ui.screenshot(Ui.window().getShell(), "timeline-bench");

        cursorMoveAcrossEveryView(n);
    }

    /**
     * The time from moving the cursor to every trace view showing it: the Timeline and the
     * Charts (their cursor drawn), the Events (the nearest event selected), the State at
     * Cursor (rebuilt from the nearest checkpoint in a job) and the topology recorded at the
     * cursor; the window's pending paints are flushed before the clock stops.
     */
    private static void cursorMoveAcrossEveryView(int n) throws Exception {
        IWorkbenchPage page = Ui.window().getActivePage();
        TraceStateView state = (TraceStateView) page.showView(TraceStateView.ID, null, IWorkbenchPage.VIEW_VISIBLE);
        page.showView(EventTableView.ID, null, IWorkbenchPage.VIEW_VISIBLE);
        ChartsView charts = (ChartsView) page.showView(ChartsView.ID, null, IWorkbenchPage.VIEW_VISIBLE);
        TimelineView timeline = (TimelineView) page.showView(TimelineView.ID, null, IWorkbenchPage.VIEW_VISIBLE);
        Ui.waitUntil("the charts of the trace", () -> {
            try {
                Job.getJobManager().join(ChartsView.FAMILY, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return charts.series() != null;
        });
        EventTableView eventsView = (EventTableView) page.findView(EventTableView.ID);
        TraceModel model = TraceModel.find(Ui.window());
        TraceModel.OpenTrace trace = model.trace();
        assertNotNull(trace);
        long first = trace.reader().firstTs();
        long span = trace.reader().lastTs() - first;
        java.util.Random random = new java.util.Random(7);
        long[] ms = new long[20];
        // Where the time goes: the listeners on the UI thread, the wait for the state job's result.
        long[] listeners = new long[ms.length];
        long[] stateShown = new long[ms.length];
        for (int i = 0; i < ms.length; i++) {
            long ts = first + (long) (random.nextDouble() * span);
            long start = System.nanoTime();
            model.setCursor(ts, null);
            listeners[i] = System.nanoTime() - start;
            Ui.waitUntil("the state at the cursor", () -> state.shownTs() == ts);
            stateShown[i] = System.nanoTime() - start;
            Ui.display().update();
            ms[i] = System.nanoTime() - start;
            assertEquals(ts, timeline.canvas().cursor());
            // The Events table selected the event nearest the cursor by then (events every 100 ns,
            // a 20 us gap between bursts): the time above covers it.
            long selected = eventsView.ordinalAt(eventsView.table().getSelectionIndex());
            assertTrue(Math.abs(timeOf(selected) - ts) <= 10_100, "the Events table shows the cursor");
        }
        Arrays.sort(ms);
        Arrays.sort(listeners);
        Arrays.sort(stateShown);
        String line = String.format(Locale.ROOT, "cursor bench: %,d events; a cursor move until the Timeline, Events, "
                + "State at Cursor and Charts show it: median %.1f ms, max %.1f ms over %d moves (median %.1f ms in the "
                + "listeners on the UI thread, %.1f ms until the state is shown); load average %.1f on %d CPUs",
                n, ms[ms.length / 2] / 1e6, ms[ms.length - 1] / 1e6, ms.length, listeners[ms.length / 2] / 1e6,
                stateShown[ms.length / 2] / 1e6,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        System.out.println(line);
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        Files.writeString(out.resolve("cursor.txt"), line + "\n");
    }

    // The time stamp write gives the event of this ordinal.
    private static long timeOf(long ordinal) {
        return 1_000_000_000L + ordinal * 100L + ((ordinal / 500_000) % 2) * 20_000L;
    }

    // Eight processes faulting pages, four NVMe devices mapping them, one event every 100 ns.
    private static void write(Path store, int n) throws IOException {
        try (TraceWriter w = TraceWriter.create(store, TraceWriter.Options.DEFAULT)) {
            String[] comms = new String[8];
            for (int p = 0; p < 8; p++) {
                comms[p] = "worker" + p;
            }
            for (int i = 0; i < n; i++) {
                // A burst every 50 ms, so the density has a shape.
                long ts = timeOf(i);
                EventHeader h = new EventHeader(ts, i & 15, 1000 + (i & 7), comms[i & 7]);
                if ((i & 3) == 0) {
                    w.append(new DmaMapPage(h, "0000:0" + (i >> 2 & 3) + ":00.0", 0x100000000L + (i & 0xffff) * 4096L,
                            0xfff00000L, 4096, "TO_DEVICE", ""));
                } else {
                    w.append(new PageFault(h, 0x7f0000000000L + (i & 0xfffff) * 4096L, 0x401000, 6, ""));
                }
            }
        }
    }
}
