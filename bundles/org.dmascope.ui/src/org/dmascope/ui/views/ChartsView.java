package org.dmascope.ui.views;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.series.SeriesBuilder;
import org.dmascope.trace.series.TraceSeries;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.ui.charts.ChartCanvas;
import org.dmascope.ui.charts.TraceCharts;
import org.dmascope.ui.charts.TraceCharts.Kind;
import org.dmascope.ui.trace.TimeFormat;
import org.dmascope.ui.trace.TraceModel;
import org.dmascope.ui.trace.TraceModel.OpenTrace;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.custom.CTabItem;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.ui.part.ViewPart;

/**
 * The Charts view: the open trace's series (mapped and pinned bytes per backend, invalidations
 * per second, segments and best page size, P2P bytes per path), one JFreeChart per tab, over
 * the range selection when there is one and the whole trace otherwise. The series are computed
 * in a Job, {@value #BUCKETS} buckets over the range, again whenever the range changes. A
 * vertical marker follows the time cursor; a click in a chart moves it. The toolbar exports the
 * chart shown to PNG or SVG.
 */
public final class ChartsView extends ViewPart implements TraceModel.Listener {

    /** View ID. */
    public static final String ID = "org.dmascope.ui.views.charts";

    /** The job family of series computations, for {@code IJobManager.join}. */
    public static final Object FAMILY = new Object();

    /** Buckets over the range: enough for a wide screen, few enough to redraw at once. */
    public static final int BUCKETS = 400;

    /** How long the Timeline's zoom stays put before the charts follow it, in milliseconds. */
    static final long ZOOM_SETTLE_MILLIS = 150;

    private static final String NO_TRACE = "File > Open Trace... to chart a recording";

    private TraceModel model;
    private CTabFolder tabs;
    private final Map<Kind, ChartCanvas> canvases = new EnumMap<>(Kind.class);
    private @Nullable OpenTrace trace;
    private @Nullable TraceSeries series;
    private @Nullable Job job;
    private boolean grewWhileCharting;
    private long origin;

    @Override
    public void createPartControl(Composite parent) {
        model = TraceModel.find(getSite());
        tabs = new CTabFolder(parent, SWT.TOP | SWT.FLAT);
        tabs.setData(TopologyView.WIDGET_KEY, "charts.tabs");
        for (Kind k : Kind.values()) {
            CTabItem item = new CTabItem(tabs, SWT.NONE);
            item.setText(k.tab());
            item.setToolTipText(k.title());
            ChartCanvas c = new ChartCanvas(tabs, TraceCharts.create(k, null, 0, NO_TRACE));
            c.setData(TopologyView.WIDGET_KEY, "charts." + k.name().toLowerCase(Locale.ROOT));
            c.onClick(x -> clicked(x));
            item.setControl(c);
            item.setData(k);
            canvases.put(k, c);
        }
        tabs.setSelection(0);
        IToolBarManager bar = getViewSite().getActionBars().getToolBarManager();
        bar.add(action("Export PNG...", "Export the chart shown as a PNG image", () -> askAndExport(false)));
        bar.add(action("Export SVG...", "Export the chart shown as SVG", () -> askAndExport(true)));
        model.addListener(this);
        traceChanged(model.trace());
    }

    private static Action action(String text, String tip, Runnable run) {
        Action a = new Action(text) {
            @Override
            public void run() {
                run.run();
            }
        };
        a.setToolTipText(tip);
        return a;
    }

    @Override
    public void setFocus() {
        tabs.setFocus();
    }

    @Override
    public void dispose() {
        model.removeListener(this);
        Job j = job;
        if (j != null) {
            j.cancel();
        }
        super.dispose();
    }

    // --- accessors (tests, exports) --------------------------------------------------------

    /** The series shown, null before a trace's are computed. */
    public @Nullable TraceSeries series() {
        return series;
    }

    /** The canvas of a chart. */
    public ChartCanvas canvas(Kind kind) {
        return canvases.get(kind);
    }

    /** The chart of the selected tab. */
    public Kind shown() {
        CTabItem item = tabs.getSelection();
        return item == null ? Kind.MEMORY : (Kind) item.getData();
    }

    /** Selects a chart's tab. */
    public void show(Kind kind) {
        tabs.setSelection(kind.ordinal());
        canvases.get(kind).redraw();
    }

    /** The trace's first time stamp: the charts' x is the time since it, in ns. */
    public long origin() {
        return origin;
    }

    // --- the trace model -------------------------------------------------------------------

    @Override
    public void traceChanged(@Nullable OpenTrace t) {
        trace = t;
        series = null;
        cancelJob();
        if (t == null) {
            origin = 0;
            for (Kind k : Kind.values()) {
                canvases.get(k).setChart(TraceCharts.create(k, null, 0, NO_TRACE));
            }
            setContentDescription("");
            return;
        }
        origin = t.reader().eventCount() == 0 ? 0 : t.reader().firstTs();
        compute(t);
    }

    /** A live trace grew: charted again, one computation at a time. */
    @Override
    public void traceGrew(OpenTrace t) {
        if (tabs.isDisposed() || trace != t) {
            return;
        }
        if (series == null && t.reader().eventCount() > 0) {
            origin = t.reader().firstTs();
        }
        if (job != null) {
            grewWhileCharting = true;
            return;
        }
        compute(t);
    }

    @Override
    public void rangeChanged(long from, long to) {
        OpenTrace t = trace;
        if (t != null) {
            compute(t);
        }
    }

    /** The Timeline zoomed or panned: without a range selection the charts show its window. */
    @Override
    public void visibleChanged(long from, long to) {
        OpenTrace t = trace;
        if (t != null && model.rangeFrom() == TraceModel.NONE) {
            compute(t, ZOOM_SETTLE_MILLIS);
        }
    }

