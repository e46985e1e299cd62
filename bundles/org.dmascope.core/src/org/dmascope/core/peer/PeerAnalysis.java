package org.dmascope.core.peer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.DeviceKind;
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Peer paths between the DMA endpoints of a machine: the kernel's decision, NCCL's path and
 * nvidia-smi's class for any pair. A pure function of the topology; NCCL's search runs once per
 * destination and is shared by all pairs.
 */
public final class PeerAnalysis {

    private final PciTopology topology;
    private final KernelP2pEngine kernel;
    private final @Nullable CpuInfo cpuOverride;
    private final List<PciFunction> endpoints;
    private final NcclPathEngine nccl;

    /**
     * @param topology    the machine
     * @param rules       the kernel version's rules
     * @param cpuOverride the CPU to assume instead of the topology's, or null
     * @param endpoints   the functions to analyse (see {@link #endpoints(PciTopology, boolean)}); other
     *                    functions can still be asked about
     */
    public PeerAnalysis(PciTopology topology, KernelRules rules, @Nullable CpuInfo cpuOverride,
            List<PciFunction> endpoints) {
        this.topology = topology;
        this.kernel = new KernelP2pEngine(rules);
        this.cpuOverride = cpuOverride;
        this.endpoints = List.copyOf(endpoints);
        this.nccl = new NcclPathEngine(NcclGraph.build(topology, endpoints));
    }

    /**
     * The functions a peer matrix is about: GPUs, NICs, NVMe controllers, storage and
     * accelerators (every endpoint with {@code all}), not placeholders; GPUs first, then NICs,
     * then the rest, each in address order, as nvidia-smi lists them.
     */
    public static List<PciFunction> endpoints(PciTopology topology, boolean all) {
        List<PciFunction> out = new ArrayList<>();
        for (PciFunction f : topology.functions()) {
            boolean endpoint = f.role() == FunctionRole.ENDPOINT && !f.placeholder();
            if (endpoint && (all || f.kind().isDmaEndpoint())) {
                out.add(f);
            }
        }
        out.sort(Comparator.comparingInt((PciFunction f) -> order(f.kind())).thenComparing(PciFunction::address));
        return out;
    }

    private static int order(DeviceKind kind) {
        switch (kind) {
            case GPU:
                return 0;
            case INFINIBAND:
            case NIC:
                return 1;
            case NVME:
                return 2;
            default:
                return 3;
        }
    }

    /** The machine. */
    public PciTopology topology() {
        return topology;
    }

    /** The functions analysed. */
    public List<PciFunction> endpoints() {
        return endpoints;
    }

    /** NCCL's graph and paths. */
    public NcclPathEngine ncclPaths() {
        return nccl;
    }

    /**
     * Every view of the path between two functions.
     *
     * @throws IllegalArgumentException when a function is not in the topology
     */
    public PeerPair pair(PciAddress a, PciAddress b) {
        PciFunction fa = require(a);
        PciFunction fb = require(b);
        NcclPathEngine engine = nccl;
        NcclGraph.Node na = engine.graph().node(a);
        NcclGraph.Node nb = engine.graph().node(b);
        if (na == null || nb == null) {
            // A function outside the analysed endpoints (a bridge, say): a graph that has it.
            List<PciFunction> with = new ArrayList<>(endpoints);
            if (na == null) {
                with.add(fa);
            }
            if (nb == null) {
                with.add(fb);
            }
            engine = new NcclPathEngine(NcclGraph.build(topology, with));
            na = engine.graph().node(a);
            nb = engine.graph().node(b);
        }
        NcclPath path = engine.path(na, nb);
        return new PeerPair(fa, fb, kernel.evaluate(topology, a, b, cpuOverride), path,
                SmiClassifier.classify(topology, fa, fb));
    }

    /**
     * The classes of every ordered pair of endpoints, without routes and explanations: what a
     * peer matrix shows. NCCL's search runs once per endpoint; rows are computed on several
     * threads.
     */
    public PeerMatrix matrix() {
        int n = endpoints.size();
        NcclPathType[][] type = new NcclPathType[n][n];
        double[][] bw = new double[n][n];
        SmiClassifier.Result[][] smi = new SmiClassifier.Result[n][n];
        KernelP2pEngine.Decision[][] decisions = new KernelP2pEngine.Decision[n][n];
        NcclGraph.Node[] nodes = new NcclGraph.Node[n];
        PciFunction[] functions = endpoints.toArray(new PciFunction[0]);
        for (int i = 0; i < n; i++) {
            nodes[i] = nccl.graph().node(functions[i].address());
        }
        SmiClassifier classifier = new SmiClassifier(topology);
        classifier.prepare(endpoints);
        KernelP2pEngine.Context decider = kernel.context(topology, cpuOverride);
        decider.prepare(endpoints);
        nccl.prepare(Arrays.asList(nodes));
        // Rows are independent once everything shared is prepared: fill them several at once.
        IntStream.range(0, n).parallel().forEach(i -> {
            for (int j = 0; j < n; j++) {
                type[i][j] = nccl.type(nodes[i], nodes[j]);
                bw[i][j] = nccl.bandwidth(nodes[i], nodes[j]);
                decisions[i][j] = decider.decide(functions[i], functions[j]);
                if (j >= i) {
                    smi[i][j] = classifier.classify(functions[i], functions[j]);
                }
            }
        });
        // nvidia-smi's classes are symmetric.
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                smi[i][j] = smi[j][i];
            }
        }
        return new PeerMatrix(endpoints, type, bw, smi, decisions);
    }

    /** Every unordered pair of distinct endpoints, each with the first as provider. */
    public List<PeerPair> allPairs() {
        List<PeerPair> out = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            for (int j = i + 1; j < endpoints.size(); j++) {
                out.add(pair(endpoints.get(i).address(), endpoints.get(j).address()));
            }
        }
        return out;
    }

    private PciFunction require(PciAddress a) {
        return topology.function(a).orElseThrow(() -> new IllegalArgumentException(
                "no function " + a + " in " + topology.source()));
    }
}
