package org.dmascope.backend.gpudirect;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.dmascope.core.chain.ChainStep;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.scenario.ChainView;
import org.dmascope.scenario.ScenarioContext;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioExtension;
import org.dmascope.scenario.Step;
import org.dmascope.scenario.StepKind;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.Values;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.SimVma;
import org.dmascope.scenario.steps.SimpleKind;
import org.dmascope.scenario.steps.SimulatedChains;
import org.dmascope.trace.event.DmaBufMoveNotify;
import org.dmascope.trace.event.GpuDirectFreeCallback;
import org.dmascope.trace.event.GpuDirectGetPages;
import org.dmascope.trace.event.GpuDirectPutPages;
import org.dmascope.trace.event.MrDeregister;
import org.dmascope.trace.event.MrRegister;
import org.dmascope.trace.event.P2pTransfer;
import org.dmascope.trace.event.VmaMap;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The GPUDirect RDMA and dma-buf step kinds of scenarios ({@code gpu} and {@code dmabuf}), over
 * a {@link GpuDirectEngine} built on the scenario's topology: GPUs and their BAR1 windows, GPU
 * memory mapped into a process (a VM_IO | VM_PFNMAP mapping: no struct page behind it),
 * nvidia_p2p_get_pages (with nvidia-peermem's free callback, or persistent), put_pages,
 * nvidia_p2p_dma_map_pages for a peer, MRs through the peer-memory client, RDMA accesses, and
 * the dma-buf alternative (export, dynamic or pinned attach, move_notify). Every step prints the
 * engine's events it caused, in order. A Declarative Services component
 * (OSGI-INF/org.dmascope.backend.gpudirect.scenario.xml).
 */
public final class GpuDirectSteps implements ScenarioExtension {

    static final String GPU_USAGE = "gpu add GPU PCI [bar1=ADDR bar1-size=SIZE] | gpu alloc PROC NAME GPU SIZE"
            + " | gpu free NAME | gpu get_pages TABLE PROC ADDR LENGTH [persistent] [force-bar1]"
            + " | gpu put_pages TABLE | gpu dma_map MAP TABLE PEER [iommu] | gpu reg_mr MR PROC ADDR LENGTH HCA"
            + " [iommu] [read-only] | gpu rdma MR OFFSET LENGTH [read|write] [local] | gpu dereg_mr MR";
    static final String DMABUF_USAGE = "dmabuf export BUF NAME [exporter=nvidia|dynamic] | dmabuf reg_mr UMEM BUF HCA"
            + " [offset=SIZE] [length=SIZE] [pinned] [iommu] | dmabuf move BUF | dmabuf rdma UMEM OFFSET LENGTH"
            + " [local] | dmabuf close BUF";

    /** What the GPUDirect steps of one scenario share. */
    static final class State {
        @Nullable GpuDirectEngine engine;
        final Map<String, PciAddress> gpus = new LinkedHashMap<>();
        final Map<String, GpuMemory> memories = new LinkedHashMap<>();
        final Map<String, P2pPageTable> tables = new LinkedHashMap<>();
        final Map<String, String> tableCallbacks = new LinkedHashMap<>();
        final Map<String, P2pDmaMapping> mappings = new LinkedHashMap<>();
        final Map<String, PciAddress> mappingPeers = new LinkedHashMap<>();
        final Map<String, GpuMr> mrs = new LinkedHashMap<>();
        final Map<String, DmaBuf> bufs = new LinkedHashMap<>();
        final Map<String, UmemDmabuf> umems = new LinkedHashMap<>();
        final Map<GpuMemory, Mm> owners = new java.util.HashMap<>();
        final Map<String, Mm> mrOwners = new LinkedHashMap<>();
        final Map<String, Mm> tableOwners = new LinkedHashMap<>();
        long nextKey = 0x2000;
        final Map<String, Long> keys = new LinkedHashMap<>();
    }

    /** For Declarative Services. */
    public GpuDirectSteps() {
        // Stateless: scenario state lives in the context.
    }

    @Override
    public String id() {
        return "gpudirect";
    }

    @Override
    public List<StepKind> stepKinds() {
        return List.of(new SimpleKind("gpu", GPU_USAGE, GpuDirectSteps::checkGpu, GpuDirectSteps::gpu),
                new SimpleKind("dmabuf", DMABUF_USAGE, GpuDirectSteps::checkDmabuf, GpuDirectSteps::dmabuf));
    }

    // --- checks ------------------------------------------------------------------------------

    private static void checkGpu(Step s) throws ScenarioException {
        String op = s.arg(0, "operation (add, alloc, free, get_pages, put_pages, dma_map, reg_mr, rdma, dereg_mr)");
        switch (op) {
            case "add" -> {
                s.expect(3, 3, Set.of("bar1", "bar1-size"), "gpu add GPU PCI [bar1=ADDR bar1-size=SIZE]");
                pci(s, s.args().get(2));
                if ((s.optionOrNull("bar1") == null) != (s.optionOrNull("bar1-size") == null)) {
                    throw s.error("gpu: bar1 and bar1-size go together");
                }
                if (s.optionOrNull("bar1-size") != null) {
                    Values.size(s, s.option("bar1-size", "0"));
                    hex(s, s.option("bar1", "0"));
                }
            }
            case "alloc" -> {
                s.expect(5, 5, Set.of(), "gpu alloc PROC NAME GPU SIZE");
                if (Values.size(s, s.args().get(4)) <= 0) {
                    throw s.error("gpu: SIZE must be at least one byte");
                }
            }
            case "free", "put_pages", "dereg_mr" -> s.expect(2, 2, Set.of(), "gpu " + op + " NAME");
            case "get_pages" -> {
                s.expect(5, 7, Set.of(), "gpu get_pages TABLE PROC ADDR LENGTH [persistent] [force-bar1]");
                address(s, s.args().get(3));
                Values.size(s, s.args().get(4));
                for (String w : s.args().subList(5, s.args().size())) {
                    if (!w.equals("persistent") && !w.equals("force-bar1")) {
                        throw s.error("gpu: unknown word '" + w + "' (expected persistent, force-bar1)");
                    }
                }
            }
            case "dma_map" -> {
                s.expect(4, 5, Set.of(), "gpu dma_map MAP TABLE PEER [iommu]");
                pci(s, s.args().get(3));
                words(s, 4, Set.of("iommu"));
            }
            case "reg_mr" -> {
                s.expect(6, 8, Set.of(), "gpu reg_mr MR PROC ADDR LENGTH HCA [iommu] [read-only]");
                address(s, s.args().get(3));
                Values.size(s, s.args().get(4));
                pci(s, s.args().get(5));
                words(s, 6, Set.of("iommu", "read-only"));
            }
            case "rdma" -> {
                s.expect(4, 6, Set.of(), "gpu rdma MR OFFSET LENGTH [read|write] [local]");
                Values.size(s, s.args().get(2));
                Values.size(s, s.args().get(3));
                words(s, 4, Set.of("local", "read", "write"));
                if (s.args().contains("read") && s.args().contains("write")) {
                    throw s.error("gpu: rdma is a read or a write, not both");
                }
            }
            default -> throw s.error("gpu: unknown operation '" + op + "' (expected " + GPU_USAGE + ")");
        }
    }

    private static void checkDmabuf(Step s) throws ScenarioException {
        String op = s.arg(0, "operation (export, reg_mr, move, rdma, close)");
        switch (op) {
            case "export" -> {
                s.expect(3, 3, Set.of("exporter"), "dmabuf export BUF NAME [exporter=nvidia|dynamic]");
                exporter(s);
            }
            case "reg_mr" -> {
                s.expect(4, 6, Set.of("offset", "length"), "dmabuf reg_mr UMEM BUF HCA [offset=SIZE] [length=SIZE]"
                        + " [pinned] [iommu]");
                pci(s, s.args().get(3));
                words(s, 4, Set.of("pinned", "iommu"));
                Values.size(s, s.option("offset", "0"));
                if (s.optionOrNull("length") != null) {
                    Values.size(s, s.option("length", "0"));
                }
            }
            case "move", "close" -> s.expect(2, 2, Set.of(), "dmabuf " + op + " BUF");
            case "rdma" -> {
                s.expect(4, 5, Set.of(), "dmabuf rdma UMEM OFFSET LENGTH [local]");
                Values.size(s, s.args().get(2));
                Values.size(s, s.args().get(3));
                words(s, 4, Set.of("local"));
            }
            default -> throw s.error("dmabuf: unknown operation '" + op + "' (expected " + DMABUF_USAGE + ")");
        }
    }

    private static void words(Step s, int from, Set<String> allowed) throws ScenarioException {
        for (String w : s.args().subList(from, s.args().size())) {
            if (!allowed.contains(w)) {
                throw s.error(s.kind() + ": unknown word '" + w + "' (expected " + String.join(", ", allowed.stream()
                        .sorted().toList()) + ")");
            }
        }
    }

    private static PciAddress pci(Step s, String word) throws ScenarioException {
        try {
            return PciAddress.parse(word);
        } catch (IllegalArgumentException e) {
            throw s.error(s.kind() + ": '" + word + "' is not a PCI address (like 0000:06:00.0)");
        }
    }

    private static long hex(Step s, String word) throws ScenarioException {
        try {
            return Long.parseUnsignedLong(word.startsWith("0x") ? word.substring(2) : word, 16);
        } catch (NumberFormatException e) {
            throw s.error(s.kind() + ": '" + word + "' is not a hexadecimal address");
        }
    }

    private static void address(Step s, String word) throws ScenarioException {
        if (!Values.isAddressSyntax(word)) {
            throw s.error(s.kind() + ": '" + word + "' is not an address");
        }
    }

    private static DmaBuf.Exporter exporter(Step s) throws ScenarioException {
        String e = s.option("exporter", "nvidia");
        return switch (e) {
            case "nvidia" -> DmaBuf.Exporter.NVIDIA;
            case "dynamic" -> DmaBuf.Exporter.DYNAMIC_P2PDMA;
            default -> throw s.error("dmabuf: unknown exporter '" + e + "' (expected nvidia, dynamic)");
        };
    }

    // --- state -------------------------------------------------------------------------------

    private static State state(ScenarioContext c) {
        return c.state(State.class, State::new);
    }

    private static GpuDirectEngine engine(Step s, ScenarioContext c, State st) throws ScenarioException {
        GpuDirectEngine e = st.engine;
        if (e == null) {
            PciTopology t = c.machine().topology();
            if (t == null) {
                throw s.error(s.kind() + ": the scenario has no topology (declare one with 'topology FILE' or"
                        + " 'topology inline' first)");
            }
            e = new GpuDirectEngine(t, new KernelP2pEngine(KernelRules.DEFAULT), GpuDirectEngine.Options.defaults(),
                    GpuDirectListener.NONE);
            st.engine = e;
        }
        return e;
    }

    private static <T> T named(Step s, Map<String, T> map, String name, String what) throws ScenarioException {
        T v = map.get(name);
        if (v == null) {
            throw s.error(s.kind() + ": no " + what + " named '" + name + "'");
        }
        return v;
    }

    private static void fresh(Step s, Map<String, ?> map, String name) throws ScenarioException {
        if (map.containsKey(name)) {
            throw s.error(s.kind() + ": '" + name + "' exists");
        }
    }

    /** A peer as a DMA device: dma-direct, or behind an IOMMU DMA domain. */
    static DmaDevice peer(PciAddress a, boolean iommu) {
        DmaDevice d = DmaDevice.plain().withAddress(a, a.toString());
        return iommu ? d.withIommu(true) : d;
    }

    /** An mlx5 HCA: 2 GiB segments, its page-size bitmap. */
    static DmaDevice mlx5(PciAddress a, boolean iommu) {
        return new DmaDevice(a, "mlx5 " + a, 0x80000000L, DmaDevice.PCI_SEGMENT_BOUNDARY, iommu, 0, 12, -1L, true,
                List.of(DmaDevice.X86_MSI_WINDOW), DmaDevice.MLX5_PGSZ_BITMAP);
    }

    private static <T> StepOutcome.Builder outcome(Step s, Outcome<T> o) {
        StepOutcome.Builder b = StepOutcome.of(s).rc(o.returnCode()).note(o.why());
        o.notes().forEach(b::note);
        return b;
    }

    /** The engine's events since mark, as notes and as the value {@code events}. */
    private static StepOutcome done(StepOutcome.Builder b, GpuDirectEngine e, int mark) {
        List<GpuDirectEvent> ev = e.eventsSince(mark);
        List<String> kinds = new ArrayList<>();
        for (GpuDirectEvent x : ev) {
            kinds.add(x.kind().name().toLowerCase(Locale.ROOT));
            b.note(x.seq() + " " + x.kind().name().toLowerCase(Locale.ROOT) + " " + x.subject() + ": " + x.detail());
        }
        return b.value("events", kinds.isEmpty() ? "none" : String.join(",", kinds)).build();
    }

    // --- gpu ---------------------------------------------------------------------------------

    private static StepOutcome gpu(Step s, ScenarioContext c) throws ScenarioException {
        State st = state(c);
        GpuDirectEngine e = engine(s, c, st);
        int mark = e.events().size();
        String op = s.args().get(0);
        switch (op) {
            case "add" -> {
                String name = s.args().get(1);
                fresh(s, st.gpus, name);
                PciAddress a = pci(s, s.args().get(2));
                GpuDevice d;
                try {
                    d = s.optionOrNull("bar1") != null
                            ? new GpuDevice(a, hex(s, s.option("bar1", "0")), Values.size(s, s.option("bar1-size", "0")), 0)
                            : GpuDevice.fromTopology(e.topology(), a);
                    e.addGpu(d);
                } catch (IllegalArgumentException x) {
                    throw s.error("gpu: " + x.getMessage());
                }
                st.gpus.put(name, a);
                return StepOutcome.of(s).value("bar1", String.format(Locale.ROOT, "%#x-%#x", d.bar1Start(), d.bar1End()))
                        .build();
            }
            case "alloc" -> {
                Mm mm = c.process(s, s.args().get(1));
                String name = s.args().get(2);
                fresh(s, st.memories, name);
                PciAddress gpu = named(s, st.gpus, s.args().get(3), "GPU");
                long size = Values.size(s, s.args().get(4));
                long va = mm.mmap(size, EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.MAY_READ, VmFlag.MAY_WRITE,
                        VmFlag.IO, VmFlag.PFNMAP, VmFlag.DONTEXPAND), SimVma.Backing.PFNMAP, null, 0, 0, false, 0);
                mm.name(name, va);
                GpuMemory m;
                try {
                    m = e.allocate(gpu, va, size);
                } catch (IllegalArgumentException x) {
                    throw s.error("gpu: " + x.getMessage());
                }
                st.memories.put(name, m);
                st.owners.put(m, mm);
                c.machine().emit(mm, h -> new VmaMap(h, va, va + ((size + 0xfff) & ~0xfffL), "rw-s", 0, "/dev/nvidia-uvm"));
                StepOutcome.Builder b = StepOutcome.of(s).rc(0).value("addr", String.format(Locale.ROOT, "%#x", va))
                        .value("in_bar1", m.inBar1())
                        .note("cudaMalloc + a VM_IO | VM_PFNMAP mapping: no struct page behind the range");
                return done(b, e, mark);
            }
            case "free" -> {
                GpuMemory m = named(s, st.memories, s.args().get(1), "GPU memory");
                if (m.freedByOwner()) {
                    throw s.error("gpu: '" + s.args().get(1) + "' was freed already");
                }
                List<GpuDirectEvent> ev = e.free(m);
                if (ev.stream().anyMatch(x -> x.kind() == GpuDirectEvent.Kind.FREE_CALLBACK)) {
                    // The trace's record of the callback: the GPU memory range it covers, in the owner's process.
                    c.machine().emit(st.owners.get(m), h -> new GpuDirectFreeCallback(h, m.gpu().address().toString(),
                            m.va(), m.size()));
                }
                long callbacks = ev.stream().filter(x -> x.kind() == GpuDirectEvent.Kind.FREE_CALLBACK).count();
                List<String> invalidated = new ArrayList<>();
                for (Map.Entry<String, GpuMr> mr : st.mrs.entrySet()) {
                    if (!mr.getValue().valid() && !mr.getValue().deregistered()) {
                        invalidated.add(mr.getKey());
                    }
                }
                StepOutcome.Builder b = StepOutcome.of(s).rc(0).value("callbacks", callbacks)
                        .value("released", m.released())
                        .value("invalid_mrs", invalidated.isEmpty() ? "none" : String.join(",", invalidated));
                for (String name : invalidated) {
                    GpuMr mr = st.mrs.get(name);
                    if (mr.pageTable().memory() == m) {
                        // The first MR the callback invalidated, as the device now sees it.
                        b.chainView(mrChain(c, st.mrOwners.get(name), mr));
                        break;
                    }
                }
                for (Map.Entry<String, P2pPageTable> t : st.tables.entrySet()) {
                    b.value("table." + t.getKey(), t.getValue().state().name().toLowerCase(Locale.ROOT));
                    String cb = st.tableCallbacks.get(t.getKey());
                    if (cb != null) {
                        b.value("callback." + t.getKey(), "called").note("the free callback of " + t.getKey()
                                + " was " + cb);
                    }
                }
                return done(b, e, mark);
            }
            case "get_pages" -> {
                String name = s.args().get(1);
                fresh(s, st.tables, name);
                Mm mm = c.process(s, s.args().get(2));
                long va = c.address(s, mm, s.args().get(3));
                long len = Values.size(s, s.args().get(4));
                boolean persistent = s.args().contains("persistent");
                Outcome<P2pPageTable> o;
                if (persistent) {
                    o = e.getPagesPersistent(va, len, s.args().contains("force-bar1")
                            ? GpuDirectEngine.FLAGS_FORCE_BAR1_MAPPING : GpuDirectEngine.FLAGS_DEFAULT);
                } else {
                    o = e.getPages(0, 0, va, len, t -> st.tableCallbacks.put(name, "called with table " + t.id()
                            + " in state " + t.state().name().toLowerCase(Locale.ROOT)));
                }
                StepOutcome.Builder b = outcome(s, o);
                GpuMemory under = e.memoryAt(va);
                String gpuName = under == null ? "" : under.gpu().address().toString();
                int entries = o.ok() ? o.get().entries() : 0;
                c.machine().emit(mm, h -> new GpuDirectGetPages(h, gpuName, va, len, GpuDirectEngine.GPU_PAGE_SIZE, entries,
                        o.ok() ? "" : o.returnCode()));
                if (o.ok()) {
                    P2pPageTable t = o.get();
                    st.tables.put(name, t);
                    st.tableOwners.put(name, mm);
                    b.value("entries", t.entries()).value("page_size", t.pageSize())
                            .value("persistent", t.persistent());
                    for (int i = 0; i < Math.min(t.entries(), 4); i++) {
                        b.chain(String.format(Locale.ROOT, "page %d -> BAR1 %#x", i, t.physicalAddress(i)));
                    }
                }
                return done(b, e, mark);
            }
            case "put_pages" -> {
                P2pPageTable t = named(s, st.tables, s.args().get(1), "page table");
                Outcome<Void> o = t.persistent() ? e.putPagesPersistent(t.va(), t, GpuDirectEngine.FLAGS_DEFAULT)
                        : e.putPages(0, 0, t.va(), t);
                StepOutcome.Builder b = outcome(s, o).value("state", t.state().name().toLowerCase(Locale.ROOT));
                c.machine().emit(st.tableOwners.get(s.args().get(1)), h -> new GpuDirectPutPages(h,
                        t.memory().gpu().address().toString(), t.va(), t.length(), o.ok() ? "" : o.returnCode()));
                return done(b, e, mark);
            }
            case "dma_map" -> {
                String name = s.args().get(1);
                fresh(s, st.mappings, name);
                P2pPageTable t = named(s, st.tables, s.args().get(2), "page table");
                PciAddress p = pci(s, s.args().get(3));
                Outcome<P2pDmaMapping> o = e.dmaMapPages(p, t, peer(p, s.args().contains("iommu")));
                StepOutcome.Builder b = outcome(s, o).value("map_type", e.kernelMapType(t.memory().gpu().address(), p));
                if (o.ok()) {
                    P2pDmaMapping m = o.get();
                    st.mappings.put(name, m);
                    st.mappingPeers.put(name, p);
                    b.value("entries", m.entries()).value("via_iommu", m.viaIommu());
                    for (int i = 0; i < Math.min(m.entries(), 4); i++) {
                        b.chain(String.format(Locale.ROOT, "BAR1 %#x -> dma %#x", t.physicalAddress(i), m.dmaAddress(i)));
                    }
                }
                return done(b, e, mark);
            }
            case "reg_mr" -> {
                String name = s.args().get(1);
                fresh(s, st.mrs, name);
                Mm mm = c.process(s, s.args().get(2));
                long va = c.address(s, mm, s.args().get(3));
                long len = Values.size(s, s.args().get(4));
                PciAddress hca = pci(s, s.args().get(5));
                GpuMemory under = e.memoryAt(va);
                Outcome<GpuMr> o = e.registerMr(va, len, !s.args().contains("read-only"), hca,
                        mlx5(hca, s.args().contains("iommu")), true);
                StepOutcome.Builder b = outcome(s, o).value("map_type", mapType(e, va, hca));
                if (under != null) {
                    // nv_mem_acquire's probe (get_pages, put_pages) and nv_mem_get_pages, inside ib_reg_mr
                    peerCalls(c, mm, e, mark, under, va & -GpuDirectEngine.GPU_PAGE_SIZE,
                            ((va + len + GpuDirectEngine.GPU_PAGE_SIZE - 1) & -GpuDirectEngine.GPU_PAGE_SIZE)
                                    - (va & -GpuDirectEngine.GPU_PAGE_SIZE));
                }
                long key = st.nextKey++;
                String access = s.args().contains("read-only") ? "remote-read" : "local-write,remote-write,remote-read";
                c.machine().emit(mm, h -> new MrRegister(h, hca.toString(), va, len, va, access, o.ok() ? key : 0,
                        o.ok() ? key : 0, o.ok() ? "" : o.returnCode()));
                if (o.ok()) {
                    GpuMr mr = o.get();
                    st.mrs.put(name, mr);
                    st.mrOwners.put(name, mm);
                    st.keys.put(name, key);
                    b.value("client", mr.client()).value("segments", mr.registeredSegments().size())
                            .value("state", mr.state().name().toLowerCase(Locale.ROOT));
                    mr.registeredSegments().stream().limit(4).forEach(seg -> b.chain(seg.toString()));
                    b.chainView(mrChain(c, mm, mr));
                }
                return done(b, e, mark);
            }
            case "rdma" -> {
                GpuMr mr = named(s, st.mrs, s.args().get(1), "MR");
                long length = Values.size(s, s.args().get(3));
                RdmaAccess r = e.rdmaAccess(mr, Values.size(s, s.args().get(2)), length, !s.args().contains("local"),
                        !s.args().contains("read"));
                StepOutcome.Builder b = StepOutcome.of(s).rc(r.status()).note(r.why())
                        .value("state", mr.state().name().toLowerCase(Locale.ROOT));
                if (r.ok()) {
                    b.value("dma", String.format(Locale.ROOT, "%#x", r.dmaAddress()));
                    // The HCA's DMA to or from the GPU's BAR1: a peer-to-peer transfer on the path the
                    // P2PDMA rules chose at registration (the dma address is a bus address for BUS_ADDR).
                    String direction = s.args().contains("read") ? "READ" : "WRITE";
                    PciAddress gpuAddress = mr.pageTable().memory().gpu().address();
                    c.machine().emit(st.mrOwners.get(s.args().get(1)), h -> new P2pTransfer(h, mr.device().toString(),
                            gpuAddress.toString(), r.dmaAddress(), length, direction, 0));
                }
                return done(b, e, mark);
            }
            case "dereg_mr" -> {
                GpuMr mr = named(s, st.mrs, s.args().get(1), "MR");
                e.deregisterMr(mr);
                P2pPageTable table = mr.pageTable();
                // nv_mem_put_pages → nvidia_p2p_put_pages, unless the free callback invalidated the MR first
                peerCalls(c, st.mrOwners.get(s.args().get(1)), e, mark, table.memory(), table.va(), table.length());
                Long key = st.keys.get(s.args().get(1));
                c.machine().emit(st.mrOwners.get(s.args().get(1)), h -> new MrDeregister(h, mr.device().toString(),
                        key == null ? 0 : key, ""));
                return done(StepOutcome.of(s).rc(0), e, mark);
            }
            default -> throw s.error("gpu: unknown operation '" + op + "'");
        }
    }

    /**
     * A GPUDirect MR as the HCA sees it, for views: the whole 64 KiB GPU pages nvidia_p2p_get_pages
     * pinned (BAR1 addresses, no struct page), the scatter table nvidia-peermem builds from them (one
     * entry per GPU page: nv_dma_map's sg_alloc_table with one entry per page table entry) and the
     * DMA segments registered (ib_peer_umem's fix_peer_sgls trims the first and the last to the MR).
     * After the free callback the pages are shown invalidated, with no PFN: the table and its DMA
     * mapping are gone.
     */
    private static ChainView mrChain(ScenarioContext c, Mm mm, GpuMr mr) {
        P2pPageTable t = mr.pageTable();
        long page = t.pageSize().bytes();
        int shift = Long.numberOfTrailingZeros(page);
        long start = t.va();
        long end = start + t.entries() * page;
        boolean mapped = mr.state() == GpuMr.PeerState.MAPPED && mr.valid();
        PageRuns pages = new PageRuns();
        ScatterList sg = mapped ? new ScatterList(page, 0, end - start) : null;
        for (int i = 0; i < t.entries(); i++) {
            long va = start + i * page;
            long pfn = t.physicalAddress(i) >>> 12;
            if (mapped) {
                int flags = PageFlags.PRESENT | PageFlags.NO_STRUCT_PAGE | GpuDirectBackend.GPU_BAR_PAGE;
                pages.run(va, pfn, page >>> 12, flags, shift, -1);
                sg.run(va, pfn, page >>> 12, flags, shift, -1);
            } else {
                pages.run(va, RunSink.NO_PFN, page >>> 12, PageFlags.NO_STRUCT_PAGE | GpuDirectBackend.MR_INVALIDATED,
                        shift, -1);
            }
        }
        DmaSegments dma = null;
        List<DmaSegment> segs = mr.registeredSegments();
        if (sg != null) {
            sg.finish();
            if (segs.size() == sg.size()) {
                dma = new PeerSegments(segs, t);
            }
        }
        List<ChainStep> steps = new ArrayList<>();
        steps.add(new ChainStep("get_pages", String.format(Locale.ROOT, "%#x + %#x", mr.address(), mr.length()),
                String.format(Locale.ROOT, "%d GPU pages of %s at BAR1 %#x", t.entries(), t.pageSize().kernelName(),
                        t.entries() > 0 ? t.physicalAddress(0) : 0),
                "nvidia_p2p_get_pages pins whole 64 KiB GPU pages in BAR1: PFNs with no struct page"
                        + " (VM_IO | VM_PFNMAP), which GUP refuses"));
        steps.add(new ChainStep("dma-map", mr.client(), mapped ? segs.size() + " DMA segments" : "unmapped",
                mapped ? "nvidia_p2p_dma_map_pages maps each GPU page for the HCA; the peer client hands the"
                        + " segments to the IB core" : "the free callback invalidated the MR (mkey revoked); the"
                        + " driver freed the page table and its DMA mapping: later RDMA accesses fail"));
        return SimulatedChains.registration(c.machine(), mm, start, end, pages, sg, dma, mr.dma(),
                GpuDirectBackend.ID, new GpuDirectBackend().style(), steps);
    }

    /** The registered DMA segments of a peer MR, one per scatter-list entry (one per GPU page). */
    private static final class PeerSegments extends DmaSegments.OnePerEntry {
        private final List<DmaSegment> segments;
        private final P2pPageTable table;

        PeerSegments(List<DmaSegment> segments, P2pPageTable table) {
            this.segments = List.copyOf(segments);
            this.table = table;
        }

        @Override
        public int size() {
            return segments.size();
        }

        @Override
        public long address(int i) {
            return segments.get(i).address();
        }

        @Override
        public long length(int i) {
            return segments.get(i).length();
        }

        @Override
        public boolean busAddress(int i) {
            return segments.get(i).bus();
        }

        @Override
        public long phys(int i) {
            return table.physicalAddress(i);
        }

        @Override
        public long footprintBytes() {
            return (long) segments.size() * 24;
        }
    }

    /**
     * The nvidia_p2p_get_pages and nvidia_p2p_put_pages calls nvidia-peermem made since mark, into the
     * trace in the order they ran, over the range it asks for (nv_mem_acquire's page_virt_start and
     * mapped_size: the MR widened to whole 64 KiB GPU pages).
     */
    private static void peerCalls(ScenarioContext c, @Nullable Mm mm, GpuDirectEngine e, int mark, GpuMemory m,
            long start, long length) {
        String gpu = m.gpu().address().toString();
        for (GpuDirectEvent x : e.eventsSince(mark)) {
            if (x.kind() == GpuDirectEvent.Kind.GET_PAGES) {
                c.machine().emit(mm, h -> new GpuDirectGetPages(h, gpu, start, length, GpuDirectEngine.GPU_PAGE_SIZE,
                        (int) (length / GpuDirectEngine.GPU_PAGE_SIZE), ""));
            } else if (x.kind() == GpuDirectEvent.Kind.PUT_PAGES) {
                c.machine().emit(mm, h -> new GpuDirectPutPages(h, gpu, start, length, ""));
            }
        }
    }

    private static String mapType(GpuDirectEngine e, long va, PciAddress peer) {
        GpuMemory m = e.memoryAt(va);
        return m == null ? "-" : e.kernelMapType(m.gpu().address(), peer).name();
    }

    // --- dmabuf ------------------------------------------------------------------------------

    private static StepOutcome dmabuf(Step s, ScenarioContext c) throws ScenarioException {
        State st = state(c);
        GpuDirectEngine e = engine(s, c, st);
        int mark = e.events().size();
        String op = s.args().get(0);
        switch (op) {
            case "export" -> {
                String name = s.args().get(1);
                fresh(s, st.bufs, name);
                GpuMemory m = named(s, st.memories, s.args().get(2), "GPU memory");
                DmaBuf b;
                try {
                    b = e.exportDmaBuf(m, exporter(s));
                } catch (IllegalArgumentException x) {
                    throw s.error("dmabuf: " + x.getMessage());
                }
                st.bufs.put(name, b);
                return done(StepOutcome.of(s).rc(0).value("fd", b.fd()).value("dynamic", b.dynamic())
                        .value("size", b.size()), e, mark);
            }
            case "reg_mr" -> {
                String name = s.args().get(1);
                fresh(s, st.umems, name);
                DmaBuf buf = named(s, st.bufs, s.args().get(2), "dma-buf");
                PciAddress hca = pci(s, s.args().get(3));
                long offset = Values.size(s, s.option("offset", "0"));
                long length = s.optionOrNull("length") == null ? buf.size() - offset
                        : Values.size(s, s.option("length", "0"));
                DmaDevice dma = mlx5(hca, s.args().contains("iommu"));
                Outcome<UmemDmabuf> o = s.args().contains("pinned")
                        ? e.umemDmabufGetPinned(offset, length, buf.fd(), true, hca, dma)
                        : e.registerDmabufMr(offset, length, buf.fd(), true, hca, dma);
                StepOutcome.Builder b = outcome(s, o).value("map_type",
                        e.kernelMapType(buf.memory().gpu().address(), hca).name());
                if (o.ok()) {
                    UmemDmabuf u = o.get();
                    st.umems.put(name, u);
                    b.value("pinned", u.pinned()).value("mapped", u.mapped()).value("segments", u.segments().size());
                    u.segments().stream().limit(4).forEach(seg -> b.chain(seg.toString()));
                }
                return done(b, e, mark);
            }
            case "move" -> {
                DmaBuf buf = named(s, st.bufs, s.args().get(1), "dma-buf");
                Outcome<List<GpuDirectEvent>> o = e.exporterMove(buf);
                StepOutcome.Builder b = outcome(s, o);
                if (o.ok()) {
                    c.machine().emit(null, h -> new DmaBufMoveNotify(h, buf.id(),
                            buf.exporter().name().toLowerCase(Locale.ROOT), s.args().get(1), buf.size()));
                }
                List<String> unmapped = new ArrayList<>();
                for (Map.Entry<String, UmemDmabuf> u : st.umems.entrySet()) {
                    if (u.getValue().dmabuf() == buf) {
                        b.value("mapped." + u.getKey(), u.getValue().mapped());
                        if (!u.getValue().mapped()) {
                            unmapped.add(u.getKey());
                        }
                    }
                }
                b.value("unmapped", unmapped.isEmpty() ? "none" : String.join(",", unmapped));
                return done(b, e, mark);
            }
            case "rdma" -> {
                UmemDmabuf u = named(s, st.umems, s.args().get(1), "dma-buf MR");
                RdmaAccess r = e.rdmaAccess(u, Values.size(s, s.args().get(2)), Values.size(s, s.args().get(3)),
                        !s.args().contains("local"));
                StepOutcome.Builder b = StepOutcome.of(s).rc(r.status()).note(r.why()).value("faulted", r.faulted());
                if (r.ok()) {
                    b.value("dma", String.format(Locale.ROOT, "%#x", r.dmaAddress()));
                }
                return done(b, e, mark);
            }
            case "close" -> {
                DmaBuf buf = named(s, st.bufs, s.args().get(1), "dma-buf");
                try {
                    e.closeDmaBuf(buf);
                } catch (IllegalStateException x) {
                    throw s.error("dmabuf: " + x.getMessage());
                }
                return done(StepOutcome.of(s).rc(0).value("released", buf.released()), e, mark);
            }
            default -> throw s.error("dmabuf: unknown operation '" + op + "'");
        }
    }
}
