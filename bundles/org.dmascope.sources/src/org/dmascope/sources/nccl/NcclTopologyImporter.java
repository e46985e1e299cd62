package org.dmascope.sources.nccl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.dmascope.core.source.InputException;
import org.dmascope.core.source.TopologyImporter;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.xml.SecureXml;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.SubMonitor;

/**
 * Reads NCCL's topology XML: the files given to NCCL in {@code NCCL_TOPO_FILE} (static
 * topologies that cloud providers publish for their VMs) and those NCCL writes to
 * {@code NCCL_TOPO_DUMP_FILE}.
 *
 * <p>Each {@code <cpu>} is a NUMA node and tells the machine's CPU; each {@code <pci>} directly
 * below one opens a PCI hierarchy with a host bridge on that function's bus, and the
 * {@code <pci>} elements nested in it are the functions below it. Bus IDs {@code ffff:ff:NN.0},
 * and vendor IDs 0xffff or 0x0000, mark switches a file's author made up to group devices: they
 * become placeholders. A {@code <gpu>} gives GPU details, its {@code <nvlink>}s and
 * {@code <c2c>}s the machine's NVLinks, and a {@code <nic>}'s {@code <net>}s the function's OS
 * devices. What NCCL would learn from sysfs at run time and the file leaves out (class, IDs,
 * link) stays unknown, with a warning naming the line.
 */
public final class NcclTopologyImporter implements TopologyImporter {

    @Override
    public String id() {
        return "nccl";
    }

    @Override
    public String label() {
        return "NCCL topology XML (NCCL_TOPO_FILE, NCCL_TOPO_DUMP_FILE)";
    }

    /**
     * 100 for a root {@code <system version="1">}, 50 for another {@code <system>}; 0 for
     * anything else. Looks at the root's start tag only: a file that says it is an NCCL topology
     * is claimed, and reading it names the line and column of what is wrong below.
     */
    @Override
    public int recognise(Path input) {
        if (!Files.isRegularFile(input)) {
            return 0;
        }
        SecureXml.Root root = SecureXml.root(input).orElse(null);
        if (root == null || !root.name().equals("system")) {
            return 0;
        }
        String version = root.attribute("version");
        return version != null && version.trim().equals("1") ? 100 : 50;
    }

    @Override
    public PciTopology read(Path input, String name, IProgressMonitor monitor) throws InputException {
        if (!Files.exists(input)) {
            throw new InputException(name, null, "no such file or directory");
        }
        if (Files.isDirectory(input)) {
            throw new InputException(name, null, "a directory, not an NCCL topology file");
        }
        SubMonitor progress = SubMonitor.convert(monitor, "Reading NCCL topology " + name, 100);
        if (progress.isCanceled()) {
            throw new OperationCanceledException();
        }
        try (InputStream in = Files.newInputStream(input)) {
            XMLStreamReader xml = SecureXml.open(in);
            try {
                return new NcclTopologyReader(xml, name, progress).read();
            } finally {
                closeQuietly(xml);
            }
        } catch (XMLStreamException e) {
            throw SecureXml.malformed(name, e);
        } catch (IOException e) {
            throw new InputException(name, null, "cannot read: " + e.getMessage(), e);
        } finally {
            progress.done();
        }
    }

    private static void closeQuietly(XMLStreamReader xml) {
        try {
            xml.close();
        } catch (XMLStreamException e) {
            // The stream below is closed by its own try; nothing was lost.
        }
    }
}
