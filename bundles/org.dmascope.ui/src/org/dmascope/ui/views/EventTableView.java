package org.dmascope.ui.views;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.ui.trace.EventFields;
import org.dmascope.ui.trace.EventFilter;
import org.dmascope.ui.trace.EventRows;
import org.dmascope.ui.trace.TimeFormat;
import org.dmascope.ui.trace.TraceModel;
import org.dmascope.ui.trace.TraceModel.OpenTrace;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.part.ViewPart;

/**
 * The events of the open trace in a virtual table: rows are read by ordinal through the trace
 * model's reader as they are shown (a window of decoded chunks is cached, never the whole
 * trace). Sorted by time (file order) either way; filtered by kind and text in a Job that keeps
 * only the matching ordinals. Selecting a row moves the time cursor; the cursor moving
 * selects the nearest event. The native table holds at most {@link #WINDOW} rows (a toolkit's
 * list of ten million rows costs gigabytes): it shows that many around the cursor, and
 * Earlier/Later move the window.
 */
public final class EventTableView extends ViewPart implements TraceModel.Listener {

    /** View ID. */
    public static final String ID = "org.dmascope.ui.views.eventTable";

    /** The job family of filter runs, for {@code IJobManager.join}. */
    public static final Object FILTER_FAMILY = new Object();

    /**
     * The most rows the native table holds at once. GTK builds a row for each when the count
     * is set (about 3 ms per thousand here), and a cursor move far away sets it again: 2,000
     * keeps that move to a few milliseconds.
     */
    public static final int WINDOW = 2_000;

    // The cursor a deferred selection will select, or TraceModel.NONE when none is pending.
    private long pendingCursor = TraceModel.NONE;

    /** Column titles. */
    static final String[] COLUMNS = {"#", "Time", "CPU", "PID", "Comm", "Type", "Fields"};

    private TraceModel model;
    private Table table;
    private Combo typeCombo;
    private Text search;
    private Label status;
    private @Nullable OpenTrace trace;
    private @Nullable EventRows rows;
    /** The ordinals shown (null: all, in file order). */
    private long @Nullable [] shown;
    private boolean descending;
    private long firstTs;
    private @Nullable Job filterJob;
    private boolean selecting;
    /** The position (in the sorted, filtered order) of the table's first row. */
    private long base;
    private org.eclipse.swt.widgets.Button earlier;
    private org.eclipse.swt.widgets.Button later;

