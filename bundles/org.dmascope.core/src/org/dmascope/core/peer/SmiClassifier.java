package org.dmascope.core.peer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    private final PciTopology topology;
    private final Map<PciAddress, List<PciFunction>> chains = new HashMap<>();
    private final Map<PciAddress, Map<PciAddress, Integer>> direct = new HashMap<>();
    private final Map<PciAddress, Integer> toSwitch = new HashMap<>();

    /** A classifier for the pairs of one machine (chains and NVLinks are looked at once). Not thread-safe. */
    public SmiClassifier(PciTopology topology) {
        this.topology = topology;
        for (NvLink l : topology.nvLinks()) {
            PciAddress to = l.to();
            if (l.target() == NvLink.Target.GPU && to != null) {
                direct.computeIfAbsent(l.from(), k -> new HashMap<>()).merge(to, l.count(), Integer::sum);
            } else if (l.target() == NvLink.Target.NVSWITCH) {
                toSwitch.merge(l.from(), l.count(), Integer::sum);
            }
        }
    }

    /** The class of the connection between two functions. */
    public static Result classify(PciTopology topology, PciFunction a, PciFunction b) {
        return new SmiClassifier(topology).classify(a, b);
    }

    /** The class of the connection between two functions of this machine. */
    public Result classify(PciFunction a, PciFunction b) {
        if (a.address().equals(b.address())) {
            return new Result(SmiClass.X, 0);
        }
        int links = nvlinks(a.address(), b.address());
        if (links > 0) {
            return new Result(SmiClass.NV, links);
        }
        List<PciFunction> chainA = chain(a);
        List<PciFunction> chainB = chain(b);
        int commonA = -1;
        int commonB = -1;
        for (int i = 0; i < chainA.size() && commonA < 0; i++) {
            for (int j = 0; j < chainB.size(); j++) {
                if (chainA.get(i) == chainB.get(j)) {
                    commonA = i;
                    commonB = j;
                    break;
                }
            }
        }
        if (commonA < 0) {
            // NUMA first: topology files put placeholder switches of every CPU on one made-up bus.
            int na = numa(a);
            int nb = numa(b);
            if (na >= 0 && nb >= 0 && na != nb) {
                return new Result(SmiClass.SYS, 0);
            }
            return new Result(a.rootBus().equals(b.rootBus()) ? SmiClass.PHB : SmiClass.NODE, 0);
        }
        // The bridges on the path up to the common device, a switch's ports counted once.
        List<PciAddress> switches = new ArrayList<>(4);
        collect(chainA, 1, commonA, switches);
        collect(chainB, 1, commonB, switches);
        return new Result(switches.size() <= 1 ? SmiClass.PIX : SmiClass.PXB, 0);
    }

    private void collect(List<PciFunction> chain, int from, int to, List<PciAddress> switches) {
        for (int i = from; i <= to; i++) {
            PciFunction f = chain.get(i);
            if (f.isBridge()) {
                PciAddress s = switchOf(f);
                if (!switches.contains(s)) {
                    switches.add(s);
                }
            }
        }
    }

    private List<PciFunction> chain(PciFunction f) {
        return chains.computeIfAbsent(f.address(), a -> {
            List<PciFunction> out = new ArrayList<>();
            out.add(f);
            out.addAll(topology.upstreamBridges(f));
            return out;
        });
    }

    // A switch downstream port belongs to the switch of its upstream port.
    private PciAddress switchOf(PciFunction bridge) {
        if (topology.hierarchy() == PciTopology.Hierarchy.PORTS && bridge.role() == FunctionRole.SWITCH_DOWNSTREAM_PORT) {
            return topology.parent(bridge).map(PciFunction::address).orElse(bridge.address());
        }
        return bridge.address();
    }

    private int numa(PciFunction f) {
        if (f.numaNode() >= 0) {
            return f.numaNode();
        }
        return topology.hostBridge(f).map(HostBridge::numaNode).orElse(-1);
    }

    /**
     * Bonded NVLinks between two GPUs: the links listed between them (from either end, not
     * added twice), or, through NVSwitches, the smaller of the two GPUs' link counts.
     */
    private int nvlinks(PciAddress a, PciAddress b) {
        int ab = direct.getOrDefault(a, Map.of()).getOrDefault(b, 0);
        int ba = direct.getOrDefault(b, Map.of()).getOrDefault(a, 0);
        int d = Math.max(ab, ba);
        return d > 0 ? d : Math.min(toSwitch.getOrDefault(a, 0), toSwitch.getOrDefault(b, 0));
    }
}
