package org.dmascope.ui.views;

import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.diagnose.doctor.Doctor;
import org.dmascope.diagnose.doctor.Finding;
import org.dmascope.diagnose.machine.Machine;
import org.dmascope.sources.TopologySources;
import org.dmascope.ui.model.Sessions;
import org.dmascope.ui.model.SourceRef;
import org.dmascope.ui.model.TopologySession;
import org.dmascope.ui.model.TopologySnapshot;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.ui.part.ViewPart;

/**
 * The doctor's findings on the source the workbench shows: one row per finding (verdict, check,
 * what was found, devices). Selecting one shows its evidence and fix below, and makes it the
 * selection, so the Topology view lights up its devices and the path between them. The checks
 * run in a Job when a topology is read.
 */
public final class DiagnosticsView extends ViewPart {

    /** View ID. */
    public static final String ID = "org.dmascope.ui.views.diagnostics";
    /** The job family of the doctor's runs. */
    public static final Object FAMILY = new Object();

    private final SimpleSelectionProvider selectionProvider = new SimpleSelectionProvider();
    private final TopologySession.Listener sessionListener = new TopologySession.Listener() {
        @Override
        public void topologyChanged(TopologySnapshot snapshot) {
            if (!table.isDisposed()) {
                diagnose(snapshot.source());
            }
        }
    };

    private TopologySession session;
    private Table table;
    private StyledText details;
    private List<Finding> findings = List.of();
    private @Nullable Job running;

    @Override
    public void createPartControl(Composite parent) {
        session = Sessions.topology(getSite());
        SashForm sash = new SashForm(parent, SWT.VERTICAL);
        table = new Table(sash, SWT.SINGLE | SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.H_SCROLL);
        table.setData(TopologyView.WIDGET_KEY, "diagnostics.table");
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        for (String[] c : new String[][] {{"Verdict", "60"}, {"Check", "120"}, {"Finding", "520"}, {"Devices", "260"}}) {
            TableColumn column = new TableColumn(table, SWT.LEFT);
            column.setText(c[0]);
            column.setWidth(Integer.parseInt(c[1]));
        }
        details = new StyledText(sash, SWT.READ_ONLY | SWT.MULTI | SWT.V_SCROLL | SWT.WRAP);
        details.setData(TopologyView.WIDGET_KEY, "diagnostics.details");
        details.setLeftMargin(6);
        details.setTopMargin(4);
        sash.setWeights(60, 40);
        table.addListener(SWT.Selection, e -> selected());
        getSite().setSelectionProvider(selectionProvider);
        session.addListener(sessionListener);
        session.current().ifPresentOrElse(s -> diagnose(s.source()),
                () -> details.setText("The findings of the doctor appear here once a source is read."));
    }

    private void diagnose(SourceRef source) {
        Job previous = running;
        if (previous != null) {
            previous.cancel();
        }
        setContentDescription("Diagnosing " + source.name() + "...");
        Job job = new Job("Diagnosing " + source.name()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                String message;
                List<Finding> result;
                try {
                    String path = source.kind() == SourceRef.Kind.LIVE || source.path() == null ? null
                            : source.path().toString();
                    Machine machine = Machine.open(path, TopologySources.builtIn(), monitor);
                    result = new Doctor(machine, null).run();
                    message = machine.name();
                } catch (InputException e) {
                    result = List.of();
                    message = e.getMessage();
                }
                if (monitor.isCanceled()) {
                    return Status.CANCEL_STATUS;
                }
                List<Finding> r = result;
                String m = message;
                if (!table.isDisposed()) {
                    table.getDisplay().asyncExec(() -> show(this, r, m));
                }
                return Status.OK_STATUS;
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == FAMILY;
            }
        };
        job.setUser(false);
        running = job;
        job.schedule();
    }

    private void show(Job job, List<Finding> result, String source) {
        if (table.isDisposed() || running != job) {
            return;
        }
        running = null;
        findings = List.copyOf(result);
        table.removeAll();
        long failed = findings.stream().filter(f -> f.verdict() == org.dmascope.diagnose.doctor.Verdict.FAIL).count();
        long warned = findings.stream().filter(f -> f.verdict() == org.dmascope.diagnose.doctor.Verdict.WARN).count();
        setContentDescription(findings.isEmpty() ? source : source + ": " + findings.size() + " findings, " + failed
                + " fail, " + warned + " warn");
        for (Finding f : findings) {
            TableItem item = new TableItem(table, SWT.NONE);
            item.setText(new String[] {f.verdict().label(), f.check(), f.summary(), String.join(" ", f.devices())});
            item.setForeground(0, color(f));
            item.setData(f);
        }
        details.setText(findings.isEmpty() ? source : "Select a finding to see its evidence and fix, and its devices in the"
                + " Topology view.");
    }

    private Color color(Finding f) {
        return switch (f.verdict()) {
            case OK -> table.getDisplay().getSystemColor(SWT.COLOR_DARK_GREEN);
            case WARN -> table.getDisplay().getSystemColor(SWT.COLOR_DARK_YELLOW);
            case FAIL -> table.getDisplay().getSystemColor(SWT.COLOR_RED);
        };
    }

    private void selected() {
        int i = table.getSelectionIndex();
        if (i < 0 || i >= findings.size()) {
            return;
        }
        Finding f = findings.get(i);
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(f.verdict().label()).append("] ").append(f.check()).append(": ").append(f.summary()).append('\n');
        if (!f.devices().isEmpty()) {
            sb.append("devices:  ").append(String.join(" ", f.devices())).append('\n');
        }
        for (String e : f.evidence()) {
            sb.append("evidence: ").append(e).append('\n');
        }
        sb.append("fix:      ").append(f.fix());
        details.setText(sb.toString());
        selectionProvider.setSelection(new StructuredSelection(f));
    }

    /** Selects the finding at this row, as a click does (for tests). */
    public void select(int row) {
        table.setSelection(row);
        selected();
    }

    /** The findings shown (for tests). */
    public List<Finding> findings() {
        return findings;
    }

    /** The text below the table (for tests). */
    public String detailsText() {
        return details.getText();
    }

    @Override
    public void setFocus() {
        table.setFocus();
    }

    @Override
    public void dispose() {
        session.removeListener(sessionListener);
        Job job = running;
        if (job != null) {
            job.cancel();
        }
        super.dispose();
    }
}
