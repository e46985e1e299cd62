package org.dmascope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.dmascope.core.pciids.PciIds;
import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.LspciTree;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.pciids.PciIdsLocator;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.annotation.Nullable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmascope topo [SOURCE] [--json]}: the PCI tree of a machine. */
@Command(name = "topo", mixinStandardHelpOptions = true,
        description = {"Print the PCI tree of SOURCE in the style of lspci -tv, or as JSON.",
            "SOURCE is any topology DMA Scope reads, chosen by content: a sysfs tree (a directory holding "
                    + "bus/pci/devices such as /sys, a root holding sys/, or a .tar, .tar.gz or .tar.bz2 snapshot), "
                    + "an lspci hex dump (lspci -xxx or -xxxx, the input of lspci -F), lspci -vvv -nn text, hwloc "
                    + "XML (2.x or 3.0) or an NCCL topology file. Default: this machine's /sys.",
            "An NCCL topology file, whose bridges stand for whole switches, is printed as it nests: NUMA node, "
                    + "switch, devices, then its NVLinks."},
        footer = {"", "JSON: {\"source\", \"hierarchy\", \"cpu\":{...}, \"numaNodes\":[...], \"hostBridges\":[...], "
                + "\"devices\":[{\"bdf\", \"vendor\", \"device\", \"class\", \"name\", \"kind\", \"role\", "
                + "\"parent\", \"secondaryBus\", \"subordinateBus\", \"linkSpeed\" (GT/s), \"linkWidth\", "
                + "\"numaNode\", \"iommuGroup\", \"driver\", \"acs\", \"bars\":[...], \"osDevices\":[...], "
                + "\"gpu\", \"placeholder\", ...}], \"nvLinks\":[...], \"warnings\":[...]}; unknown values are null."})
final class TopoCommand implements Callable<Integer> {

    private final DmaScopeCli cli;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SOURCE", description = "Where to read the topology (default: /sys).")
    private @Nullable String source;

    @Option(names = "--json", description = "Print JSON instead of the tree.")
    private boolean json;

    @Option(names = {"-n", "--numeric"}, description = "Vendor and device numbers instead of names (lspci -n).")
    private boolean numeric;

    @Option(names = "--names-and-numbers", description = "Names followed by [vendor:device] (lspci -nn).")
    private boolean mixed;

    @Option(names = "--pci-ids", paramLabel = "FILE",
            description = "The PCI ID database (default: /usr/share/misc/pci.ids or /usr/share/hwdata/pci.ids).")
    private @Nullable Path pciIds;

    TopoCommand(DmaScopeCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InputException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String src = source;
        PciTopology topology = src == null ? cli.sources().live(new NullProgressMonitor())
                : cli.sources().open(Path.of(src), src, new NullProgressMonitor());
        PciIds ids = PciIdsLocator.load(Optional.ofNullable(pciIds));
        PciNames names = new PciNames(ids);
        for (String warning : topology.warnings()) {
            err.println("dmascope: warning: " + topology.source() + ": " + warning);
        }
        if (json) {
            TopologyJson.write(topology, names, out);
        } else {
            PciNames.Mode mode = numeric ? PciNames.Mode.NUMERIC : mixed ? PciNames.Mode.MIXED : PciNames.Mode.NAMES;
            if (topology.hierarchy() == PciTopology.Hierarchy.SWITCHES) {
                out.print(SwitchTree.format(topology, names, mode));
            } else {
                out.print(LspciTree.format(topology, names, true, mode, topology.parentsObserved()));
            }
        }
        out.flush();
        return DmaScopeCli.EXIT_OK;
    }
}
