package org.dmascope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.dmascope.core.peer.EndpointLabels;
import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.NcclPathType;
import org.dmascope.core.peer.PeerAnalysis;
import org.dmascope.core.peer.PeerMatrix;
import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.peer.PeerReport;
import org.dmascope.core.peer.SmiClass;
import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.pciids.PciIdsLocator;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.annotation.Nullable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmascope paths [SOURCE]}: the peer-to-peer paths between a machine's DMA endpoints. */
@Command(name = "paths", mixinStandardHelpOptions = true,
        description = {"Print the peer-to-peer paths between the GPUs, NICs, NVMe drives and accelerators of SOURCE: "
                + "a matrix in the style of nvidia-smi topo -m, NCCL's path types, and what Linux decides for a "
                + "P2P DMA (drivers/pci/p2pdma.c), with legends.",
            "SOURCE is anything topo reads (sysfs tree or snapshot, NCCL topology XML, ...). Default: this "
                    + "machine's /sys."},
        footer = {"", "JSON: {\"devices\":[{\"bdf\", \"kind\", \"name\", \"label\", ...}], \"pairs\":[{\"a\", \"b\", "
                + "\"ncclPath\", \"kernelMapType\", \"kernelDistance\", \"bottleneckGBps\", \"route\":[...], "
                + "\"why\", ...}]}. In a pair, a is the P2P provider and b the client."})
final class PathsCommand implements Callable<Integer> {

    private final DmaScopeCli cli;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SOURCE", description = "Where to read the topology (default: /sys).")
    private @Nullable String source;

    @Option(names = "--json", description = "Print JSON instead of matrices.")
    private boolean json;

    @Option(names = "--pair", arity = "2", paramLabel = "BDF",
            description = "Only the path between these two functions (any two, bridges included): the first is "
                    + "the P2P provider, the second the client.")
    private @Nullable List<String> pair;

    @Option(names = "--all", description = "Every endpoint, not only GPUs, NICs, NVMe drives, storage and accelerators.")
    private boolean all;

    @Option(names = "--cpu", paramLabel = "CPU",
            description = "The CPU to assume for the kernel's host bridge rule: amd-zen, intel or other "
                    + "(default: what SOURCE says; unknown counts as not AMD Zen).")
    private @Nullable String cpu;

    @Option(names = "--kernel", paramLabel = "VERSION",
            description = "Whose drivers/pci/p2pdma.c rules: 5.15, 6.16 or 7.3 (default: 7.3).")
    private @Nullable String kernelVersion;

    @Option(names = "--pci-ids", paramLabel = "FILE", description = "The PCI ID database.")
    private @Nullable Path pciIds;

    PathsCommand(DmaScopeCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InputException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KernelRules rules = kernelRules();
        CpuInfo cpuOverride = cpuOverride();
        String src = source;
        PciTopology topology = src == null ? cli.sources().live(new NullProgressMonitor())
                : cli.sources().open(Path.of(src), src, new NullProgressMonitor());
        PciNames names = new PciNames(PciIdsLocator.load(Optional.ofNullable(pciIds)));
        for (String warning : topology.warnings()) {
            err.println("dmascope: warning: " + topology.source() + ": " + warning);
        }
        List<PciFunction> endpoints = PeerAnalysis.endpoints(topology, all);
        PeerAnalysis analysis = new PeerAnalysis(topology, rules, cpuOverride, endpoints);
        List<PeerPair> pairs;
        List<String> pairArgs = pair;
        if (pairArgs != null) {
            PciAddress a = address(topology, pairArgs.get(0));
            PciAddress b = address(topology, pairArgs.get(1));
            pairs = List.of(analysis.pair(a, b));
        } else {
            pairs = analysis.allPairs();
        }
        EndpointLabels labels = new EndpointLabels(endpoints);
        if (json) {
            PathsJson.write(topology, names, labels.byAddress(), pairs, pairArgs == null ? endpoints
                    : pairs.stream().flatMap(p -> java.util.stream.Stream.of(p.a(), p.b())).distinct().toList(),
                    rules, cpuOverride, out);
        } else if (pairArgs != null) {
            printPair(out, pairs.get(0), names, rules);
        } else {
            printMatrices(out, topology, analysis, labels, names, rules);
        }
        out.flush();
        return DmaScopeCli.EXIT_OK;
    }

    private KernelRules kernelRules() {
        String v = kernelVersion;
        if (v == null) {
            return KernelRules.DEFAULT;
        }
        return KernelRules.forVersion(v).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--kernel: no rules for '" + v + "' (known: 5.15, 6.16, 7.3)"));
    }

    private @Nullable CpuInfo cpuOverride() {
        String c = cpu;
        if (c == null) {
            return null;
        }
        return CpuInfo.assumed(c).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--cpu: '" + c + "' is not amd-zen, intel or other"));
    }

    private PciAddress address(PciTopology topology, String text) {
        PciAddress a;
        try {
            a = PciAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--pair: " + e.getMessage());
        }
        if (topology.function(a).isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--pair: no function " + a + " in " + topology.source());
        }
        return a;
    }

