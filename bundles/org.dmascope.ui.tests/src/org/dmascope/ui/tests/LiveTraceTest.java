package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.ProcessStart;
import org.dmascope.trace.event.TopologySnapshot;
import org.dmascope.sources.TopologySources;
import org.dmascope.trace.store.TraceWriter;
import org.dmascope.ui.model.TopologySession;
import org.dmascope.ui.trace.TraceModel;
import org.dmascope.ui.trace.TraceTopology;
import org.dmascope.ui.views.EventTableView;
import org.dmascope.ui.views.TimelineView;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A trace that a source in the workbench is still writing: the Timeline and the Event table
 * grow with it, the cursor follows the newest event while following is on and stays put when
 * it is off, and the topology recorded in the trace becomes the one the topology views show.
 */
class LiveTraceTest {

    private static final long BASE = 1_000_000_000L;

    /** A source that writes as the test says. */
    private static final class TestOrigin implements TraceModel.LiveOrigin {
        volatile boolean writing = true;

        @Override
        public String label() {
            return "TEST writer";
        }

        @Override
        public boolean simulated() {
            return true;
        }

        @Override
        public boolean writing() {
            return writing;
        }
    }

    @AfterAll
    static void closeTrace() {
        TraceModel.find(Ui.window()).close();
        TraceModel.find(Ui.window()).setFollowing(true);
        Ui.settle();
    }

    private static void append(TraceWriter w, int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            w.append(new DmaMapPage(new EventHeader(BASE + i * 1_000_000L, 0, 300, "fio"), "0000:06:00.0",
                    0x200000000L + i * 4096L, 0x200000000L + i * 4096L, 4096, "BIDIRECTIONAL", ""));
        }
        w.flush();
    }

    private static void waitForViews(TimelineView timeline, EventTableView table, long events) throws Exception {
        Ui.waitUntil(events + " events in the timeline and the table", () -> {
            try {
                Job.getJobManager().join(TimelineView.FAMILY, null);
                Job.getJobManager().join(TraceTopology.FAMILY, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return timeline.canvas().index() != null && !timeline.canvas().index().isOverview()
                    && timeline.canvas().index().total() == events && table.table().getItemCount() == events;
        });
    }

    @Test
    void theViewsGrowWithTheTraceAndTheCursorFollows() throws Exception {
        Path dir = Files.createTempDirectory("dmascope-live-ui");
        Path store = dir.resolve("growing.dmatrace");
        Path lspci = Path.of(System.getProperty("user.dir")).resolve("../../testdata/lspci-dumps/tree-asus-p6t6")
                .normalize();
        TraceModel model = TraceModel.find(Ui.window());
        TopologySession topology = Ui.session();
        TestOrigin origin = new TestOrigin();
        IWorkbenchPage page = Ui.window().getActivePage();
        TimelineView timeline = (TimelineView) page.showView(TimelineView.ID, null, IWorkbenchPage.VIEW_VISIBLE);
        EventTableView table = (EventTableView) page.showView(EventTableView.ID, null, IWorkbenchPage.VIEW_VISIBLE);
        try (TraceWriter w = TraceWriter.create(store, TraceWriter.Options.DEFAULT)) {
            w.append(new ProcessStart(new EventHeader(BASE - 10, 0, 300, "fio"), 1, "/usr/bin/fio"));
            w.append(new TopologySnapshot(new EventHeader(BASE - 5, 0, EventHeader.UNKNOWN, ""), "lspci",
                    "lspci-vvvxxx", Files.readString(lspci, StandardCharsets.UTF_8)));
            append(w, 0, 10);
            model.setFollowing(true);
            model.openLive(store, origin);
            assertTrue(model.trace().live());
            waitForViews(timeline, table, 12);
            assertEquals(BASE + 9_000_000L, model.cursor(), "the cursor is on the newest event");
            assertTrue(timeline.getContentDescription().startsWith("TEST writer - growing.dmatrace"),
                    timeline.getContentDescription());

            // The topology recorded in the trace is the one shown.
            Ui.waitUntil("the recorded topology", () -> {
                try {
                    Job.getJobManager().join(TraceTopology.FAMILY, null);
                    Job.getJobManager().join(TopologySession.LOAD_FAMILY, null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return topology.current().isPresent()
                        && topology.current().get().source().name().contains("recorded in growing.dmatrace");
            });
            int functions = TopologySources.builtIn().open(lspci, "asus", new NullProgressMonitor()).size();
            assertEquals(53, functions, "the ASUS P6T6 dump's functions");
            assertEquals(functions, topology.current().get().topology().size());

            append(w, 10, 20);
            waitForViews(timeline, table, 32);
            assertEquals(BASE + 29_000_000L, model.cursor(), "the cursor followed");
            assertTrue(timeline.canvas().viewTo() >= BASE + 29_000_000L, "the newest events are in view");

            // Not following: the cursor stays where the user put it.
            model.setFollowing(false);
            model.setCursor(BASE + 3_000_000L, null);
            append(w, 30, 5);
            waitForViews(timeline, table, 37);
            assertEquals(BASE + 3_000_000L, model.cursor());
            Ui.screenshot(Ui.window().getShell(), "live-trace");
        }
        origin.writing = false;
        model.liveEnded();
        Ui.settle();
        assertFalse(model.trace().live(), "the recording stays open when its writer ended");
        assertNotNull(model.trace());
        assertTrue(Files.size(store) > 0);
    }
}
