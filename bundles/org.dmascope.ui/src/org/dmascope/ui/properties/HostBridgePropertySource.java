package org.dmascope.ui.properties;

import java.util.List;
import java.util.Locale;

import org.dmascope.core.topology.HostBridge;

/** Properties of a host bridge. */
final class HostBridgePropertySource extends RowPropertySource {

    HostBridgePropertySource(HostBridge h) {
        super(List.of(
                row("General", "Name", h.sysfsName()),
                row("General", "Domain", String.format(Locale.ROOT, "%04x", h.rootBus().domain())),
                row("General", "Root bus", String.format(Locale.ROOT, "%02x", h.rootBus().bus())),
                row("Locality", "NUMA node", h.numaNode() < 0 ? "none reported (-1)" : Integer.toString(h.numaNode()))));
    }
}
