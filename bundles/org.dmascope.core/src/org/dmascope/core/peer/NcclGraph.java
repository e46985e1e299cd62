package org.dmascope.core.peer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.CpuVendor;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.LinkSpeed;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The graph NCCL builds of a machine (src/graph/topo.cc), from a DMA Scope topology: CPUs (one
 * per NUMA node, fully meshed by the inter-socket link), PCI switches, GPUs, NICs with their
 * network ports, the NVSwitch fabric, and the other DMA endpoints as leaves. Link bandwidths
 * are NCCL's, in its GB/s units.
 *
 * <p>From a sysfs-style hierarchy, NCCL attaches each device two directory levels up (to the
 * switch's upstream port, skipping the downstream port; to the CPU when that level is the host
 * bridge), so a switch is one node and root ports disappear. From an NCCL topology file the
 * hierarchy is already NCCL's.
 */
public final class NcclGraph {

    /** NCCL's bandwidth of a local hop, and of links it does not constrain. */
    public static final double LOC_BW = 5000;

    /** Node types (NCCL's GPU, PCI, NVS, CPU, NIC, NET), plus endpoints NCCL does not model. */
    public enum NodeKind {
        /** A GPU. */
        GPU,
        /** A PCI switch (or bridge). */
        PCI,
        /** The NVSwitch fabric. */
        NVS,
        /** A CPU: one NUMA node. */
        CPU,
        /** A network adapter. */
        NIC,
        /** A network port of a NIC. */
        NET,
        /** Another DMA endpoint (NVMe, accelerator ...): a leaf, as NICs are. */
        ENDPOINT
    }

    /** Link types. */
    public enum LinkKind {
        /** Local. */
        LOC,
        /** NVLink. */
        NVL,
        /** PCI Express. */
        PCI,
        /** Inter-socket. */
        SYS,
        /** NIC to network port. */
        NET
    }

    /** A node. */
    public static final class Node {
        private final NodeKind kind;
        private final String id;
        private final @Nullable PciAddress address;
        private final int numaNode;
        private final int sm;
        private final List<Link> links = new ArrayList<>();
        private @Nullable Node uplink;
        private final int index;

        Node(NodeKind kind, String id, @Nullable PciAddress address, int numaNode, int sm, int index) {
            this.kind = kind;
            this.id = id;
            this.address = address;
            this.numaNode = numaNode;
            this.sm = sm;
            this.index = index;
        }

        /** The node's type. */
        public NodeKind kind() {
            return kind;
        }

        /** An identifier: the BDF, cpuN, nvswitch, or net:NAME. */
        public String id() {
            return id;
        }

        /** The PCI function, for GPU, PCI, NIC and endpoint nodes. */
        public @Nullable PciAddress address() {
            return address;
        }

        /** The NUMA node of a CPU node. */
        public int numaNode() {
            return numaNode;
        }

        /** The links, in the order NCCL's search follows them. */
        public List<Link> links() {
            return links;
        }

        int index() {
            return index;
        }

        int sm() {
            return sm;
        }

        @Override
        public String toString() {
            return kind + "/" + id;
        }
    }

