package org.dmascope.ui;

import java.lang.management.ManagementFactory;

import org.dmascope.sources.TopologySources;
import org.dmascope.ui.model.SourceRef;
import org.dmascope.ui.model.TopologySession;
import org.dmascope.ui.preferences.PreferenceConstants;
import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.application.IWorkbenchConfigurer;
import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchAdvisor;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;
import org.eclipse.ui.preferences.ScopedPreferenceStore;

/**
 * Sets up the DMA Scope workbench: the topology session every view reads, the first
 * perspective, and the built-in default source (the live host).
 */
public final class DmaScopeWorkbenchAdvisor extends WorkbenchAdvisor {

    /** Perspective the first window opens with. */
    public static final String INITIAL_PERSPECTIVE = TopologyPerspective.ID;

    /**
     * With this system property set to {@code true}, the workbench reports on standard error
     * how long it took from JVM start to its first painted window, then closes: the probe that
     * start-up measurements and the product's smoke test use.
     */
    public static final String STARTUP_PROBE_PROPERTY = "dmascope.startupProbe";

    private TopologySession session;

    @Override
    public void initialize(IWorkbenchConfigurer configurer) {
        super.initialize(configurer);
        configurer.setSaveAndRestore(true);
    }

    @Override
    public void preStartup() {
        ScopedPreferenceStore preferences = new ScopedPreferenceStore(InstanceScope.INSTANCE,
                PreferenceConstants.PLUGIN_ID);
        session = new TopologySession(TopologySources.builtIn(), preferences, Display.getCurrent());
        IEclipseContext context = PlatformUI.getWorkbench().getService(IEclipseContext.class);
        context.set(TopologySession.class, session);
        session.addListener(new TopologySession.Listener() {
            @Override
            public void loadFailed(SourceRef source, String message) {
                Shell shell = Display.getCurrent().getActiveShell();
                MessageDialog.openError(shell, "Cannot open " + source.name(),
                        message + "\n\nWhat was open before stays open.");
            }
        });
    }

    @Override
    public void postStartup() {
        // The built-in default: this machine's PCI hierarchy.
        session.open(SourceRef.liveHost());
    }

    @Override
    public boolean preShutdown() {
        session.dispose();
        return true;
    }

    @Override
    public WorkbenchWindowAdvisor createWorkbenchWindowAdvisor(IWorkbenchWindowConfigurer configurer) {
        return new DmaScopeWindowAdvisor(configurer, this);
    }

    @Override
    public String getInitialWindowPerspectiveId() {
        return INITIAL_PERSPECTIVE;
    }

    /** Called by the window advisor once the first window is open. */
    void windowOpened(IWorkbenchWindow window) {
        if (!Boolean.getBoolean(STARTUP_PROBE_PROPERTY)) {
            return;
        }
        Display display = window.getShell().getDisplay();
        display.asyncExec(() -> {
            display.update();
            long millis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            String line = "dmascope: first frame after " + millis + " ms (JVM start to painted window)";
            System.err.println(line);
            ILog.of(DmaScopeWorkbenchAdvisor.class).info(line);
            PlatformUI.getWorkbench().close();
        });
    }
}
