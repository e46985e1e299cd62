package org.dmascope.scenario;

import java.nio.file.Path;

import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciTopology;

/** Reads a topology file with whatever importers the product has (the command line passes its own). */
@FunctionalInterface
public interface TopologyLoader {

    /**
     * Reads a topology.
     *
     * @param file the file
     * @param name how to name it in messages
     * @throws InputException when it cannot be read
     */
    PciTopology load(Path file, String name) throws InputException;
}