    private void printMatrices(PrintWriter out, PciTopology topology, PeerAnalysis analysis, EndpointLabels labels,
            PciNames names, KernelRules rules) {
        List<PciFunction> endpoints = analysis.endpoints();
        if (endpoints.isEmpty()) {
            out.println("No GPUs, NICs, NVMe drives or accelerators in " + topology.source()
                    + (all ? "" : " (--all includes every endpoint)") + ".");
            return;
        }
        PeerMatrix m = analysis.matrix();
        Map<PciAddress, Integer> index = new HashMap<>();
        for (int i = 0; i < endpoints.size(); i++) {
            index.put(endpoints.get(i).address(), i);
        }
        // nvidia-smi's own matrix: the connection classes, CPU and NUMA affinity of each row.
        out.print(cell(""));
        for (String l : labels.ordered()) {
            out.print(cell(l));
        }
        out.println("CPU Affinity\tNUMA Affinity");
        for (PciFunction row : endpoints) {
            out.print(cell(labels.byAddress().get(row.address())));
            for (PciFunction col : endpoints) {
                out.print(cell(row == col ? " X " : m.smi()[index.get(row.address())][index.get(col.address())].label()));
            }
            String cpus = row.localCpus();
            int numa = numa(topology, row);
            out.println((cpus == null ? "N/A" : cpus) + "\t" + (numa < 0 ? "N/A" : Integer.toString(numa)));
        }
        out.println();
        out.println("Legend:");
        out.println();
        for (SmiClass c : SmiClass.values()) {
            out.println(String.format(Locale.ROOT, "  %-4s = %s", c == SmiClass.NV ? "NV#" : c.name(), c.legend()));
        }
        out.println();
        out.println("Devices:");
        out.println();
        for (PciFunction f : endpoints) {
            String osNames = String.join(", ", f.osDevices().stream().map(OsDevice::name).toList());
            out.println(String.format(Locale.ROOT, "  %-6s: %s %s%s", labels.byAddress().get(f.address()), f.address(),
                    names.describe(f), osNames.isEmpty() ? "" : " (" + osNames + ")"));
        }
        if (endpoints.size() < 2) {
            return;
        }
        out.println();
        out.println("NCCL path types (" + "src/graph/paths.cc; before NCCL's own P2P and GPUDirect RDMA rerouting):");
        out.println();
        matrix(out, endpoints, labels, (a, b) -> m.nccl()[index.get(a.address())][index.get(b.address())].name());
        out.println();
        out.println("  LOC NVL NVB C2C PIX PXB P2C PXN PHB SYS NET DIS, from closest to farthest; numbered 0..11 "
                + "since NCCL 2.27.7 (" + NcclPathType.PIX.name() + " 4 since 2.26, 3 before; P2C came in 2.27).");
        out.println();
        out.println("Linux P2PDMA, row = provider, column = client (drivers/pci/p2pdma.c as of v" + rules.version()
                + "; CPU: " + cpuText(topology) + "):");
        out.println();
        matrix(out, endpoints, labels, (a, b) -> {
            KernelP2pEngine.Decision k = m.kernel()[index.get(a.address())][index.get(b.address())];
            return k.label("");
        });
        out.println();
        out.println("  BUS = PCI_P2PDMA_MAP_BUS_ADDR (stays below a common switch, no IOMMU), HB = THRU_HOST_BRIDGE "
                + "(through the root complex and the IOMMU), NO = NOT_SUPPORTED (-EREMOTEIO, "
                + "distance -1); the number is the kernel's distance.");
        out.println("  ./dmascope paths --pair BDF BDF explains one pair: the rules that applied and the lines the "
                + "kernel prints.");
    }

    private interface CellText {
        String text(PciFunction a, PciFunction b);
    }

    private static void matrix(PrintWriter out, List<PciFunction> endpoints, EndpointLabels labels, CellText cells) {
        StringBuilder header = new StringBuilder(cell(""));
        for (String l : labels.ordered()) {
            header.append(cell(l));
        }
        out.println(header.toString().stripTrailing());
        for (PciFunction row : endpoints) {
            StringBuilder line = new StringBuilder(cell(labels.byAddress().get(row.address())));
            for (PciFunction col : endpoints) {
                line.append(cell(row == col ? " X " : cells.text(row, col)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    // nvidia-smi pads each cell to a tab stop.
    private static String cell(String text) {
        return String.format(Locale.ROOT, "%-8s", text);
    }

    private String cpuText(PciTopology topology) {
        return cpu != null ? cpu + " (--cpu)" : topology.cpu().isKnown() ? topology.cpu().describe()
                : "unknown, taken as not AMD Zen (--cpu overrides)";
    }

    private static int numa(PciTopology topology, PciFunction f) {
        return f.numaNode() >= 0 ? f.numaNode() : topology.hostBridge(f).map(HostBridge::numaNode).orElse(-1);
    }

    private static void printPair(PrintWriter out, PeerPair p, PciNames names, KernelRules rules) {
        PeerReport.lines(p, names, rules).forEach(out::println);
    }
}
