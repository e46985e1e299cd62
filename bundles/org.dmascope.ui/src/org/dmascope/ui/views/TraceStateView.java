package org.dmascope.ui.views;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.state.TraceState;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.ui.trace.StateRows;
import org.dmascope.ui.trace.TimeFormat;
import org.dmascope.ui.trace.TraceModel;
import org.dmascope.ui.trace.TraceModel.OpenTrace;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.ISchedulingRule;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeColumn;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.part.ViewPart;

/**
 * The trace's state at the time cursor: processes, their mappings, the memory regions
 * (invalidated ones in red), the DMA mappings and the topology. It is rebuilt in a Job from the
 * nearest checkpoint whenever the cursor moves.
 */
public final class TraceStateView extends ViewPart implements TraceModel.Listener {

    /** View ID. */
    public static final String ID = "org.dmascope.ui.views.traceState";

    /** The job family of state reads, for {@code IJobManager.join}. */
    public static final Object FAMILY = new Object();

    private TraceModel model;
    private Tree tree;
    private Color alertColor;
    private @Nullable OpenTrace trace;
    private @Nullable Job job;
    private long shownTs = TraceModel.NONE;
    /** Groups with at most this many rows are shown open; larger ones get their rows when opened. */
    static final int EXPANDED_CHILDREN = 50;
    // The state jobs' reader, kept open from one cursor move to the next (no reopening, and each
    // chunk's checksum checked once); used only by jobs under readerRule, one at a time.
    private final ISchedulingRule readerRule = new ISchedulingRule() {
        @Override
        public boolean contains(ISchedulingRule rule) {
            return rule == this;
        }

        @Override
        public boolean isConflicting(ISchedulingRule rule) {
            return rule == this;
        }
    };
    private @Nullable TraceReader reader;
    private @Nullable Path readerStore;

    @Override
    public void createPartControl(Composite parent) {
        model = TraceModel.find(getSite());
        tree = new Tree(parent, SWT.SINGLE | SWT.FULL_SELECTION);
        tree.setData(TopologyView.WIDGET_KEY, "state.tree");
        tree.setHeaderVisible(true);
        TreeColumn item = new TreeColumn(tree, SWT.LEFT);
        item.setText("Item");
        item.setWidth(260);
        TreeColumn detail = new TreeColumn(tree, SWT.LEFT);
        detail.setText("Details");
        detail.setWidth(520);
        alertColor = new Color(0xc0, 0x10, 0x10);
        tree.addListener(SWT.Dispose, e -> alertColor.dispose());
        tree.addListener(SWT.Expand, e -> expanded((TreeItem) e.item));
        model.addListener(this);
        traceChanged(model.trace());
        if (model.cursor() != TraceModel.NONE) {
            cursorMoved(model.cursor(), null);
        }
    }

    /** The tree (for tests). */
    public Tree tree() {
        return tree;
    }

    /** The time of the state shown, or {@link TraceModel#NONE}. */
    public long shownTs() {
        return shownTs;
    }

    @Override
    public void traceChanged(@Nullable OpenTrace t) {
        trace = t;
        if (job != null) {
            job.cancel();
        }
        tree.removeAll();
        shownTs = TraceModel.NONE;
        setContentDescription(t == null ? "No trace open" : "Move the time cursor to see the state");
        closeReader();
    }

    /** The kept reader of t's store, opened or brought up to date; only under readerRule. */
    private TraceReader reader(OpenTrace t) throws InputException, IOException {
        TraceReader r = reader;
        if (r != null && t.store().equals(readerStore)) {
            if (t.origin() != null) {
                r.refresh(); // a recording of this workbench: it may have grown
            }
            return r;
        }
        if (r != null) {
            r.close();
        }
        r = TraceReader.open(t.store());
        reader = r;
        readerStore = t.store();
        return r;
    }

    // Closes the kept reader after the state jobs scheduled before.
    private void closeReader() {
        Job close = new Job("Close the trace state's reader") {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                TraceReader r = reader;
                reader = null;
                readerStore = null;
                if (r != null) {
                    try {
                        r.close();
                    } catch (IOException e) {
                        return new Status(IStatus.WARNING, "org.dmascope.ui", "cannot close " + r.file() + ": "
                                + e.getMessage(), e);
                    }
                }
                return Status.OK_STATUS;
            }
        };
        close.setSystem(true);
        close.setRule(readerRule);
        close.schedule();
    }

    @Override
    public void cursorMoved(long ts, @Nullable Object origin) {
        OpenTrace t = trace;
        if (t == null || ts == TraceModel.NONE) {
            return;
        }
        if (job != null) {
            job.cancel();
        }
        long start = t.reader().firstTs();
        Job j = new Job("Trace state at " + TimeFormat.duration(ts - start)) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                if (monitor.isCanceled()) {
                    return Status.CANCEL_STATUS;
                }
                try {
                    TraceState state = reader(t).stateAt(ts);
                    if (monitor.isCanceled()) {
                        return Status.CANCEL_STATUS;
                    }
                    List<StateRows> rows = StateRows.of(state, start);
                    String summary = state.summary();
                    tree.getDisplay().asyncExec(() -> show(t, ts, rows, summary, start));
                    return Status.OK_STATUS;
                } catch (IOException | InputException e) {
                    return new Status(IStatus.ERROR, "org.dmascope.ui", "cannot read the state of " + t.store() + ": "
                            + e.getMessage(), e);
                }
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == FAMILY;
            }
        };
        j.setSystem(true);
        j.setPriority(Job.INTERACTIVE);
        j.setRule(readerRule);
        job = j;
        j.schedule();
    }

    private void show(OpenTrace t, long ts, List<StateRows> rows, String summary, long start) {
        if (tree.isDisposed() || trace != t) {
            return;
        }
        tree.setRedraw(false);
        try {
            tree.removeAll();
            for (StateRows r : rows) {
                TreeItem item = new TreeItem(tree, SWT.NONE);
                fill(item, r);
                item.setExpanded(!r.children().isEmpty() && r.children().size() <= EXPANDED_CHILDREN);
            }
        } finally {
            tree.setRedraw(true);
        }
        shownTs = ts;
        setContentDescription("At " + TimeFormat.duration(ts - start) + " (" + TimeFormat.timestamp(ts) + "): " + summary);
    }

    private void fill(TreeItem item, StateRows r) {
        item.setText(new String[] {r.label(), r.detail()});
        item.setData(r);
        if (r.alert()) {
            item.setForeground(alertColor);
        }
        if (r.children().size() > EXPANDED_CHILDREN) {
            // Thousands of rows would be built at every cursor move and never looked at: a
            // collapsed group gets its rows when it is opened (one empty row shows it can be).
            new TreeItem(item, SWT.NONE);
            return;
        }
        for (StateRows c : r.children()) {
            fill(new TreeItem(item, SWT.NONE), c);
        }
        item.setExpanded(r.children().size() > 0);
    }

    // A group opened for the first time: its rows replace the empty one.
    private void expanded(TreeItem item) {
        TreeItem[] items = item.getItems();
        if (items.length != 1 || items[0].getData() != null || !(item.getData() instanceof StateRows r)) {
            return;
        }
        tree.setRedraw(false);
        try {
            items[0].dispose();
            for (StateRows c : r.children()) {
                fill(new TreeItem(item, SWT.NONE), c);
            }
        } finally {
            tree.setRedraw(true);
        }
    }

    @Override
    public void setFocus() {
        tree.setFocus();
    }

    @Override
    public void dispose() {
        model.removeListener(this);
        if (job != null) {
            job.cancel();
        }
        closeReader();
        super.dispose();
    }
}
