package org.dmascope.ui.views;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.dmascope.core.backend.BackendStyle;
import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.ChainStep;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.chain.PeerMappings;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.chain.UmemRequest;
import org.dmascope.core.chain.UmemResolver;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Sizes;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.scenario.ChainView;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.sources.DmaDevices;
import org.dmascope.sources.MemoryBackends;
import org.dmascope.sources.proc.LiveProcess;
import org.dmascope.sources.proc.ProcMemory;
import org.dmascope.ui.chain.ChainCanvas;
import org.dmascope.ui.chain.ChainItem;
import org.dmascope.ui.chain.SegmentHistogram;
import org.dmascope.ui.live.LiveSession;
import org.dmascope.ui.model.PeerModel;
import org.dmascope.ui.model.Sessions;
import org.dmascope.ui.model.TopologySession;
import org.dmascope.ui.model.TopologySnapshot;
import org.dmascope.ui.trace.TraceModel;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.custom.CTabItem;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;

/**
 * The address chain of a live process's memory: what {@code ibv_reg_mr()} would make of a user
 * pointer, from the VMAs through the pinned pages and the scatter list to the DMA segments and
 * the MR's page size, drawn stage by stage and listed with the kernel rule of every step.
 * Opens on a buffer of the workbench's own Java heap, so that it shows a real chain at once.
 *
 * <p>It also shows chains computed elsewhere ({@link #showChain}): the chains a scenario's steps
 * built ({@link #showScenario}, File > Open Scenario...), one step at a time, chosen in a list. The
 * line under the form always says which chain is shown: "live pid N" or "scenario X, step line N".
 */
public final class AddressChainView extends OrderedPropertiesView {

    /** View ID. */
    public static final String ID = "org.dmascope.ui.views.addressChain";
    /** The family of resolution jobs. */
    public static final Object RESOLVE_FAMILY = new Object();

    /** The largest region whose page runs and scatter-list entries the view keeps: 4 GiB. */
    static final long KEEP_LIMIT = 4L << 30;
    private static final String NO_DEVICE = "No IOMMU, no offset (DMA address = physical address)";
    private static final String[] IOMMU_CHOICES = {"as the device's IOMMU group says", "off (dma-direct)",
        "on (IOMMU DMA domain)"};
    private static final String[] ACCESS_CHOICES = {"local-write, remote-write, remote-read", "remote-read only"};
    private static final int[] ACCESS_FLAGS = {IbAccess.LOCAL_WRITE | IbAccess.REMOTE_WRITE | IbAccess.REMOTE_READ,
        IbAccess.REMOTE_READ};

    private Combo process;
    private Text address;
    private Text length;
    private Combo deviceCombo;
    private Combo iommuCombo;
    private Text maxSegment;
    private Combo accessCombo;
    private Button resolveButton;
    private Label message;
    private Label shown;
    private Combo scenarioSteps;
    private ChainCanvas canvas;
    private CTabFolder tabs;
    private Table steps;
    private Table pages;
    private Table sg;
    private Table dma;
    private SegmentHistogram histogram;
    private final List<PciFunction> devices = new ArrayList<>();
    private final SimpleSelectionProvider selectionProvider = new SimpleSelectionProvider();
    private @Nullable AddressChain chain;
    private @Nullable Job job;
    private String scenarioName = "";
    private final List<StepOutcome> scenarioOutcomes = new ArrayList<>();
    private final TopologySession.Listener topologyListener = new TopologySession.Listener() {
        @Override
        public void topologyChanged(TopologySnapshot snapshot) {
            if (!deviceCombo.isDisposed()) {
                fillDevices(snapshot);
            }
        }
    };

