package org.dmascope.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.topology.GpuInfo;
import org.dmascope.core.topology.NumaNode;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;

/**
 * The text tree of a topology whose bridges stand for whole switches (NCCL topology files):
 * NUMA nodes, the switches below each, and the devices below those, as the file nests them.
 * lspci's tree cannot show such a file: it places functions by bus number, and the devices of a
 * switch in these files have bus numbers unrelated to the switch's (often a placeholder the
 * file's author made up).
 */
final class SwitchTree {

    private final PciTopology topology;
    private final PciNames names;
    private final PciNames.Mode mode;
    private final StringBuilder out = new StringBuilder();

    private SwitchTree(PciTopology topology, PciNames names, PciNames.Mode mode) {
        this.topology = topology;
        this.names = names;
        this.mode = mode;
    }

    /** The tree as text, one line per function, then the NVLinks the file states. */
    static String format(PciTopology topology, PciNames names, PciNames.Mode mode) {
        SwitchTree tree = new SwitchTree(topology, names, mode);
        tree.write();
        return tree.out.toString();
    }

    private void write() {
        // Top-level functions by NUMA node; those of no known node last.
        Map<Integer, List<PciFunction>> byNode = new TreeMap<>();
        for (PciFunction f : topology.functions()) {
            if (f.parent() == null) {
                int node = f.numaNode() >= 0 ? f.numaNode() : Integer.MAX_VALUE;
                byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(f);
            }
        }
        for (Map.Entry<Integer, List<PciFunction>> e : byNode.entrySet()) {
            out.append(nodeHeading(e.getKey(), e.getValue())).append('\n');
            List<PciFunction> top = e.getValue();
            for (int i = 0; i < top.size(); i++) {
                device(top.get(i), "", i == top.size() - 1);
            }
        }
        if (!topology.nvLinks().isEmpty()) {
            out.append("NVLinks\n");
            for (NvLink link : topology.nvLinks()) {
                PciAddress to = link.to();
                StringBuilder line = new StringBuilder("  ").append(link.from()).append(" -> ")
                        .append(to == null ? "(not in the file)" : to.toString())
                        .append(' ').append(link.target().name().toLowerCase(Locale.ROOT));
                if (link.count() > 0) {
                    line.append(", ").append(link.count()).append(link.count() == 1 ? " link" : " links");
                }
                if (link.bandwidthGBps() > 0) {
                    line.append(String.format(Locale.ROOT, ", %.1f GB/s", link.bandwidthGBps()));
                }
                out.append(line).append('\n');
            }
        }
    }

    private String nodeHeading(int node, List<PciFunction> top) {
        if (node == Integer.MAX_VALUE) {
            return "NUMA node unknown";
        }
        // The functions' CPU list reads better than the node's affinity mask.
        String cpus = top.stream().map(PciFunction::localCpus).filter(c -> c != null && !c.isBlank()).findFirst()
                .orElseGet(() -> topology.numaNodes().stream().filter(n -> n.id() == node).map(NumaNode::cpus)
                        .filter(c -> c != null).findFirst().orElse(null));
        return cpus == null ? "NUMA node " + node : "NUMA node " + node + " (CPUs " + cpus + ")";
    }

    private void device(PciFunction f, String indent, boolean last) {
        out.append(indent).append(last ? "\\-" : "+-").append(f.address()).append("  ").append(describe(f))
                .append('\n');
        List<PciFunction> children = topology.children(f.address());
        String below = indent + (last ? "  " : "| ");
        for (int i = 0; i < children.size(); i++) {
            device(children.get(i), below, i == children.size() - 1);
        }
    }

    private String describe(PciFunction f) {
        StringBuilder sb = new StringBuilder();
        if (f.placeholder()) {
            sb.append("switch (placeholder, not a real device)");
        } else if (f.vendorId() == 0 && f.deviceId() == 0 && f.classCode() == 0) {
            // A bare bus ID: NCCL reads class and IDs from sysfs when it runs.
            sb.append("device (class and IDs not stated)");
        } else if (f.vendorId() == 0 && f.deviceId() == 0) {
            sb.append(names.className(f.classCode())).append(" (IDs not stated)");
        } else {
            sb.append(names.vendorDevice(f.vendorId(), f.deviceId(), mode));
        }
        GpuInfo gpu = f.gpu();
        List<String> notes = new ArrayList<>();
        if (gpu != null) {
            List<String> g = new ArrayList<>();
            if (gpu.index() >= 0) {
                g.add("GPU " + gpu.index());
            }
            if (gpu.rank() >= 0) {
                g.add("rank " + gpu.rank());
            }
            if (gpu.sm() >= 0) {
                g.add("sm " + gpu.sm());
            }
            g.add(gpu.gdr() ? "GPUDirect RDMA" : "no GPUDirect RDMA");
            notes.add(String.join(", ", g));
        }
        for (OsDevice d : f.osDevices()) {
            notes.add(d.name());
        }
        if (!notes.isEmpty()) {
            sb.append("  [").append(String.join("; ", notes)).append(']');
        }
        return sb.toString();
    }
}
