package org.dmascope.diagnose.nccl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.NcclPath;
import org.dmascope.core.peer.NcclPathType;
import org.dmascope.core.peer.PathNode;
import org.dmascope.core.peer.PeerAnalysis;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.eclipse.jdt.annotation.Nullable;

/**
 * One GPUDirect RDMA decision of an NCCL log ({@code ncclTopoCheckGdr()} in src/graph/paths.cc),
 * with the path distance decoded for the NCCL version that wrote the log, and, when the
 * machine's topology is known, the GPU, the NIC and the bridges between them.
 *
 * @param entry       the log line
 * @param enabled     whether NCCL enabled GPUDirect RDMA for the pair
 * @param distance    the path type number NCCL printed
 * @param level       the GDR level it compared with (NCCL_NET_GDR_LEVEL, default PXB)
 * @param numbering   the numbering of the NCCL that wrote the log; null when the log does not say
 * @param path        the distance decoded; null when the numbering is unknown or the number is out of range
 * @param levelPath   the level decoded, likewise
 * @param candidates  without a known version, what the number means in each numbering
 * @param gpu         the GPU, when it could be found in the topology
 * @param nic         the NIC, when it could be found
 * @param nicName     the HCA's name as NCCL listed it ("mlx5_0"), null when the log does not say
 * @param bridges     the PCIe route from GPU to NIC: ports, bridges and host bridges as the kernel's
 *                    {@code calc_map_type_and_dist()} walks them (empty without both)
 * @param computed    the path type DMA Scope computes for the pair from the topology, null without both
 */
