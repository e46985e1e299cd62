package org.dmascope.core.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import org.eclipse.jdt.annotation.Nullable;

/**
 * The PCI hierarchy of one machine: host bridges, and below them functions nested under their
 * bridges. Immutable; built by a source (the live sysfs reader, importers) through
 * {@link #builder(String)}.
 */
public final class PciTopology {

    private final String source;
    private final List<HostBridge> hostBridges;
    private final List<PciFunction> functions;
    private final Map<PciAddress, PciFunction> byAddress;
    private final Map<PciAddress, List<PciFunction>> children;
    private final Map<PciBus, List<PciFunction>> rootFunctions;
    private final List<String> warnings;
    private final boolean parentsObserved;
    private final CpuInfo cpu;
    private final Hierarchy hierarchy;
    private final List<NumaNode> numaNodes;
    private final List<NvLink> nvLinks;

    private PciTopology(Builder b, List<PciFunction> functions) {
        this.source = b.source;
        this.parentsObserved = b.parentsObserved;
        this.cpu = b.cpu;
        this.hierarchy = b.hierarchy;
        this.numaNodes = List.copyOf(b.numaNodes.values());
        this.nvLinks = List.copyOf(b.nvLinks);
        this.hostBridges = List.copyOf(b.hostBridges.values());
        this.functions = List.copyOf(functions);
        this.warnings = List.copyOf(b.warnings);
        Map<PciAddress, PciFunction> index = new HashMap<>();
        Map<PciAddress, List<PciFunction>> kids = new HashMap<>();
        Map<PciBus, List<PciFunction>> roots = new TreeMap<>();
        for (PciFunction f : this.functions) {
            index.put(f.address(), f);
            PciAddress parent = f.parent();
            if (parent == null) {
                roots.computeIfAbsent(f.rootBus(), bus -> new ArrayList<>()).add(f);
            } else {
                kids.computeIfAbsent(parent, p -> new ArrayList<>()).add(f);
            }
        }
        kids.replaceAll((k, v) -> List.copyOf(v));
        roots.replaceAll((k, v) -> List.copyOf(v));
        this.byAddress = Collections.unmodifiableMap(index);
        this.children = Collections.unmodifiableMap(kids);
        this.rootFunctions = Collections.unmodifiableMap(roots);
    }

    /** Where the topology came from, in words ("live host /sys", a file name). */
    public String source() {
        return source;
    }

    /** Host bridges in order of domain and root bus. */
    public List<HostBridge> hostBridges() {
        return hostBridges;
    }

    /** All functions in address order. */
    public List<PciFunction> functions() {
        return functions;
    }

    /** Number of functions. */
    public int size() {
        return functions.size();
    }

    /**
     * Whether each function's parent was observed by the source (the sysfs device hierarchy)
     * rather than derived from bus numbers (a config-space dump).
     */
    public boolean parentsObserved() {
        return parentsObserved;
    }

    /** What the bridges of this topology stand for. */
    public enum Hierarchy {
        /** Every bridge is a real port function (sysfs, lspci, hwloc): root ports, switch ports. */
        PORTS,
        /**
         * A bridge stands for a whole switch and root ports are left out (NCCL topology files):
         * devices hang below their switch, switches below the CPU.
         */
        SWITCHES
    }

    /** What the bridges of this topology stand for. */
    public Hierarchy hierarchy() {
        return hierarchy;
    }

    /** The machine's CPUs, as far as the source tells. */
    public CpuInfo cpu() {
        return cpu;
    }

    /** NUMA nodes the source describes (empty when it does not). */
    public List<NumaNode> numaNodes() {
        return numaNodes;
    }

    /** NVLink connections the source describes. */
    public List<NvLink> nvLinks() {
        return nvLinks;
    }

    /** Things the source noticed while reading (a device that vanished, a file it could not read). */
    public List<String> warnings() {
        return warnings;
    }

    /** The function at an address. */
    public Optional<PciFunction> function(PciAddress address) {
        return Optional.ofNullable(byAddress.get(address));
    }

    /** The functions directly below a bridge, in address order. */
    public List<PciFunction> children(PciAddress bridge) {
        return children.getOrDefault(bridge, List.of());
    }

    /** The functions on a host bridge's root bus, in address order. */
    public List<PciFunction> rootFunctions(HostBridge hostBridge) {
        return rootFunctions.getOrDefault(hostBridge.rootBus(), List.of());
    }

    /** The host bridge of a function's hierarchy. */
    public Optional<HostBridge> hostBridge(PciFunction function) {
        return hostBridges.stream().filter(h -> h.rootBus().equals(function.rootBus())).findFirst();
    }

    /** The bridge a function sits below. */
    public Optional<PciFunction> parent(PciFunction function) {
        PciAddress p = function.parent();
        return p == null ? Optional.empty() : function(p);
    }

