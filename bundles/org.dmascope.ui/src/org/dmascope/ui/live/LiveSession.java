package org.dmascope.ui.live;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.source.InputException;
import org.dmascope.scenario.Scenario;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioExtensions;
import org.dmascope.scenario.ScenarioParser;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepKinds;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.sim.BuiltinScenarios;
import org.dmascope.scenario.sim.Simulator;
import org.dmascope.sources.MemoryBackends;
import org.dmascope.sources.TopologySources;
import org.dmascope.sources.live.LiveSampler;
import org.dmascope.sources.live.TracefsReader;
import org.dmascope.trace.store.TraceWriter;
import org.dmascope.ui.trace.TraceModel;
import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.ListenerList;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.widgets.Display;

/**
 * What plays in the Live Debugging perspective: a scenario in the simulator, or the live host.
 * Either writes its events to a recording (a .dmatrace in the recordings folder) that the trace
 * model shows as it grows, so every live session is also a recording. Lives on the UI thread;
 * listeners are called there.
 */
public final class LiveSession {

    /** What the session tells its listeners, on the UI thread. */
    public interface Listener {
        /** Something started, paused, finished or failed. */
        default void stateChanged(LiveSession session) {
        }

        /** The simulator ran a step; {@code timeNs} is its simulated time. */
        default void stepDone(LiveSession session, StepOutcome outcome, long timeNs) {
        }

        /** A message for the user (an error when {@code error}). */
        default void message(LiveSession session, String text, boolean error) {
        }
    }

    /** Where what plays stands. */
    public enum State {
        /** Nothing loaded. */
        NONE,
        /** Loaded, not started. */
        READY,
        /** Playing (the simulator) or sampling (the live host). */
        PLAYING,
        /** Held; play or step go on. */
        PAUSED,
        /** Ended: every step ran, the process exited, or it was stopped. */
        FINISHED,
        /** A step could not run as written, or the recording could not be written. */
        FAILED
    }

    /** The sampling rate of the live host by default, in Hz. */
    public static final double DEFAULT_RATE_HZ = 10;

    /** How many recordings the recordings folder keeps (the newest). */
    public static final int KEPT_RECORDINGS = 20;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private final TraceModel traces;
    private final Display display;
    private final Path recordings;
    private final ListenerList<Listener> listeners = new ListenerList<>();
    private @Nullable Simulator simulator;
    private @Nullable LiveSampler sampler;
    private @Nullable TraceWriter samplerWriter;
    private State hostState = State.NONE;
    private @Nullable TracefsReader kernelTrace;
    private @Nullable Origin origin;
    private final List<Step> steps = new ArrayList<>();
    private double speed = 1.0;
    private @Nullable String builtinId;

    /** A step the simulator ran, with its simulated time. */
    public record Step(StepOutcome outcome, long timeNs) {
    }

    /**
     * @param traces     the trace model the recording is opened in
     * @param display    the UI thread
     * @param recordings the folder the recordings are written to
     */
    public LiveSession(TraceModel traces, Display display, Path recordings) {
        this.traces = traces;
        this.display = display;
        this.recordings = recordings;
    }

    /** Adds a listener (called on the UI thread). */
    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** Removes a listener. */
    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** The folder the recordings go to. */
    public Path recordings() {
        return recordings;
    }

    /** The simulator playing, if a scenario is loaded. */
    public @Nullable Simulator simulator() {
        return simulator;
    }

    /** The live host's sampler, if a process is sampled. */
    public @Nullable LiveSampler sampler() {
        return sampler;
    }

    /** Where what plays stands. */
    public State state() {
        Simulator sim = simulator;
        if (sim != null) {
            return switch (sim.state()) {
                case READY -> State.READY;
                case PLAYING -> State.PLAYING;
                case PAUSED -> State.PAUSED;
                case FINISHED -> State.FINISHED;
                case FAILED -> State.FAILED;
            };
        }
        if (sampler != null) {
            return hostState;
        }
        return origin == null ? State.NONE : State.FINISHED;
    }

    /** What writes the recording, if anything. */
    public @Nullable Origin origin() {
        return origin;
    }

    /** The steps run so far, in order. */
    public List<Step> steps() {
        return List.copyOf(steps);
    }

    /** The speed factor of the simulator (1 = real time; infinity = as fast as it can). */
    public double speed() {
        return speed;
    }

    /** The label, state and recording of what plays. */
    public static final class Origin implements TraceModel.LiveOrigin {
        private final String label;
        private final boolean simulated;
        private final Path store;
        private volatile boolean writing = true;

