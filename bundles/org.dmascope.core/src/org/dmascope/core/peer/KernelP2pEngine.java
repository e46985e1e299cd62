package org.dmascope.core.peer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.dmascope.core.peer.KernelP2pResult.HostBridgeCheck;
import org.dmascope.core.peer.KernelP2pResult.HostBridgeLookup;
import org.dmascope.core.peer.KernelP2pResult.Step;
import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.ConfigSpace;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PortType;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Linux's peer-to-peer DMA decision, as drivers/pci/p2pdma.c makes it: the walk to a common
 * upstream device ({@code calc_map_type_and_dist()}), ACS redirect on the path, the host bridge
 * allow list with its same-host-bridge rule, and the AMD Zen CPU rule. A pure function of the
 * topology; every answer carries the rules that produced it and the lines the kernel prints
 * (as {@code pci_p2pdma_map_type()} prints them on first use, verbose).
 */
public final class KernelP2pEngine {

    // The kernel formats the list into a 128-byte buffer (seq_buf); see disableAcsRedir().
    private static final int ACS_LIST_BUFFER = 128;

    private final KernelRules rules;

    /** An engine applying one kernel version's rules. */
    public KernelP2pEngine(KernelRules rules) {
        this.rules = rules;
    }

    /** The rules applied. */
    public KernelRules rules() {
        return rules;
    }

    /**
     * Decides a transfer between two functions.
     *
     * @param topology the machine
     * @param providerAddress the function whose memory is the target (the P2P provider)
     * @param clientAddress   the function doing the DMA (the client)
     * @param cpuOverride     the CPU to assume instead of the one the topology describes, or null
     * @throws IllegalArgumentException when a function is not in the topology
     */
    public KernelP2pResult evaluate(PciTopology topology, PciAddress providerAddress, PciAddress clientAddress,
            @Nullable CpuInfo cpuOverride) {
        PciFunction provider = require(topology, providerAddress);
        PciFunction client = require(topology, clientAddress);
        CpuInfo cpu = cpuOverride != null ? cpuOverride : topology.cpu();
        boolean cpuAssumed = !cpu.isKnown();
        List<Step> steps = new ArrayList<>();
        List<String> log = new ArrayList<>();
        List<PciAddress> unknownAcs = new ArrayList<>();

        List<PciFunction> providerChain = chain(topology, provider);
        List<PciFunction> clientChain = chain(topology, client);
        List<PciFunction> culprits = new ArrayList<>();
        Walk w = walk(providerChain, clientChain, culprits, unknownAcs);
        PciFunction common = w.common();
        int distA = w.distA();
        int distB = w.distB();
        P2pMapType type = P2pMapType.THRU_HOST_BRIDGE;
        boolean acsRedirects = false;
        String parameter = null;
        List<PathNode> route = new ArrayList<>();
        if (common == null) {
            steps.add(new Step("common upstream device",
                    "none: the walk up from " + provider.address() + " ends at the root bus without meeting "
                            + client.address() + "'s upstream devices; the traffic must go through the host bridge"
                            + (sameHostBridge(provider, client) ? "" : "s") + " (ACS is not looked at on this path)"));
            providerChain.forEach(f -> route.add(new PathNode.Function(f.address())));
            route.add(new PathNode.HostBridge(provider.rootBus()));
            if (!sameHostBridge(provider, client)) {
                route.add(new PathNode.HostBridge(client.rootBus()));
            }
            for (int i = clientChain.size() - 1; i >= 0; i--) {
                route.add(new PathNode.Function(clientChain.get(i).address()));
            }
        } else {
            for (int i = 0; i <= distA; i++) {
                route.add(new PathNode.Function(providerChain.get(i).address()));
            }
            for (int i = distB - 1; i >= 0; i--) {
                route.add(new PathNode.Function(clientChain.get(i).address()));
            }
            steps.add(new Step("common upstream device", common.address() + " (" + common.role().label() + "): "
                    + distA + " hop" + (distA == 1 ? "" : "s") + " up from the provider, " + distB + " from the client"));
            if (culprits.isEmpty()) {
                type = P2pMapType.BUS_ADDR;
                steps.add(new Step("ACS redirect", "none of the " + (distA + distB + 1)
                        + " devices on the path has Request Redirect, Completion Redirect or Egress Control set in "
                        + "ACS Control: the TLPs are routed below " + common.address()));
            } else {
                acsRedirects = true;
                List<String> names = culprits.stream().map(f -> f.address().toString()).toList();
                parameter = "pci=disable_acs_redir=" + disableAcsRedir(names);
                steps.add(new Step("ACS redirect", "set on " + String.join(", ", describeAcs(culprits))
                        + ": requests are redirected up to the root complex, so the peer cannot be reached by bus address"));
                log.add(prefix(client) + "ACS redirect is set between the client and provider (" + provider.address() + ")");
                log.add(prefix(client) + "to disable ACS redirect for this path, add the kernel parameter: " + parameter);
            }
        }
        int distance = distA + distB;
        steps.add(new Step("distance", distance + (common == null
                ? " (" + distA + " devices above and including the provider, " + distB + " for the client)"
                : " (hops through the common upstream device)")));

        HostBridgeCheck check = null;
        if (type != P2pMapType.BUS_ADDR) {
            check = hostBridgeCheck(topology, provider, client, cpu, acsRedirects, log, steps);
            if (!check.allowed()) {
                type = P2pMapType.NOT_SUPPORTED;
                log.add(prefix(client) + "cannot be used for peer-to-peer DMA as the client and provider ("
                        + provider.address() + ") do not share an upstream bridge or whitelisted host bridge");
            }
        }
        if (cpuAssumed && check != null && !check.cpuRule()) {
            steps.add(new Step("CPU", "the source does not say which CPU the machine has: taken as not AMD Zen "
                    + "(use --cpu amd-zen if it is one)"));
        }
        if (!unknownAcs.isEmpty()) {
            steps.add(new Step("ACS unknown", "the source does not give ACS Control for "
                    + String.join(", ", unknownAcs.stream().map(PciAddress::toString).toList())
                    + " (extended config space not read): taken as no redirect"));
        }
        if (topology.hierarchy() == PciTopology.Hierarchy.SWITCHES) {
            steps.add(new Step("source", topology.source() + " describes switches, not their ports: the kernel "
                    + "walks ports, so a real switch adds its downstream port to each side's distance, and ACS "
                    + "and the host bridge's device are not described"));
        }
        steps.add(new Step("map type", type.kernelName() + ": " + type.meaning()));
        return new KernelP2pResult(provider.address(), client.address(), type, distance,
                common == null ? null : common.address(), route,
                culprits.stream().map(PciFunction::address).toList(), parameter, unknownAcs, check, cpu, cpuAssumed,
                log, steps, rules);
    }