    /**
     * The bridges above a function, nearest first, up to the one on the root bus: the walk of
     * the kernel's {@code pci_upstream_bridge()}.
     */
    public List<PciFunction> upstreamBridges(PciFunction function) {
        List<PciFunction> chain = new ArrayList<>();
        Optional<PciFunction> p = parent(function);
        while (p.isPresent()) {
            chain.add(p.get());
            p = parent(p.get());
        }
        return chain;
    }

    /** How many bridges are above the function (0 on a root bus). */
    public int depth(PciFunction function) {
        return upstreamBridges(function).size();
    }

    /**
     * The same machine with each function changed by the given operation (on a builder holding
     * all it has): parents and roles are settled again. Host bridges, CPUs, NUMA nodes, NVLinks
     * and warnings are kept; host bridges for new root buses are added.
     */
    public PciTopology rebuild(UnaryOperator<PciFunction.Builder> change) {
        Builder b = machine(true);
        for (PciFunction f : functions) {
            b.function(change.apply(f.toBuilder()));
        }
        return b.build();
    }

    /**
     * The same machine with a new hierarchy: each function is changed by the operation (which
     * sets its parent and root bus), and the host bridges are those of the new root buses.
     */
    public PciTopology rearrange(UnaryOperator<PciFunction.Builder> change) {
        Builder b = machine(false);
        for (PciFunction f : functions) {
            b.function(change.apply(f.toBuilder()));
        }
        return b.build();
    }

    /** The same topology with one more warning. */
    public PciTopology withWarning(String warning) {
        Builder b = machine(true).warn(warning);
        functions.forEach(f -> b.function(f.toBuilder()));
        return b.build();
    }

    // A builder with everything but the functions (and, if asked, the host bridges).
    private Builder machine(boolean withHostBridges) {
        Builder b = builder(source).parentsObserved(parentsObserved).cpu(cpu).hierarchy(hierarchy);
        if (withHostBridges) {
            hostBridges.forEach(b::hostBridge);
        }
        numaNodes.forEach(b::numaNode);
        nvLinks.forEach(b::nvLink);
        warnings.forEach(b::warn);
        return b;
    }

    @Override
    public String toString() {
        return "PciTopology[" + source + ", " + hostBridges.size() + " host bridges, " + functions.size()
                + " functions]";
    }

    /** Starts a topology read from the named source. */
    public static Builder builder(String source) {
        return new Builder(source);
    }

    /** Collects host bridges and functions, then settles parents and roles. */
    public static final class Builder {
        private final String source;
        private final Map<PciBus, HostBridge> hostBridges = new TreeMap<>();
        private final Map<PciAddress, PciFunction.Builder> functions = new LinkedHashMap<>();
        private final List<String> warnings = new ArrayList<>();
        private boolean parentsObserved = true;
        private CpuInfo cpu = CpuInfo.UNKNOWN;
        private Hierarchy hierarchy = Hierarchy.PORTS;
        private final Map<Integer, NumaNode> numaNodes = new TreeMap<>();
        private final List<NvLink> nvLinks = new ArrayList<>();

        private Builder(String source) {
            this.source = source;
        }

        /** Says whether parents were observed (the default) or derived from bus numbers. */
        public Builder parentsObserved(boolean value) {
            this.parentsObserved = value;
            return this;
        }

        /** Adds a host bridge. */
        public Builder hostBridge(HostBridge hostBridge) {
            hostBridges.put(hostBridge.rootBus(), hostBridge);
            return this;
        }

        /**
         * Adds a function.
         *
         * @throws IllegalArgumentException when the address was added before
         */
        public Builder function(PciFunction.Builder function) {
            if (functions.putIfAbsent(function.address(), function) != null) {
                throw new IllegalArgumentException("function " + function.address() + " listed twice in " + source);
            }
            return this;
        }

        /** What the bridges stand for (ports by default). */
        public Builder hierarchy(Hierarchy value) {
            this.hierarchy = value;
            return this;
        }

        /** The machine's CPUs. */
        public Builder cpu(CpuInfo value) {
            this.cpu = value;
            return this;
        }

        /** Adds a NUMA node. */
        public Builder numaNode(NumaNode node) {
            numaNodes.put(node.id(), node);
            return this;
        }

        /** Adds an NVLink connection. */
        public Builder nvLink(NvLink link) {
            nvLinks.add(link);
            return this;
        }

        /** Records something the reader noticed. */
        public Builder warn(String warning) {
            warnings.add(warning);
            return this;
        }

