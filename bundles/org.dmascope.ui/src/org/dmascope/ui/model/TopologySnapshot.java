package org.dmascope.ui.model;

import java.time.Duration;
import java.time.Instant;

import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.topology.PciTopology;

/**
 * A topology as read at one moment, with the names to show for it.
 *
 * @param source   where it was read
 * @param topology what was read
 * @param names    device names (from pci.ids)
 * @param readAt   when the read finished
 * @param readTime how long the read took
 */
public record TopologySnapshot(SourceRef source, PciTopology topology, PciNames names, Instant readAt,
        Duration readTime) {
}
