package org.dmascope.ui.handlers;

import java.nio.file.Path;

import org.dmascope.ui.TraceInspectionPerspective;
import org.dmascope.ui.trace.TraceModel;
import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.WorkbenchException;
import org.eclipse.ui.handlers.HandlerUtil;

/**
 * File > Open Trace: opens a trace (a .dmatrace store, or JSON Lines converted in a Job) in
 * the Trace Inspection perspective. With the {@value #PATH_PARAMETER} parameter, opens that
 * file without asking (File > Recent Traces and the command line do).
 */
public final class OpenTraceHandler extends AbstractHandler {

    /** Command ID. */
    public static final String COMMAND_ID = "org.dmascope.ui.commands.openTrace";
    /** Optional parameter: the trace to open without asking. */
    public static final String PATH_PARAMETER = "org.dmascope.ui.commands.openTrace.path";

    @Override
    public @Nullable Object execute(ExecutionEvent event) {
        IWorkbenchWindow window = HandlerUtil.getActiveWorkbenchWindow(event);
        String path = event.getParameter(PATH_PARAMETER);
        if (path == null || path.isBlank()) {
            FileDialog dialog = new FileDialog(window.getShell(), SWT.OPEN);
            dialog.setText("Open a trace");
            dialog.setFilterNames(new String[] {"Traces (*.dmatrace, *.jsonl, *.ndjson)", "DMA Scope traces (*.dmatrace)",
                "JSON Lines (*.jsonl, *.ndjson)", "All files (*)"});
            dialog.setFilterExtensions(new String[] {"*.dmatrace;*.jsonl;*.ndjson", "*.dmatrace", "*.jsonl;*.ndjson", "*"});
            path = dialog.open();
            if (path == null) {
                return null;
            }
        }
        open(window, Path.of(path));
        return null;
    }

    /** Shows the Trace Inspection perspective and opens the trace there. */
    public static void open(IWorkbenchWindow window, Path file) {
        try {
            window.getWorkbench().showPerspective(TraceInspectionPerspective.ID, window);
        } catch (WorkbenchException e) {
            org.eclipse.core.runtime.ILog.of(OpenTraceHandler.class).error("cannot show the Trace Inspection perspective", e);
        }
        TraceModel.find(window).open(file);
    }
}