        /**
         * Builds the topology: functions whose parent is missing are placed on their root bus
         * (with a warning), host bridges are added for root buses no source named, and every
         * function gets its role (see {@link FunctionRole}).
         */
        public PciTopology build() {
            Map<PciAddress, PciFunction.Builder> sorted = new TreeMap<>(functions);
            for (PciFunction.Builder f : sorted.values()) {
                PciAddress parent = f.parent();
                if (parent != null && !sorted.containsKey(parent)) {
                    warnings.add("parent bridge " + parent + " of " + f.address()
                            + " is not in the source; shown on its root bus");
                    f.parent(null);
                }
                hostBridges.computeIfAbsent(f.rootBus(), b -> new HostBridge(b, -1));
            }
            for (PciFunction.Builder f : sorted.values()) {
                Set<PciAddress> seen = new HashSet<>();
                PciAddress p = f.parent();
                while (p != null && seen.add(p)) {
                    PciFunction.Builder pb = sorted.get(p);
                    p = pb == null ? null : pb.parent();
                }
                if (p != null) {
                    warnings.add("bridges above " + f.address() + " form a loop at " + p
                            + "; " + f.address() + " shown on its root bus");
                    f.parent(null);
                }
            }
            // Roles need the parent's role first: settle functions in order of depth.
            Map<PciAddress, PciFunction> done = new HashMap<>();
            Map<PciAddress, Integer> depth = new HashMap<>();
            for (PciFunction.Builder b : sorted.values()) {
                depth.put(b.address(), depthOf(b, sorted));
            }
            List<PciFunction.Builder> order = new ArrayList<>(sorted.values());
            order.sort(Comparator.comparingInt((PciFunction.Builder b) -> depth.get(b.address()))
                    .thenComparing(PciFunction.Builder::address));
            for (PciFunction.Builder b : order) {
                PciFunction raw = b.build(FunctionRole.ENDPOINT, false);
                PciAddress parentAddress = raw.parent();
                PciFunction parent = parentAddress == null ? null : done.get(parentAddress);
                done.put(raw.address(), assignRole(raw, parent, hierarchy));
            }
            List<PciFunction> result = new ArrayList<>(done.values());
            result.sort(Comparator.comparing(PciFunction::address));
            return new PciTopology(this, result);
        }

        private static int depthOf(PciFunction.Builder b, Map<PciAddress, PciFunction.Builder> all) {
            int depth = 0;
            PciAddress p = b.parent();
            while (p != null && depth <= all.size()) {
                depth++;
                PciFunction.Builder pb = all.get(p);
                p = pb == null ? null : pb.parent();
            }
            return depth;
        }

        private static PciFunction assignRole(PciFunction f, @Nullable PciFunction parent, Hierarchy hierarchy) {
            int base = f.classCode() >> 16 & 0xff;
            int sub = f.classCode() >> 8 & 0xff;
            boolean bridgeHeader = f.headerType() == ConfigSpace.HEADER_BRIDGE
                    || f.headerType() == ConfigSpace.HEADER_CARDBUS;
            boolean bridgeClass = base == 0x06 && (sub == 0x04 || sub == 0x07 || sub == 0x09);
            boolean bridge = bridgeHeader || (f.headerType() < 0 && bridgeClass) || f.secondaryBus() >= 0;
            if (!bridge) {
                boolean hostBridgeClass = base == 0x06 && sub == 0x00;
                return f.withRole(hostBridgeClass && parent == null ? FunctionRole.HOST_BRIDGE_FUNCTION
                        : FunctionRole.ENDPOINT, false);
            }
            switch (f.portType()) {
                case ROOT_PORT:
                    return f.withRole(FunctionRole.ROOT_PORT, false);
                case UPSTREAM_PORT:
                    return f.withRole(FunctionRole.SWITCH_UPSTREAM_PORT, false);
                case DOWNSTREAM_PORT:
                    return f.withRole(FunctionRole.SWITCH_DOWNSTREAM_PORT, false);
                case UNKNOWN:
                    // In a file of switches, an unknown bridge is a switch, seen from its upstream port.
                    return f.withRole(hierarchy == Hierarchy.SWITCHES ? FunctionRole.SWITCH_UPSTREAM_PORT
                            : inferBridgeRole(parent), true);
                default:
                    return f.withRole(FunctionRole.PCI_BRIDGE, false);
            }
        }

        // Without the PCIe capability, the position tells: a bridge on the root bus is a root
        // port; below a root or downstream port sits a switch's upstream port; below that, its
        // downstream ports.
        private static FunctionRole inferBridgeRole(@Nullable PciFunction parent) {
            if (parent == null) {
                return FunctionRole.ROOT_PORT;
            }
            switch (parent.role()) {
                case ROOT_PORT:
                case SWITCH_DOWNSTREAM_PORT:
                    return FunctionRole.SWITCH_UPSTREAM_PORT;
                case SWITCH_UPSTREAM_PORT:
                    return FunctionRole.SWITCH_DOWNSTREAM_PORT;
                default:
                    return FunctionRole.PCI_BRIDGE;
            }
        }
    }
}
