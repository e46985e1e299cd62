package org.dmascope.ui.views;

import java.io.IOException;
import java.util.Locale;

import org.dmascope.core.source.InputException;
import org.dmascope.ui.trace.Detail;
import org.dmascope.ui.trace.LaneIndex;
import org.dmascope.ui.trace.TimeFormat;
import org.dmascope.ui.trace.TimelineCanvas;
import org.dmascope.ui.trace.TraceModel;
import org.dmascope.ui.trace.TraceModel.OpenTrace;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.part.ViewPart;
import org.eclipse.ui.plugin.AbstractUIPlugin;

/**
 * The Timeline: a lane per process and per device over the open trace, zoomable from the
 * whole trace down to nanoseconds. The lane index is built in a Job when a trace opens; when
 * few events are in view, a Job decodes the chunks in view and the single events are drawn.
 * A click moves the shared time cursor, a drag selects a range.
 */
public final class TimelineView extends ViewPart implements TraceModel.Listener, TimelineCanvas.Listener {

    /** View ID. */
    public static final String ID = "org.dmascope.ui.views.timeline";

    /** The job family of index builds and detail reads, for {@code IJobManager.join}. */
    public static final Object FAMILY = new Object();

    /** Single events are drawn when at most this many are in view. */
    public static final int DETAIL_LIMIT = 20_000;

    private TimelineCanvas canvas;
    private TraceModel model;
    private @Nullable OpenTrace trace;
    private @Nullable Job indexJob;
    private @Nullable Job detailJob;
    private volatile long indexMillis = -1;
    private boolean grewWhileIndexing;

    @Override
    public void createPartControl(Composite parent) {
        model = TraceModel.find(getSite());
        canvas = new TimelineCanvas(parent, this);
        canvas.setData(TopologyView.WIDGET_KEY, "timeline.canvas");
        IToolBarManager bar = getViewSite().getActionBars().getToolBarManager();
        bar.add(action("Zoom In (+)", "icons/zoomin16.png", () -> canvas.zoom(0.5, centre())));
        bar.add(action("Zoom Out (-)", "icons/zoomout16.png", () -> canvas.zoom(2, centre())));
        bar.add(action("Whole Trace (Home)", "icons/fit16.png", canvas::fit));
        model.addListener(this);
        traceChanged(model.trace());
        if (model.cursor() != TraceModel.NONE) {
            canvas.setCursor(model.cursor());
        }
        canvas.setRange(model.rangeFrom(), model.rangeTo());
    }

    private int centre() {
        return TimelineCanvas.LABEL_WIDTH + (canvas.getClientArea().width - TimelineCanvas.LABEL_WIDTH) / 2;
    }

    private static Action action(String text, String icon, Runnable run) {
        Action a = new Action(text) {
            @Override
            public void run() {
                run.run();
            }
        };
        a.setToolTipText(text);
        a.setImageDescriptor(AbstractUIPlugin.imageDescriptorFromPlugin("org.dmascope.ui", icon));
        return a;
    }

    /** How long the last lane index took to build, in milliseconds (-1 before one). */
    public long indexMillis() {
        return indexMillis;
    }

    /** The drawing (for tests). */
    public TimelineCanvas canvas() {
        return canvas;
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }

    @Override
    public void dispose() {
        model.removeListener(this);
        cancel(indexJob);
        cancel(detailJob);
        super.dispose();
    }

    private static void cancel(@Nullable Job job) {
        if (job != null) {
            job.cancel();
        }
    }

    // --- the trace model -------------------------------------------------------------------

    @Override
    public void traceChanged(@Nullable OpenTrace t) {
        trace = t;
        cancel(indexJob);
        cancel(detailJob);
        if (t == null) {
            canvas.setTrace(0, 0, "File > Open Trace... to inspect a recording");
            setContentDescription("");
            return;
        }
        long n = t.reader().eventCount();
        long first = n == 0 ? 0 : t.reader().firstTs();
        long last = n == 0 ? 0 : t.reader().lastTs();
        canvas.setTrace(first, last, "Indexing " + String.format(Locale.ROOT, "%,d", n) + " events...");
        canvas.setIndex(LaneIndex.overview(t.reader().chunks(), first, last), "Indexing "
                + String.format(Locale.ROOT, "%,d", n) + " events by process and device...");
        setContentDescription(title(t) + ": " + String.format(Locale.ROOT, "%,d", n) + " events over "
                + TimeFormat.duration(last - first));
        startIndex(t);
    }

    // A live trace says what writes it (SIMULATED, or the live process) before its name.
    private static String title(OpenTrace t) {
        TraceModel.LiveOrigin o = t.origin();
        return o == null ? t.name() : o.label() + (o.writing() ? "" : " (ended)") + " - " + t.name();
    }

