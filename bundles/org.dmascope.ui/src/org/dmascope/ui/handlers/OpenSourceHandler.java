package org.dmascope.ui.handlers;

import java.nio.file.Path;

import org.dmascope.ui.model.Sessions;
import org.dmascope.ui.model.SourceRef;
import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.handlers.HandlerUtil;

/**
 * File > Open: reads a topology file chosen by the user, in any format DMA Scope reads (the
 * importer is chosen by content): a sysfs snapshot archive (.tar, .tar.gz, .tar.bz2), an
 * {@code lspci -xxx}/{@code -xxxx} dump or {@code lspci -vvv -nn} text, hwloc XML or an NCCL
 * topology XML. With the {@value #PATH_PARAMETER} parameter, opens that path (file or folder)
 * without asking.
 */
public final class OpenSourceHandler extends AbstractHandler {

    /** Command ID. */
    public static final String COMMAND_ID = "org.dmascope.ui.commands.open";
    /** Optional parameter: the path to open without asking. */
    public static final String PATH_PARAMETER = "org.dmascope.ui.commands.open.path";

    private static final String[] FILTER_NAMES = {
        "Topology sources (sysfs snapshots, lspci output, hwloc and NCCL XML)",
        "sysfs snapshots (*.tar, *.tar.gz, *.tgz, *.tar.bz2)",
        "XML: hwloc, NCCL topology (*.xml)",
        "lspci output (*.txt, *.lspci, *)",
        "All files (*)"};
    private static final String[] FILTER_EXTENSIONS = {
        "*.tar;*.tar.gz;*.tgz;*.tar.bz2;*.tbz2;*.xml;*.txt;*.lspci;*.dump",
        "*.tar;*.tar.gz;*.tgz;*.tar.bz2;*.tbz2",
        "*.xml",
        "*.txt;*.lspci;*.dump;*",
        "*"};

    @Override
    public @Nullable Object execute(ExecutionEvent event) {
        IWorkbenchWindow window = HandlerUtil.getActiveWorkbenchWindow(event);
        String path = event.getParameter(PATH_PARAMETER);
        if (path == null || path.isBlank()) {
            FileDialog dialog = new FileDialog(window.getShell(), SWT.OPEN);
            dialog.setText("Open a topology source");
            dialog.setFilterNames(FILTER_NAMES);
            dialog.setFilterExtensions(FILTER_EXTENSIONS);
            path = dialog.open();
            if (path == null) {
                return null;
            }
        }
        Sessions.topology(window).open(SourceRef.of(Path.of(path)));
        return null;
    }
}
