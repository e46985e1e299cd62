package org.dmascope.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;

/**
 * The command-line application ({@code org.dmascope.cli.app}): the same product as the
 * workbench, run headless. Its return value is the process's exit status.
 */
public final class CliApplication implements IApplication {

    @Override
    public Object start(IApplicationContext context) {
        Object raw = context.getArguments().get(IApplicationContext.APPLICATION_ARGS);
        String[] args = raw instanceof String[] a ? a : new String[0];
        // Java 17 writes System.out in the locale's charset (ASCII without LANG): device names
        // from pci.ids are UTF-8, so write UTF-8 regardless.
        PrintWriter out = new PrintWriter(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        try {
            return Integer.valueOf(new DmaScopeCli(out, err).run(args));
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Override
    public void stop() {
        // Commands are short and run on the calling thread; nothing to interrupt.
    }
}