    private void startIndex(OpenTrace t) {
        Job job = new Job("Indexing " + t.name() + " for the timeline") {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try {
                    long start = System.nanoTime();
                    LaneIndex index = LaneIndex.build(t.store(), monitor);
                    indexMillis = (System.nanoTime() - start) / 1_000_000;
                    canvas.getDisplay().asyncExec(() -> indexed(t, index));
                    return Status.OK_STATUS;
                } catch (OperationCanceledException e) {
                    return Status.CANCEL_STATUS;
                } catch (IOException | InputException e) {
                    canvas.getDisplay().asyncExec(() -> {
                        if (!canvas.isDisposed() && trace == t) {
                            indexJob = null;
                            canvas.setMessage("Cannot index " + t.name() + ": " + e.getMessage());
                        }
                    });
                    return Status.OK_STATUS;
                }
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == FAMILY;
            }
        };
        job.setPriority(Job.LONG);
        indexJob = job;
        job.schedule();
    }

    private void indexed(OpenTrace t, LaneIndex index) {
        if (canvas.isDisposed() || trace != t) {
            return;
        }
        indexJob = null;
        canvas.setIndex(index, "");
        setContentDescription(title(t) + ": " + String.format(Locale.ROOT, "%,d", index.total()) + " events, "
                + index.lanes().size() + " lanes, over " + TimeFormat.duration(t.reader().lastTs() - t.reader().firstTs()));
        viewChanged(canvas.viewFrom(), canvas.viewTo());
        if (grewWhileIndexing) {
            grewWhileIndexing = false;
            traceGrew(t);
        }
    }

    /**
     * A live trace grew: the time span extends at once (and, while following, the view shows
     * all of it); the lanes are indexed again, one index build at a time.
     */
    @Override
    public void traceGrew(OpenTrace t) {
        if (canvas.isDisposed() || trace != t) {
            return;
        }
        long n = t.reader().eventCount();
        if (n == 0) {
            return;
        }
        canvas.extendTo(t.reader().firstTs(), t.reader().lastTs());
        if (model.following()) {
            canvas.fit();
        }
        if (indexJob != null) {
            grewWhileIndexing = true;
            return;
        }
        startIndex(t);
    }

    @Override
    public void cursorMoved(long ts, @Nullable Object origin) {
        canvas.setCursor(ts);
        if (ts != TraceModel.NONE && origin != this && (ts < canvas.viewFrom() || ts > canvas.viewTo())) {
            long half = (canvas.viewTo() - canvas.viewFrom()) / 2;
            canvas.setView(ts - half, ts + half);
        }
    }

    @Override
    public void rangeChanged(long from, long to) {
        canvas.setRange(from, to);
    }

    // --- the canvas ------------------------------------------------------------------------

    @Override
    public void viewChanged(long from, long to) {
        OpenTrace t = trace;
        if (t != null && model.trace() == t) {
            model.setVisible(from, to);
        }
        LaneIndex index = canvas.index();
        if (t == null || index == null || index.isOverview()) {
            return;
        }
        Detail d = canvas.detail();
        if (d != null && d.covers(from, to)) {
            return;
        }
        if (index.estimate(from, to) > DETAIL_LIMIT * 4L) {
            return; // the buckets in view hold too many: the density is drawn
        }
        cancel(detailJob);
        // Read a window three times as wide as the view, so short pans stay inside it.
        long span = to - from;
        long wFrom = from - span;
        long wTo = to + span;
        Job job = new Job("Reading the events in view") {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try {
                    Detail read = Detail.load(t.store(), index, wFrom, wTo, DETAIL_LIMIT, monitor);
                    Detail chosen = read != null ? read : Detail.load(t.store(), index, from, to, DETAIL_LIMIT, monitor);
                    if (chosen != null) {
                        canvas.getDisplay().asyncExec(() -> {
                            if (!canvas.isDisposed() && trace == t && canvas.index() == index) {
                                canvas.setDetail(chosen);
                            }
                        });
                    }
                    return Status.OK_STATUS;
                } catch (OperationCanceledException e) {
                    return Status.CANCEL_STATUS;
                } catch (IOException | InputException e) {
                    return new Status(IStatus.WARNING, "org.dmascope.ui", "cannot read " + t.store() + ": "
                            + e.getMessage(), e);
                }
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == FAMILY;
            }
        };
        job.setSystem(true);
        detailJob = job;
        job.schedule(30);
    }

    @Override
    public void cursorPicked(long ts) {
        model.setCursor(ts, this);
    }

    @Override
    public void rangePicked(long from, long to) {
        model.setRange(from, to);
    }
}
