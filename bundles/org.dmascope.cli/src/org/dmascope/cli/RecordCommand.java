package org.dmascope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.dmascope.core.source.InputException;
import org.dmascope.scenario.Scenario;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioParser;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepKinds;
import org.dmascope.scenario.ScenarioExtensions;
import org.dmascope.scenario.sim.BuiltinScenarios;
import org.dmascope.scenario.sim.Simulator;
import org.dmascope.sources.MemoryBackends;
import org.dmascope.trace.store.TraceWriter;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.annotation.Nullable;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dmascope record (--pid PID | --scenario FILE) [--duration SECONDS] OUT.dmatrace}: a
 * recording made headless, for servers without a display. A scenario is played by the
 * simulator as fast as possible; its events carry the scenario's simulated time.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Record a session to a trace store file (.dmatrace, docs/trace-store.md) without a display: "
                + "the workbench, 'trace' commands and 'dmascope OUT.dmatrace' open it.",
            "--scenario plays a scenario file (docs/scenario.md), or a built-in one (builtin:1 to builtin:4, or "
                    + "builtin:ID), as fast as possible on the simulator; the events carry the scenario's simulated "
                    + "time (its wait and pace lines), so the recording looks as the scenario plays in real time.",
            "--pid samples a running process's maps and pagemap (and the sysfs topology) at --rate HZ and records the "
                    + "changes (VMAs mapped, unmapped or changed; pages faulted in, unmapped or moved) until --duration "
                    + "has passed, the process exits, or Ctrl-C (the file stays readable)."},
        footer = {"", "Exit status: 0 when the recording is written, 2 for bad input (a scenario that cannot be read or "
                + "run as written, with its file and line; what was recorded before such a step stays in OUT; a "
                + "process that does not exist), 1 when writing fails while recording a process."})
final class RecordCommand implements Callable<Integer> {

    /** What is recorded: a live process or a scenario, exactly one. */
    static final class Source {
        @Option(names = "--pid", paramLabel = "PID", required = true,
                description = "Record a running process (its maps and pagemap, and the sysfs topology).")
        @Nullable Integer pid;

        @Option(names = "--scenario", paramLabel = "FILE", required = true,
                description = "Play a scenario file, or builtin:N / builtin:ID for a built-in one.")
        @Nullable String scenario;
    }

    private final DmaScopeCli cli;

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Source source = new Source();

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop after this much time: for --scenario, simulated time (steps that start before it run"
                    + " whole); default: the whole scenario.")
    private @Nullable Double duration;

    @Option(names = "--rate", paramLabel = "HZ",
            description = "For --pid: samples per second (above 0, at most 1000; default 10).")
    private @Nullable Double rate;

    @Option(names = "--tracefs", paramLabel = "off|read|enable",
            description = "For --pid: also record tracefs's iommu and dma events: off (default), read (what is enabled"
                    + " already), enable (enable them for the recording and restore after).")
    private String tracefs = "off";

    @Parameters(index = "0", paramLabel = "OUT.dmatrace", description = "The trace store file to write.")
    private Path out = Path.of("");

