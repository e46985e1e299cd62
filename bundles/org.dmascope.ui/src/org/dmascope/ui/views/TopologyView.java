package org.dmascope.ui.views;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.peer.PeerReport;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.diagnose.doctor.Finding;
import org.dmascope.ui.graph.GraphCanvas;
import org.dmascope.ui.graph.GraphLayout;
import org.dmascope.ui.graph.PathHighlight;
import org.dmascope.ui.graph.TopologyGraph;
import org.dmascope.ui.icons.DeviceIcons;
import org.dmascope.ui.model.PeerModel;
import org.dmascope.ui.model.Sessions;
import org.dmascope.ui.model.SourceRef;
import org.dmascope.ui.model.TopologySession;
import org.dmascope.ui.model.TopologySnapshot;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.resource.ImageDescriptor;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.ISelectionListener;
import org.eclipse.ui.IWorkbenchPart;
import org.eclipse.ui.plugin.AbstractUIPlugin;

/**
 * The machine as a graph: CPUs, host bridges, switches and endpoints laid out by the Eclipse
 * Layout Kernel, NVLinks between GPUs. Select a device to see it in Properties; Ctrl+click a
 * second one (or click a Peer Matrix cell) and the path between them lights up: the kernel's
 * route with its map type and distance, the devices whose ACS redirects, NCCL's route where it
 * differs, and the slowest link. The full explanation is below the graph.
 */
public final class TopologyView extends OrderedPropertiesView {

    /** View ID. */
    public static final String ID = "org.dmascope.ui.views.topology";

    /** Widget data key under which controls are tagged, for tests and accessibility tools. */
    public static final String WIDGET_KEY = "org.dmascope.widget";

    /** The job family of graph layouts, for {@code IJobManager.join}. */
    public static final Object LAYOUT_FAMILY = new Object();

    private TopologySession session;
    private PeerModel peers;
    private DeviceIcons icons;
    private GraphCanvas canvas;
    private StyledText details;
    private Font monospace;
    private @Nullable TopologySnapshot shown;
    private @Nullable Job layoutJob;
    private boolean endpointsOnly;
    private long layoutMillis;
    private @Nullable PeerPair pair;
    private final SimpleSelectionProvider selectionProvider = new SimpleSelectionProvider();
    private final TopologySession.Listener sessionListener = new TopologySession.Listener() {
        @Override
        public void loadStarted(SourceRef source) {
            if (!canvas.isDisposed()) {
                setContentDescription("Reading " + source.name() + "...");
            }
        }

        @Override
        public void topologyChanged(TopologySnapshot snapshot) {
            if (!canvas.isDisposed()) {
                show(snapshot);
            }
        }

        @Override
        public void loadFailed(SourceRef source, String message) {
            if (!canvas.isDisposed()) {
                describe();
            }
        }
    };
    private final PeerModel.Listener peerListener = new PeerModel.Listener() {
        @Override
        public void analysisChanged(PeerModel.Peers p) {
            // New rules or CPU: the pair shown is asked again.
            PeerPair old = pair;
            if (old != null && !canvas.isDisposed()) {
                showPair(old.a().address(), old.b().address(), false);
            }
        }
    };
    private final ISelectionListener pageSelectionListener = this::pageSelectionChanged;

    @Override
    public void createPartControl(Composite parent) {
        session = Sessions.topology(getSite());
        peers = Sessions.peers(getSite());
        icons = new DeviceIcons(parent.getDisplay());
        SashForm sash = new SashForm(parent, SWT.VERTICAL);
        canvas = new GraphCanvas(sash, icons);
        canvas.setData(WIDGET_KEY, "topology.graph");
        details = new StyledText(sash, SWT.READ_ONLY | SWT.MULTI | SWT.H_SCROLL | SWT.V_SCROLL | SWT.WRAP);
        details.setData(WIDGET_KEY, "topology.details");
        details.setLeftMargin(6);
        details.setTopMargin(4);
        monospace = new Font(parent.getDisplay(), "Monospace", Math.max(8, parent.getFont().getFontData()[0].getHeight() - 1),
                SWT.NORMAL);
        details.setFont(monospace);
        sash.setWeights(76, 24);
        canvas.setTooltips(this::tooltip);
        canvas.addSelectionListener(this::canvasSelectionChanged);
        getSite().setSelectionProvider(selectionProvider);
        getSite().getPage().addSelectionListener(pageSelectionListener);
        createActions();
        session.addListener(sessionListener);
        peers.addListener(peerListener);
        session.current().ifPresentOrElse(this::show, this::describe);
    }

