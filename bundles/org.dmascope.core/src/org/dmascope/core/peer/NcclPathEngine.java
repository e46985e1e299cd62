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
    private final State[][] byDestination;

    /** Paths over this graph. */
    public NcclPathEngine(NcclGraph graph) {
        this.graph = graph;
        this.byDestination = new State[graph.nodes().size()][];
    }

    /** The graph. */
    public NcclGraph graph() {
        return graph;
    }

    private static final class State {
        int count;
        double bw;
        NcclPathType type = NcclPathType.DIS;
        @Nullable Link next; // the first link from this node towards the destination
    }

    /**
     * The path NCCL finds from one node to another.
     *
     * @return the path; type {@link NcclPathType#DIS} when there is none
     */
    public NcclPath path(Node from, Node to) {
        State[] states = states(to);
        State s = states[from.index()];
        List<Node> route = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        route.add(from);
        Node at = from;
        int guard = graph.nodes().size();
        while (at != to && guard-- > 0) {
            Link l = states[at.index()].next;
            if (l == null) {
                break;
            }
            links.add(l);
            at = l.to();
            route.add(at);
        }
        return NcclPath.of(s.type, s.count, s.bw, route, links);
    }

    /** The type of the path NCCL finds from one node to another, without the route. */
    public NcclPathType type(Node from, Node to) {
        return states(to)[from.index()].type;
    }

    /** NCCL's bandwidth of the path from one node to another. */
    public double bandwidth(Node from, Node to) {
        return states(to)[from.index()].bw;
    }

    private State[] states(Node to) {
        State[] states = byDestination[to.index()];
        if (states == null) {
            states = search(to);
            byDestination[to.index()] = states;
        }
        return states;
    }

    private State[] search(Node base) {
        State[] st = new State[graph.nodes().size()];
        for (int i = 0; i < st.length; i++) {
            st[i] = new State();
        }
        State b = st[base.index()];
        b.count = 0;
        b.bw = NcclGraph.LOC_BW;
        b.type = NcclPathType.LOC;
        List<Node> frontier = List.of(base);
        boolean[] queued = new boolean[st.length];
        while (!frontier.isEmpty()) {
            List<Node> next = new ArrayList<>();
            Arrays.fill(queued, false);
            for (Node node : frontier) {
                State p = st[node.index()];
                for (Link link : node.links()) {
                    Node r = link.to();
                    if (transitForbidden(node, link, r, p, base)) {
                        continue;
                    }
                    double bw = Math.min(p.bw, link.bw());
                    State rp = st[r.index()];
                    if ((rp.bw == 0 || rp.count > p.count) && rp.bw < bw) {
                        Link back = reverse(r, node, link.kind());
                        if (back == null) {
                            continue;
                        }
                        rp.next = back;
                        rp.count = p.count + 1;
                        rp.bw = bw;
                        NcclPathType hop = hopType(node, link, r, p, rp.count);
                        rp.type = hop.compareTo(p.type) > 0 ? hop : p.type;
                        if (!queued[r.index()]) {
                            queued[r.index()] = true;
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
    private static boolean transitForbidden(Node node, Link link, Node remote, State p, Node base) {
        // NICs, their ports and other endpoints have no link to pass through: nothing to check.
        return node.kind() == NodeKind.GPU && node != base
                && !(link.kind() == LinkKind.NVL && remote.kind() == NodeKind.GPU && p.count <= 1);
    }

    private static @Nullable Link reverse(Node from, Node to, LinkKind kind) {
        for (Link l : from.links()) {
            if (l.to() == to && l.kind() == kind) {
                return l;
            }
        }
        return null;
    }

    private static NcclPathType hopType(Node node, Link link, Node remote, State p, int newCount) {
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
        if (node.kind() == NodeKind.GPU && p.type == NcclPathType.NVL && t == NcclPathType.NVL && newCount > 1) {
            t = NcclPathType.NVB;
        }
        return t;
    }
}
