package org.dmascope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.dmascope.core.source.InputException;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioExtension;
import org.dmascope.scenario.ScenarioExtensions;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepKinds;
import org.dmascope.sources.MemoryBackends;
import org.dmascope.trace.store.TraceWriter;
import org.eclipse.core.runtime.NullProgressMonitor;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmascope scenario}: scenario files (docs/scenario.md); {@code run} is its one subcommand. */
@Command(name = "scenario", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "run",
        description = {"Scenario files: a machine, processes and their mappings, device memory, and steps (mmap, "
                + "mprotect, touch, fork, hmm_range_fault, migrate, invalidate, ...) run on a simulation of the "
                + "kernel's rules. The format is in docs/scenario.md; scenarios/ holds the shipped ones."})
final class ScenarioCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /** The command with its subcommands. */
    static CommandLine create(DmaScopeCli cli) {
        CommandLine cl = new CommandLine(new ScenarioCommand());
        cl.addSubcommand(new RunCommand(cli));
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (run)");
    }

    /** {@code dmascope scenario run FILE [--json]}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run a scenario file and print the outcome of every step: the return code as the kernel's "
                    + "errno name (0, -EFAULT, -EPERM, -EBUSY, -ENOENT, ...), the values it gave (cpages, faults, "
                    + "seq, ...), the states of the pages, the chain where one was built, the rule that applied, "
                    + "and whether each expect line held. Exit 0 when the scenario ran, whatever the outcomes; 2 for "
                    + "a file that cannot be read or run as written, with its line."})
    static final class RunCommand implements Callable<Integer> {

        private final DmaScopeCli cli;

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The scenario file.")
        private String file = "";

        @Option(names = "--json", description = "Print JSON: scenario, file, steps (line, kind, text, rc, values, "
                + "pages, chain, notes, expect, failed) and expectations.")
        private boolean json;

        @Option(names = "--trace", paramLabel = "OUT", description = "Also write the events of the run (processes,"
                + " VMAs, page faults, MMU notifier invalidations, hmm_range_fault, migrations, MRs, GPUDirect and"
                + " dma-buf calls) to a trace store file (.dmatrace) that 'trace' commands and the workbench read.")
        private String trace = "";

        RunCommand(DmaScopeCli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() throws InputException {
            Path path = Path.of(file);
            if (!Files.exists(path)) {
                throw new InputException(file, null, "no such file");
            }
            if (Files.isDirectory(path)) {
                throw new InputException(file, null, "a folder, not a scenario file");
            }
            List<ScenarioExtension> extensions = ScenarioExtensions.installed();
            ScenarioRunner runner = new ScenarioRunner(new StepKinds(extensions),
                    (topology, name) -> cli.sources().open(topology, name, new NullProgressMonitor()))
                    .withBackends(MemoryBackends.installed());
            ScenarioResult result;
            TraceWriter writer = null;
            try {
                if (!trace.isEmpty()) {
                    try {
                        writer = TraceWriter.create(Path.of(trace), TraceWriter.Options.DEFAULT);
                    } catch (IOException | RuntimeException e) {
                        throw new InputException(trace, null, "cannot write the trace: " + e.getMessage(), e);
                    }
                    TraceWriter w = writer;
                    runner.withEventSink(event -> {
                        try {
                            w.append(event);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
                result = runner.run(path, file);
            } catch (ScenarioException e) {
                throw new InputException(e.file(), e.line() > 0 ? "line " + e.line() : null, e.problem(), e);
            } catch (UncheckedIOException e) {
                throw new InputException(trace, null, "cannot write the trace: " + e.getCause().getMessage(), e);
            } finally {
                if (writer != null) {
                    try {
                        writer.close();
                    } catch (IOException e) {
                        throw new InputException(trace, null, "cannot write the trace: " + e.getMessage(), e);
                    }
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ScenarioJson.write(result, out);
            } else {
                ScenarioText.write(result, out);
            }
            out.flush();
            return DmaScopeCli.EXIT_OK;
        }
    }
}