    /** The decision alone, without the explanation: for matrices of many pairs. */
    public record Decision(P2pMapType mapType, int distance) {
        /**
         * As a matrix cell: the map type's short name and the distance ("BUS" sep "2"); "NO" alone
         * when not supported, where {@code pci_p2pdma_distance()} returns -1.
         */
        public String label(String separator) {
            return mapType == P2pMapType.NOT_SUPPORTED ? mapType.shortName()
                    : mapType.shortName() + separator + distance;
        }
    }

    /**
     * Decides a transfer as {@link #evaluate} does, without building the explanation.
     *
     * @throws IllegalArgumentException when a function is not in the topology
     */
    public Decision decide(PciTopology topology, PciAddress providerAddress, PciAddress clientAddress,
            @Nullable CpuInfo cpuOverride) {
        return context(topology, cpuOverride).decide(require(topology, providerAddress), require(topology, clientAddress));
    }

    /** Decisions for many pairs of one machine, sharing what does not depend on the pair. */
    public Context context(PciTopology topology, @Nullable CpuInfo cpuOverride) {
        return new Context(topology, cpuOverride != null ? cpuOverride : topology.cpu());
    }

    /**
     * The decisions of one machine: chains of upstream devices and host bridge lookups are
     * computed once. Not thread-safe.
     */
    public final class Context {
        private final PciTopology topology;
        private final boolean amdZen;
        private final Map<PciAddress, Chain> chains = new HashMap<>();
        private final Map<PciBus, Optional<HostBridgeAllowList.Entry>> entries = new HashMap<>();
        // Decisions are values: one instance per map type and distance.
        private final Decision[][] decisions = new Decision[P2pMapType.values().length][64];

