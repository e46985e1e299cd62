package org.dmascope.core.source;

import java.nio.file.Path;

import org.dmascope.core.topology.PciTopology;
import org.eclipse.core.runtime.IProgressMonitor;

/**
 * Reads a machine's PCI topology from one kind of input (a sysfs tree, an lspci dump, a
 * topology file written by another tool). Importers are chosen by what an input contains,
 * not only by its name: each says how well it recognises an input before one is asked to read.
 */
public interface TopologyImporter {

    /** A stable identifier, such as {@code sysfs}. */
    String id();

    /** Words for people: "sysfs tree (live /sys or a snapshot)". */
    String label();

    /**
     * How sure this importer is that it can read the input, from 0 (not at all) to 100 (it is
     * certainly this format). Looks at the content; must be cheap and must not throw.
     */
    int recognise(Path input);

    /**
     * Reads the input.
     *
     * @param input   the file or directory
     * @param name    the input as the user named it, for messages
     * @param monitor progress and cancellation; a cancelled read throws
     *                {@link org.eclipse.core.runtime.OperationCanceledException}
     * @throws InputException naming the input and the place when it cannot be read
     */
    PciTopology read(Path input, String name, IProgressMonitor monitor) throws InputException;
}
