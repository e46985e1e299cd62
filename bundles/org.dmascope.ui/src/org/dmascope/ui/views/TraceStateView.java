package org.dmascope.ui.views;

import java.io.IOException;
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
                try (TraceReader reader = TraceReader.open(t.store())) {
                    TraceState state = reader.stateAt(ts);
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
                item.setExpanded(!r.children().isEmpty() && r.children().size() <= 50);
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
        for (StateRows c : r.children()) {
            fill(new TreeItem(item, SWT.NONE), c);
        }
        item.setExpanded(r.children().size() > 0 && r.children().size() <= 50);
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
        super.dispose();
    }
}