        Context(PciTopology topology, CpuInfo cpu) {
            this.topology = topology;
            this.amdZen = cpu.isAmdZenOrNewer();
        }

        /**
         * Looks at these functions' upstream devices and host bridges now. Afterwards, decisions
         * between them can be asked for from several threads.
         */
        public void prepare(List<PciFunction> functions) {
            for (PciFunction f : functions) {
                chainOf(f);
                if (!amdZen) {
                    listed(f.rootBus(), true);
                }
            }
            for (int distance = 0; distance < decisions[0].length; distance++) {
                for (P2pMapType type : P2pMapType.values()) {
                    decision(type, distance);
                }
            }
        }

        /** The decision for a provider and a client of this machine. */
        public Decision decide(PciFunction provider, PciFunction client) {
            Chain a = chainOf(provider);
            Chain b = chainOf(client);
            // The walk of walk(), with the redirecting devices counted once per chain.
            for (int i = 0; i < a.addresses.length; i++) {
                for (int j = 0; j < b.addresses.length; j++) {
                    if (a.addresses[i].equals(b.addresses[j])) {
                        int redirects = a.redirectsUpTo[i] + (j > 0 ? b.redirectsUpTo[j - 1] : 0);
                        if (redirects == 0) {
                            return decision(P2pMapType.BUS_ADDR, i + j);
                        }
                        return hostBridge(provider, client, i + j);
                    }
                }
            }
            return hostBridge(provider, client, a.addresses.length + b.addresses.length);
        }

        private Decision hostBridge(PciFunction provider, PciFunction client, int distance) {
            if (amdZen) {
                return decision(P2pMapType.THRU_HOST_BRIDGE, distance);
            }
            boolean same = sameHostBridge(provider, client);
            boolean allowed = listed(provider.rootBus(), same) && (same || listed(client.rootBus(), false));
            return decision(allowed ? P2pMapType.THRU_HOST_BRIDGE : P2pMapType.NOT_SUPPORTED, distance);
        }

        private Decision decision(P2pMapType type, int distance) {
            if (distance >= decisions[0].length) {
                return new Decision(type, distance);
            }
            Decision d = decisions[type.ordinal()][distance];
            if (d == null) {
                d = new Decision(type, distance);
                decisions[type.ordinal()][distance] = d;
            }
            return d;
        }

        private Chain chainOf(PciFunction f) {
            Chain c = chains.get(f.address());
            if (c == null) {
                c = new Chain(chain(topology, f));
                chains.put(f.address(), c);
            }
            return c;
        }

        private boolean listed(PciBus rootBus, boolean sameHostBridge) {
            Optional<HostBridgeAllowList.Entry> e = entries.get(rootBus);
            if (e == null) {
                e = hostBridgeDevice(topology, rootBus).flatMap(d -> rules.allowList().match(d.vendorId(), d.deviceId()));
                entries.put(rootBus, e);
            }
            return e.isPresent() && (sameHostBridge || !e.get().requireSameHostBridge());
        }
    }

    // A function and its upstream devices, with how many of chain[0..i] redirect.
    private static final class Chain {
        final PciAddress[] addresses;
        final int[] redirectsUpTo;

