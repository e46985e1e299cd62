package org.dmascope.ui;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import org.dmascope.sources.TopologySources;
import org.dmascope.ui.handlers.OpenTraceHandler;
import org.dmascope.ui.live.LiveSession;
import org.dmascope.ui.trace.TraceModel;
import org.dmascope.ui.trace.TraceTopology;
import org.dmascope.core.source.InputException;
import org.dmascope.scenario.sim.BuiltinScenarios;
import org.eclipse.core.runtime.Platform;
import org.eclipse.ui.WorkbenchException;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.dmascope.ui.model.PeerModel;
import org.dmascope.ui.model.SourceRef;
import org.dmascope.ui.model.TopologySession;
import org.dmascope.ui.model.TopologySnapshot;
import org.dmascope.ui.preferences.PreferenceConstants;
import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.jdt.annotation.Nullable;
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
     * how long it took from JVM start to its first painted window, then what its first read
     * gave, then closes: the probe that start-up measurements and the product's smoke test use.
     */
    public static final String STARTUP_PROBE_PROPERTY = "dmascope.startupProbe";

    private TopologySession session;
    private PeerModel peers;
    private final @Nullable Path initialSource;
    private final @Nullable Path initialTrace;
    private TraceModel traces;
    private TraceTopology traceTopology;
    private LiveSession live;

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
        peers = new PeerModel(session, Display.getCurrent());
        context.set(PeerModel.class, peers);
        traces = new TraceModel(Display.getCurrent(), preferences);
        context.set(TraceModel.class, traces);
        traceTopology = new TraceTopology(traces, session, Display.getCurrent());
        live = new LiveSession(traces, Display.getCurrent(), recordingsFolder());
        context.set(LiveSession.class, live);
        traces.addListener(new TraceModel.Listener() {
            @Override
            public void openFailed(Path file, String message) {
                if (Boolean.getBoolean(STARTUP_PROBE_PROPERTY)) {
                    return;
                }
                MessageDialog.openError(Display.getCurrent().getActiveShell(), "Cannot open " + file.getFileName(),
                        message + "\n\nWhat was open before stays open.");
            }
        });
        session.addListener(new TopologySession.Listener() {
            @Override
            public void loadFailed(SourceRef source, String message) {
                if (Boolean.getBoolean(STARTUP_PROBE_PROPERTY)) {
                    return; // the probe reports it and closes
                }
                Shell shell = Display.getCurrent().getActiveShell();
                MessageDialog.openError(shell, "Cannot open " + source.name(),
                        message + "\n\nWhat was open before stays open.");
            }
        });
    }

    /** A workbench opening the built-in default, the live host. */
    public DmaScopeWorkbenchAdvisor() {
        this(null);
    }

    /**
     * A workbench opening a source given on the command line ({@code --open PATH}), or the
     * live host when there is none.
     */
    public DmaScopeWorkbenchAdvisor(@Nullable Path initialSource) {
        this(initialSource, null);
    }

    /**
     * A workbench opening a topology source and a trace given on the command line (either may
     * be null: the live host, no trace).
     */
    public DmaScopeWorkbenchAdvisor(@Nullable Path initialSource, @Nullable Path initialTrace) {
        this.initialSource = initialSource;
        this.initialTrace = initialTrace;
    }

    // Recordings of live sessions go to the workbench's state folder.
    private static Path recordingsFolder() {
        Bundle bundle = FrameworkUtil.getBundle(DmaScopeWorkbenchAdvisor.class);
        if (bundle != null) {
            return Platform.getStateLocation(bundle).toFile().toPath().resolve("recordings");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "dmascope-recordings");
    }

    @Override
    public void postStartup() {
        Path source = initialSource;
        // The topology of this machine, or of the source named on the command line.
        session.open(source == null ? SourceRef.liveHost() : SourceRef.of(source));
        Path trace = initialTrace;
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        if (trace != null && window != null) {
            OpenTraceHandler.open(window, trace);
        } else if (source == null && window != null && !Boolean.getBoolean(NO_DEFAULT_SCENARIO_PROPERTY)) {
            startDefaultScenario(window);
        }
    }

    /**
     * With this system property set to {@code true}, the workbench does not start the default
     * simulated scenario when it is started without arguments (tests start it themselves).
     */
    public static final String NO_DEFAULT_SCENARIO_PROPERTY = "dmascope.noDefaultScenario";

    // With no arguments: the Live Debugging perspective, playing built-in scenario (1), simulated.
    private void startDefaultScenario(IWorkbenchWindow window) {
        try {
            window.getWorkbench().showPerspective(LiveDebuggingPerspective.ID, window);
        } catch (WorkbenchException e) {
            ILog.of(DmaScopeWorkbenchAdvisor.class).warn("cannot show the Live Debugging perspective: " + e.getMessage());
        }
        try {
            live.loadBuiltin(BuiltinScenarios.require(BuiltinScenarios.DEFAULT));
            live.play();
        } catch (InputException e) {
            MessageDialog.openError(window.getShell(), "Cannot start the default scenario",
                    e.getMessage() + "\n\nFile > Open opens a topology or a trace.");
        }
    }

    @Override
    public boolean preShutdown() {
        live.dispose();
        traceTopology.dispose();
        traces.dispose();
        peers.dispose();
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
            report("dmascope: first frame after " + millis + " ms (JVM start to painted window)");
            LiveSession.Origin playing = live.origin();
            if (playing != null) {
                report("dmascope: playing " + playing.label() + ", recording to " + playing.store());
            }
            // Then the first source's read: what the command line asked to open, or the live host.
            TopologySession.Listener done = new TopologySession.Listener() {
                @Override
                public void topologyChanged(TopologySnapshot snapshot) {
                    report("dmascope: opened " + snapshot.source().name() + ": " + snapshot.topology().size()
                            + " functions");
                    PlatformUI.getWorkbench().close();
                }

                @Override
                public void loadFailed(SourceRef source, String message) {
                    report("dmascope: cannot open " + source.name() + ": " + message);
                    PlatformUI.getWorkbench().close();
                }
            };
            session.current().ifPresentOrElse(done::topologyChanged, () -> session.addListener(done));
        });
    }

    private static void report(String line) {
        System.err.println(line);
        ILog.of(DmaScopeWorkbenchAdvisor.class).info(line);
    }
}