public record GdrDecision(NcclLogEntry entry, boolean enabled, int distance, int level,
        NcclPathType.@Nullable Numbering numbering, @Nullable NcclPathType path, @Nullable NcclPathType levelPath,
        Map<String, String> candidates, @Nullable PciAddress gpu, @Nullable PciAddress nic, @Nullable String nicName,
        List<String> bridges, @Nullable NcclPathType computed) {

    private static final Pattern NET_DEVICE = Pattern.compile("\\[(\\d+)\\]([^:\\s\\[]+)");

    /** Copies the collections. */
    public GdrDecision {
        candidates = Map.copyOf(candidates);
        bridges = List.copyOf(bridges);
    }

    /** One sentence: what NCCL decided and why, in path names. */
    public String explain() {
        StringBuilder sb = new StringBuilder();
        sb.append("GPUDirect RDMA ").append(enabled ? "enabled" : "disabled").append(" by NCCL");
        if (gpu != null || nic != null || nicName != null) {
            sb.append(" for GPU ").append(gpu == null ? entry.fields().get("gpu") : gpu)
                    .append(" and HCA ").append(nic == null ? "" : nic + " ").append(nicName == null ? "" : "(" + nicName + ")");
        }
        sb.append(": distance ").append(distance).append(enabled ? " <= " : " > ").append(level);
        if (numbering != null) {
            sb.append(String.format(Locale.ROOT, ", which NCCL %s numbers as %s %s %s",
                    numbering.since().startsWith("2.27") ? numbering.since() : numbering.since() + "+",
                    name(path, distance), enabled ? "<=" : ">", name(levelPath, level)));
        } else {
            sb.append(" (the log does not say which NCCL wrote it; ").append(distance).append(" means ")
                    .append(String.join(", ", candidates.entrySet().stream()
                            .map(e -> e.getValue() + " in NCCL " + e.getKey()).toList()))
                    .append(")");
        }
        if (!bridges.isEmpty()) {
            sb.append("; PCIe route ").append(String.join(" -> ", bridges));
        }
        if (computed != null && path != null && computed != path) {
            sb.append("; DMA Scope computes ").append(computed).append(" for this pair from the topology");
        }
        return sb.toString();
    }

    private static String name(@Nullable NcclPathType t, int number) {
        return t == null ? "path type " + number + " (unknown to this numbering)" : t.name() + " (" + t.meaning() + ")";
    }

    /**
     * The GPUDirect RDMA decisions of a log, decoded, and placed on the topology when one is given.
     *
     * @param log      the NCCL log
     * @param topology the machine the log was written on, or null
     */
    public static List<GdrDecision> of(NcclLog log, @Nullable PciTopology topology) {
        return of(log, topology, name -> null);
    }

    /**
     * As {@link #of(NcclLog, PciTopology)}, with a way to find the PCI function of a network device
     * name the topology does not state ("mlx5_0": sysfs's class/infiniband link).
     */
    public static List<GdrDecision> of(NcclLog log, @Nullable PciTopology topology,
            java.util.function.Function<String, @Nullable PciAddress> names) {
        NcclPathType.Numbering numbering = log.numbering().orElse(null);
        Map<Integer, String> netNames = new HashMap<>();
        for (NcclLogEntry e : log.of(NcclMessage.NET_DEVICES)) {
            Matcher m = NET_DEVICE.matcher(e.fields().get("devices"));
            while (m.find()) {
                netNames.put(Integer.parseInt(m.group(1)), m.group(2));
            }
        }
        Map<Integer, String> rankBusIds = new HashMap<>();
        for (NcclLogEntry e : log.of(NcclMessage.CHANNEL)) {
            rankBusIds.put(Integer.parseInt(e.fields().get("from")), e.fields().get("fromDev"));
            rankBusIds.put(Integer.parseInt(e.fields().get("to")), e.fields().get("toDev"));
        }
        PeerAnalysis analysis = topology == null ? null
                : new PeerAnalysis(topology, KernelRules.DEFAULT, null, PeerAnalysis.endpoints(topology, false));
        List<GdrDecision> out = new ArrayList<>();
        for (NcclLogEntry e : log.entries()) {
            boolean enabled = e.kind() == NcclMessage.GDR_ENABLED_DISTANCE;
            if (!enabled && e.kind() != NcclMessage.GDR_DISABLED_DISTANCE) {
                continue;
            }
            int distance = Integer.parseInt(e.fields().get("distance"));
            int level = Integer.parseInt(e.fields().get("level"));
            Map<String, String> candidates = new LinkedHashMap<>();
            if (numbering == null) {
                for (NcclPathType.Numbering n : NcclPathType.Numbering.values()) {
                    n.decode(distance).ifPresent(t -> candidates.merge(t.name(), range(n), (a, b) -> a + ", " + b));
                }
            }
            // Newer releases print the rank and a 64-bit net ID (its low bits are the net device).
            boolean newForm = numbering != null && numbering.compareTo(NcclPathType.Numbering.V2_18) >= 0
                    && log.version().map(v -> minor(v) >= 19).orElse(false);
            String gpuText = e.fields().get("gpu");
            String hcaText = e.fields().get("hca");
            PciAddress gpu = null;
            if (topology != null) {
                gpu = busId(gpuText, topology);
                if (gpu == null && gpuText.matches("\\d+") && rankBusIds.containsKey(Integer.parseInt(gpuText))) {
                    gpu = busId(rankBusIds.get(Integer.parseInt(gpuText)), topology);
                }
            }
            long hca = Long.parseUnsignedLong(hcaText, newForm ? 16 : 10) & 0x00ff_ffff_ffff_ffffL;
            String nicName = hca < Integer.MAX_VALUE ? netNames.get((int) hca) : null;
            PciAddress nic = topology == null || nicName == null ? null : byOsName(topology, nicName);
            if (nic == null && nicName != null) {
                nic = names.apply(nicName);
            }
            List<String> bridges = List.of();
            NcclPathType computed = null;
            if (analysis != null && gpu != null && nic != null) {
                org.dmascope.core.peer.PeerPair pair = analysis.pair(gpu, nic);
                NcclPath path = pair.nccl();
                computed = path.type();
                // The PCIe route as the kernel walks it: every port and host bridge between the two.
                bridges = pair.kernel().route().stream().map(PathNode::id).toList();
            }
            NcclPathType decoded = numbering == null ? null : numbering.decode(distance).orElse(null);
            NcclPathType levelDecoded = numbering == null ? null : numbering.decode(level).orElse(null);
            out.add(new GdrDecision(e, enabled, distance, level, numbering, decoded, levelDecoded, candidates, gpu, nic,
                    nicName, bridges, computed));
        }
        return out;
    }

    private static String range(NcclPathType.Numbering n) {
        return switch (n) {
            case V2_12 -> "2.12-2.17";
            case V2_18 -> "2.18-2.25";
            case V2_26 -> "2.26";
            case V2_27_3 -> "2.27.0-2.27.6";
            case V2_27_7 -> "2.27.7+";
        };
    }

    private static int minor(String version) {
        String[] p = version.split("\\.");
        try {
            return p.length > 1 ? Integer.parseInt(p[1]) : 0;
        } catch (NumberFormatException ex) {
            return 0;
        }
    }

    /**
     * The function an NCCL bus ID names: NCCL's {@code busIdToInt64()} keeps the hex digits of
     * "DDDD:BB:DD.F", so 0x1c000 is 0000:1c:00.0. Null when the topology has no such function.
     */
    static @Nullable PciAddress busId(String hex, PciTopology topology) {
        String h = hex.startsWith("0x") ? hex.substring(2) : hex;
        long v;
        try {
            v = Long.parseUnsignedLong(h, 16);
        } catch (NumberFormatException ex) {
            return null;
        }
        int fn = (int) (v & 0xf);
        int dev = (int) ((v >> 4) & 0xff);
        int bus = (int) ((v >> 12) & 0xff);
        int domain = (int) (v >> 20);
        if (fn > 7 || dev > 31 || domain > 0xffff) {
            return null;
        }
        PciAddress a = new PciAddress(domain, bus, dev, fn);
        return topology.function(a).isPresent() ? a : null;
    }

    private static @Nullable PciAddress byOsName(PciTopology topology, String name) {
        for (PciFunction f : topology.functions()) {
            for (OsDevice d : f.osDevices()) {
                if (d.name().equals(name)) {
                    return f.address();
                }
            }
        }
        return null;
    }

    /** Where the decision is in its log, for evidence. */
    public String evidence(String logName) {
        return logName + " line " + entry.line() + ": " + entry.text();
    }

    /** The decoded path's name, if known. */
    public Optional<NcclPathType> decoded() {
        return Optional.ofNullable(path);
    }
}