    @Override
    public void createPartControl(Composite parent) {
        Composite top = new Composite(parent, SWT.NONE);
        GridLayout layout = new GridLayout(8, false);
        layout.marginWidth = 4;
        layout.marginHeight = 2;
        top.setLayout(layout);

        new Label(top, SWT.NONE).setText("Process:");
        process = new Combo(top, SWT.DROP_DOWN);
        process.setData(TopologyView.WIDGET_KEY, "chain.process");
        process.setLayoutData(new GridData(220, SWT.DEFAULT));
        process.setToolTipText("A process ID (the list shows the processes of this machine)");
        new Label(top, SWT.NONE).setText("Address:");
        address = new Text(top, SWT.BORDER);
        address.setData(TopologyView.WIDGET_KEY, "chain.address");
        address.setLayoutData(new GridData(150, SWT.DEFAULT));
        new Label(top, SWT.NONE).setText("Length:");
        length = new Text(top, SWT.BORDER);
        length.setData(TopologyView.WIDGET_KEY, "chain.length");
        length.setLayoutData(new GridData(80, SWT.DEFAULT));
        length.setToolTipText("Bytes: 4096, 0x1000, 8M, 2G");
        new Label(top, SWT.NONE).setText("Access:");
        accessCombo = new Combo(top, SWT.READ_ONLY);
        accessCombo.setItems(ACCESS_CHOICES);
        accessCombo.select(0);

        new Label(top, SWT.NONE).setText("Device:");
        deviceCombo = new Combo(top, SWT.READ_ONLY);
        deviceCombo.setData(TopologyView.WIDGET_KEY, "chain.device");
        deviceCombo.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 3, 1));
        new Label(top, SWT.NONE).setText("IOMMU:");
        iommuCombo = new Combo(top, SWT.READ_ONLY);
        iommuCombo.setData(TopologyView.WIDGET_KEY, "chain.iommu");
        iommuCombo.setItems(IOMMU_CHOICES);
        iommuCombo.select(0);
        new Label(top, SWT.NONE).setText("Max segment:");
        Composite last = new Composite(top, SWT.NONE);
        GridLayout lastLayout = new GridLayout(2, false);
        lastLayout.marginWidth = 0;
        lastLayout.marginHeight = 0;
        last.setLayout(lastLayout);
        maxSegment = new Text(last, SWT.BORDER);
        maxSegment.setData(TopologyView.WIDGET_KEY, "chain.maxSegment");
        maxSegment.setLayoutData(new GridData(70, SWT.DEFAULT));
        maxSegment.setToolTipText("The device's maximum DMA segment size; empty: the driver's (64 KiB by default)");
        resolveButton = new Button(last, SWT.PUSH);
        resolveButton.setText("Resolve");
        resolveButton.setData(TopologyView.WIDGET_KEY, "chain.resolve");
        resolveButton.addListener(SWT.Selection, e -> resolve());

        Composite source = new Composite(top, SWT.NONE);
        GridLayout sourceLayout = new GridLayout(3, false);
        sourceLayout.marginWidth = 0;
        sourceLayout.marginHeight = 0;
        source.setLayout(sourceLayout);
        source.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 8, 1));
        shown = new Label(source, SWT.NONE);
        shown.setData(TopologyView.WIDGET_KEY, "chain.shown");
        shown.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        new Label(source, SWT.NONE).setText("Scenario step:");
        scenarioSteps = new Combo(source, SWT.READ_ONLY);
        scenarioSteps.setData(TopologyView.WIDGET_KEY, "chain.scenarioSteps");
        scenarioSteps.setLayoutData(new GridData(420, SWT.DEFAULT));
        scenarioSteps.setToolTipText("The steps of the open scenario that built an address chain (File > Open"
                + " Scenario...): choose one to show its chain");
        scenarioSteps.setItems("(no scenario open: File > Open Scenario...)");
        scenarioSteps.select(0);
        scenarioSteps.setEnabled(false);
        scenarioSteps.addListener(SWT.Selection, e -> showScenarioStep(scenarioSteps.getSelectionIndex()));

        message = new Label(top, SWT.WRAP);
        message.setData(TopologyView.WIDGET_KEY, "chain.message");
        message.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false, 8, 1));

        SashForm sash = new SashForm(top, SWT.VERTICAL);
        sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 8, 1));
        canvas = new ChainCanvas(sash);
        canvas.setData(TopologyView.WIDGET_KEY, "chain.canvas");
        tabs = new CTabFolder(sash, SWT.BORDER | SWT.BOTTOM);
        tabs.setData(TopologyView.WIDGET_KEY, "chain.tabs");
        steps = table("Steps", "chain.steps", new String[] {"#", "Step", "Input", "Output", "Rule"},
                new int[] {30, 80, 260, 220, 900}, false);
        pages = table("Page runs", "chain.pages", new String[] {"Virtual address", "PFN", "Pages", "Page size", "State"},
                new int[] {150, 110, 80, 80, 400}, true);
        sg = table("Scatter list", "chain.sg", new String[] {"Entry", "Physical address", "Offset", "Length", "Pages",
            "Page map"}, new int[] {60, 150, 60, 100, 80, 80}, true);
        dma = table("Scatter-gather entries", "chain.dma", new String[] {"Entry", "DMA address", "Length",
            "CPU entries", "Physical address", "Kind"}, new int[] {70, 150, 100, 90, 150, 160}, true);
        CTabItem sizes = new CTabItem(tabs, SWT.NONE);
        sizes.setText("Segment sizes");
        histogram = new SegmentHistogram(tabs);
        histogram.setData(TopologyView.WIDGET_KEY, "chain.histogram");
        sizes.setControl(histogram);
        tabs.setSelection(0);
        sash.setWeights(64, 36);
        canvas.addItemListener(this::itemClicked);
        getSite().setSelectionProvider(selectionProvider);
        deviceCombo.addListener(SWT.Selection, e -> {
            int index = deviceCombo.getSelectionIndex() - 1;
            if (index >= 0 && index < devices.size()) {
                // The Topology view shows the device, Properties describes it.
                selectionProvider.setSelection(new StructuredSelection(devices.get(index)));
            }
        });
        pages.addListener(SWT.SetData, e -> fillPage((TableItem) e.item));
        sg.addListener(SWT.SetData, e -> fillSg((TableItem) e.item));
        dma.addListener(SWT.SetData, e -> fillDma((TableItem) e.item));

        fillProcesses();
        TopologySession session = Sessions.topology(getSite());
        session.addListener(topologyListener);
        fillDevices(session.current().orElse(null));
        defaultsForOwnHeap();
        resolve();
        followSimulator();
    }

    private Table table(String title, String key, String[] headers, int[] widths, boolean virtual) {
        CTabItem item = new CTabItem(tabs, SWT.NONE);
        item.setText(title);
        Table t = new Table(tabs, SWT.FULL_SELECTION | SWT.BORDER | (virtual ? SWT.VIRTUAL : 0));
        t.setData(TopologyView.WIDGET_KEY, key);
        t.setHeaderVisible(true);
        t.setLinesVisible(true);
        for (int i = 0; i < headers.length; i++) {
            TableColumn c = new TableColumn(t, SWT.LEFT);
            c.setText(headers[i]);
            c.setWidth(widths[i]);
        }
        item.setControl(t);
        return t;
    }

    private void fillProcesses() {
        try {
            process.setItems(ProcessChoices.list().toArray(String[]::new));
        } catch (IOException e) {
            message("Cannot list the processes in /proc: " + e.getMessage(), true);
        }
    }

    private void fillDevices(@Nullable TopologySnapshot snapshot) {
        String selected = deviceCombo.getSelectionIndex() > 0 ? deviceCombo.getText() : null;
        devices.clear();
        deviceCombo.removeAll();
        deviceCombo.add(NO_DEVICE);
        if (snapshot != null) {
            for (PciFunction f : snapshot.topology().functions()) {
                if (!f.isBridge()) {
                    devices.add(f);
                    deviceCombo.add(f.address() + "  " + snapshot.names().describe(f));
                }
            }
        }
        int index = selected == null ? 0 : deviceCombo.indexOf(selected);
        deviceCombo.select(Math.max(0, index));
    }

    // The workbench's own heap: the first private anonymous read-write VMA of 8 MiB or more.
    private void defaultsForOwnHeap() {
        long pid = ProcessHandle.current().pid();
        String self = pid + " " + ProcessHandle.current().info().command().map(c -> Path.of(c).getFileName().toString())
                .orElse("");
        process.setText(self.strip());
        try {
            AddressSpace space = new ProcMemory().open((int) pid, PhysicalMemoryMap.systemRamOnly()).addressSpace();
            for (Vma v : space.vmas()) {
                if (v.isAnonymous() && v.name().isEmpty() && v.permissions().equals("rw-p") && v.length() >= 8L << 20) {
                    address.setText(String.format(Locale.ROOT, "%#x", v.start()));
                    length.setText("8M");
                    return;
                }
            }
        } catch (MemoryReadException e) {
            message(e.getMessage(), true);
        }
    }

    /** Fills the form (for tests and for callers that know what to resolve). */
    public void setRequest(long pid, long addr, long len) {
        process.setText(Long.toString(pid));
        address.setText(String.format(Locale.ROOT, "%#x", addr));
        length.setText(Long.toString(len));
    }

    /** Resolves what the form says, in a job; the chain shown stays until the new one is ready. */
    public void resolve() {
        int pid = ProcessChoices.pidOf(process.getText());
        long addr;
        long len;
        long maxSeg = -1;
        if (pid <= 0) {
            message("Process: not a process ID: " + process.getText(), true);
            return;
        }
        try {
            addr = Sizes.parse(address.getText());
        } catch (IllegalArgumentException e) {
            message("Address: " + e.getMessage(), true);
            return;
        }
        try {
            len = Sizes.parse(length.getText());
        } catch (IllegalArgumentException e) {
            message("Length: " + e.getMessage(), true);
            return;
        }
        if (!maxSegment.getText().isBlank()) {
            try {
                maxSeg = Sizes.parse(maxSegment.getText());
                if (maxSeg < 4096 || maxSeg > 0xffffffffL) {
                    throw new IllegalArgumentException("must be 4096 to 0xffffffff bytes");
                }
            } catch (IllegalArgumentException e) {
                message("Max segment: " + e.getMessage(), true);
                return;
            }
        }
        int deviceIndex = deviceCombo.getSelectionIndex() - 1;
        PciFunction function = deviceIndex >= 0 && deviceIndex < devices.size() ? devices.get(deviceIndex) : null;
        int iommu = iommuCombo.getSelectionIndex();
        int access = ACCESS_FLAGS[Math.max(0, accessCombo.getSelectionIndex())];
        TopologySession session = Sessions.topology(getSite());
        TopologySnapshot snapshot = session.current().orElse(null);
        KernelRules rules = PeerModel.rules(session.preferences());
        long segment = maxSeg;
        Job previous = job;
        if (previous != null) {
            previous.cancel();
        }
        message(String.format(Locale.ROOT, "Resolving %#x + %s of process %d...", addr, Sizes.human(len), pid), false);
        Job j = new Job(String.format(Locale.ROOT, "Resolving the address chain of process %d at %#x", pid, addr)) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                DmaDevice device = function != null && snapshot != null ? DmaDevices.of(function, snapshot.names())
                        : DmaDevice.plain();
                if (iommu > 0) {
                    device = device.withIommu(iommu == 2);
                }
                if (segment > 0) {
                    device = device.withMaxSegmentSize(segment);
                }
                Outcome outcome = compute(pid, addr, len, access, device,
                        function != null && snapshot != null ? snapshot.topology() : null, rules);
                if (monitor.isCanceled()) {
                    return Status.CANCEL_STATUS;
                }
                canvas.getDisplay().asyncExec(() -> {
                    if (!canvas.isDisposed() && job == this) {
                        show(outcome);
                    }
                });
                return Status.OK_STATUS;
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == RESOLVE_FAMILY;
            }
        };
        j.setPriority(Job.LONG);
        job = j;
        j.schedule();
    }

    /** What a resolution gave: a chain, or why there is none. */
    private record Outcome(@Nullable AddressChain chain, List<BackendStyle> styles, @Nullable String problem,
            List<String> notes, boolean pfnsHidden) {
    }

    private static Outcome compute(int pid, long addr, long len, int access, DmaDevice device,
            @Nullable PciTopology topology, KernelRules rules) {
        ProcMemory proc = new ProcMemory();
        List<String> notes = new ArrayList<>();
        PhysicalMemoryMap physical = proc.physicalMap(notes);
        try {
            LiveProcess p = proc.open(pid, physical);
            AddressSpace space = p.addressSpace();
            Optional<Vma> vma = space.vma(addr);
            if (vma.isEmpty()) {
                return failed(String.format(Locale.ROOT, "Address %#x is outside every VMA of process %d (%s).", addr,
                        pid, space.command()));
            }
            if (vma.get().isProtNone()) {
                return failed(String.format(Locale.ROOT, "Address %#x is in PROT_NONE memory of process %d: %s", addr,
                        pid, vma.get().mapsLine()));
            }
            List<MemoryBackend> backends = MemoryBackends.installed();
            if (backends.isEmpty()) {
                return failed("No memory backend is installed (the bundle org.dmascope.backend.structpage is missing or"
                        + " not started).");
            }
            // The view draws page runs and CPU entries; above KEEP_LIMIT it keeps only what maps
            // to DMA segments, so that a huge region does not fill the heap with runs.
            UmemRequest request = UmemRequest.of(space, physical, addr, len, access, device)
                    .withKeepPages(Long.compareUnsigned(len, KEEP_LIMIT) <= 0);
            if (topology != null && device.address() != null) {
                // P2PDMA memory is mapped as the peer paths of this machine say.
                request = request.withPeers(PeerMappings.of(physical, topology, device.address(),
                        new KernelP2pEngine(rules)));
            }
            AddressChain c = new UmemResolver(backends).resolve(request);
            List<BackendStyle> styles = new ArrayList<>();
            for (String id : c.backends()) {
                styles.add(backends.stream().filter(b -> b.id().equals(id)).findFirst().map(MemoryBackend::style)
                        .orElse(new BackendStyle(0xa0a0a0, "none", "no backend", java.util.Map.of())));
            }
            notes.addAll(p.notes());
            return new Outcome(c, styles, null, notes, !p.pfnsVisible());
        } catch (MemoryReadException e) {
            return failed(e.getMessage());
        }
    }

    private static Outcome failed(String problem) {
        return new Outcome(null, List.of(), problem, List.of(), false);
    }

    private void show(Outcome o) {
        AddressChain c = o.chain();
        if (c == null) {
            // Keep the chain shown: the new request failed, the old answer is still true of its request.
            message(o.problem() + (chain != null ? " The chain shown is the previous one." : ""), true);
            return;
        }
        String source = String.format(Locale.ROOT, "live pid %d (%s)", c.request().space().pid(),
                c.request().space().command());
        display(c, o.styles(), source);
        // The scenario's steps stay to choose from, none of them shown now.
        scenarioSteps.deselectAll();
        StringBuilder text = new StringBuilder();
        if (c.error() != null) {
            text.append("Refused: -").append(c.error()).append(": ").append(c.lastWhy());
        } else {
            text.append(summary(c));
        }
        if (c.pages() == null && c.pin() != null) {
            text.append(String.format(Locale.ROOT, "\nAbove %s the view keeps no page runs%s; the DMA segments are all"
                    + " here.", Sizes.human(KEEP_LIMIT), c.sg() == null ? " and no CPU scatter-list entries" : ""));
        }
        if (o.pfnsHidden()) {
            text.append("\nPFNs hidden: pagemap shows PFN 0 without CAP_SYS_ADMIN; VMAs and presence are real, physical"
                    + " and DMA addresses are not known.");
        }
        for (String note : o.notes()) {
            text.append("\n").append(note);
        }
        message(text.toString(), c.error() != null);
    }

    /**
     * Shows a chain computed elsewhere (a scenario step, a simulator), in place of the live one.
     * A live resolution still running is cancelled, so that it does not replace this chain.
     *
     * @param c      the chain
     * @param styles the style of each of its VMAs' backends, in the order of {@link AddressChain#vmas()}
     * @param title  what the chain is, shown above it and in Properties ("scenario migrate, step line 9")
     * @throws IllegalArgumentException when there is not one style per VMA
     */
    public void showChain(AddressChain c, List<BackendStyle> styles, String title) {
        if (styles.size() != c.vmas().size()) {
            throw new IllegalArgumentException(styles.size() + " styles for " + c.vmas().size() + " VMAs");
        }
        Job running = job;
        if (running != null) {
            running.cancel();
            job = null;
        }
        display(c, styles, title);
        StringBuilder text = new StringBuilder(title).append(": ");
        if (c.error() != null) {
            text.append("refused: -").append(c.error()).append(": ").append(c.lastWhy());
        } else if (c.pin() != null) {
            text.append(summary(c));
        } else {
            PageRuns runs = c.pages();
            text.append(String.format(Locale.ROOT, "%,d pages in %,d runs, nothing pinned", runs == null ? 0
                    : runs.totalPages(), runs == null ? 0 : runs.size()));
            if (c.dma() != null) {
                text.append(String.format(Locale.ROOT, "; %,d DMA segments", c.dma().size()));
            }
            text.append('.');
            for (ChainStep st : c.steps()) {
                text.append("\n").append(st.step()).append(": ").append(st.why());
            }
        }
        message(text.toString(), c.error() != null);
    }

    /**
     * Shows the chains a scenario's steps built: the list offers every step that built one, and
     * the last of them is shown. Steps without a chain are left out of the list.
     *
     * @param name     the scenario's name, as the view names it
     * @param outcomes the outcomes of its steps, in order
     * @return how many steps built a chain (none: the view keeps the chain it shows, and says so)
     */
    public int showScenario(String name, List<StepOutcome> outcomes) {
        scenarioName = name;
        scenarioOutcomes.clear();
        for (StepOutcome o : outcomes) {
            if (o.chainView() != null) {
                scenarioOutcomes.add(o);
            }
        }
        scenarioSteps.removeAll();
        if (scenarioOutcomes.isEmpty()) {
            scenarioSteps.add("(no step of scenario " + name + " built a chain)");
            scenarioSteps.select(0);
            scenarioSteps.setEnabled(false);
            message("No step of scenario " + name + " built an address chain (register_mr, dmirror, hmm_range_fault,"
                    + " odp and gpu reg_mr steps do).", true);
            return 0;
        }
        for (StepOutcome o : scenarioOutcomes) {
            scenarioSteps.add(String.format(Locale.ROOT, "line %d: %s  →  %s", o.line(), o.text(), o.rc()));
        }
        scenarioSteps.setEnabled(true);
        scenarioSteps.select(scenarioOutcomes.size() - 1);
        scenarioSteps.getParent().layout(true, true);
        showScenarioStep(scenarioOutcomes.size() - 1);
        return scenarioOutcomes.size();
    }

    /** The steps of the open scenario that built a chain, as the list shows them. */
    public List<String> scenarioSteps() {
        return scenarioOutcomes.isEmpty() ? List.of() : List.of(scenarioSteps.getItems());
    }

    /** Shows the chain of the i-th step of {@link #scenarioSteps()}, as choosing it in the list does. */
    public void selectScenarioStep(int index) {
        scenarioSteps.select(index);
        showScenarioStep(index);
    }

    private void showScenarioStep(int index) {
        if (index < 0 || index >= scenarioOutcomes.size()) {
            return;
        }
        StepOutcome o = scenarioOutcomes.get(index);
        ChainView v = o.chainView();
        if (v != null) {
            showChain(v.chain(), v.styles(), String.format(Locale.ROOT, "scenario %s, step line %d (%s)",
                    scenarioName, o.line(), o.text()));
        }
    }

    /** What the view says of the chain shown: "live pid N (comm)" or "scenario X, step line N (...)". */
    public String shownTitle() {
        return canvas.source();
    }

    private void display(AddressChain c, List<BackendStyle> styles, String source) {
        // Only showSimulated says the chain shown is a simulator step's (it sets this after).
        followed = null;
        emptyFor = null;
        chain = c;
        canvas.setChain(c, styles, source);
        shown.setText("Shown: " + source);
        shown.getParent().layout(true, true);
        steps.removeAll();
        int n = 1;
        for (ChainStep s : c.steps()) {
            TableItem item = new TableItem(steps, SWT.NONE);
            item.setText(new String[] {Integer.toString(n++), s.step(), s.input(), s.output(), s.why()});
            if (c.error() != null && n - 1 == c.steps().size()) {
                item.setForeground(steps.getDisplay().getSystemColor(SWT.COLOR_DARK_RED));
            }
        }
        pages.clearAll();
        pages.setItemCount(c.pages() == null ? 0 : c.pages().size());
        sg.clearAll();
        sg.setItemCount(c.sg() == null ? 0 : c.sg().size());
        dma.clearAll();
        dma.setItemCount(c.dma() == null ? 0 : c.dma().size());
        DmaSegments segments = c.dma();
        long[] lengths = new long[segments == null ? 0 : segments.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = segments.length(i);
        }
        histogram.setSizes(lengths, lengths.length, String.format(Locale.ROOT, "%,d scatter-gather entries by size (%s)",
                lengths.length, c.request().device().iommu() ? "through the IOMMU" : "dma-direct"));
        setContentDescription(String.format(Locale.ROOT, "%s: process %d (%s), %#x + %s, %s", source,
                c.request().space().pid(), c.request().space().command(), c.request().address(),
                Sizes.human(c.request().length()), c.request().device().describe()));
    }

    private static String summary(AddressChain c) {
        ScatterList.Counts s = c.sgCounts();
        DmaSegments d = c.dma();
        return String.format(Locale.ROOT, "%,d pages pinned (%,d faulted in, %,d copied on write) → %,d scatter-list entries"
                + " → %,d DMA segments%s; MR page size %s, %,d DMA blocks.", c.pin() == null ? 0 : c.pin().pages(),
                c.pin() == null ? 0 : c.pin().faulted(), c.pin() == null ? 0 : c.pin().cowBroken(),
                s == null ? 0 : s.entries(), d == null ? 0 : d.size(),
                c.iova() != 0 ? String.format(Locale.ROOT, " at IOVA %#x", c.iova()) : "",
                c.pageSize() > 0 ? Sizes.human(c.pageSize()) : c.pageSize() == 0 ? "none fits" : "not known",
                c.dmaBlocks());
    }

    private void message(String text, boolean error) {
        message.setText(text);
        message.setForeground(message.getDisplay().getSystemColor(error ? SWT.COLOR_DARK_RED : SWT.COLOR_WIDGET_FOREGROUND));
        message.getParent().layout(true, true);
    }

    private void fillPage(TableItem item) {
        AddressChain c = chain;
        PageRuns p = c == null ? null : c.pages();
        int i = pages.indexOf(item);
        if (p == null || i < 0 || i >= p.size()) {
            return;
        }
        item.setText(new String[] {String.format(Locale.ROOT, "%#x", p.vaddr(i)),
            p.pfn(i) == RunSink.NO_PFN ? "-" : String.format(Locale.ROOT, "%#x", p.pfn(i)),
            String.format(Locale.ROOT, "%,d", p.pages(i)), Sizes.human(1L << p.pageShift(i)),
            String.join("; ", canvas.runStates(i)) + "  [" + PageFlags.describe(p.flags(i)) + "]"});
    }

    private void fillSg(TableItem item) {
        AddressChain c = chain;
        ScatterList s = c == null ? null : c.sg();
        int i = sg.indexOf(item);
        if (s == null || i < 0 || i >= s.size()) {
            return;
        }
        item.setText(new String[] {Integer.toString(i), s.phys(i) < 0 ? "-" : String.format(Locale.ROOT, "%#x", s.phys(i)),
            String.format(Locale.ROOT, "%#x", s.offset(i)), String.format(Locale.ROOT, "%#x", s.length(i)),
            String.format(Locale.ROOT, "%,d", s.pages(i)), s.pgmap(i) < 0 ? "-" : Integer.toString(s.pgmap(i))});
    }

    private void fillDma(TableItem item) {
        AddressChain c = chain;
        DmaSegments d = c == null ? null : c.dma();
        int i = dma.indexOf(item);
        if (d == null || i < 0 || i >= d.size()) {
            return;
        }
        long phys = d.phys(i);
        item.setText(new String[] {Integer.toString(i),
            d.address(i) == -1 ? "-" : String.format(Locale.ROOT, "%#x", d.address(i)),
            String.format(Locale.ROOT, "%#x", d.length(i)), Integer.toString(d.entries(i)),
            phys < 0 ? "-" : String.format(Locale.ROOT, "%#x", phys),
            d.busAddress(i) ? "PCI bus address" : c.request().device().iommu() ? "IOVA" : "physical"});
    }

    private void itemClicked(ChainItem item) {
        selectionProvider.setSelection(new StructuredSelection(item));
        Table t = switch (item.column()) {
            case PAGES -> pages;
            case PHYSICAL, DMA -> sg;
            case SEGMENTS -> dma;
            default -> steps;
        };
        int tab = switch (item.column()) {
            case PAGES -> 1;
            case PHYSICAL, DMA -> 2;
            case SEGMENTS -> 3;
            default -> 0;
        };
        tabs.setSelection(tab);
        if (item.column() != ChainCanvas.Column.VMAS && item.index() < t.getItemCount()) {
            t.setSelection(item.index());
            t.showSelection();
        }
    }

    /** Selects a device of the topology by its place in the device list (for tests): 0 is none. */
    public void selectDevice(int index) {
        deviceCombo.select(index);
        deviceCombo.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
    }

    /** The chain shown, null before the first one. */
    public @Nullable AddressChain chain() {
        return chain;
    }

    /** The canvas (for tests). */
    public ChainCanvas canvas() {
        return canvas;
    }

    /** The message line's text (for tests). */
    public String messageText() {
        return message.getText();
    }

    @Override
    public void setFocus() {
        process.setFocus();
    }

    // --- following the simulator --------------------------------------------------------------

    private @Nullable LiveSession live;
    private @Nullable TraceModel traces;
    private @Nullable StepOutcome followed;
    // The session the view was emptied for (clearSimulated), null when it shows a chain.
    private @Nullable String emptyFor;

    private final LiveSession.Listener liveListener = new LiveSession.Listener() {
        @Override
        public void stateChanged(LiveSession session) {
            // Another scenario (or the live host) took over: a step of the one before is no state of it.
            StepOutcome f = followed;
            if (f != null && session.steps().stream().noneMatch(st -> st.outcome() == f) || emptyOfAnother(session)) {
                clearSimulated(session);
            }
        }

        @Override
        public void stepDone(LiveSession session, StepOutcome outcome, long timeNs) {
            TraceModel t = traces;
            if (outcome.chainView() != null && t != null && t.following()) {
                showSimulated(session, outcome);
            }
        }
    };

    private final TraceModel.Listener cursorListener = new TraceModel.Listener() {
        @Override
        public void cursorMoved(long ts, @Nullable Object origin) {
            followCursor(ts);
        }
    };

    // Called from createPartControl: the chain shown follows the simulator's steps and the cursor.
    private void followSimulator() {
        live = LiveSession.find(getSite());
        traces = TraceModel.find(getSite());
        live.addListener(liveListener);
        traces.addListener(cursorListener);
        if (traces.cursor() != TraceModel.NONE) {
            followCursor(traces.cursor());
        }
    }

    /**
     * While the trace shown is the simulator's recording, shows the chain of the last step that
     * built one at or before the cursor: step k covers the time after step k-1 ended up to its own end.
     */
    private void followCursor(long ts) {
        LiveSession s = live;
        TraceModel t = traces;
        if (s == null || t == null || ts == TraceModel.NONE) {
            return;
        }
        LiveSession.Origin o = s.origin();
        TraceModel.OpenTrace open = t.trace();
        if (o == null || !o.simulated() || open == null || !o.store().equals(open.store())) {
            return;
        }
        StepOutcome best = null;
        long previousEnd = Long.MIN_VALUE;
        for (LiveSession.Step step : s.steps()) {
            if (ts <= previousEnd) {
                break;
            }
            if (step.outcome().chainView() != null) {
                best = step.outcome();
            }
            previousEnd = step.timeNs();
        }
        if (best != null && best != followed) {
            showSimulated(s, best);
        } else if (best == null && (followed != null || emptyOfAnother(s))) {
            // Before the first step that built a chain there is none: a later step's is not the state here.
            clearSimulated(s);
        }
    }

    // Whether the view is empty for a session other than the one now loaded (its title would be wrong).
    private boolean emptyOfAnother(LiveSession s) {
        String e = emptyFor;
        LiveSession.Origin o = s.origin();
        return e != null && !e.equals(o == null ? "" : o.label());
    }

    // No chain of the simulator at this time (or of this session): the view says so, empty.
    private void clearSimulated(LiveSession s) {
        if (canvas.isDisposed()) {
            return;
        }
        LiveSession.Origin o = s.origin();
        String source = (o == null ? "the simulator" : o.label()) + ": no address chain yet";
        followed = null;
        emptyFor = o == null ? "" : o.label();
        chain = null;
        canvas.setChain(null, List.of(), source);
        shown.setText("Shown: " + source);
        shown.getParent().layout(true, true);
        steps.removeAll();
        pages.clearAll();
        pages.setItemCount(0);
        sg.clearAll();
        sg.setItemCount(0);
        dma.clearAll();
        dma.setItemCount(0);
        histogram.setSizes(new long[0], 0, "no scatter-gather entries");
        setContentDescription(source);
        message(source + ": no step has built one at or before the time cursor", false);
    }

    private void showSimulated(LiveSession s, StepOutcome outcome) {
        ChainView v = outcome.chainView();
        LiveSession.Origin o = s.origin();
        if (v == null || o == null || canvas.isDisposed()) {
            return;
        }
        showChain(v.chain(), v.styles(), String.format(Locale.ROOT, "%s, step line %d (%s)", o.label(), outcome.line(),
                outcome.text()));
        followed = outcome;
    }

    /** The simulator's step whose chain is shown, if one is. */
    public @Nullable StepOutcome followedStep() {
        return followed;
    }

    @Override
    public void dispose() {
        LiveSession s = live;
        if (s != null) {
            s.removeListener(liveListener);
        }
        TraceModel t = traces;
        if (t != null) {
            t.removeListener(cursorListener);
        }
        Sessions.topology(getSite()).removeListener(topologyListener);
        Job j = job;
        if (j != null) {
            j.cancel();
        }
        super.dispose();
    }
}