    @Override
    public void cursorMoved(long ts, @Nullable Object who) {
        placeCursor();
    }

    private void clicked(double x) {
        long ts = origin + Math.round(x);
        model.setCursor(ts, this);
        placeCursor();
    }

    /** The vertical marker of every chart at the model's cursor, hidden outside the range. */
    private void placeCursor() {
        TraceSeries s = series;
        long c = model.cursor();
        double x = s == null || c == TraceModel.NONE || c < s.from() || c > s.to() ? Double.NaN : c - origin;
        for (ChartCanvas canvas : canvases.values()) {
            canvas.setCursor(x);
        }
    }

    private void cancelJob() {
        Job j = job;
        job = null;
        if (j != null) {
            j.cancel();
        }
    }

    private void compute(OpenTrace t) {
        compute(t, 0);
    }

    /**
     * Charts the range selection; without one, the part of the trace the Timeline shows (the
     * whole trace when it shows all of it), after delay ms (a zoom comes in many steps).
     */
    private void compute(OpenTrace t, long delay) {
        cancelJob();
        long first = t.reader().eventCount() == 0 ? 0 : t.reader().firstTs();
        long last = t.reader().eventCount() == 0 ? 0 : t.reader().lastTs();
        long from = model.rangeFrom();
        long to = model.rangeTo();
        if (from == TraceModel.NONE || to <= from) {
            from = first;
            to = Math.max(last, first + 1);
            long vf = model.visibleFrom();
            long vt = model.visibleTo();
            if (vf != TraceModel.NONE && vt != TraceModel.NONE && (vf > first || vt < last)
                    && Math.min(vt, last) > Math.max(vf, first)) {
                from = Math.max(vf, first);
                to = Math.min(vt, last);
            }
        }
        long f = from;
        long e = to;
        setContentDescription(t.name() + ": charting " + TimeFormat.duration(f - origin) + " to "
                + TimeFormat.duration(e - origin) + "...");
        long total = Math.max(1, t.reader().eventCount());
        // taken here: a widget disposed while the job runs no longer knows its display
        Display display = tabs.getDisplay();
        Job j = new Job("Charting " + t.name()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                monitor.beginTask("Charting " + t.name(), 1000);
                int[] reported = {0};
                try (TraceReader reader = TraceReader.open(t.store())) {
                    TraceSeries s = SeriesBuilder.compute(reader, f, e, BUCKETS, n -> {
                        int done = (int) Math.min(999, n * 1000 / total);
                        if (done > reported[0]) {
                            monitor.worked(done - reported[0]);
                            reported[0] = done;
                        }
                        return !monitor.isCanceled();
                    });
                    if (!display.isDisposed()) {
                        display.asyncExec(() -> computed(t, this, s));
                    }
                    return Status.OK_STATUS;
                } catch (CancellationException ex) {
                    return Status.CANCEL_STATUS;
                } catch (IOException | InputException ex) {
                    if (!display.isDisposed()) {
                        display.asyncExec(() -> {
                            if (!tabs.isDisposed() && trace == t) {
                                job = null;
                                setContentDescription("Cannot chart " + t.name() + ": " + ex.getMessage());
                            }
                        });
                    }
                    return Status.OK_STATUS;
                } finally {
                    monitor.done();
                }
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == FAMILY;
            }
        };
        j.setPriority(Job.LONG);
        job = j;
        j.schedule(delay);
    }

    private void computed(OpenTrace t, Job from, TraceSeries s) {
        if (tabs.isDisposed() || trace != t || job != from) {
            return;
        }
        series = s;
        job = null;
        if (grewWhileCharting) {
            grewWhileCharting = false;
            compute(t);
        }
        String range = TimeFormat.duration(s.from() - origin) + " to " + TimeFormat.duration(s.to() - origin);
        for (Kind k : Kind.values()) {
            canvases.get(k).setChart(TraceCharts.create(k, s, origin, "Nothing of this kind from " + range));
        }
        setContentDescription(t.name() + ": " + range + " since the first event, " + s.buckets() + " buckets of "
                + TimeFormat.duration(Math.max(1, Math.round(s.bucketWidth()))));
        placeCursor();
    }

    // --- export ----------------------------------------------------------------------------

    private void askAndExport(boolean svg) {
        Kind k = shown();
        String ext = svg ? "svg" : "png";
        FileDialog dialog = new FileDialog(tabs.getShell(), SWT.SAVE);
        dialog.setText("Export " + k.title() + " as " + ext.toUpperCase(Locale.ROOT));
        dialog.setFilterNames(new String[] {svg ? "SVG images (*.svg)" : "PNG images (*.png)"});
        dialog.setFilterExtensions(new String[] {"*." + ext});
        dialog.setFileName(k.title().replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT) + "." + ext);
        dialog.setOverwrite(true);
        String name = dialog.open();
        if (name == null) {
            return;
        }
        Path file = Path.of(name.toLowerCase(Locale.ROOT).endsWith("." + ext) ? name : name + "." + ext);
        try {
            export(k, file, svg);
        } catch (IOException | RuntimeException e) {
            MessageDialog.openError(tabs.getShell(), "Export", "Could not write " + file + ": " + e.getMessage());
        }
    }

    /** Writes a chart as shown (its marker included) to a PNG or an SVG file. */
    public void export(Kind kind, Path file, boolean svg) throws IOException {
        ChartCanvas c = canvases.get(kind);
        if (svg) {
            c.saveSvg(file);
        } else {
            c.savePng(file);
        }
    }
}