    private void createActions() {
        IToolBarManager toolBar = getViewSite().getActionBars().getToolBarManager();
        IMenuManager menu = getViewSite().getActionBars().getMenuManager();
        Action zoomIn = action("Zoom In", "icons/zoomin16.png", () -> canvas.zoomBy(1.25));
        Action zoomOut = action("Zoom Out", "icons/zoomout16.png", () -> canvas.zoomBy(1 / 1.25));
        Action fit = action("Fit to Window", "icons/fit16.png", canvas::fit);
        Action clear = action("Clear Path", "icons/clear16.png", () -> {
            pair = null;
            canvas.setHighlight(null);
            canvas.select(List.of());
            publish(StructuredSelection.EMPTY);
            showDetails();
        });
        Action swap = action("Swap Provider and Client", "icons/swap16.png", () -> {
            PeerPair p = pair;
            if (p != null) {
                showPair(p.b().address(), p.a().address(), true);
            }
        });
        Action endpoints = new Action("Show Only DMA Endpoints and Bridges", IAction.AS_CHECK_BOX) {
            @Override
            public void run() {
                endpointsOnly = isChecked();
                TopologySnapshot s = shown;
                if (s != null) {
                    layout(s);
                }
            }
        };
        endpoints.setToolTipText("Leave out functions that are not GPUs, NICs, storage or accelerators (bridges stay)");
        endpoints.setImageDescriptor(image("icons/filter16.png"));
        toolBar.add(zoomIn);
        toolBar.add(zoomOut);
        toolBar.add(fit);
        toolBar.add(new Separator());
        toolBar.add(swap);
        toolBar.add(clear);
        toolBar.add(endpoints);
        toolBar.add(new Separator("additions"));
        menu.add(endpoints);
        menu.add(new Separator());
        menu.add(swap);
        menu.add(clear);
        menu.add(new Separator());
        menu.add(zoomIn);
        menu.add(zoomOut);
        menu.add(fit);
    }

    private static Action action(String text, String icon, Runnable run) {
        Action a = new Action(text) {
            @Override
            public void run() {
                run.run();
            }
        };
        a.setToolTipText(text);
        a.setImageDescriptor(image(icon));
        return a;
    }

    private static @Nullable ImageDescriptor image(String path) {
        return AbstractUIPlugin.imageDescriptorFromPlugin("org.dmascope.ui", path);
    }

    // --- showing a topology ------------------------------------------------------------------

    private void show(TopologySnapshot snapshot) {
        shown = snapshot;
        pair = null;
        layout(snapshot);
    }

    // Lays the graph out in a Job (large machines take a moment), then shows it.
    private void layout(TopologySnapshot snapshot) {
        Job previous = layoutJob;
        if (previous != null) {
            previous.cancel();
        }
        boolean only = endpointsOnly;
        setContentDescription("Laying out " + snapshot.topology().source() + "...");
        Job job = new Job("Laying out the topology graph of " + snapshot.topology().source()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                GraphLayout.Placed placed;
                long start = System.nanoTime();
                try {
                    placed = GraphLayout.layout(TopologyGraph.of(snapshot.topology(), snapshot.names(), only));
                } catch (RuntimeException | LinkageError e) {
                    // The layout is a library's: say so on the view, keep what was shown.
                    canvas.getDisplay().asyncExec(() -> {
                        if (!canvas.isDisposed() && layoutJob == this) {
                            setContentDescription("Cannot lay out " + snapshot.topology().source() + ": " + e);
                        }
                    });
                    return Status.error("Cannot lay out the topology graph of " + snapshot.topology().source(), e);
                }
                if (monitor.isCanceled()) {
                    return Status.CANCEL_STATUS;
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                canvas.getDisplay().asyncExec(() -> {
                    if (!canvas.isDisposed() && layoutJob == this && shown == snapshot) {
                        layoutMillis = millis;
                        PeerPair keep = pair;
                        canvas.setGraph(placed);
                        if (keep != null) {
                            canvas.setHighlight(PathHighlight.of(keep));
                        }
                        describe();
                        showDetails();
                    }
                });
                return Status.OK_STATUS;
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == LAYOUT_FAMILY;
            }
        };
        job.setPriority(Job.LONG);
        layoutJob = job;
        job.schedule();
    }

    private void describe() {
        TopologySnapshot s = shown;
        if (s == null) {
            setContentDescription("No topology read yet.");
            return;
        }
        PciTopology t = s.topology();
        GraphLayout.Placed placed = canvas.graph();
        int hidden = placed == null ? 0 : placed.graph().hiddenEndpoints();
        setContentDescription(String.format(Locale.ROOT, "%s: %d functions below %d host bridge%s%s, laid out in %d ms. "
                + "Click a device; Ctrl+click a second one for the path between them.", t.source(), t.size(),
                t.hostBridges().size(), t.hostBridges().size() == 1 ? "" : "s",
                hidden > 0 ? " (" + hidden + " other functions not shown)" : "", layoutMillis));
    }

    // --- selection ---------------------------------------------------------------------------

    private void canvasSelectionChanged(List<String> ids) {
        TopologySnapshot s = shown;
        if (s == null) {
            return;
        }
        if (ids.size() == 2) {
            Optional<PciAddress> a = address(ids.get(0));
            Optional<PciAddress> b = address(ids.get(1));
            if (a.isPresent() && b.isPresent()) {
                showPair(a.get(), b.get(), true);
                return;
            }
        }
        pair = null;
        canvas.setHighlight(null);
        List<Object> elements = new ArrayList<>();
        for (String id : ids) {
            element(s, id).ifPresent(elements::add);
        }
        publish(new StructuredSelection(elements));
        showDetails();
    }

