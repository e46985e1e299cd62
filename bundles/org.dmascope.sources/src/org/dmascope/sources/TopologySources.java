package org.dmascope.sources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.dmascope.core.source.InputException;
import org.dmascope.core.source.TopologyImporter;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.hwloc.HwlocXmlImporter;
import org.dmascope.sources.lspci.LspciDumpImporter;
import org.dmascope.sources.lspci.LspciTextImporter;
import org.dmascope.sources.nccl.NcclTopologyImporter;
import org.dmascope.sources.sysfs.SysfsTreeImporter;
import org.eclipse.core.runtime.IProgressMonitor;

/**
 * The topology importers DMA Scope knows, and the choice among them by content: an input goes
 * to the importer that recognises it most surely.
 */
public final class TopologySources {

    /** What the live host is called in messages and titles. */
    public static final String LIVE_HOST_NAME = "this machine (/sys)";

    private final List<TopologyImporter> importers;

    /** A registry over these importers. */
    public TopologySources(List<TopologyImporter> importers) {
        this.importers = List.copyOf(importers);
    }

    /** The importers that ship with DMA Scope. */
    public static TopologySources builtIn() {
        return new TopologySources(List.of(new SysfsTreeImporter(), new LspciDumpImporter(), new LspciTextImporter(),
                new HwlocXmlImporter(), new NcclTopologyImporter()));
    }

    /** All importers. */
    public List<TopologyImporter> importers() {
        return importers;
    }

    /** The importer that recognises the input most surely, if any does. */
    public Optional<TopologyImporter> importerFor(Path input) {
        return importers.stream().filter(i -> i.recognise(input) > 0)
                .max(Comparator.comparingInt(i -> i.recognise(input)));
    }

    /**
     * Reads a topology from a file or directory, choosing the importer by content.
     *
     * @param input   the input
     * @param name    the input as the user named it
     * @param monitor progress and cancellation
     * @throws InputException when nothing can read it, or the chosen importer fails
     */
    public PciTopology open(Path input, String name, IProgressMonitor monitor) throws InputException {
        if (!Files.exists(input)) {
            throw new InputException(name, null, "no such file or directory");
        }
        TopologyImporter importer = importerFor(input).orElseThrow(() -> new InputException(name, null,
                "not a topology DMA Scope can read (it reads: "
                        + importers.stream().map(TopologyImporter::label).collect(Collectors.joining("; ")) + ")"));
        return importer.read(input, name, monitor);
    }

    /** Reads this machine's PCI hierarchy from {@code /sys}. */
    public PciTopology live(IProgressMonitor monitor) throws InputException {
        return new SysfsTreeImporter().read(SysfsTreeImporter.LIVE_ROOT, LIVE_HOST_NAME, monitor);
    }
}
