package org.dmascope.cli;

import java.io.PrintWriter;

import org.dmascope.core.source.InputException;
import org.dmascope.sources.TopologySources;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Runs one DMA Scope command: parses the arguments, runs the command, and maps failures to the
 * exit statuses other tools rely on: 0 success, 1 a failure the command reports (such as a
 * check that found damage), 2 bad usage or bad input, with one line naming the input and the
 * place.
 */
public final class DmaScopeCli {

    /** Success. */
    public static final int EXIT_OK = 0;
    /** The command ran and reports a failure (or an internal error). */
    public static final int EXIT_FAILURE = 1;
    /** Bad usage or bad input. */
    public static final int EXIT_USAGE = 2;

    private final PrintWriter out;
    private final PrintWriter err;
    private final TopologySources sources;

    /** A command line writing to these streams, with the built-in importers. */
    public DmaScopeCli(PrintWriter out, PrintWriter err) {
        this(out, err, TopologySources.builtIn());
    }

    /** A command line writing to these streams, with these importers. */
    public DmaScopeCli(PrintWriter out, PrintWriter err, TopologySources sources) {
        this.out = out;
        this.err = err;
        this.sources = sources;
    }

    /** The importers commands read topologies with. */
    TopologySources sources() {
        return sources;
    }

    /** Runs the command the arguments name and returns the exit status. */
    public int run(String... args) {
        CommandLine cl = commandLine();
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** The picocli command tree, with DMA Scope's error handling. */
    CommandLine commandLine() {
        CommandLine cl = new CommandLine(new DmaScopeCommand());
        cl.addSubcommand(new TopoCommand(this));
        cl.addSubcommand(new PathsCommand(this));
        cl.addSubcommand(new ResolveCommand(this));
        cl.addSubcommand(new BenchCommand(this));
        cl.addSubcommand("trace", TraceCommand.create());
        cl.addSubcommand(ScenarioCommand.create(this));
        cl.addSubcommand(new DoctorCommand(this));
        cl.addSubcommand(new CollectCommand());
        cl.addSubcommand(new RecordCommand(this));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(DmaScopeCli::usageError);
        cl.setExecutionExceptionHandler((ex, command, parseResult) -> {
            if (ex instanceof InputException input) {
                err.println("dmascope: " + input.getMessage());
                return EXIT_USAGE;
            }
            err.println("dmascope: internal error: " + ex);
            return EXIT_FAILURE;
        });
        return cl;
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String path = cmd.getCommandSpec().qualifiedName(" ");
        cmd.getErr().println(path + ": " + ex.getMessage() + " (see '" + path + " --help')");
        return EXIT_USAGE;
    }
}
