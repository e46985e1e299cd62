package org.dmascope.ui;

import java.nio.file.Path;

import org.dmascope.ui.trace.TraceModel;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.PlatformUI;

/** The workbench application ({@code org.dmascope.ui.application}). */
public final class Application implements IApplication {

    @Override
    public Object start(IApplicationContext context) {
        Display display = PlatformUI.createDisplay();
        try {
            String[] args = arguments(context);
            Path trace = initialTrace(args);
            Path source = initialSource(args);
            if (source != null && source.equals(trace)) {
                source = null; // "--open FILE.dmatrace" opens a trace, not a topology
            }
            int code = PlatformUI.createAndRunWorkbench(display, new DmaScopeWorkbenchAdvisor(source, trace));
            return code == PlatformUI.RETURN_RESTART ? IApplication.EXIT_RESTART : IApplication.EXIT_OK;
        } finally {
            display.dispose();
        }
    }

    /** The application argument naming the source to open first instead of the live host. */
    public static final String OPEN_ARGUMENT = "--open";

    /** The application argument naming a trace to open in the Trace Inspection perspective. */
    public static final String TRACE_ARGUMENT = "--trace";

    // What the launcher did not consume.
    private static String[] arguments(IApplicationContext context) {
        Object args = context.getArguments().get(IApplicationContext.APPLICATION_ARGS);
        return args instanceof String[] list ? list : new String[0];
    }

    /** The topology source to open first: "--open PATH", or null. */
    public static @Nullable Path initialSource(String[] list) {
        for (int i = 0; i + 1 < list.length; i++) {
            if (OPEN_ARGUMENT.equals(list[i])) {
                return Path.of(list[i + 1]).toAbsolutePath();
            }
        }
        return null;
    }

    /**
     * The trace to open first: "--trace PATH", "--open PATH" or a bare PATH whose name is a
     * trace's (.dmatrace, .jsonl, .ndjson); null when there is none.
     */
    public static @Nullable Path initialTrace(String[] list) {
        for (int i = 0; i < list.length; i++) {
            String a = list[i];
            if ((TRACE_ARGUMENT.equals(a) || OPEN_ARGUMENT.equals(a)) && i + 1 < list.length) {
                Path p = Path.of(list[i + 1]);
                if (TRACE_ARGUMENT.equals(a) || TraceModel.looksLikeTrace(p)) {
                    return p.toAbsolutePath();
                }
                i++;
            } else if (!a.startsWith("-") && TraceModel.looksLikeTrace(Path.of(a))) {
                return Path.of(a).toAbsolutePath();
            }
        }
        return null;
    }

    @Override
    public void stop() {
        if (!PlatformUI.isWorkbenchRunning()) {
            return;
        }
        IWorkbench workbench = PlatformUI.getWorkbench();
        Display display = workbench.getDisplay();
        display.syncExec(() -> {
            if (!display.isDisposed()) {
                workbench.close();
            }
        });
    }
}
