package org.dmascope.ui.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.io.EventInput;
import org.dmascope.trace.io.TraceFiles;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.ListenerList;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.swt.widgets.Display;

/**
 * The trace the workbench inspects, and the time cursor and range selection every trace view
 * follows. Opening runs in a Job (JSON Lines is first converted to a temporary .dmatrace, with
 * progress and cancel); everything else happens on the UI thread, where listeners are called.
 * The model's reader belongs to the UI thread: background work opens its own on
 * {@link OpenTrace#store()}.
 */
public final class TraceModel {

    /** The job family of trace opening, for {@code IJobManager.join}. */
    public static final Object OPEN_FAMILY = new Object();

    /** The preference holding recent traces, newest first, separated by newlines. */
    public static final String RECENT_PREFERENCE = "recentTraces";

    /** How many recent traces are kept. */
    public static final int RECENT_LIMIT = 8;

    /** No cursor, no range bound. */
    public static final long NONE = Long.MIN_VALUE;

    /** What the model tells its listeners, on the UI thread. */
    public interface Listener {
        /** A trace was opened (or closed: then {@code trace} is null). */
        default void traceChanged(@Nullable OpenTrace trace) {
        }

        /** The time cursor moved; {@code origin} is who moved it (a view, or null). */
        default void cursorMoved(long ts, @Nullable Object origin) {
        }

        /** The range selection changed ({@link #NONE} for both when cleared). */
        default void rangeChanged(long from, long to) {
        }

        /**
         * The time window the Timeline shows changed (its zoom or pan; {@link #NONE} twice when
         * none is shown): distinct from the range selection.
         */
        default void visibleChanged(long from, long to) {
        }

        /** Opening failed; the message names the input and the place. */
        default void openFailed(Path file, String message) {
        }

        /**
         * A live trace grew: its reader has read new chunks ({@code trace.reader()} tells how
         * many events there are now), or its source ended ({@link OpenTrace#live()} says so).
         */
        default void traceGrew(OpenTrace trace) {
        }
    }

    /**
     * An open trace.
     *
     * @param source the file the user opened
     * @param store  the .dmatrace read (the source itself, or its conversion)
     * @param reader the UI thread's reader of store
     * @param origin what wrote it, when a source in this workbench is still writing or wrote it
     *               (the simulator or the live host; null for a file opened by the user)
     */
    public record OpenTrace(Path source, Path store, TraceReader reader, @Nullable LiveOrigin origin) {

        /** A recording opened from a file. */
        public OpenTrace(Path source, Path store, TraceReader reader) {
            this(source, store, reader, null);
        }

        /** Whether a source in this workbench is still appending to it. */
        public boolean live() {
            LiveOrigin o = origin;
            return o != null && o.writing();
        }

        /** The name shown to people. */
        public String name() {
            Path n = source.getFileName();
            return n == null ? source.toString() : n.toString();
        }
    }

    /**
     * What writes a live trace: a label saying what it is ("SIMULATED (1) ...", "LIVE pid 1234 (fio)"),
     * whether its data is simulated, and whether it is still writing.
     */
    public interface LiveOrigin {
        /** The label shown in titles and status lines. */
        String label();

        /** Whether the events come from the simulator rather than a real machine. */
        boolean simulated();

        /** Whether the source is still appending to the store. */
        boolean writing();
    }

    /** How often a live trace is re-read, in milliseconds. */
    public static final int LIVE_POLL_MILLIS = 200;

    private final Display display;
    private final IPreferenceStore preferences;
    private boolean follow = true;
    private boolean polling;
    private final ListenerList<Listener> listeners = new ListenerList<>();
    private @Nullable OpenTrace trace;
    private @Nullable Path temporary;
    private long cursor = NONE;
    private long rangeFrom = NONE;
    private long rangeTo = NONE;
    private long visibleFrom = NONE;
    private long visibleTo = NONE;

    /**
     * @param display     the display listeners are called on
     * @param preferences where the recent traces are kept
     */
    public TraceModel(Display display, IPreferenceStore preferences) {
        this.display = display;
        this.preferences = preferences;
    }

    /** Adds a listener (called on the UI thread). */
    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** Removes a listener. */
    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** The open trace, if any. */
    public @Nullable OpenTrace trace() {
        return trace;
    }

    /** The time cursor, or {@link #NONE}. */
    public long cursor() {
        return cursor;
    }

    /** The start of the range selection, or {@link #NONE}. */
    public long rangeFrom() {
        return rangeFrom;
    }

    /** The end of the range selection, or {@link #NONE}. */
    public long rangeTo() {
        return rangeTo;
    }

    /** The start of the time window the Timeline shows, or {@link #NONE}. */
    public long visibleFrom() {
        return visibleFrom;
    }

    /** The end of the time window the Timeline shows, or {@link #NONE}. */
    public long visibleTo() {
        return visibleTo;
    }

