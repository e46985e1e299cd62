package org.dmascope.scenario;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.scenario.mm.Machine;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.SimClock;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The state a scenario's steps share while it runs: the simulated machine, where the file lies
 * (to resolve relative paths), how to read topologies, the state each extension keeps (by its
 * class), and the previous outcome (what {@code expect} checks).
 */
public final class ScenarioContext {

    private final SimClock clock;
    private final Machine machine;
    private final Path baseDir;
    private final @Nullable TopologyLoader topologyLoader;
    private final Map<Class<?>, Object> states = new HashMap<>();
    private @Nullable StepOutcome previous;
    private @Nullable StepKinds kinds;
    private List<MemoryBackend> backends = List.of();
    private long stepGap;

    /**
     * @param baseDir        the folder of the scenario file
     * @param topologyLoader how to read topology files, or null when none may be read
     */
    public ScenarioContext(Path baseDir, @Nullable TopologyLoader topologyLoader) {
        this(baseDir, topologyLoader, new SimClock());
    }

    /**
     * @param baseDir        the folder of the scenario file
     * @param topologyLoader how to read topology files, or null when none may be read
     * @param clock          the simulated clock the machine's events take their time stamps from
     */
    public ScenarioContext(Path baseDir, @Nullable TopologyLoader topologyLoader, SimClock clock) {
        this.baseDir = baseDir;
        this.topologyLoader = topologyLoader;
        this.clock = clock;
        this.machine = new Machine(clock);
    }

    /** The simulated clock. */
    public SimClock clock() {
        return clock;
    }

    /**
     * The simulated time that passes after each step that does something ({@code pace}), in
     * nanoseconds; 0 (the default) for none.
     */
    public long stepGap() {
        return stepGap;
    }

    /** Sets the simulated time that passes after each step that does something ({@code pace DURATION}). */
    public void setStepGap(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a gap cannot be negative");
        }
        stepGap = nanos;
    }

    /** The simulated machine. */
    public Machine machine() {
        return machine;
    }

    /** The folder relative paths are resolved against. */
    public Path baseDir() {
        return baseDir;
    }

    /** How topologies are read, or null. */
    public @Nullable TopologyLoader topologyLoader() {
        return topologyLoader;
    }

    /** An extension's state, created on first use. */
    public <T> T state(Class<T> type, Supplier<T> create) {
        return type.cast(states.computeIfAbsent(type, k -> create.get()));
    }

    /** The outcome of the step before the current one that was not an expectation, or null. */
    public @Nullable StepOutcome previous() {
        return previous;
    }

    void setPrevious(StepOutcome outcome) {
        previous = outcome;
    }

    /** The memory backends the address chain is resolved with (empty when the runner was given none). */
    public List<MemoryBackend> backends() {
        return backends;
    }

    void setBackends(List<MemoryBackend> value) {
        backends = List.copyOf(value);
    }

    void setKinds(StepKinds value) {
        kinds = value;
    }

    /**
     * Runs one more line of the scenario language now, on behalf of a step (a concurrent action
     * a step arranges, such as an munmap racing a device fault). Errors name the step's line.
     */
    public StepOutcome runNested(Step at, String line) throws ScenarioException {
        StepKinds k = kinds;
        if (k == null) {
            throw at.error(at.kind() + ": nested steps need a runner");
        }
        Step nested = new ScenarioParser(k).parseLine(at.file(), at.line(), line);
        StepKind kind = k.kind(nested.kind());
        if (kind == null) {
            throw at.error(at.kind() + ": unknown step '" + nested.kind() + "' in '" + line + "'");
        }
        return kind.run(nested, this);
    }

    /** The process a step names, or an error naming the line. */
    public Mm process(Step step, String name) throws ScenarioException {
        Mm mm = machine.process(name);
        if (mm == null) {
            throw step.error(step.kind() + ": no process named '" + name + "' (declare it with 'process " + name + "')");
        }
        return mm;
    }

    /** An address in a process: a mapping's name plus offsets, or a hex number. */
    public long address(Step step, Mm mm, String word) throws ScenarioException {
        return Values.address(step, word, mm::named);
    }
}
