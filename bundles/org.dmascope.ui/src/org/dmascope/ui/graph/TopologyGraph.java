package org.dmascope.ui.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.peer.PathNode;
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.NumaNode;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The machine as a graph to draw: CPUs (NUMA nodes) on top, their host bridges, the PCI
 * hierarchy below (bridges and functions), NVSwitches, and the NVLinks between GPUs. Node IDs
 * are those of {@link PathNode#id()}, so routes of the peer engines map onto the graph. The
 * root that topology files without host bridges (NCCL's) are given is not drawn: their
 * switches hang from their CPUs.
 */
public final class TopologyGraph {

    /** What a node stands for. */
    public enum NodeKind {
        /** A CPU / NUMA node. */
        CPU,
        /** A host bridge (root complex). */
        HOST_BRIDGE,
        /** A PCI function. */
        FUNCTION,
        /** The NVSwitch fabric. */
        NVSWITCH
    }

    /** What an edge stands for. */
    public enum EdgeKind {
        /** A CPU's host bridge. */
        HOST,
        /** A PCIe link (or the hierarchy's parent-child relation). */
        PCI,
        /** NVLinks. */
        NVLINK
    }

    /**
     * A node.
     *
     * @param id       the {@link PathNode#id()}: BDF, {@code pciDDDD:BB}, {@code cpuN}, {@code nvswitch}
     * @param kind     what it is
     * @param function the PCI function, for function nodes
     * @param title    the first line to show
     * @param subtitle the second line to show
     */
    public record Node(String id, NodeKind kind, @Nullable PciFunction function, @Nullable HostBridge hostBridge,
            String title, String subtitle) {
    }

    /**
     * An edge, from the upper node to the lower one (or between two GPUs).
     *
     * @param from  the node above
     * @param to    the node below
     * @param kind  what it is
     * @param label the link as trained ("16.0 GT/s x16", "NV12"), empty when unknown
     */
    public record Edge(String from, String to, EdgeKind kind, String label) {
    }

    private final Map<String, Node> nodes;
    private final List<Edge> edges;
    private final int hidden;

    private TopologyGraph(Map<String, Node> nodes, List<Edge> edges, int hidden) {
        this.nodes = nodes;
        this.edges = edges;
        this.hidden = hidden;
    }

    /**
     * The graph of a machine.
     *
     * @param topology      the machine
     * @param names         device names
     * @param endpointsOnly leave out endpoints that are not DMA endpoints (GPU, NIC, NVMe,
     *                      storage, accelerators); bridges stay
     */
    public static TopologyGraph of(PciTopology topology, PciNames names, boolean endpointsOnly) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        List<Edge> edges = new ArrayList<>();
        int hidden = 0;
        TreeSet<Integer> numa = new TreeSet<>();
        for (NumaNode n : topology.numaNodes()) {
            numa.add(n.id());
        }
        for (HostBridge h : topology.hostBridges()) {
            if (h.numaNode() >= 0) {
                numa.add(h.numaNode());
            }
        }
        for (int n : numa) {
            String id = new PathNode.Cpu(n).id();
            nodes.put(id, new Node(id, NodeKind.CPU, null, null, "CPU " + n, "NUMA node " + n));
        }
        for (HostBridge h : topology.hostBridges()) {
            String id = new PathNode.HostBridge(h.rootBus()).id();
            List<PciFunction> roots = topology.rootFunctions(h);
            if (!roots.isEmpty() && roots.stream().allMatch(PciFunction::placeholder)) {
                // A topology file's made-up root of switches (NCCL files): its switches hang
                // from their CPUs, as in the file.
                for (PciFunction f : roots) {
                    String cpu = new PathNode.Cpu(f.numaNode()).id();
                    String parent = f.numaNode() >= 0 && nodes.containsKey(cpu) ? cpu : hostBridgeNode(h, nodes);
                    hidden += add(topology, names, f, parent, endpointsOnly, nodes, edges);
                }
                continue;
            }
            hostBridgeNode(h, nodes);
            if (h.numaNode() >= 0) {
                edges.add(new Edge(new PathNode.Cpu(h.numaNode()).id(), id, EdgeKind.HOST, ""));
            }
            for (PciFunction f : roots) {
                hidden += add(topology, names, f, id, endpointsOnly, nodes, edges);
            }
        }
        boolean nvswitch = false;
        for (NvLink l : topology.nvLinks()) {
            String from = l.from().toString();
            if (!nodes.containsKey(from)) {
                continue;
            }
            String label = "NV" + l.count();
            PciAddress to = l.to();
            if (l.target() == NvLink.Target.GPU && to != null && nodes.containsKey(to.toString())) {
                // Listed from both ends by some sources: one edge per pair.
                boolean known = edges.stream().anyMatch(e -> e.kind() == EdgeKind.NVLINK
                        && (e.from().equals(to.toString()) && e.to().equals(from)
                                || e.from().equals(from) && e.to().equals(to.toString())));
                if (!known) {
                    edges.add(new Edge(from, to.toString(), EdgeKind.NVLINK, label));
                }
            } else if (l.target() == NvLink.Target.NVSWITCH) {
                nvswitch = true;
                edges.add(new Edge(from, new PathNode.NvSwitch().id(), EdgeKind.NVLINK, label));
            }
        }
        if (nvswitch) {
            String id = new PathNode.NvSwitch().id();
            nodes.put(id, new Node(id, NodeKind.NVSWITCH, null, null, "NVSwitch", "NVLink fabric"));
        }
        return new TopologyGraph(Collections.unmodifiableMap(nodes), List.copyOf(edges), hidden);
    }

    private static String hostBridgeNode(HostBridge h, Map<String, Node> nodes) {
        String id = new PathNode.HostBridge(h.rootBus()).id();
        nodes.computeIfAbsent(id, k -> new Node(id, NodeKind.HOST_BRIDGE, null, h, "Host bridge",
                String.format(Locale.ROOT, "%04x:%02x", h.rootBus().domain(), h.rootBus().bus())));
        return id;
    }

    // Adds a function and what is below it; returns how many endpoints were left out.
    private static int add(PciTopology topology, PciNames names, PciFunction f, String parent, boolean endpointsOnly,
            Map<String, Node> nodes, List<Edge> edges) {
        if (endpointsOnly && f.role() == FunctionRole.ENDPOINT && !f.kind().isDmaEndpoint()) {
            return 1;
        }
        String id = f.address().toString();
        nodes.put(id, new Node(id, NodeKind.FUNCTION, f, null, id, subtitle(f, names)));
        PcieLink link = f.link();
        edges.add(new Edge(parent, id, EdgeKind.PCI, link == null ? "" : link.describe()));
        int hidden = 0;
        for (PciFunction child : topology.children(f.address())) {
            hidden += add(topology, names, child, id, endpointsOnly, nodes, edges);
        }
        return hidden;
    }

    /**
     * What to call a function in a small box: the marketing name pci.ids puts in brackets
     * ("A100 SXM4 40GB") or the device name, with the role for bridges.
     */
    static String subtitle(PciFunction f, PciNames names) {
        if (f.placeholder()) {
            return "switch (from the topology file)";
        }
        switch (f.role()) {
            case ROOT_PORT:
                return "Root port";
            case SWITCH_UPSTREAM_PORT:
                return "Switch upstream port";
            case SWITCH_DOWNSTREAM_PORT:
                return "Switch downstream port";
            default:
                break;
        }
        String device = names.device(f.vendorId(), f.deviceId());
        int open = device.lastIndexOf('[');
        int close = device.lastIndexOf(']');
        if (open >= 0 && close > open + 1) {
            return device.substring(open + 1, close);
        }
        return device;
    }

    /** The nodes, CPUs first, then each host bridge followed by its hierarchy in address order. */
    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    /** A node by ID. */
    public Optional<Node> node(String id) {
        return Optional.ofNullable(nodes.get(id));
    }

    /** The edges. */
    public List<Edge> edges() {
        return edges;
    }

    /** The edge joining two nodes, in either direction. */
    public Optional<Edge> edge(String a, String b) {
        for (Edge e : edges) {
            if (e.from().equals(a) && e.to().equals(b) || e.from().equals(b) && e.to().equals(a)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** How many endpoints were left out (endpoints-only mode). */
    public int hiddenEndpoints() {
        return hidden;
    }
}