    /**
     * Sets the time window the Timeline shows (UI thread), which views following its zoom (the
     * Charts) show too; the range selection is another thing and stays.
     */
    public void setVisible(long from, long to) {
        if (from == visibleFrom && to == visibleTo) {
            return;
        }
        visibleFrom = from;
        visibleTo = to;
        for (Listener l : listeners) {
            l.visibleChanged(from, to);
        }
    }

    /** Moves the time cursor (UI thread); listeners other than the origin follow. */
    public void setCursor(long ts, @Nullable Object origin) {
        if (ts == cursor) {
            return;
        }
        cursor = ts;
        for (Listener l : listeners) {
            l.cursorMoved(ts, origin);
        }
    }

    /** Sets the range selection (UI thread), in either order; {@link #NONE} twice clears it. */
    public void setRange(long from, long to) {
        long a = Math.min(from, to);
        long b = Math.max(from, to);
        if (from == NONE || to == NONE) {
            a = NONE;
            b = NONE;
        }
        if (a == rangeFrom && b == rangeTo) {
            return;
        }
        rangeFrom = a;
        rangeTo = b;
        for (Listener l : listeners) {
            l.rangeChanged(a, b);
        }
    }

    /** The recent traces, newest first. */
    public List<Path> recent() {
        List<Path> out = new ArrayList<>();
        for (String line : preferences.getString(RECENT_PREFERENCE).split("\n")) {
            if (!line.isBlank()) {
                out.add(Path.of(line.strip()));
            }
        }
        return out;
    }

