package org.dmascope.ui.views;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.source.InputException;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.sim.BuiltinScenarios;
import org.dmascope.scenario.sim.Simulator;
import org.dmascope.sources.live.LiveSampler;
import org.dmascope.ui.live.LiveSession;
import org.dmascope.ui.trace.TimeFormat;
import org.dmascope.ui.trace.TraceModel;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.FontData;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.part.ViewPart;

/**
 * The Live Controls: what plays (a built-in failure scenario, a scenario file, or the live
 * host), a banner saying whether what is shown is SIMULATED or LIVE, start, pause, step and
 * stop, the speed, following the newest events, and saving the recording. The steps the
 * simulator ran are listed with their return codes; choosing one moves the time cursor there.
 */
public final class LiveControlsView extends ViewPart implements LiveSession.Listener {

    /** View ID. */
    public static final String ID = "org.dmascope.ui.views.liveControls";

    /** The speeds offered, as factors of real time (infinity: as fast as it can). */
    static final double[] SPEEDS = {0.25, 0.5, 1, 2, 5, 10, 100, Double.POSITIVE_INFINITY};
    private static final int REAL_TIME = 2;

    private LiveSession session;
    private TraceModel traces;
    private List<BuiltinScenarios.Entry> builtins;
    private Label banner;
    private Combo source;
    private Label description;
    private Button play;
    private Button pause;
    private Button step;
    private Button stop;
    private Combo speed;
    private Combo process;
    private Text rate;
    private Button tracefs;
    private Button follow;
    private Button save;
    private Table steps;
    private Label status;
    private Color simulatedColour;
    private Color liveColour;
    private Font bold;
    private boolean errorShown;

