package org.dmascope.ui.handlers;

import java.nio.file.Path;

import org.dmascope.ui.model.Sessions;
import org.dmascope.ui.model.SourceRef;
import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.handlers.HandlerUtil;

/**
 * File > Open: reads a topology source chosen by the user (a sysfs tree: a copy of /sys or an
 * unpacked snapshot). With the {@value #PATH_PARAMETER} parameter, opens that path directly.
 */
public final class OpenSourceHandler extends AbstractHandler {

    /** Command ID. */
    public static final String COMMAND_ID = "org.dmascope.ui.commands.open";
    /** Optional parameter: the path to open without asking. */
    public static final String PATH_PARAMETER = "org.dmascope.ui.commands.open.path";

    @Override
    public @Nullable Object execute(ExecutionEvent event) {
        IWorkbenchWindow window = HandlerUtil.getActiveWorkbenchWindow(event);
        String path = event.getParameter(PATH_PARAMETER);
        if (path == null || path.isBlank()) {
            DirectoryDialog dialog = new DirectoryDialog(window.getShell());
            dialog.setText("Open a topology source");
            dialog.setMessage("Choose a sysfs tree: a directory holding bus/pci/devices, or an unpacked snapshot "
                    + "holding sys/.");
            path = dialog.open();
            if (path == null) {
                return null;
            }
        }
        Sessions.topology(window).open(SourceRef.of(Path.of(path)));
        return null;
    }
}