    private void remember(Path file) {
        List<Path> list = recent();
        list.remove(file);
        list.add(0, file);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(RECENT_LIMIT, list.size()); i++) {
            b.append(list.get(i)).append('\n');
        }
        preferences.setValue(RECENT_PREFERENCE, b.toString());
    }

    /**
     * Opens a trace file in a Job: a .dmatrace directly, JSON Lines converted to a temporary
     * .dmatrace first. The current trace stays open until the new one is read.
     */
    public Job open(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Job job = new Job("Opening trace " + abs.getFileName()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                Path store = null;
                Path converted = null;
                try {
                    TraceFiles.Format format = TraceFiles.detect(abs);
                    if (format == TraceFiles.Format.DMATRACE) {
                        store = abs;
                    } else {
                        converted = convert(abs, monitor);
                        store = converted;
                    }
                    TraceReader reader = TraceReader.open(store);
                    Path s = store;
                    Path c = converted;
                    display.asyncExec(() -> opened(new OpenTrace(abs, s, reader), c));
                    return Status.OK_STATUS;
                } catch (OperationCanceledException e) {
                    deleteQuietly(converted);
                    return Status.CANCEL_STATUS;
                } catch (InputException e) {
                    deleteQuietly(converted);
                    fail(abs, e.getMessage());
                    return Status.OK_STATUS;
                } catch (IOException e) {
                    deleteQuietly(converted);
                    fail(abs, abs + ": " + e.getMessage());
                    return Status.OK_STATUS;
                }
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == OPEN_FAMILY;
            }
        };
        job.setUser(true);
        job.schedule();
        return job;
    }

    private void fail(Path file, String message) {
        ILog.of(TraceModel.class).warn("cannot open trace " + file + ": " + message);
        display.asyncExec(() -> {
            for (Listener l : listeners) {
                l.openFailed(file, message);
            }
        });
    }

    /** Converts any trace input to a temporary .dmatrace, reporting events done. */
    static Path convert(Path source, IProgressMonitor monitor) throws IOException, InputException {
        long size = Math.max(1, Files.size(source));
        Path out = Files.createTempFile("dmascope-", ".dmatrace");
        out.toFile().deleteOnExit();
        int total = 1000;
        monitor.beginTask("Converting " + source.getFileName() + " to .dmatrace", total);
        try (EventInput in = TraceFiles.open(source);
                TraceWriter writer = TraceWriter.createUnflushed(out, TraceWriter.Options.DEFAULT)) {
            long n = 0;
            int reported = 0;
            TraceEvent e;
            while ((e = in.next()) != null) {
                writer.append(e);
                if ((++n & 0xFFF) == 0) {
                    if (monitor.isCanceled()) {
                        throw new OperationCanceledException();
                    }
                    // The output grows with the input: its size over the input's is a fair guess.
                    int done = (int) Math.min(total - 1, Files.size(out) * total / (size / 2 + 1));
                    if (done > reported) {
                        monitor.worked(done - reported);
                        reported = done;
                    }
                    monitor.subTask(String.format(Locale.ROOT, "%,d events", n));
                }
            }
            for (String p : in.problems()) {
                ILog.of(TraceModel.class).warn(p);
            }
        } catch (IOException | InputException | RuntimeException ex) {
            deleteQuietly(out);
            throw ex;
        } finally {
            monitor.done();
        }
        return out;
    }

    private static void deleteQuietly(@Nullable Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                ILog.of(TraceModel.class).warn("cannot delete " + p + ": " + e.getMessage());
            }
        }
    }

    private void opened(OpenTrace next, @Nullable Path converted) {
        closeCurrent();
        trace = next;
        temporary = converted;
        remember(next.source());
        cursor = NONE;
        rangeFrom = NONE;
        rangeTo = NONE;
        visibleFrom = NONE;
        visibleTo = NONE;
        for (Listener l : listeners) {
            l.traceChanged(next);
        }
        long first = next.reader().firstTs();
        if (first != Long.MAX_VALUE) {
            setCursor(first, this);
        }
    }

    private void closeCurrent() {
        OpenTrace t = trace;
        trace = null;
        if (t != null) {
            try {
                t.reader().close();
            } catch (IOException e) {
                ILog.of(TraceModel.class).warn("closing " + t.store() + ": " + e.getMessage());
            }
        }
        deleteQuietly(temporary);
        temporary = null;
    }

    /**
     * Opens a store that a source in this workbench appends to (UI thread): the model re-reads
     * it every {@link #LIVE_POLL_MILLIS} ms while {@code origin.writing()}, tells listeners
     * {@link Listener#traceGrew}, and, while following, keeps the cursor on the newest event.
     * The store is the recording: it is not deleted when the trace closes.
     *
     * @throws InputException when the store cannot be read (its message names it)
     */
    public void openLive(Path store, LiveOrigin origin) throws InputException {
        TraceReader reader = TraceReader.open(store);
        Path abs = store.toAbsolutePath().normalize();
        OpenTrace t = new OpenTrace(abs, abs, reader, origin);
        opened(t, null);
        if (follow) {
            moveToNewest(t);
        }
        if (!polling) {
            polling = true;
            display.timerExec(LIVE_POLL_MILLIS, this::poll);
        }
    }

    /** Whether the cursor follows the newest events of a live trace. */
    public boolean following() {
        return follow;
    }

    /** Follows the newest events of a live trace, or stops following (UI thread). */
    public void setFollowing(boolean value) {
        follow = value;
        OpenTrace t = trace;
        if (value && t != null && t.origin() != null) {
            moveToNewest(t);
        }
    }

    /**
     * Re-reads a live trace now (UI thread): new chunks are announced to the listeners. The
     * simulator's step calls it so that a single step shows at once.
     *
     * @return how many new chunks were read
     */
    public int refreshLive() {
        OpenTrace t = trace;
        if (t == null || t.origin() == null) {
            return 0;
        }
        int added;
        try {
            added = t.reader().refresh();
        } catch (IOException e) {
            ILog.of(TraceModel.class).warn("re-reading " + t.store() + ": " + e.getMessage());
            return 0;
        }
        if (added > 0) {
            for (Listener l : listeners) {
                l.traceGrew(t);
            }
            if (follow) {
                moveToNewest(t);
            }
        }
        return added;
    }

    /** Tells listeners that the live source ended, after a last read of what it wrote. */
    public void liveEnded() {
        OpenTrace t = trace;
        if (t == null || t.origin() == null) {
            return;
        }
        if (refreshLive() == 0) {
            for (Listener l : listeners) {
                l.traceGrew(t);
            }
        }
    }

    private void moveToNewest(OpenTrace t) {
        if (t.reader().eventCount() > 0) {
            setCursor(t.reader().lastTs(), this);
        }
    }

    private void poll() {
        OpenTrace t = trace;
        if (t == null || !t.live()) {
            polling = false;
            return;
        }
        refreshLive();
        display.timerExec(LIVE_POLL_MILLIS, this::poll);
    }

    /** Closes the trace (UI thread). */
    public void close() {
        if (trace == null) {
            return;
        }
        closeCurrent();
        cursor = NONE;
        rangeFrom = NONE;
        rangeTo = NONE;
        visibleFrom = NONE;
        visibleTo = NONE;
        for (Listener l : listeners) {
            l.traceChanged(null);
        }
    }

    /** Closes the trace and forgets the listeners (at shutdown). */
    public void dispose() {
        closeCurrent();
        listeners.clear();
    }

    /**
     * The workbench's trace model, kept in its context.
     *
     * @throws IllegalStateException when the DMA Scope workbench did not create one
     */
    public static TraceModel find(org.eclipse.ui.services.IServiceLocator locator) {
        TraceModel model = locator.getService(TraceModel.class);
        if (model == null && org.eclipse.ui.PlatformUI.isWorkbenchRunning()) {
            org.eclipse.e4.core.contexts.IEclipseContext context = org.eclipse.ui.PlatformUI.getWorkbench()
                    .getService(org.eclipse.e4.core.contexts.IEclipseContext.class);
            model = context == null ? null : context.get(TraceModel.class);
        }
        if (model == null) {
            throw new IllegalStateException("the DMA Scope workbench has no trace model");
        }
        return model;
    }

    /** Whether a path names a trace by its extension (.dmatrace, .jsonl, .ndjson). */
    public static boolean looksLikeTrace(Path file) {
        String n = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        return n.endsWith(".dmatrace") || n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }
}
