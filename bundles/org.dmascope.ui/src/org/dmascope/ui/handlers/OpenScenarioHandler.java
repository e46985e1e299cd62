package org.dmascope.ui.handlers;

import java.nio.file.Path;

import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioExtensions;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepKinds;
import org.dmascope.sources.MemoryBackends;
import org.dmascope.sources.TopologySources;
import org.dmascope.ui.views.AddressChainView;
import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.handlers.HandlerUtil;

/**
 * File > Open Scenario: runs a scenario file (docs/scenario.md) in a Job with the installed step
 * kinds and memory backends, as {@code dmascope scenario run} does, and shows in the Address
 * Chain view the chain of the last step that built one, with every such step to choose from.
 * With the {@value #PATH_PARAMETER} parameter, runs that file without asking.
 */
public final class OpenScenarioHandler extends AbstractHandler {

    /** Command ID. */
    public static final String COMMAND_ID = "org.dmascope.ui.commands.openScenario";
    /** Optional parameter: the scenario to run without asking. */
    public static final String PATH_PARAMETER = "org.dmascope.ui.commands.openScenario.path";
    /** The family of scenario jobs. */
    public static final Object FAMILY = new Object();

    @Override
    public @Nullable Object execute(ExecutionEvent event) {
        IWorkbenchWindow window = HandlerUtil.getActiveWorkbenchWindow(event);
        String path = event.getParameter(PATH_PARAMETER);
        if (path == null || path.isBlank()) {
            FileDialog dialog = new FileDialog(window.getShell(), SWT.OPEN);
            dialog.setText("Open a scenario");
            dialog.setFilterNames(new String[] {"Scenarios (*.scenario)", "All files (*)"});
            dialog.setFilterExtensions(new String[] {"*.scenario", "*"});
            path = dialog.open();
            if (path == null) {
                return null;
            }
        }
        open(window, Path.of(path));
        return null;
    }

    /** Runs a scenario in a Job and shows its chains in the Address Chain view of the window. */
    public static Job open(IWorkbenchWindow window, Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString()
                .replaceFirst("\\.scenario$", "");
        Job job = new Job("Running scenario " + name) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                monitor.beginTask("Running scenario " + file, IProgressMonitor.UNKNOWN);
                ScenarioResult result;
                try {
                    result = runScenario(file, monitor);
                } catch (ScenarioException e) {
                    show(window, () -> MessageDialog.openError(window.getShell(), "Open Scenario", e.getMessage()));
                    return Status.OK_STATUS;
                } finally {
                    monitor.done();
                }
                if (monitor.isCanceled()) {
                    return Status.CANCEL_STATUS;
                }
                show(window, () -> {
                    try {
                        IWorkbenchPage page = window.getActivePage();
                        AddressChainView view = (AddressChainView) page.showView(AddressChainView.ID);
                        view.showScenario(name, result.outcomes());
                    } catch (PartInitException e) {
                        MessageDialog.openError(window.getShell(), "Open Scenario", "Cannot show the Address Chain"
                                + " view: " + e.getMessage());
                    }
                });
                return Status.OK_STATUS;
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == FAMILY;
            }
        };
        job.setUser(true);
        job.schedule();
        return job;
    }

    /** Runs a scenario file with the installed step kinds, memory backends and topology importers. */
    public static ScenarioResult runScenario(Path file, IProgressMonitor monitor) throws ScenarioException {
        TopologySources sources = TopologySources.builtIn();
        ScenarioRunner runner = new ScenarioRunner(new StepKinds(ScenarioExtensions.installed()),
                (topology, topologyName) -> sources.open(topology, topologyName, monitor))
                .withBackends(MemoryBackends.installed());
        return runner.run(file, file.toString());
    }

    private static void show(IWorkbenchWindow window, Runnable action) {
        if (!window.getShell().isDisposed()) {
            window.getShell().getDisplay().asyncExec(() -> {
                if (!window.getShell().isDisposed()) {
                    action.run();
                }
            });
        }
    }
}
