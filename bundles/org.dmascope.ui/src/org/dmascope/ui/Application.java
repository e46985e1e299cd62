package org.dmascope.ui;

import java.nio.file.Path;

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
            int code = PlatformUI.createAndRunWorkbench(display, new DmaScopeWorkbenchAdvisor(initialSource(context)));
            return code == PlatformUI.RETURN_RESTART ? IApplication.EXIT_RESTART : IApplication.EXIT_OK;
        } finally {
            display.dispose();
        }
    }

    /** The application argument naming the source to open first instead of the live host. */
    public static final String OPEN_ARGUMENT = "--open";

    // "--open PATH" among the application's arguments (what the launcher did not consume).
    private static @Nullable Path initialSource(IApplicationContext context) {
        Object args = context.getArguments().get(IApplicationContext.APPLICATION_ARGS);
        if (args instanceof String[] list) {
            for (int i = 0; i + 1 < list.length; i++) {
                if (OPEN_ARGUMENT.equals(list[i])) {
                    return Path.of(list[i + 1]).toAbsolutePath();
                }
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