    RecordCommand(DmaScopeCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InputException {
        Double d = duration;
        if (d != null && (!(d > 0) || d.isInfinite())) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--duration: expected a number of seconds greater than 0, not " + d);
        }
        if (Files.isDirectory(out)) {
            throw new InputException(out.toString(), null, "is a directory: name the trace file to write");
        }
        Integer pid = source.pid;
        if (pid == null && (rate != null || !tracefs.equals("off"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate and --tracefs go with --pid");
        }
        if (pid != null) {
            return recordPid(pid, d == null ? Double.POSITIVE_INFINITY : d, out);
        }
        String scenario = source.scenario;
        if (scenario == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "expected --pid PID or --scenario FILE");
        }
        return recordScenario(scenario, d, out);
    }

    /**
     * Records a live process for durationSeconds ({@link Double#POSITIVE_INFINITY}: until
     * interrupted) into out; returns the exit status.
     */
    int recordPid(int pid, double durationSeconds, Path out) {
        LiveRecord.Tracefs mode = switch (tracefs.toLowerCase(java.util.Locale.ROOT)) {
            case "off" -> LiveRecord.Tracefs.OFF;
            case "read" -> LiveRecord.Tracefs.READ;
            case "enable" -> LiveRecord.Tracefs.ENABLE;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--tracefs: expected off, read or enable, not '" + tracefs + "'");
        };
        java.io.PrintWriter err = spec.commandLine().getErr();
        int status = LiveRecord.recordPid(pid, durationSeconds, rate, out, spec.commandLine().getOut(), err, mode);
        err.flush();
        return status;
    }

    private int recordScenario(String name, @Nullable Double durationSeconds, Path target) throws InputException {
        StepKinds kinds = new StepKinds(ScenarioExtensions.installed());
        Scenario parsed;
        Path baseDir;
        try {
            Path file = Path.of(name);
            boolean builtin = BuiltinScenarios.isBuiltinName(name)
                    || (!Files.exists(file) && BuiltinScenarios.find(name).isPresent());
            if (builtin) {
                parsed = BuiltinScenarios.parse(new ScenarioParser(kinds), name);
                baseDir = Path.of(".");
            } else {
                if (!Files.exists(file)) {
                    throw new InputException(name, null, "no such file (nor a built-in scenario: builtin:1 to builtin:"
                            + BuiltinScenarios.list().size() + ")");
                }
                if (Files.isDirectory(file)) {
                    throw new InputException(name, null, "a folder, not a scenario file");
                }
                parsed = new ScenarioParser(kinds).parse(file, name);
                Path dir = file.toAbsolutePath().getParent();
                baseDir = dir == null ? Path.of(".") : dir;
            }
        } catch (ScenarioException e) {
            throw input(e);
        } catch (IllegalArgumentException e) {
            throw new InputException(name, null, e.getMessage(), e);
        } catch (IOException e) {
            throw new InputException(name, null, "cannot read: " + e.getMessage(), e);
        }
        ScenarioRunner runner = new ScenarioRunner(kinds,
                (topology, n) -> cli.sources().open(topology, n, new NullProgressMonitor()))
                .withBackends(MemoryBackends.installed());
        TraceWriter writer;
        try {
            writer = TraceWriter.create(target, TraceWriter.Options.DEFAULT);
        } catch (IOException | RuntimeException e) {
            throw new InputException(target.toString(), null, "cannot write the trace: " + e.getMessage(), e);
        }
        long limit = durationSeconds == null ? Long.MAX_VALUE : (long) Math.min(Long.MAX_VALUE, durationSeconds * 1e9);
        Simulator sim = new Simulator(runner, parsed, baseDir, writer);
        sim.setSpeed(Double.POSITIVE_INFINITY);
        try {
            sim.runUntil(limit);
        } finally {
            try {
                sim.close();
            } catch (IOException e) {
                throw new InputException(target.toString(), null, "cannot write the trace: " + e.getMessage(), e);
            }
        }
        ScenarioException failure = sim.failure();
        if (failure != null) {
            throw input(failure);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println(String.format(Locale.ROOT, "wrote %d events, %s s of simulated time, to %s (scenario %s: %d of %d steps)",
                sim.eventCount(), seconds(sim.simulatedTime()), target, parsed.name(), sim.stepIndex(),
                sim.stepCount()));
        o.flush();
        return DmaScopeCli.EXIT_OK;
    }

    private static String seconds(long nanos) {
        return new java.math.BigDecimal(nanos).movePointLeft(9).stripTrailingZeros().toPlainString();
    }

    private static InputException input(ScenarioException e) {
        return new InputException(e.file(), e.line() > 0 ? "line " + e.line() : null, e.problem(), e);
    }
}
