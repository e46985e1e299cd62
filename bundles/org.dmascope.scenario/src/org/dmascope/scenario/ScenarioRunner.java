package org.dmascope.scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import java.util.function.Consumer;

import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.trace.event.TraceEvent;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Runs a parsed scenario step by step on a fresh simulated machine. A step the simulated
 * kernel refuses is an outcome like any other; only a step that cannot run as written (an
 * unknown process, a mapping that does not exist) stops the run with its line.
 */
public final class ScenarioRunner {

    private final StepKinds kinds;
    private final @Nullable TopologyLoader topologyLoader;
    private List<MemoryBackend> backends = List.of();
    private @Nullable Consumer<TraceEvent> eventSink;

    /** A runner for these step kinds, reading topologies with the loader (null: none). */
    public ScenarioRunner(StepKinds kinds, @Nullable TopologyLoader topologyLoader) {
        this.kinds = kinds;
        this.topologyLoader = topologyLoader;
    }

    /** Resolves address chains (register_mr) with these memory backends; returns this runner. */
    public ScenarioRunner withBackends(List<MemoryBackend> value) {
        backends = List.copyOf(value);
        return this;
    }

    /**
     * Sends the events of every run (org.dmascope.trace.event records: processes, VMAs, page
     * faults, MMU notifier invalidations, and what the backends' steps emit) to this sink, in
     * order, with time stamps of a logical clock; null for none. Returns this runner.
     */
    public ScenarioRunner withEventSink(@Nullable Consumer<TraceEvent> sink) {
        eventSink = sink;
        return this;
    }

    /** The step kinds it knows. */
    public StepKinds kinds() {
        return kinds;
    }

    /** Parses and runs a file. */
    public ScenarioResult run(Path file, String name) throws ScenarioException {
        Scenario s = new ScenarioParser(kinds).parse(file, name);
        Path dir = file.toAbsolutePath().getParent();
        return run(s, dir == null ? Path.of(".") : dir);
    }

    /** Runs a parsed scenario; relative paths in it are resolved against baseDir. */
    public ScenarioResult run(Scenario scenario, Path baseDir) throws ScenarioException {
        Run r = start(scenario, baseDir);
        while (r.hasNext()) {
            r.next();
        }
        return r.result();
    }

    /**
     * Starts a run of a parsed scenario on a fresh simulated machine, to be advanced one step at a
     * time with {@link Run#next()}; events go to this runner's sink.
     */
    public Run start(Scenario scenario, Path baseDir) {
        return start(scenario, baseDir, null);
    }

    /**
     * Starts a run whose events go to this runner's sink and then to {@code alsoTo} (null: only
     * the runner's). Relative paths in the scenario are resolved against baseDir.
     */
    public Run start(Scenario scenario, Path baseDir, @Nullable Consumer<TraceEvent> alsoTo) {
        ScenarioContext context = new ScenarioContext(baseDir, topologyLoader);
        context.setKinds(kinds);
        context.setBackends(backends);
        Consumer<TraceEvent> own = eventSink;
        Consumer<TraceEvent> sink = own == null ? alsoTo : alsoTo == null ? own : own.andThen(alsoTo);
        context.machine().setEventSink(sink);
        return new Run(scenario, context);
    }

    /**
     * Whether simulated time passes after a step of this kind when a {@code pace} gap is set: every
     * step that does something, not {@code expect}, {@code expect-page}, {@code wait} or {@code pace}.
     */
    public static boolean takesStepGap(String kind) {
        return !kind.startsWith("expect") && !kind.equals("wait") && !kind.equals("pace");
    }

    /**
     * One run of a scenario, advanced a step at a time on one {@link ScenarioContext}. A step that
     * cannot run as written ends the run: {@link #hasNext()} is false afterwards and the outcomes
     * of the steps before it stay. Not thread-safe: one thread at a time advances it.
     */
    public final class Run {
        private final Scenario scenario;
        private final ScenarioContext context;
        private final List<StepOutcome> outcomes = new ArrayList<>();
        private volatile int index;
        private volatile long stepEnd;
        private @Nullable ScenarioException failure;

        Run(Scenario scenario, ScenarioContext context) {
            this.scenario = scenario;
            this.context = context;
        }

        /** The scenario. */
        public Scenario scenario() {
            return scenario;
        }

        /** The state the steps share (the machine, its clock). */
        public ScenarioContext context() {
            return context;
        }

        /** Whether a step remains and no step failed. */
        public boolean hasNext() {
            return failure == null && index < scenario.steps().size();
        }

        /** The step {@link #next()} runs, or null at the end. */
        public @Nullable Step peek() {
            return hasNext() ? scenario.steps().get(index) : null;
        }

        /** How many steps ran (or failed). */
        public int index() {
            return index;
        }

        /** The number of steps of the scenario. */
        public int size() {
            return scenario.steps().size();
        }

        /** The step that could not run, or null. */
        public @Nullable ScenarioException failure() {
            return failure;
        }

        /**
         * Runs the next step, then lets the {@code pace} gap pass when the step takes one.
         *
         * @throws ScenarioException     when the step cannot run as written (the run ends)
         * @throws NoSuchElementException when no step remains or a step failed
         */
        public StepOutcome next() throws ScenarioException {
            if (!hasNext()) {
                throw new NoSuchElementException(failure != null ? "the run stopped at line " + failure.line()
                        : "no step remains");
            }
            Step step = scenario.steps().get(index++);
            try {
                StepKind kind = kinds.kind(step.kind());
                if (kind == null) {
                    throw step.error("unknown step '" + step.kind() + "'");
                }
                StepOutcome o;
                try {
                    o = kind.run(step, context);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw step.error(step.kind() + ": " + e.getMessage());
                }
                outcomes.add(o);
                stepEnd = context.clock().now();
                if (takesStepGap(step.kind())) {
                    // expect checks the last step that did something: wait and pace are passed over.
                    context.setPrevious(o);
                    context.clock().advance(context.stepGap());
                }
                return o;
            } catch (ScenarioException e) {
                failure = e;
                throw e;
            }
        }

        /**
         * The simulated time at which the last step ended (after its events and waits, before the
         * {@code pace} gap that follows it), in nanoseconds; 0 before the first.
         */
        public long lastStepEnd() {
            return stepEnd;
        }

        /** The outcomes so far, in order. */
        public List<StepOutcome> outcomes() {
            return List.copyOf(outcomes);
        }

        /** The result so far: the scenario and the outcomes of the steps that ran. */
        public ScenarioResult result() {
            return new ScenarioResult(scenario, outcomes);
        }
    }
}