        Origin(String label, boolean simulated, Path store) {
            this.label = label;
            this.simulated = simulated;
            this.store = store;
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        public boolean simulated() {
            return simulated;
        }

        @Override
        public boolean writing() {
            return writing;
        }

        /** The recording written. */
        public Path store() {
            return store;
        }
    }

    /** The built-in scenario loaded, if the loaded scenario is one. */
    public @Nullable String builtinId() {
        return builtinId;
    }

    /**
     * Loads a built-in scenario (see {@link #loadScenario}).
     *
     * @throws InputException when it cannot be read or recorded
     */
    public void loadBuiltin(BuiltinScenarios.Entry builtin) throws InputException {
        Path file;
        try {
            file = BuiltinScenarios.open(builtin.id());
        } catch (IOException e) {
            throw new InputException(builtin.displayName(), null, e.getMessage(), e);
        }
        loadScenario(file, "(" + builtin.number() + ") " + builtin.title());
        builtinId = builtin.id();
        fireState();
    }

    /**
     * Loads a scenario into the simulator and opens its recording (UI thread): what played
     * before stops. The scenario does not play until {@link #play()} or {@link #step()}.
     *
     * @param file  the scenario file
     * @param title what people call it ("Scenario 1: ...", or the file name)
     * @throws InputException when the file is not a scenario (its message names file and line),
     *                        or the recording cannot be written
     */
    public void loadScenario(Path file, String title) throws InputException {
        stop();
        builtinId = null;
        ScenarioRunner runner = runner();
        Scenario scenario;
        try {
            scenario = new ScenarioParser(runner.kinds()).parse(file, file.getFileName().toString());
        } catch (ScenarioException e) {
            throw new InputException(e.file(), e.line() > 0 ? "line " + e.line() : null, e.problem(), e);
        }
        Path store = newRecording(scenario.name());
        TraceWriter writer;
        try {
            writer = TraceWriter.create(store, TraceWriter.Options.DEFAULT);
        } catch (IOException e) {
            throw new InputException(store.toString(), null, "cannot write the recording: " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        Simulator sim = new Simulator(runner, scenario, dir == null ? Path.of(".") : dir, writer);
        sim.setSpeed(speed);
        Origin o = new Origin("SIMULATED " + title, true, store);
        sim.addListener(new Simulator.Listener() {
            @Override
            public void stepDone(StepOutcome outcome, long timeNs) {
                display.asyncExec(() -> stepped(sim, outcome, timeNs));
            }

            @Override
            public void stateChanged(Simulator.State state) {
                display.asyncExec(() -> simulatorChanged(sim, state));
            }
        });
        simulator = sim;
        origin = o;
        steps.clear();
        try {
            traces.openLive(store, o);
        } catch (InputException e) {
            stop();
            throw e;
        }
        fireState();
    }

    /**
     * Samples a process of this machine at a rate (its maps and pagemap, and the sysfs
     * topology), recording the changes; what played before stops (UI thread).
     *
     * @throws InputException when the process does not exist or the recording cannot be written
     */
    public void startHost(int pid, double rateHz) throws InputException {
        startHost(pid, rateHz, false);
    }

    /**
     * As {@link #startHost(int, double)}; with {@code tracefs}, the kernel's iommu and dma
     * tracepoints are enabled in tracefs for the session and read into the same recording
     * (restored when it stops). Where tracefs is absent or not permitted, a message says so and
     * sampling goes on without it.
     */
    public void startHost(int pid, double rateHz, boolean tracefs) throws InputException {
        stop();
        builtinId = null;
        String comm = processName(pid);
        Path store = newRecording("pid" + pid + (comm.isEmpty() ? "" : "-" + comm));
        TraceWriter writer;
        try {
            writer = TraceWriter.create(store, TraceWriter.Options.DEFAULT);
        } catch (IOException e) {
            throw new InputException(store.toString(), null, "cannot write the recording: " + e.getMessage(), e);
        }
        LiveSampler s;
        try {
            s = new LiveSampler(pid, LiveSampler.Options.DEFAULT.withRate(rateHz), writer);
        } catch (MemoryReadException | IllegalArgumentException e) {
            closeQuietly(writer);
            deleteQuietly(store);
            throw new InputException("process " + pid, null, e.getMessage(), e);
        }
        Origin o = new Origin("LIVE pid " + pid + (comm.isEmpty() ? "" : " (" + comm + ")"), false, store);
        s.addListener(m -> display.asyncExec(() -> sampled(s, m)));
        sampler = s;
        samplerWriter = writer;
        origin = o;
        steps.clear();
        hostState = State.READY;
        try {
            traces.openLive(store, o);
        } catch (InputException e) {
            stop();
            throw e;
        }
        if (tracefs) {
            startTracefs(writer);
        }
        s.start();
        hostState = State.PLAYING;
        fireState();
    }

    private void startTracefs(TraceWriter writer) {
        TracefsReader.Availability a = TracefsReader.locate(TracefsReader.SYSTEMS);
        if (!a.available()) {
            message(a.message(), true);
            return;
        }
        TracefsReader reader = new TracefsReader(TracefsReader.Options.enabling(a.root()), e -> {
            try {
                writer.append(e);
            } catch (IOException x) {
                display.asyncExec(() -> message("cannot write a tracefs event to " + writer.file() + ": "
                        + x.getMessage(), true));
            }
        }, m -> display.asyncExec(() -> message(m, false)));
        if (reader.start()) {
            kernelTrace = reader;
        }
    }

    /** The tracefs reader of the live host's session, if one runs. */
    public @Nullable TracefsReader kernelTrace() {
        return kernelTrace;
    }

    private static String processName(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private void sampled(LiveSampler s, LiveSampler.Message m) {
        if (s != sampler) {
            return;
        }
        switch (m.kind()) {
            case PROCESS_EXITED -> {
                message(m.text(), false);
                endHost(State.FINISHED);
            }
            case WRITE_FAILED, FAILED -> {
                message(m.text(), true);
                endHost(State.FAILED);
            }
            case READ_FAILED -> message(m.text(), true);
            case NOTE -> message(m.text(), false);
        }
    }

    // The sampled process exited or the recording failed: the recording stays open, ended.
    private void endHost(State end) {
        LiveSampler s = sampler;
        if (s == null) {
            return;
        }
        s.stop();
        TracefsReader k = kernelTrace;
        kernelTrace = null;
        if (k != null) {
            k.close();
        }
        TraceWriter w = samplerWriter;
        samplerWriter = null;
        if (w != null) {
            closeQuietly(w);
        }
        hostState = end;
        Origin o = origin;
        if (o != null) {
            o.writing = false;
        }
        traces.liveEnded();
        fireState();
    }

    private void closeQuietly(TraceWriter w) {
        try {
            w.close();
        } catch (IOException e) {
            message("closing the recording " + w.file() + ": " + e.getMessage(), true);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            ILog.of(LiveSession.class).warn("cannot delete " + p + ": " + e.getMessage());
        }
    }

    /** Sets the live host's sampling rate, in Hz (above 0, at most 1000). */
    public void setRate(double hz) {
        LiveSampler s = sampler;
        if (s != null) {
            s.setRate(hz);
        }
    }

    private static ScenarioRunner runner() {
        TopologySources sources = TopologySources.builtIn();
        return new ScenarioRunner(new StepKinds(ScenarioExtensions.installed()),
                (topology, name) -> sources.open(topology, name, new NullProgressMonitor()))
                .withBackends(MemoryBackends.installed());
    }

    private void stepped(Simulator sim, StepOutcome outcome, long timeNs) {
        if (sim != simulator) {
            return;
        }
        steps.add(new Step(outcome, timeNs));
        traces.refreshLive();
        for (Listener l : listeners) {
            l.stepDone(this, outcome, timeNs);
        }
    }

    private void simulatorChanged(Simulator sim, Simulator.State state) {
        if (sim != simulator) {
            return;
        }
        if (state == Simulator.State.FINISHED || state == Simulator.State.FAILED) {
            Origin o = origin;
            if (o != null) {
                o.writing = false;
            }
            try {
                sim.close();
            } catch (IOException | RuntimeException e) {
                message("closing the recording: " + e.getMessage(), true);
            }
            traces.liveEnded();
            if (state == Simulator.State.FAILED) {
                ScenarioException why = sim.failure();
                message(why == null ? "the scenario stopped" : why.getMessage(), true);
            }
        }
        fireState();
    }

    /** Plays the loaded scenario at the current speed. */
    public void play() {
        LiveSampler s = sampler;
        if (s != null && hostState == State.PAUSED) {
            s.resume();
            hostState = State.PLAYING;
            fireState();
            return;
        }
        Simulator sim = simulator;
        if (sim != null && (sim.state() == Simulator.State.READY || sim.state() == Simulator.State.PAUSED)) {
            sim.play();
        }
    }

    /** Pauses the simulator. */
    public void pause() {
        LiveSampler s = sampler;
        if (s != null && hostState == State.PLAYING) {
            s.pause();
            hostState = State.PAUSED;
            fireState();
            return;
        }
        Simulator sim = simulator;
        if (sim != null && sim.state() == Simulator.State.PLAYING) {
            sim.pause();
        }
    }

    /**
     * Runs the next step of a paused simulator now.
     *
     * @return whether a step ran
     */
    public boolean step() {
        LiveSampler s = sampler;
        if (s != null) {
            if (hostState != State.PAUSED && hostState != State.READY) {
                return false;
            }
            LiveSampler.Summary summary = s.sampleOnce();
            traces.refreshLive();
            if (!summary.alive()) {
                endHost(State.FINISHED);
            }
            fireState();
            return true;
        }
        Simulator sim = simulator;
        if (sim == null || sim.state() == Simulator.State.PLAYING || sim.state() == Simulator.State.FINISHED
                || sim.state() == Simulator.State.FAILED) {
            return false;
        }
        try {
            return sim.step() != null;
        } catch (RuntimeException e) {
            message(e.getMessage(), true);
            return false;
        }
    }

    /** Sets the simulator's speed (1 = real time; {@link Double#POSITIVE_INFINITY}: as fast as it can). */
    public void setSpeed(double factor) {
        speed = factor;
        Simulator sim = simulator;
        if (sim != null) {
            sim.setSpeed(factor);
        }
    }

    /** Stops what plays; its recording stays open for inspection. */
    public void stop() {
        if (sampler != null) {
            endHost(State.FINISHED);
            sampler = null;
            fireState();
            return;
        }
        Simulator sim = simulator;
        simulator = null;
        Origin o = origin;
        if (o != null) {
            o.writing = false;
        }
        if (sim != null) {
            try {
                sim.close();
            } catch (IOException | RuntimeException e) {
                message("closing the recording: " + e.getMessage(), true);
            }
            traces.liveEnded();
        }
        fireState();
    }

    /**
     * Copies the recording written so far to a file of the user's choice.
     *
     * @throws IOException when it cannot be copied
     */
    public void saveRecording(Path target) throws IOException {
        Origin o = origin;
        if (o == null) {
            throw new IOException("nothing has been recorded");
        }
        // Still writing: what was appended so far goes to the file first (a finished recording is closed).
        Simulator sim = simulator;
        TraceWriter writer = sim == null ? samplerWriter : sim.trace();
        if (writer != null && o.writing()) {
            writer.flush();
        }
        Files.copy(o.store(), target, StandardCopyOption.REPLACE_EXISTING);
    }

    // A new file in the recordings folder; older recordings beyond the kept number are removed.
    private Path newRecording(String name) throws InputException {
        try {
            Files.createDirectories(recordings);
            prune();
            String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
            Path p = recordings.resolve(safe + "-" + LocalDateTime.now().format(STAMP) + ".dmatrace");
            for (int i = 2; Files.exists(p); i++) {
                p = recordings.resolve(safe + "-" + LocalDateTime.now().format(STAMP) + "-" + i + ".dmatrace");
            }
            return p;
        } catch (IOException e) {
            throw new InputException(recordings.toString(), null, "cannot create the recordings folder: " + e.getMessage(), e);
        }
    }

    private void prune() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(recordings, "*.dmatrace")) {
            dir.forEach(files::add);
        }
        if (files.size() < KEPT_RECORDINGS) {
            return;
        }
        files.sort((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()));
        for (int i = 0; i <= files.size() - KEPT_RECORDINGS; i++) {
            Path f = files.get(i);
            if (traces.trace() == null || !f.equals(traces.trace().store())) {
                Files.deleteIfExists(f);
            }
        }
    }

    private void message(String text, boolean error) {
        if (!error) {
            ILog.of(LiveSession.class).info(text);
        } else {
            ILog.of(LiveSession.class).warn(text);
        }
        for (Listener l : listeners) {
            l.message(this, text, error);
        }
    }

    private void fireState() {
        for (Listener l : listeners) {
            l.stateChanged(this);
        }
    }

    /**
     * The workbench's live session, kept in its context.
     *
     * @throws IllegalStateException when the DMA Scope workbench did not create one
     */
    public static LiveSession find(org.eclipse.ui.services.IServiceLocator locator) {
        LiveSession s = locator.getService(LiveSession.class);
        if (s == null && org.eclipse.ui.PlatformUI.isWorkbenchRunning()) {
            org.eclipse.e4.core.contexts.IEclipseContext context = org.eclipse.ui.PlatformUI.getWorkbench()
                    .getService(org.eclipse.e4.core.contexts.IEclipseContext.class);
            s = context == null ? null : context.get(LiveSession.class);
        }
        if (s == null) {
            throw new IllegalStateException("the DMA Scope workbench has no live session");
        }
        return s;
    }

    /** Stops what plays (at shutdown). */
    public void dispose() {
        stop();
        listeners.clear();
    }
}