    @Override
    public void createPartControl(Composite parent) {
        session = LiveSession.find(getSite());
        traces = TraceModel.find(getSite());
        builtins = BuiltinScenarios.list();
        Composite top = new Composite(parent, SWT.NONE);
        top.setLayout(new GridLayout(4, false));

        banner = new Label(top, SWT.CENTER);
        banner.setData(TopologyView.WIDGET_KEY, "live.banner");
        banner.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 4, 1));
        FontData fd = banner.getFont().getFontData()[0];
        bold = new Font(banner.getDisplay(), fd.getName(), fd.getHeight() + 1, SWT.BOLD);
        banner.setFont(bold);
        simulatedColour = new Color(0xFF, 0xE0, 0x8A);
        liveColour = new Color(0xB8, 0xE6, 0xB0);

        source = new Combo(top, SWT.READ_ONLY);
        source.setData(TopologyView.WIDGET_KEY, "live.source");
        source.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 4, 1));
        for (BuiltinScenarios.Entry b : builtins) {
            source.add("(" + b.number() + ") " + b.title());
        }
        source.add("Scenario file...");
        source.addListener(SWT.Selection, e -> sourceChosen());

        new Label(top, SWT.NONE).setText("Process:");
        process = new Combo(top, SWT.DROP_DOWN);
        process.setData(TopologyView.WIDGET_KEY, "live.process");
        process.setToolTipText("A process of this machine to sample live (PID, or choose from the list)");
        process.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 3, 1));
        new Label(top, SWT.NONE).setText("Rate (Hz):");
        rate = new Text(top, SWT.BORDER);
        rate.setData(TopologyView.WIDGET_KEY, "live.rate");
        rate.setText(Integer.toString((int) LiveSession.DEFAULT_RATE_HZ));
        rate.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        rate.addListener(SWT.DefaultSelection, e -> rateChanged());
        Button sample = button(top, "Sample Live Host", "live.sampleHost",
                "Sample the process's mappings and pages, and the PCI topology, recording the changes", this::startHost);
        ((GridData) sample.getLayoutData()).horizontalSpan = 2;
        tracefs = new Button(top, SWT.CHECK);
        tracefs.setText("Kernel trace events (tracefs iommu, dma)");
        tracefs.setToolTipText("Enable the iommu and dma tracepoints while sampling and record them too "
                + "(tracefs is restored when sampling stops; needs root and a mounted tracefs)");
        tracefs.setData(TopologyView.WIDGET_KEY, "live.tracefs");
        tracefs.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 4, 1));
        fillProcesses();
        description = new Label(top, SWT.WRAP);
        description.setData(TopologyView.WIDGET_KEY, "live.description");
        GridData dd = new GridData(SWT.FILL, SWT.TOP, true, false, 4, 1);
        dd.widthHint = 200;
        description.setLayoutData(dd);

        play = button(top, "Start", "live.play", "Play the scenario at the chosen speed", () -> session.play());
        pause = button(top, "Pause", "live.pause", "Pause after the step that is running", () -> session.pause());
        step = button(top, "Step", "live.step", "Run the next step only", () -> session.step());
        stop = button(top, "Stop", "live.stop", "Stop; the recording stays open", () -> session.stop());

        new Label(top, SWT.NONE).setText("Speed:");
        speed = new Combo(top, SWT.READ_ONLY);
        speed.setData(TopologyView.WIDGET_KEY, "live.speed");
        for (double s : SPEEDS) {
            speed.add(Double.isInfinite(s) ? "as fast as possible" : (s == Math.rint(s) ? Integer.toString((int) s)
                    : Double.toString(s)) + "x" + (s == 1 ? " (real time)" : ""));
        }
        speed.select(REAL_TIME);
        speed.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 3, 1));
        speed.addListener(SWT.Selection, e -> session.setSpeed(SPEEDS[speed.getSelectionIndex()]));

        follow = new Button(top, SWT.CHECK);
        follow.setText("Follow the newest events");
        follow.setData(TopologyView.WIDGET_KEY, "live.follow");
        follow.setSelection(traces.following());
        follow.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 4, 1));
        follow.addListener(SWT.Selection, e -> traces.setFollowing(follow.getSelection()));

        steps = new Table(top, SWT.SINGLE | SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.BORDER);
        steps.setData(TopologyView.WIDGET_KEY, "live.steps");
        steps.setHeaderVisible(true);
        steps.setLinesVisible(true);
        steps.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 4, 1));
        for (String[] c : new String[][] {{"Line", "45"}, {"Step", "200"}, {"Result", "90"}, {"Time", "80"}}) {
            TableColumn column = new TableColumn(steps, SWT.LEFT);
            column.setText(c[0]);
            column.setWidth(Integer.parseInt(c[1]));
        }
        steps.addListener(SWT.Selection, e -> stepChosen());

        save = button(top, "Save Recording As...", "live.save", "Copy the recording written so far to a file",
                this::saveRecording);
        ((GridData) save.getLayoutData()).horizontalSpan = 4;
        status = new Label(top, SWT.WRAP);
        status.setData(TopologyView.WIDGET_KEY, "live.status");
        GridData sd = new GridData(SWT.FILL, SWT.TOP, true, false, 4, 1);
        sd.widthHint = 200;
        status.setLayoutData(sd);

        session.addListener(this);
        traces.addListener(traceListener);
        stateChanged(session);
    }

    // The status line counts the events recorded as the trace grows.
    private final TraceModel.Listener traceListener = new TraceModel.Listener() {
        @Override
        public void traceGrew(TraceModel.OpenTrace trace) {
            if (!status.isDisposed() && !errorShown) {
                status.setText(statusText(session, session.origin(), session.simulator()));
            }
        }
    };

    private static Button button(Composite parent, String text, String key, String tip, Runnable run) {
        Button b = new Button(parent, SWT.PUSH);
        b.setText(text);
        b.setToolTipText(tip);
        b.setData(TopologyView.WIDGET_KEY, key);
        b.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        b.addListener(SWT.Selection, e -> run.run());
        return b;
    }

    /** Loads the built-in scenario of this index (0-based) into the simulator. */
    public void loadBuiltin(int index) {
        BuiltinScenarios.Entry b = builtins.get(index);
        source.select(index);
        try {
            session.loadBuiltin(b);
        } catch (InputException e) {
            message(session, e.getMessage(), true);
        }
    }

    private void sourceChosen() {
        int i = source.getSelectionIndex();
        if (i < builtins.size()) {
            loadBuiltin(i);
            return;
        }
        FileDialog dialog = new FileDialog(source.getShell(), SWT.OPEN);
        dialog.setText("Play a scenario");
        dialog.setFilterExtensions(new String[] {"*.scenario", "*"});
        String file = dialog.open();
        if (file == null) {
            return;
        }
        Path p = Path.of(file);
        try {
            session.loadScenario(p, String.valueOf(p.getFileName()));
        } catch (InputException e) {
            message(session, e.getMessage(), true);
        }
    }

    private void fillProcesses() {
        try {
            process.setItems(ProcessChoices.list().toArray(String[]::new));
        } catch (IOException e) {
            message(session, "Cannot list the processes in /proc: " + e.getMessage(), true);
        }
    }

    /** Samples the process named in the Process box at the rate in the Rate box. */
    public void startHost() {
        int pid = ProcessChoices.pidOf(process.getText());
        if (pid <= 0) {
            message(session, "Process: '" + process.getText() + "' is not a PID", true);
            return;
        }
        double hz = rateValue();
        if (hz <= 0) {
            return;
        }
        try {
            session.startHost(pid, hz, tracefs.getSelection());
        } catch (InputException e) {
            message(session, e.getMessage(), true);
        }
    }

    /** Ticks or clears "Kernel trace events" (for tests). */
    public void setTracefs(boolean value) {
        tracefs.setSelection(value);
    }

    /** Fills the Process box (for tests and callers that know the PID). */
    public void setProcess(int pid) {
        process.setText(Integer.toString(pid));
    }

    private double rateValue() {
        try {
            double hz = Double.parseDouble(rate.getText().strip());
            if (hz > 0 && hz <= 1000) {
                return hz;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        message(session, "Rate (Hz): '" + rate.getText() + "' is not a rate above 0 and at most 1000", true);
        return -1;
    }

    private void rateChanged() {
        double hz = rateValue();
        if (hz > 0) {
            session.setRate(hz);
        }
    }

    private void stepChosen() {
        int i = steps.getSelectionIndex();
        if (i >= 0 && steps.getItem(i).getData() instanceof Long ts) {
            traces.setFollowing(false);
            follow.setSelection(false);
            traces.setCursor(ts, this);
        }
    }

    private void saveRecording() {
        LiveSession.Origin o = session.origin();
        if (o == null) {
            return;
        }
        FileDialog dialog = new FileDialog(save.getShell(), SWT.SAVE);
        dialog.setText("Save the recording");
        dialog.setFilterExtensions(new String[] {"*.dmatrace"});
        dialog.setFileName(String.valueOf(o.store().getFileName()));
        dialog.setOverwrite(true);
        String file = dialog.open();
        if (file != null) {
            try {
                session.saveRecording(Path.of(file));
                status.setText("Saved to " + file);
            } catch (IOException e) {
                MessageDialog.openError(save.getShell(), "Cannot save the recording", file + ": " + e.getMessage());
            }
        }
    }

    // --- the session ------------------------------------------------------------------------

    @Override
    public void stateChanged(LiveSession s) {
        if (banner.isDisposed()) {
            return;
        }
        LiveSession.Origin o = s.origin();
        Simulator sim = s.simulator();
        if (o == null) {
            banner.setText("Nothing playing");
            banner.setBackground(null);
        } else {
            banner.setText(o.simulated() ? "SIMULATED" : "LIVE");
            banner.setBackground(o.simulated() ? simulatedColour : liveColour);
            banner.setToolTipText(o.simulated() ? "The events come from the simulator, not from this machine"
                    : "The events come from this machine");
        }
        LiveSession.State state = s.state();
        boolean playing = state == LiveSession.State.PLAYING;
        boolean runnable = state == LiveSession.State.READY || state == LiveSession.State.PAUSED;
        play.setEnabled(runnable);
        pause.setEnabled(playing);
        step.setEnabled(runnable);
        stop.setEnabled(playing || runnable);
        speed.setEnabled(s.sampler() == null);
        save.setEnabled(o != null);
        for (int i = 0; i < builtins.size(); i++) {
            if (builtins.get(i).id().equals(s.builtinId())) {
                source.select(i);
            }
        }
        int selected = source.getSelectionIndex();
        description.setText(selected >= 0 && selected < builtins.size() ? builtins.get(selected).description() : "");
        status.setText(statusText(s, o, sim));
        status.setForeground(null);
        errorShown = false;
        List<LiveSession.Step> done = s.steps();
        if (steps.getItemCount() != done.size()) {
            steps.removeAll();
            for (LiveSession.Step d : done) {
                addStep(d.outcome(), d.timeNs());
            }
        }
        banner.getParent().layout(true, true);
    }

    private String statusText(LiveSession s, LiveSession.@Nullable Origin o, @Nullable Simulator sim) {
        if (o == null) {
            return "Choose a scenario to play, or a process to sample.";
        }
        StringBuilder b = new StringBuilder(o.label());
        b.append("\n").append(s.state().name().toLowerCase(Locale.ROOT));
        LiveSampler sampler = s.sampler();
        if (sim != null) {
            b.append(", step ").append(sim.stepIndex()).append(" of ").append(sim.stepCount())
                    .append(", simulated time ").append(TimeFormat.duration(sim.simulatedTime()));
        } else if (sampler != null) {
            b.append(String.format(Locale.ROOT, ", %,d samples at %s Hz", sampler.samples(), sampler.rate()));
        }
        TraceModel.OpenTrace t = traces.trace();
        if (t != null && o.store().equals(t.store())) {
            b.append(String.format(Locale.ROOT, "\n%,d events recorded", t.reader().eventCount()));
        }
        b.append("\nRecording: ").append(o.store());
        return b.toString();
    }

    @Override
    public void stepDone(LiveSession s, StepOutcome outcome, long timeNs) {
        if (steps.isDisposed()) {
            return;
        }
        addStep(outcome, timeNs);
        status.setText(statusText(s, s.origin(), s.simulator()));
    }

    private void addStep(StepOutcome outcome, long timeNs) {
        TableItem item = new TableItem(steps, SWT.NONE);
        item.setText(new String[] {Integer.toString(outcome.line()), outcome.text(), outcome.rc(),
            TimeFormat.duration(timeNs)});
        item.setData(timeNs);
        if (!outcome.failed().isEmpty() || outcome.rc().startsWith("-E")) {
            item.setForeground(steps.getDisplay().getSystemColor(SWT.COLOR_DARK_RED));
        }
        steps.showItem(item);
    }

    @Override
    public void message(LiveSession s, String text, boolean error) {
        if (!status.isDisposed()) {
            status.setText(text);
            status.setForeground(error ? status.getDisplay().getSystemColor(SWT.COLOR_DARK_RED) : null);
            errorShown = error;
        }
    }

    /** The steps table (for tests). */
    public Table steps() {
        return steps;
    }

    /** The banner's text (for tests). */
    public String bannerText() {
        return banner.getText();
    }

    @Override
    public void setFocus() {
        source.setFocus();
    }

    @Override
    public void dispose() {
        session.removeListener(this);
        traces.removeListener(traceListener);
        bold.dispose();
        simulatedColour.dispose();
        liveColour.dispose();
        super.dispose();
    }
}
