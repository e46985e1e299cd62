package org.dmascope.core.peer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.dmascope.core.peer.NcclGraph.Link;
import org.dmascope.core.peer.NcclGraph.LinkKind;
import org.dmascope.core.peer.NcclGraph.Node;
import org.dmascope.core.peer.NcclGraph.NodeKind;
import org.eclipse.jdt.annotation.Nullable;

/**
 * NCCL's path search (src/graph/paths.cc, {@code ncclTopoSetPaths}): from a destination,
 * breadth first over the graph; a node's path is replaced only by one with no more hops and a
 * strictly larger bottleneck bandwidth, so the fewest hops win and, among those, the widest
 * path found first. A path's type is the farthest of its hops' types: a PCI hop is PIX, a hop
 * between two PCI switches PXB, a PCI hop touching a CPU PHB, the CPU-to-CPU hop SYS, an NVLink
 * hop NVL, and NVLink relayed by a GPU NVB. Paths never cross a GPU except over NVLink to
 * another GPU, and only one GPU relays.
 *
 * <p>These are the paths before NCCL's own adjustments (P2P or GPUDirect RDMA disabled, PXN),
 * which depend on run-time settings; {@link NcclPath} says how the default levels judge them.
 */
public final class NcclPathEngine {

    private final NcclGraph graph;
    // Per destination node index: the search result for every node, computed on demand.
    private final States[] byDestination;

    /** Paths over this graph. */
    public NcclPathEngine(NcclGraph graph) {
        this.graph = graph;
        this.byDestination = new States[graph.nodes().size()];
    }

    /** The graph. */
    public NcclGraph graph() {
        return graph;
    }

    // The search's result for every node, towards one destination, in flat arrays.
    private static final class States {
        final int[] count;
        final double[] bw;
        final NcclPathType[] type;
        final @Nullable Link[] next; // the first link from each node towards the destination

        States(int n) {
            count = new int[n];
            bw = new double[n];
            type = new NcclPathType[n];
            java.util.Arrays.fill(type, NcclPathType.DIS);
            next = new Link[n];
        }
    }

    /**
     * The path NCCL finds from one node to another.
     *
     * @return the path; type {@link NcclPathType#DIS} when there is none
     */
    public NcclPath path(Node from, Node to) {
        States st = states(to);
        int i = from.index();
        List<Node> route = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        route.add(from);
        Node at = from;
        int guard = graph.nodes().size();
        while (at != to && guard-- > 0) {
            Link l = st.next[at.index()];
            if (l == null) {
                break;
            }
            links.add(l);
            at = l.to();
            route.add(at);
        }
        return NcclPath.of(st.type[i], st.count[i], st.bw[i], route, links);
    }

    /** The type of the path NCCL finds from one node to another, without the route. */
    public NcclPathType type(Node from, Node to) {
        return states(to).type[from.index()];
    }

    /** NCCL's bandwidth of the path from one node to another. */
    public double bandwidth(Node from, Node to) {
        return states(to).bw[from.index()];
    }

    /**
     * Runs the searches towards these destinations now, several at once. Afterwards, paths to
     * them can be asked for from several threads.
     */
    public void prepare(List<Node> destinations) {
        destinations.parallelStream().filter(d -> byDestination[d.index()] == null)
                .forEach(d -> byDestination[d.index()] = search(d));
    }

    private States states(Node to) {
        States states = byDestination[to.index()];
        if (states == null) {
            states = search(to);
            byDestination[to.index()] = states;
        }
        return states;
    }

    private States search(Node base) {
        int n = graph.nodes().size();
        States st = new States(n);
        int b = base.index();
        st.count[b] = 0;
        st.bw[b] = NcclGraph.LOC_BW;
        st.type[b] = NcclPathType.LOC;
        List<Node> frontier = List.of(base);
        boolean[] queued = new boolean[n];
        while (!frontier.isEmpty()) {
            List<Node> next = new ArrayList<>();
            Arrays.fill(queued, false);
            for (Node node : frontier) {
                int p = node.index();
                for (Link link : node.links()) {
                    Node r = link.to();
                    int ri = r.index();
                    if (transitForbidden(node, link, r, st.type[p], st.count[p], base)) {
                        continue;
                    }
                    double bw = Math.min(st.bw[p], link.bw());
                    if ((st.bw[ri] == 0 || st.count[ri] > st.count[p]) && st.bw[ri] < bw) {
                        Link back = reverse(r, node, link.kind());
                        if (back == null) {
                            continue;
                        }
                        st.next[ri] = back;
                        st.count[ri] = st.count[p] + 1;
                        st.bw[ri] = bw;
                        NcclPathType hop = hopType(node, link, r, st.type[p], st.count[ri]);
                        st.type[ri] = hop.compareTo(st.type[p]) > 0 ? hop : st.type[p];
                        if (!queued[ri]) {
                            queued[ri] = true;
                            next.add(r);
                        }
                    }
                }
            }
            frontier = next;
        }
        return st;
    }

    // A GPU other than the destination passes traffic on only over NVLink to another GPU, and
    // only as the destination's direct NVLink neighbour (one relay at most).
    private static boolean transitForbidden(Node node, Link link, Node remote, NcclPathType pathType, int pathCount,
            Node base) {
        // NICs, their ports and other endpoints have no link to pass through: nothing to check.
        return node.kind() == NodeKind.GPU && node != base
                && !(link.kind() == LinkKind.NVL && remote.kind() == NodeKind.GPU && pathCount <= 1);
    }

    private static @Nullable Link reverse(Node from, Node to, LinkKind kind) {
        for (Link l : from.links()) {
            if (l.to() == to && l.kind() == kind) {
                return l;
            }
        }
        return null;
    }

    private static NcclPathType hopType(Node node, Link link, Node remote, NcclPathType pathType, int newCount) {
        NcclPathType t;
        switch (link.kind()) {
            case NVL:
                t = NcclPathType.NVL;
                break;
            case PCI:
                t = NcclPathType.PIX;
                break;
            case SYS:
                t = NcclPathType.SYS;
                break;
            default:
                t = NcclPathType.LOC; // LOC links and the NIC-to-port hop
                break;
        }
        if (node.kind() == NodeKind.PCI && remote.kind() == NodeKind.PCI) {
            t = NcclPathType.PXB;
        }
        if (link.kind() == LinkKind.PCI && (node.kind() == NodeKind.CPU || remote.kind() == NodeKind.CPU)) {
            t = NcclPathType.PHB;
        }
        if (node.kind() == NodeKind.GPU && pathType == NcclPathType.NVL && t == NcclPathType.NVL && newCount > 1) {
            t = NcclPathType.NVB;
        }
        return t;
    }
}
