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
import org.eclipse.jdt.annotation.Nullable;

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

    private static final Result X = new Result(SmiClass.X, 0);
    private static final Result PIX = new Result(SmiClass.PIX, 0);
    private static final Result PXB = new Result(SmiClass.PXB, 0);
    private static final Result PHB = new Result(SmiClass.PHB, 0);
    private static final Result NODE = new Result(SmiClass.NODE, 0);
    private static final Result SYS = new Result(SmiClass.SYS, 0);

    private final PciTopology topology;
    private final Map<PciAddress, Chain> chains = new HashMap<>();
    private final Map<PciAddress, Map<PciAddress, Integer>> direct = new HashMap<>();
    private final Map<PciAddress, Integer> toSwitch = new HashMap<>();

    /**
     * A classifier for the pairs of one machine (chains and NVLinks are looked at once). Not
     * thread-safe, except for functions {@linkplain #prepare prepared}.
     */
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

    /**
     * Looks at these functions' upstream devices now. Afterwards, classes between them can be
     * asked for from several threads.
     */
    public void prepare(List<PciFunction> functions) {
        functions.forEach(this::chain);
    }

    /** The class of the connection between two functions. */
    public static Result classify(PciTopology topology, PciFunction a, PciFunction b) {
        return new SmiClassifier(topology).classify(a, b);
    }

    /** The class of the connection between two functions of this machine. */
    public Result classify(PciFunction a, PciFunction b) {
        if (a.address().equals(b.address())) {
            return X;
        }
        if (!direct.isEmpty() || !toSwitch.isEmpty()) {
            int links = nvlinks(a.address(), b.address());
            if (links > 0) {
                return new Result(SmiClass.NV, links);
            }
        }
        Chain chainA = chain(a);
        Chain chainB = chain(b);
        for (int i = 0; i < chainA.addresses.length; i++) {
            for (int j = 0; j < chainB.addresses.length; j++) {
                if (chainA.addresses[i].equals(chainB.addresses[j])) {
                    return countSwitches(chainA, i, chainB, j) <= 1 ? PIX : PXB;
                }
            }
        }
        // NUMA first: topology files put placeholder switches of every CPU on one made-up bus.
        int na = numa(a);
        int nb = numa(b);
        if (na >= 0 && nb >= 0 && na != nb) {
            return SYS;
        }
        return a.rootBus().equals(b.rootBus()) ? PHB : NODE;
    }

    // The bridges on the path up to the common device (chain[1..common] of each side), a
    // switch's ports counted once.
    private static int countSwitches(Chain a, int commonA, Chain b, int commonB) {
        PciAddress[] seen = new PciAddress[commonA + commonB];
        int n = 0;
        for (int side = 0; side < 2; side++) {
            Chain c = side == 0 ? a : b;
            int to = side == 0 ? commonA : commonB;
            for (int i = 1; i <= to; i++) {
                PciAddress s = c.switches[i];
                if (s == null) {
                    continue;
                }
                boolean known = false;
                for (int k = 0; k < n && !known; k++) {
                    known = seen[k].equals(s);
                }
                if (!known) {
                    seen[n++] = s;
                }
            }
        }
        return n;
    }

    // A function and its upstream devices; for each bridge the switch it belongs to.
    private static final class Chain {
        final PciAddress[] addresses;
        final @Nullable PciAddress[] switches;

        Chain(PciAddress[] addresses, @Nullable PciAddress[] switches) {
            this.addresses = addresses;
            this.switches = switches;
        }
    }

    private Chain chain(PciFunction f) {
        Chain c = chains.get(f.address());
        if (c == null) {
            List<PciFunction> all = new ArrayList<>();
            all.add(f);
            all.addAll(topology.upstreamBridges(f));
            PciAddress[] addresses = new PciAddress[all.size()];
            PciAddress[] switches = new PciAddress[all.size()];
            for (int i = 0; i < addresses.length; i++) {
                PciFunction g = all.get(i);
                addresses[i] = g.address();
                switches[i] = g.isBridge() ? switchOf(g) : null;
            }
            c = new Chain(addresses, switches);
            chains.put(f.address(), c);
        }
        return c;
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
