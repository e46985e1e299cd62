package org.dmascope.core.peer;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;

/**
 * The class {@code nvidia-smi topo -m} prints for a pair (NVML's topology levels): NV# for
 * bonded NVLinks; otherwise by what the PCIe path crosses: at most one bridge (PIX), several
 * (PXB), a host bridge (PHB), host bridges of one NUMA node (NODE), or NUMA nodes (SYS).
 */
public final class SmiClassifier {

    /**
     * A classification.
     *
     * @param smiClass the class
     * @param nvlinks  the number of bonded NVLinks for {@link SmiClass#NV}, 0 otherwise
     */
    public record Result(SmiClass smiClass, int nvlinks) {
        /** As nvidia-smi prints it: "NV12", "PIX", "X". */
        public String label() {
            return smiClass == SmiClass.NV ? "NV" + nvlinks : smiClass.name();
        }
    }

    private SmiClassifier() {
    }

    /** The class of the connection between two functions. */
    public static Result classify(PciTopology topology, PciFunction a, PciFunction b) {
        if (a.address().equals(b.address())) {
            return new Result(SmiClass.X, 0);
        }
        int links = nvlinks(topology, a.address(), b.address());
        if (links > 0) {
            return new Result(SmiClass.NV, links);
        }
        List<PciFunction> chainA = chain(topology, a);
        List<PciFunction> chainB = chain(topology, b);
        PciFunction common = null;
        for (PciFunction f : chainA) {
            if (chainB.stream().anyMatch(g -> g.address().equals(f.address()))) {
                common = f;
                break;
            }
        }
        if (common == null) {
            // NUMA first: topology files put placeholder switches of every CPU on one made-up bus.
            int na = numa(topology, a);
            int nb = numa(topology, b);
            if (na >= 0 && nb >= 0 && na != nb) {
                return new Result(SmiClass.SYS, 0);
            }
            return new Result(a.rootBus().equals(b.rootBus()) ? SmiClass.PHB : SmiClass.NODE, 0);
        }
        // The bridges the path crosses, a switch's ports counted once.
        Set<PciAddress> bridges = new HashSet<>();
        for (List<PciFunction> chain : List.of(chainA, chainB)) {
            for (PciFunction f : chain) {
                if (f != chain.get(0) && f.isBridge()) {
                    bridges.add(switchOf(topology, f));
                }
                if (f.address().equals(common.address())) {
                    break;
                }
            }
        }
        if (common.isBridge() && common != a && common != b) {
            bridges.add(switchOf(topology, common));
        }
        return new Result(bridges.size() <= 1 ? SmiClass.PIX : SmiClass.PXB, 0);
    }

    private static List<PciFunction> chain(PciTopology topology, PciFunction f) {
        List<PciFunction> out = new java.util.ArrayList<>();
        out.add(f);
        out.addAll(topology.upstreamBridges(f));
        return out;
    }

    // A switch downstream port belongs to the switch of its upstream port.
    private static PciAddress switchOf(PciTopology topology, PciFunction bridge) {
        if (topology.hierarchy() == PciTopology.Hierarchy.PORTS && bridge.role() == FunctionRole.SWITCH_DOWNSTREAM_PORT) {
            return topology.parent(bridge).map(PciFunction::address).orElse(bridge.address());
        }
        return bridge.address();
    }

    private static int numa(PciTopology topology, PciFunction f) {
        if (f.numaNode() >= 0) {
            return f.numaNode();
        }
        return topology.hostBridge(f).map(HostBridge::numaNode).orElse(-1);
    }

    /**
     * Bonded NVLinks between two GPUs: the links listed between them (from either end, not
     * added twice), or, through NVSwitches, the smaller of the two GPUs' link counts.
     */
    static int nvlinks(PciTopology topology, PciAddress a, PciAddress b) {
        int ab = 0;
        int ba = 0;
        int switchA = 0;
        int switchB = 0;
        for (NvLink l : topology.nvLinks()) {
            PciAddress to = l.to();
            if (l.target() == NvLink.Target.GPU && to != null) {
                if (l.from().equals(a) && to.equals(b)) {
                    ab += l.count();
                } else if (l.from().equals(b) && to.equals(a)) {
                    ba += l.count();
                }
            } else if (l.target() == NvLink.Target.NVSWITCH) {
                if (l.from().equals(a)) {
                    switchA += l.count();
                } else if (l.from().equals(b)) {
                    switchB += l.count();
                }
            }
        }
        int direct = Math.max(ab, ba);
        return direct > 0 ? direct : Math.min(switchA, switchB);
    }
}