    /**
     * Lights up the path between two functions, the first as the P2P provider, and explains it
     * below the graph.
     *
     * @param publish whether the pair becomes the view's selection (for Properties)
     */
    public void showPair(PciAddress a, PciAddress b, boolean publish) {
        Optional<PeerPair> p = peers.pair(a, b);
        if (p.isEmpty()) {
            return;
        }
        pair = p.get();
        canvas.setHighlight(PathHighlight.of(p.get()));
        canvas.reveal(a.toString());
        if (publish) {
            publish(new StructuredSelection(p.get()));
        }
        showDetails();
    }

    private void showDetails() {
        TopologySnapshot s = shown;
        PeerPair p = pair;
        if (s == null) {
            details.setText("");
            return;
        }
        if (p != null) {
            PeerModel.Peers current = peers.current().orElse(null);
            List<String> lines = new ArrayList<>(PeerReport.lines(p, s.names(),
                    current == null ? PeerModel.rules(session.preferences()) : current.rules()));
            if (current != null && current.cpuAssumed()) {
                lines.add("  (CPU taken as " + current.cpu().describe() + ": Window > Preferences > DMA Scope)");
            }
            details.setText(String.join("\n", lines));
            return;
        }
        List<String> selected = canvas.selection();
        if (selected.isEmpty()) {
            details.setText("Select a device to see it here and in Properties. Ctrl+click a second device, or click a "
                    + "cell of the Peer Matrix, to see the path a peer-to-peer DMA between them takes: the kernel's "
                    + "decision (drivers/pci/p2pdma.c), NCCL's path type and nvidia-smi's class.");
            return;
        }
        List<String> lines = new ArrayList<>();
        for (String id : selected) {
            element(s, id).ifPresent(e -> lines.add(TopologyLabels.summary(e, s.names())));
        }
        details.setText(String.join("\n", lines));
    }

    private String tooltip(TopologyGraph.Node n) {
        TopologySnapshot s = shown;
        if (s == null) {
            return n.title();
        }
        Optional<Object> e = element(s, n.id());
        String text = e.map(o -> TopologyLabels.summary(o, s.names())).orElse(n.title() + ": " + n.subtitle());
        PciFunction f = n.function();
        if (f != null && f.link() != null) {
            text += "\nLink: " + f.link().describe();
        }
        if (f != null && f.acs() != null) {
            text += "\nACSCtl: " + f.acs().describeControl();
        }
        return text;
    }

    private static Optional<PciAddress> address(String id) {
        return PciAddress.isAddress(id) ? Optional.of(PciAddress.parse(id)) : Optional.empty();
    }

    private static Optional<Object> element(TopologySnapshot s, String id) {
        Optional<PciAddress> a = address(id);
        if (a.isPresent()) {
            return s.topology().function(a.get()).map(Object.class::cast);
        }
        for (HostBridge h : s.topology().hostBridges()) {
            if (h.sysfsName().equals(id)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    // Pairs from the Peer Matrix; devices from the PCI Tree.
    private void pageSelectionChanged(IWorkbenchPart part, ISelection selection) {
        if (part == this || canvas.isDisposed() || !(selection instanceof IStructuredSelection s) || s.isEmpty()) {
            return;
        }
        Object first = s.getFirstElement();
        if (first instanceof PeerPair p) {
            showPair(p.a().address(), p.b().address(), false);
        } else if (first instanceof PciFunction f && pair == null) {
            canvas.select(List.of(f.address().toString()));
            showDetails();
        } else if (first instanceof Finding f) {
            showFinding(f);
        }
    }

    // A doctor's finding from the Diagnostics view: the path between its first two devices, or its devices.
    private void showFinding(Finding f) {
        TopologySnapshot s = shown;
        if (s == null) {
            return;
        }
        List<String> devices = f.devices().stream().filter(d -> address(d).flatMap(a -> s.topology().function(a))
                .isPresent()).toList();
        if (devices.size() >= 2) {
            showPair(PciAddress.parse(devices.get(0)), PciAddress.parse(devices.get(1)), false);
            return;
        }
        pair = null;
        canvas.setHighlight(null);
        canvas.select(devices);
        devices.stream().findFirst().ifPresent(canvas::reveal);
        showDetails();
    }

    private void publish(ISelection selection) {
        selectionProvider.setSelection(selection);
    }

    /** The canvas (for tests). */
    public GraphCanvas canvas() {
        return canvas;
    }

    /** The text below the graph (for tests). */
    public String detailsText() {
        return details.getText();
    }

    /** The pair shown, if any. */
    public @Nullable PeerPair pair() {
        return pair;
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }


    @Override
    public void dispose() {
        getSite().getPage().removeSelectionListener(pageSelectionListener);
        session.removeListener(sessionListener);
        peers.removeListener(peerListener);
        Job job = layoutJob;
        if (job != null) {
            job.cancel();
        }
        icons.dispose();
        monospace.dispose();
        super.dispose();
    }
}
