package org.dmascope.scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        ScenarioContext context = new ScenarioContext(baseDir, topologyLoader);
        context.setKinds(kinds);
        context.setBackends(backends);
        context.machine().setEventSink(eventSink);
        List<StepOutcome> outcomes = new ArrayList<>();
        for (Step step : scenario.steps()) {
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
            if (!step.kind().startsWith("expect")) {
                context.setPrevious(o);
            }
        }
        return new ScenarioResult(scenario, outcomes);
    }
}