    @Override
    public void createPartControl(Composite parent) {
        model = TraceModel.find(getSite());
        Composite top = new Composite(parent, SWT.NONE);
        GridLayout layout = new GridLayout(6, false);
        layout.marginHeight = 2;
        top.setLayout(layout);
        new Label(top, SWT.NONE).setText("Type:");
        typeCombo = new Combo(top, SWT.READ_ONLY | SWT.DROP_DOWN);
        typeCombo.setData(TopologyView.WIDGET_KEY, "events.type");
        typeCombo.add("all types");
        for (EventType t : EventType.values()) {
            typeCombo.add(t.id());
        }
        typeCombo.select(0);
        typeCombo.addListener(SWT.Selection, e -> applyFilter());
        search = new Text(top, SWT.SEARCH | SWT.ICON_SEARCH | SWT.ICON_CANCEL);
        search.setData(TopologyView.WIDGET_KEY, "events.search");
        search.setMessage("Find in comm, type, fields (Enter)");
        GridData searchData = new GridData(SWT.FILL, SWT.CENTER, false, false);
        searchData.widthHint = 260;
        search.setLayoutData(searchData);
        search.addListener(SWT.DefaultSelection, e -> applyFilter());
        status = new Label(top, SWT.NONE);
        status.setData(TopologyView.WIDGET_KEY, "events.status");
        status.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));

        earlier = new org.eclipse.swt.widgets.Button(top, SWT.PUSH);
        earlier.setText("Earlier");
        earlier.setData(TopologyView.WIDGET_KEY, "events.earlier");
        earlier.addListener(SWT.Selection, e -> moveWindow(-WINDOW / 2));
        later = new org.eclipse.swt.widgets.Button(top, SWT.PUSH);
        later.setText("Later");
        later.setData(TopologyView.WIDGET_KEY, "events.later");
        later.addListener(SWT.Selection, e -> moveWindow(WINDOW / 2));

        table = new Table(top, SWT.VIRTUAL | SWT.SINGLE | SWT.FULL_SELECTION | SWT.BORDER);
        table.setData(TopologyView.WIDGET_KEY, "events.table");
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        table.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 6, 1));
        int[] widths = {80, 150, 45, 65, 110, 150, 600};
        for (int i = 0; i < COLUMNS.length; i++) {
            TableColumn c = new TableColumn(table, i >= 2 && i <= 3 ? SWT.RIGHT : SWT.LEFT);
            c.setText(COLUMNS[i]);
            c.setWidth(widths[i]);
        }
        TableColumn time = table.getColumn(1);
        time.addListener(SWT.Selection, e -> {
            descending = !descending;
            table.setSortColumn(time);
            table.setSortDirection(descending ? SWT.DOWN : SWT.UP);
            base = 0;
            resetRows();
            selectNearest(model.cursor());
        });
        table.setSortColumn(time);
        table.setSortDirection(SWT.UP);
        table.addListener(SWT.SetData, e -> fill((TableItem) e.item, table.indexOf((TableItem) e.item)));
        table.addListener(SWT.Selection, e -> rowSelected());
        model.addListener(this);
        traceChanged(model.trace());
    }

    /** The table (for tests). */
    public Table table() {
        return table;
    }

    /** The ordinal of the event in a row, or -1. */
    public long ordinalAt(int row) {
        long count = rowCount();
        long pos = base + row;
        if (row < 0 || pos >= count) {
            return -1;
        }
        long r = descending ? count - 1 - pos : pos;
        long[] s = shown;
        return s == null ? r : s[(int) r];
    }

    /** The position of the table's first row among all rows (for tests). */
    public long windowStart() {
        return base;
    }

    private void moveWindow(long delta) {
        long count = rowCount();
        long next = Math.max(0, Math.min(base + delta, count - WINDOW));
        if (next != base) {
            base = next;
            moveRows();
        }
    }

    // The window moved over the same rows: the native rows stay and only forget their text (GTK
    // builds every row again when the count is set, which a cursor move does not need).
    private void moveRows() {
        long count = rowCount();
        base = Math.max(0, Math.min(base, count - 1));
        int n = (int) Math.max(0, Math.min(WINDOW, count - base));
        if (table.getItemCount() != n) {
            resetRows();
            return;
        }
        table.clearAll();
        earlier.setEnabled(base > 0);
        later.setEnabled(base + WINDOW < count);
        updateStatus();
    }

    // The native table holds the rows of the window.
    private void resetRows() {
        long count = rowCount();
        base = Math.max(0, Math.min(base, count - 1));
        table.setItemCount(0);
        table.setItemCount((int) Math.max(0, Math.min(WINDOW, count - base)));
        table.clearAll();
        earlier.setEnabled(base > 0);
        later.setEnabled(base + WINDOW < count);
        updateStatus();
    }

    private long rowCount() {
        long[] s = shown;
        EventRows r = rows;
        return s != null ? s.length : r == null ? 0 : r.size();
    }

    private void fill(TableItem item, int row) {
        EventRows r = rows;
        long ordinal = ordinalAt(row);
        TraceEvent e = r == null || ordinal < 0 ? null : r.get(ordinal);
        if (e == null) {
            item.setText(new String[] {Long.toString(ordinal), "", "", "", "", "(damaged chunk)", ""});
            return;
        }
        EventHeader h = e.header();
        item.setText(new String[] {Long.toString(ordinal), TimeFormat.timestamp(h.ts()),
            h.cpu() == EventHeader.UNKNOWN ? "" : Integer.toString(h.cpu()),
            h.pid() == EventHeader.UNKNOWN ? "" : Integer.toString(h.pid()), h.comm(), e.type().id(),
            EventFields.text(e)});
    }

    private void rowSelected() {
        if (selecting) {
            return;
        }
        int row = table.getSelectionIndex();
        EventRows r = rows;
        long ordinal = ordinalAt(row);
        TraceEvent e = r == null || ordinal < 0 ? null : r.get(ordinal);
        if (e != null) {
            model.setCursor(e.ts(), this);
            status.setText(TimeFormat.duration(e.ts() - firstTs) + " from the start");
        }
    }

    // --- the trace model -------------------------------------------------------------------

    @Override
    public void traceChanged(@Nullable OpenTrace t) {
        trace = t;
        if (filterJob != null) {
            filterJob.cancel();
        }
        shown = null;
        rows = t == null ? null : new EventRows(t.reader());
        firstTs = t == null ? 0 : t.reader().firstTs();
        base = 0;
        resetRows();
        if (t != null && !currentFilter().isAll()) {
            applyFilter();
        }
    }

    /** A live trace grew: the rows are the reader's chunks as they are now (the filter runs again). */
    @Override
    public void traceGrew(OpenTrace t) {
        if (trace != t || table.isDisposed()) {
            return;
        }
        EventRows before = rows;
        if (before != null && before.size() == t.reader().eventCount()) {
            return;
        }
        rows = new EventRows(t.reader());
        if (currentFilter().isAll()) {
            resetRows();
        } else {
            applyFilter();
        }
    }

    @Override
    public void cursorMoved(long ts, @Nullable Object origin) {
        if (origin == this) {
            pendingCursor = TraceModel.NONE; // the row chosen here stays selected
            return;
        }
        // After the other views have heard of the move (the state job is then already running
        // beside this), and once for a burst of moves: the last cursor is the one selected.
        boolean scheduled = pendingCursor != TraceModel.NONE;
        pendingCursor = ts;
        if (!scheduled) {
            table.getDisplay().asyncExec(() -> {
                long at = pendingCursor;
                pendingCursor = TraceModel.NONE;
                if (!table.isDisposed() && at != TraceModel.NONE) {
                    selectNearest(at);
                }
            });
        }
    }

    /** Selects the row of the shown event nearest in time to ts. */
    private void selectNearest(long ts) {
        EventRows r = rows;
        if (r == null || ts == TraceModel.NONE || rowCount() == 0) {
            return;
        }
        long ordinal = r.nearest(ts);
        if (ordinal < 0) {
            return;
        }
        long row;
        long[] s = shown;
        if (s == null) {
            row = ordinal;
        } else {
            int i = Arrays.binarySearch(s, ordinal);
            if (i < 0) {
                int after = -i - 1;
                int before = after - 1;
                if (after >= s.length) {
                    i = s.length - 1;
                } else if (before < 0) {
                    i = 0;
                } else {
                    TraceEvent a = r.get(s[after]);
                    TraceEvent b = r.get(s[before]);
                    i = a != null && (b == null || a.ts() - ts <= ts - b.ts()) ? after : before;
                }
            }
            row = i;
        }
        if (descending) {
            row = rowCount() - 1 - row;
        }
        if (row < base || row >= base + WINDOW) {
            base = Math.max(0, row - WINDOW / 2);
            moveRows();
        }
        selecting = true;
        try {
            table.setSelection((int) (row - base));
            table.showSelection();
        } finally {
            selecting = false;
        }
    }

    // --- filtering -------------------------------------------------------------------------

    private EventFilter currentFilter() {
        int i = typeCombo.getSelectionIndex();
        EventType type = i <= 0 ? null : EventType.values()[i - 1];
        return new EventFilter(type, search.getText());
    }

    /** Filters by the chosen kind and text (a Job; the rows change when it is done). */
    public void applyFilter() {
        OpenTrace t = trace;
        if (filterJob != null) {
            filterJob.cancel();
        }
        EventFilter filter = currentFilter();
        if (t == null) {
            return;
        }
        if (filter.isAll()) {
            showOrdinals(t, null);
            return;
        }
        status.setText("Filtering...");
        Job job = new Job("Filtering the events of " + t.name()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try {
                    long[] ordinals = filter.run(t.store(), monitor);
                    table.getDisplay().asyncExec(() -> showOrdinals(t, ordinals));
                    return Status.OK_STATUS;
                } catch (OperationCanceledException e) {
                    return Status.CANCEL_STATUS;
                } catch (IOException | InputException e) {
                    return new Status(IStatus.ERROR, "org.dmascope.ui", "cannot filter " + t.store() + ": "
                            + e.getMessage(), e);
                }
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == FILTER_FAMILY;
            }
        };
        job.setUser(false);
        filterJob = job;
        job.schedule();
    }

    private void showOrdinals(OpenTrace t, long @Nullable [] ordinals) {
        if (table.isDisposed() || trace != t) {
            return;
        }
        shown = ordinals;
        base = 0;
        resetRows();
        selectNearest(model.cursor());
    }

    private void updateStatus() {
        OpenTrace t = trace;
        if (t == null) {
            status.setText("no trace open");
        } else {
            String what = shown == null ? String.format(Locale.ROOT, "%,d events", rowCount())
                    : String.format(Locale.ROOT, "%,d of %,d events", rowCount(), rows == null ? 0 : rows.size());
            if (rowCount() > WINDOW) {
                what += String.format(Locale.ROOT, " (rows %,d to %,d here)", base + 1,
                        Math.min(rowCount(), base + WINDOW));
            }
            status.setText(what);
        }
        status.getParent().layout();
    }

    @Override
    public void setFocus() {
        table.setFocus();
    }

    @Override
    public void dispose() {
        model.removeListener(this);
        if (filterJob != null) {
            filterJob.cancel();
        }
        super.dispose();
    }
}
