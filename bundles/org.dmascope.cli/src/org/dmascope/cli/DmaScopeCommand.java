package org.dmascope.cli;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top command: {@code dmascope}, whose subcommands do the work. */
@Command(name = "dmascope", mixinStandardHelpOptions = true, versionProvider = DmaScopeCommand.Version.class,
        description = {"DMA Scope shows how Linux turns a user pointer into DMA addresses and which PCIe path a "
                + "peer-to-peer DMA takes.", ""},
        footer = {"", "Without a command, ./dmascope opens the workbench (add --xvfb to start a virtual display);",
            "./dmascope test runs the whole test suite.",
            "Exit status: 0 success, 1 failure reported by a command, 2 bad usage or bad input."},
        synopsisSubcommandLabel = "COMMAND")
final class DmaScopeCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing COMMAND");
    }

    /** The version of the running bundle. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Bundle bundle = FrameworkUtil.getBundle(DmaScopeCommand.class);
            String v = bundle == null ? "development" : bundle.getVersion().toString();
            return new String[] {"DMA Scope " + v};
        }
    }
}