    /**
     * A link.
     *
     * @param from     where it starts
     * @param to       where it ends
     * @param kind     its type
     * @param bw       NCCL's bandwidth, GB/s
     * @param physical the bandwidth of the hardware link as trained, GB/s per direction after
     *                 encoding; -1 when not known or not a PCIe link
     * @param detail   what the link is, for people ("16.0 GT/s x16", "NVLink x12")
     */
    public record Link(Node from, Node to, LinkKind kind, double bw, double physical, String detail) {
        @Override
        public String toString() {
            return from.id() + " -" + kind + "[" + bw + "]-> " + to.id();
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Map<PciAddress, Node> byAddress = new HashMap<>();
    private final Map<Integer, Node> cpus = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private @Nullable Node nvswitch;
    private final PciTopology topology;

    private NcclGraph(PciTopology topology) {
        this.topology = topology;
    }

    /** All nodes. */
    public List<Node> nodes() {
        return nodes;
    }

    /** The node of a function, when it has one. */
    public @Nullable Node node(PciAddress address) {
        return byAddress.get(address);
    }

    /** What the builder had to assume or could not model. */
    public List<String> notes() {
        return notes;
    }

    /** The topology the graph was built from. */
    public PciTopology topology() {
        return topology;
    }

    /**
     * Builds NCCL's graph of a machine for the given endpoints (GPUs, NICs and others): each
     * with the switches above it, the CPUs, the NVLinks and the network ports.
     */
    public static NcclGraph build(PciTopology topology, List<PciFunction> endpoints) {
        NcclGraph g = new NcclGraph(topology);
        for (int numa : numaNodes(topology)) {
            g.cpu(numa);
        }
        for (PciFunction f : endpoints) {
            g.endpoint(f);
        }
        g.addNvLinks();
        g.connectCpus();
        g.sortLinks();
        return g;
    }

    private static TreeSet<Integer> numaNodes(PciTopology topology) {
        TreeSet<Integer> ids = new TreeSet<>();
        topology.numaNodes().forEach(n -> ids.add(n.id()));
        for (HostBridge h : topology.hostBridges()) {
            if (h.numaNode() >= 0) {
                ids.add(h.numaNode());
            }
        }
        return ids;
    }

    private Node add(NodeKind kind, String id, @Nullable PciAddress address, int numa, int sm) {
        Node n = new Node(kind, id, address, numa, sm, nodes.size());
        nodes.add(n);
        if (address != null) {
            byAddress.put(address, n);
        }
        return n;
    }

    private Node cpu(int numa) {
        return cpus.computeIfAbsent(numa, id -> add(NodeKind.CPU, id < 0 ? "cpu" : "cpu" + id, null, id, -1));
    }

    // The CPU a function hangs off: its own NUMA node, else its host bridge's, else the only one.
    private Node cpuOf(PciFunction f) {
        int numa = f.numaNode();
        if (numa < 0) {
            numa = topology.hostBridge(f).map(HostBridge::numaNode).orElse(-1);
        }
        if (numa < 0) {
            if (cpus.size() == 1) {
                return cpus.values().iterator().next();
            }
            if (cpus.isEmpty() || !cpus.containsKey(-1)) {
                notes.add("NUMA node of " + f.address() + " unknown: attached to "
                        + (cpus.isEmpty() ? "a CPU of its own" : "the first CPU"));
            }
            return cpus.isEmpty() ? cpu(-1) : cpus.values().iterator().next();
        }
        return cpu(numa);
    }

    private static NodeKind kindOf(PciFunction f) {
        int cls = f.classCode() >> 16;
        if (cls == 0x03) {
            return NodeKind.GPU;
        }
        if (cls == 0x02) {
            return NodeKind.NIC;
        }
        return NodeKind.ENDPOINT;
    }

    private Node endpoint(PciFunction f) {
        Node existing = byAddress.get(f.address());
        if (existing != null) {
            return existing;
        }
        NodeKind kind = kindOf(f);
        int sm = f.gpu() == null ? -1 : f.gpu().sm();
        Node n = add(kind, f.address().toString(), f.address(), -1, sm);
        attach(n, f);
        if (kind == NodeKind.NIC) {
            for (OsDevice d : f.osDevices()) {
                boolean port = d.kind() == OsDevice.Kind.NETWORK || d.kind() == OsDevice.Kind.OPENFABRICS;
                if (port && d.speedMbps() > 0) {
                    Node net = add(NodeKind.NET, "net:" + d.name(), null, -1, -1);
                    double bw = d.speedMbps() / 8000.0;
                    connect(n, net, LinkKind.NET, bw, bw, d.name() + " " + d.speedMbps() / 1000 + " Gb/s");
                    connect(net, n, LinkKind.NET, bw, bw, d.name() + " " + d.speedMbps() / 1000 + " Gb/s");
                }
            }
        }
        return n;
    }

    private Node pciSwitch(PciFunction f) {
        Node existing = byAddress.get(f.address());
        if (existing != null) {
            return existing;
        }
        Node n = add(NodeKind.PCI, f.address().toString(), f.address(), -1, -1);
        attach(n, f);
        return n;
    }

    // Links a node to where NCCL hangs it: in a sysfs-style hierarchy two levels up (skipping
    // the port the device sits on), in a file of switches its parent; the CPU at the top.
    private void attach(Node n, PciFunction f) {
        PciFunction up = topology.parent(f).orElse(null);
        PciFunction target;
        if (topology.hierarchy() == PciTopology.Hierarchy.SWITCHES) {
            target = up;
        } else {
            target = up == null ? null : topology.parent(up).orElse(null);
        }
        Node parent = target == null ? cpuOf(f) : pciSwitch(target);
        double[] bw = linkBandwidth(f, up);
        String detail = linkDetail(f);
        connect(n, parent, LinkKind.PCI, bw[0], bw[1], detail);
        connect(parent, n, LinkKind.PCI, bw[0], bw[1], detail);
        n.uplink = parent;
    }

    // NCCL's PCI bandwidth: width x per-lane value / 80, from the link NCCL reads: the smaller
    // of the device's and its port's maximum speed and width (sysfs), or the file's values.
    // [0] is NCCL's value, [1] the link as trained, after encoding.
    private double[] linkBandwidth(PciFunction f, @Nullable PciFunction port) {
        PcieLink link = f.link();
        double physical = link == null || link.bandwidthGBps() <= 0 ? -1 : link.bandwidthGBps();
        if (link != null && link.speed() == LinkSpeed.UNKNOWN && link.width() == 0 && link.statedGBps() > 0) {
            // Only a bandwidth is known (hwloc): NCCL's units are 3/4 of the 128b/130b line rate.
            return new double[] {link.statedGBps() * 0.75 / (128.0 / 130.0), physical};
        }
        LinkSpeed speed = LinkSpeed.UNKNOWN;
        int width = 0;
        if (link != null) {
            boolean useMax = topology.hierarchy() == PciTopology.Hierarchy.PORTS && link.maxSpeed() != LinkSpeed.UNKNOWN;
            speed = useMax ? link.maxSpeed() : link.speed();
            width = useMax && link.maxWidth() > 0 ? link.maxWidth() : link.width();
        }
        PcieLink portLink = port == null ? null : port.link();
        if (topology.hierarchy() == PciTopology.Hierarchy.PORTS) {
            if (portLink == null) {
                // The port above is the host bridge: its width reads as 0, which NCCL takes as x16.
                width = port == null ? 0 : width;
            } else {
                LinkSpeed ps = portLink.maxSpeed() != LinkSpeed.UNKNOWN ? portLink.maxSpeed() : portLink.speed();
                int pw = portLink.maxWidth() > 0 ? portLink.maxWidth() : portLink.width();
                if (ps != LinkSpeed.UNKNOWN && (speed == LinkSpeed.UNKNOWN || ps.gigaTransfers() < speed.gigaTransfers())) {
                    speed = ps;
                }
                if (pw > 0 && (width == 0 || pw < width)) {
                    width = pw;
                }
            }
        }
        return new double[] {ncclPciBandwidth(speed, width), physical};
    }

    /** NCCL's PCI bandwidth for a speed and width: width x per-lane / 80; unknown speed 60, width 0 as 16. */
    static double ncclPciBandwidth(LinkSpeed speed, int width) {
        int perLane;
        switch (speed) {
            case GT_2_5:
                perLane = 15;
                break;
            case GT_5:
                perLane = 30;
                break;
            case GT_16:
                perLane = 120;
                break;
            case GT_32:
                perLane = 240;
                break;
            case GT_64:
                perLane = 480;
                break;
            default:
                perLane = 60; // 8 GT/s, and NCCL's fallback for anything it does not know
                break;
        }
        return (width == 0 ? 16 : width) * perLane / 80.0;
    }

    private static String linkDetail(PciFunction f) {
        PcieLink link = f.link();
        return link == null ? "PCIe link of " + f.address() + " (speed unknown)" : "PCIe " + link.describe()
                + " at " + f.address();
    }

    // NVLink bandwidth per link, by the GPU's compute capability (NCCL 2.26+ constants).
    static double nvlinkPerLink(int sm) {
        if (sm >= 100) {
            return 40.1;
        }
        if (sm >= 90) {
            return 20.6;
        }
        if (sm == 86) {
            return 12.0;
        }
        if (sm >= 60 && sm < 70) {
            return 18.0;
        }
        return 20.0;
    }

    private void addNvLinks() {
        Map<String, Boolean> seen = new HashMap<>();
        for (NvLink l : topology.nvLinks()) {
            Node from = byAddress.get(l.from());
            if (from == null || from.kind() != NodeKind.GPU) {
                continue;
            }
            double bw = l.bandwidthGBps() >= 0 ? l.bandwidthGBps() : l.count() * nvlinkPerLink(from.sm());
            String detail = "NVLink x" + l.count();
            switch (l.target()) {
                case GPU: {
                    PciAddress to = l.to();
                    Node peer = to == null ? null : byAddress.get(to);
                    if (peer == null || peer == from) {
                        continue; // a peer outside the chosen endpoints, or a self-link (no path effect)
                    }
                    connect(from, peer, LinkKind.NVL, bw, bw, detail);
                    seen.put(from.id() + ">" + peer.id(), Boolean.TRUE);
                    break;
                }
                case NVSWITCH: {
                    Node s = nvswitch;
                    if (s == null) {
                        s = add(NodeKind.NVS, "nvswitch", null, -1, -1);
                        nvswitch = s;
                    }
                    connect(from, s, LinkKind.NVL, bw, bw, detail);
                    connect(s, from, LinkKind.NVL, bw, bw, detail);
                    break;
                }
                default: {
                    Node c = from.uplink == null ? cpus.values().iterator().next() : cpuAbove(from);
                    connect(from, c, LinkKind.NVL, bw, bw, detail);
                    connect(c, from, LinkKind.NVL, bw, bw, detail);
                    break;
                }
            }
        }
        // NCCL needs every GPU-GPU NVLink listed from both ends; a one-sided entry is mirrored
        // here and said, where NCCL would stop with "Failed to find reverse path".
        for (Node n : List.copyOf(nodes)) {
            for (Link l : List.copyOf(n.links)) {
                if (l.kind() == LinkKind.NVL && l.to().kind() == NodeKind.GPU && n.kind() == NodeKind.GPU
                        && !seen.containsKey(l.to().id() + ">" + n.id())) {
                    connect(l.to(), n, LinkKind.NVL, l.bw(), l.physical(), l.detail());
                    seen.put(l.to().id() + ">" + n.id(), Boolean.TRUE);
                    notes.add("NVLink " + n.id() + " - " + l.to().id() + " is listed from one end only; "
                            + "NCCL would fail with \"Failed to find reverse path\"");
                }
            }
        }
    }

    private Node cpuAbove(Node n) {
        Node at = n;
        while (at.uplink != null && at.kind() != NodeKind.CPU) {
            at = at.uplink;
        }
        return at.kind() == NodeKind.CPU ? at : cpus.values().iterator().next();
    }

    // Every pair of CPUs is one SYS hop apart; the bandwidth comes from the CPU model.
    private void connectCpus() {
        double bw = interSocketBandwidth(topology.cpu());
        List<Node> list = new ArrayList<>(cpus.values());
        for (Node a : list) {
            for (Node b : list) {
                if (a != b) {
                    connect(a, b, LinkKind.SYS, bw, -1, "inter-socket link (" + topology.cpu().describe() + ")");
                }
            }
        }
    }

    /** NCCL's inter-socket bandwidth for a CPU (the current release's table). */
    static double interSocketBandwidth(CpuInfo cpu) {
        String arch = cpu.arch().toLowerCase(Locale.ROOT);
        if (arch.startsWith("ppc") || cpu.vendor() == CpuVendor.POWER) {
            return 32;
        }
        if (arch.startsWith("arm") || arch.startsWith("aarch") || cpu.vendor() == CpuVendor.ARM) {
            return 6;
        }
        int family = cpu.family();
        int model = cpu.model();
        switch (cpu.vendor()) {
            case INTEL:
                if (family == 6 && (model >= 0xcf || model == 0xad || model == 0xae || model == 0xaf)) {
                    return 40;
                }
                if (family == 6 && model >= 0x8f) {
                    return 22;
                }
                return family == 6 && model >= 0x55 ? 10 : 6;
            case AMD:
                // NCCL files write AMD families packed (0xAF for Zen3) or plain (25).
                if (family == 0xbf || family == 0x1a) {
                    return 32;
                }
                if (family == 0xaf || family == 0x19) {
                    return 24;
                }
                return 16;
            case ZHAOXIN:
                return family == 7 && model == 0x5b ? 9 : 6;
            default:
                return LOC_BW;
        }
    }

    private static void connect(Node a, Node b, LinkKind kind, double bw, double physical, String detail) {
        for (int i = 0; i < a.links.size(); i++) {
            Link l = a.links.get(i);
            if (l.to() == b && l.kind() == kind) {
                // NCCL adds bandwidth to an existing link of the same type (bonded NVLinks).
                a.links.set(i, new Link(a, b, kind, l.bw() + bw, l.physical() < 0 ? physical : l.physical() + physical,
                        l.detail()));
                return;
            }
        }
        a.links.add(new Link(a, b, kind, bw, physical, detail));
    }

    // Links by decreasing bandwidth (ties in the order they were made), then the link to the
    // parent moved to the end: the order NCCL's search visits them in.
    private void sortLinks() {
        for (Node n : nodes) {
            n.links.sort(Comparator.comparingDouble((Link l) -> -l.bw()));
            Node up = n.uplink;
            if (up != null) {
                for (int i = 0; i < n.links.size(); i++) {
                    Link l = n.links.get(i);
                    if (l.to() == up && l.kind() == LinkKind.PCI) {
                        n.links.remove(i);
                        n.links.add(l);
                        break;
                    }
                }
            }
        }
    }
}
