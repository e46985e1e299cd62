package org.dmascope.core.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.peer.NcclGraph.Link;
import org.dmascope.core.peer.NcclGraph.Node;
import org.dmascope.core.peer.NcclGraph.NodeKind;
import org.eclipse.jdt.annotation.Nullable;

/**
 * A path as NCCL's search finds it: its type, hop count and bottleneck bandwidth (NCCL's units,
 * GB/s), the nodes it passes, and the hardware bottleneck (the slowest PCIe or NVLink link as
 * trained, GB/s per direction).
 *
 * @param type           the path type
 * @param hops           how many links
 * @param bandwidth      NCCL's bottleneck bandwidth (its units)
 * @param route          the nodes from start to end
 * @param hopDetails     each link, in words
 * @param bottleneckGBps the slowest hardware link's bandwidth, -1 when no link's rate is known
 * @param bottleneck     which link that is, in words; null when unknown
 * @param bottleneckEnds the {@linkplain PathNode#id() ids} of the two nodes that link joins, in
 *                       the path's direction; empty when unknown
 */
public record NcclPath(NcclPathType type, int hops, double bandwidth, List<PathNode> route, List<String> hopDetails,
        double bottleneckGBps, @Nullable String bottleneck, List<String> bottleneckEnds) {

    /** Copies the lists. */
    public NcclPath {
        route = List.copyOf(route);
        hopDetails = List.copyOf(hopDetails);
        bottleneckEnds = List.copyOf(bottleneckEnds);
    }

    static NcclPath of(NcclPathType type, int hops, double bandwidth, List<Node> nodes, List<Link> links) {
        List<PathNode> route = new ArrayList<>();
        for (Node n : nodes) {
            PathNode p = toPathNode(n);
            if (p != null) {
                route.add(p);
            }
        }
        List<String> details = new ArrayList<>();
        double slowest = -1;
        String which = null;
        List<String> ends = List.of();
        for (Link l : links) {
            details.add(String.format(Locale.ROOT, "%s -%s[%.1f]- %s (%s)", l.from().id(), l.kind(), l.bw(), l.to().id(),
                    l.detail()));
            if (l.physical() > 0 && (slowest < 0 || l.physical() < slowest)) {
                slowest = l.physical();
                which = l.detail();
                ends = List.of(l.from().id(), l.to().id());
            }
        }
        return new NcclPath(type, hops, bandwidth, route, details, slowest, which, ends);
    }

    private static @Nullable PathNode toPathNode(Node n) {
        if (n.address() != null) {
            return new PathNode.Function(n.address());
        }
        if (n.kind() == NodeKind.CPU) {
            return new PathNode.Cpu(n.numaNode());
        }
        if (n.kind() == NodeKind.NVS) {
            return new PathNode.NvSwitch();
        }
        return null; // network ports are not shown as nodes of the route
    }

    /** Whether the path crosses NVLink only. */
    public boolean isNvLink() {
        return type == NcclPathType.NVL || type == NcclPathType.NVB;
    }

    /** Whether NCCL's default P2P level (PXB; SYS on AMD with two GPUs or fewer) lets GPUs use this path. */
    public boolean p2pByDefault(boolean amdWithTwoGpusOrFewer) {
        return type.compareTo(amdWithTwoGpusOrFewer ? NcclPathType.SYS : NcclPathType.PXB) <= 0;
    }

    /** Whether NCCL's default GPUDirect RDMA level (PXB) allows it between a GPU and a NIC on this path. */
    public boolean gdrByDefault() {
        return type.compareTo(NcclPathType.PXB) <= 0;
    }

    /** NCCL's bandwidth as it prints it ("24.0"). */
    public String bandwidthText() {
        return String.format(Locale.ROOT, "%.1f", bandwidth);
    }

}