        Chain(List<PciFunction> chain) {
            addresses = new PciAddress[chain.size()];
            redirectsUpTo = new int[chain.size()];
            int redirects = 0;
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = chain.get(i).address();
                redirects += checkAcs(chain.get(i), null, null);
                redirectsUpTo[i] = redirects;
            }
        }
    }

    /**
     * The walk of {@code calc_map_type_and_dist()}: up from the provider, looking for each device
     * among the client's ancestors; ACS is checked on every provider-side device (the common one
     * included) and, when a common device is found, on the client side below it. Without a
     * common device the ACS findings are dropped, as the kernel drops them.
     *
     * @param common    the common upstream device, null when there is none
     * @param distA     hops from the provider up to it (the chain's length without one)
     * @param distB     hops from the client up to it (the chain's length without one)
     * @param redirects how many devices on the path have ACS redirect on
     */
    private record Walk(@Nullable PciFunction common, int distA, int distB, int redirects) {
    }

    // Collects the culprits and the devices of unknown ACS into the lists when they are given.
    private static Walk walk(List<PciFunction> providerChain, List<PciFunction> clientChain,
            @Nullable List<PciFunction> culprits, @Nullable List<PciAddress> unknown) {
        int redirects = 0;
        int distA = 0;
        for (PciFunction a : providerChain) {
            redirects += checkAcs(a, culprits, unknown);
            int index = indexOf(clientChain, a);
            if (index >= 0) {
                for (PciFunction bb : clientChain) {
                    if (bb == a) {
                        break;
                    }
                    redirects += checkAcs(bb, culprits, unknown);
                }
                return new Walk(a, distA, index, redirects);
            }
            distA++;
        }
        if (culprits != null) {
            culprits.clear();
        }
        if (unknown != null) {
            unknown.clear();
        }
        return new Walk(null, distA, clientChain.size(), 0);
    }

    private static PciFunction require(PciTopology topology, PciAddress address) {
        return topology.function(address).orElseThrow(() -> new IllegalArgumentException(
                "no function " + address + " in " + topology.source()));
    }

    // [f, upstream(f), ...] down to the device on the root bus: pci_upstream_bridge() returns
    // NULL for a device on a root bus, so the host bridge is never part of the chain.
    private static List<PciFunction> chain(PciTopology topology, PciFunction f) {
        List<PciFunction> out = new ArrayList<>();
        out.add(f);
        out.addAll(topology.upstreamBridges(f));
        return out;
    }

    private static int indexOf(List<PciFunction> chain, PciFunction f) {
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i).address().equals(f.address())) {
                return i;
            }
        }
        return -1;
    }

    // pci_bridge_has_acs_redir(): called on every device of the path, endpoints included.
    // Returns 1 when the device redirects.
    private static int checkAcs(PciFunction f, @Nullable List<PciFunction> culprits, @Nullable List<PciAddress> unknown) {
        Acs acs = f.acs();
        if (acs != null) {
            if (acs.redirectsPeerToPeer()) {
                if (culprits != null) {
                    culprits.add(f);
                }
                return 1;
            }
        } else if (unknown != null && !acsKnownAbsent(f)) {
            unknown.add(f.address());
        }
        return 0;
    }

    // ACS is an extended capability: known to be absent when extended config space was read,
    // or when the function is conventional PCI, which has none.
    private static boolean acsKnownAbsent(PciFunction f) {
        return f.configBytes() >= ConfigSpace.EXTENDED_SIZE || f.portType() == PortType.CONVENTIONAL_PCI;
    }

    private static List<String> describeAcs(List<PciFunction> culprits) {
        List<String> out = new ArrayList<>();
        for (PciFunction f : culprits) {
            Acs acs = f.acs();
            out.add(f.address() + " (" + f.role().label() + ", ACSCtl "
                    + String.join("+ ", acs == null ? List.of() : acs.enabledControls()) + "+)");
        }
        return out;
    }

    /**
     * The device list of {@code pci=disable_acs_redir=}: names joined by ';'. The kernel
     * formats it into a 128-byte buffer; a name that does not fit is cut and later ones dropped.
     */
    static String disableAcsRedir(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            String entry = n + ";";
            // seq_buf keeps one byte for the terminating NUL.
            int room = ACS_LIST_BUFFER - 1 - sb.length();
            if (room <= 0) {
                break;
            }
            if (entry.length() > room) {
                sb.append(entry, 0, room);
                return sb.toString();
            }
            sb.append(entry);
        }
        // The last ';' is overwritten by the terminating NUL.
        return sb.length() > 0 ? sb.substring(0, sb.length() - 1) : "";
    }

    private HostBridgeCheck hostBridgeCheck(PciTopology topology, PciFunction provider, PciFunction client,
            CpuInfo cpu, boolean warn, List<String> log, List<Step> steps) {
        boolean same = sameHostBridge(provider, client);
        if (cpu.isAmdZenOrNewer()) {
            steps.add(new Step("CPU rule", cpu.describe() + ": AMD Zen and newer support P2P through the host bridge; "
                    + "the allow list is not consulted"));
            return new HostBridgeCheck(true, same, List.of(), true);
        }
        List<HostBridgeLookup> lookups = new ArrayList<>();
        boolean allowed;
        if (same) {
            HostBridgeLookup l = lookup(topology, provider.rootBus(), true, warn, log);
            lookups.add(l);
            allowed = l.listed();
        } else {
            HostBridgeLookup a = lookup(topology, provider.rootBus(), false, false, log);
            lookups.add(a);
            allowed = a.listed();
            if (allowed) {
                HostBridgeLookup b = lookup(topology, client.rootBus(), false, false, log);
                lookups.add(b);
                allowed = b.listed();
            }
        }
        String cpuText = cpu.isKnown() ? cpu.describe() + " is not AMD Zen" : "CPU unknown";
        steps.add(new Step("host bridge allow list (v" + rules.version() + ")", cpuText + "; "
                + (same ? "both below host bridge " + hostBridgeName(provider.rootBus())
                        : "below different host bridges " + hostBridgeName(provider.rootBus()) + " and "
                                + hostBridgeName(client.rootBus()))
                + ": " + String.join("; ", lookups.stream().map(HostBridgeLookup::reason).toList())));
        return new HostBridgeCheck(false, same, lookups, allowed);
    }

    private HostBridgeLookup lookup(PciTopology topology, PciBus rootBus, boolean sameHostBridge, boolean warn,
            @Nullable List<String> log) {
        Optional<PciFunction> device = hostBridgeDevice(topology, rootBus);
        String name = hostBridgeName(rootBus);
        if (device.isEmpty()) {
            return new HostBridgeLookup(rootBus, null, -1, -1, null, false, name
                    + ": no device stands for it (the first device on its root bus is not 00.0"
                    + (rules.rootPortStandsForHostBridge() ? " or a root port" : "") + "), so it is not listed");
        }
        PciFunction d = device.get();
        String id = String.format(Locale.ROOT, "%04x:%04x", d.vendorId(), d.deviceId());
        Optional<HostBridgeAllowList.Entry> entry = rules.allowList().match(d.vendorId(), d.deviceId());
        if (entry.isEmpty()) {
            if (warn && log != null) {
                log.add(prefix(d) + "Host bridge not in P2PDMA whitelist: " + id);
            }
            return new HostBridgeLookup(rootBus, d.address(), d.vendorId(), d.deviceId(), null, false,
                    name + " is " + d.address() + " [" + id + "], not in the allow list");
        }
        HostBridgeAllowList.Entry e = entry.get();
        if (e.requireSameHostBridge() && !sameHostBridge) {
            return new HostBridgeLookup(rootBus, d.address(), d.vendorId(), d.deviceId(), e, false,
                    name + " is " + d.address() + " [" + id + "], " + e.comment()
                            + ", listed only for devices below the same host bridge");
        }
        return new HostBridgeLookup(rootBus, d.address(), d.vendorId(), d.deviceId(), e, true,
                name + " is " + d.address() + " [" + id + "], " + e.comment() + ", listed");
    }

    /**
     * The device standing for a host bridge ({@code pci_host_bridge_dev()}): the first device
     * on its root bus, accepted when it is 00.0 or, from v5.19, a root port.
     */
    Optional<PciFunction> hostBridgeDevice(PciTopology topology, PciBus rootBus) {
        Optional<HostBridge> bridge = topology.hostBridges().stream().filter(h -> h.rootBus().equals(rootBus))
                .findFirst();
        if (bridge.isEmpty()) {
            return Optional.empty();
        }
        List<PciFunction> onRoot = topology.rootFunctions(bridge.get()).stream()
                .filter(f -> f.address().bus() == rootBus.bus() && !f.placeholder()).toList();
        if (onRoot.isEmpty()) {
            return Optional.empty();
        }
        PciFunction first = onRoot.get(0);
        boolean devfnZero = first.address().device() == 0 && first.address().function() == 0;
        boolean rootPort = rules.rootPortStandsForHostBridge() && first.role() == FunctionRole.ROOT_PORT;
        return devfnZero || rootPort ? Optional.of(first) : Optional.empty();
    }

    private static boolean sameHostBridge(PciFunction a, PciFunction b) {
        return a.rootBus().equals(b.rootBus());
    }

    private static String hostBridgeName(PciBus bus) {
        return new PathNode.HostBridge(bus).id();
    }

    // pci_warn() prefixes a line with the bound driver's name (or "pci") and the device name.
    private static String prefix(PciFunction f) {
        String driver = f.driver();
        return (driver == null ? "pci" : driver) + " " + f.address() + ": ";
    }
}
