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

/** File > Open Folder: reads a sysfs tree (a copy of /sys, or an unpacked snapshot holding sys/). */
public final class OpenFolderHandler extends AbstractHandler {

    /** Command ID. */
    public static final String COMMAND_ID = "org.dmascope.ui.commands.openFolder";

    @Override
    public @Nullable Object execute(ExecutionEvent event) {
        IWorkbenchWindow window = HandlerUtil.getActiveWorkbenchWindow(event);
        DirectoryDialog dialog = new DirectoryDialog(window.getShell());
        dialog.setText("Open a sysfs tree");
        dialog.setMessage("Choose a sysfs tree: a directory holding bus/pci/devices, or an unpacked snapshot holding sys/.");
        String path = dialog.open();
        if (path != null) {
            Sessions.topology(window).open(SourceRef.of(Path.of(path)));
        }
        return null;
    }
}
