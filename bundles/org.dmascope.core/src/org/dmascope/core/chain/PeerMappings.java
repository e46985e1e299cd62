package org.dmascope.core.chain;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelP2pResult;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciTopology;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Peer mappings from the peer-path engine: for each PCI P2PDMA page map of the physical memory
 * map, the kernel's decision ({@code calc_map_type_and_dist()}) between the provider that owns
 * it and the DMA device, computed once per page map.
 */
public final class PeerMappings {

    private PeerMappings() {
    }

    /**
     * The mapping a device gets for the P2PDMA memory of a machine.
     *
     * @param physical the physical memory map whose PCI_P2PDMA ranges name their provider
     * @param topology the machine
     * @param client   the DMA device
     * @param engine   the kernel's rules
     */
    public static PeerMapping of(PhysicalMemoryMap physical, PciTopology topology, PciAddress client,
            KernelP2pEngine engine) {
        Map<Integer, PeerMapping.Route> routes = new HashMap<>();
        for (PhysicalMemoryMap.Range r : physical.ranges()) {
            PciAddress provider = r.owner();
            if (r.kind() != PhysicalMemoryMap.Kind.PCI_P2PDMA) {
                continue;
            }
            if (provider == null || topology.function(provider).isEmpty() || topology.function(client).isEmpty()) {
                routes.put(r.index(), new PeerMapping.Route(org.dmascope.core.peer.P2pMapType.NOT_SUPPORTED, 0,
                        String.format(Locale.ROOT, "the provider of %s or the device %s is not in the topology: the"
                                + " kernel finds no path (pci_p2pdma_map_type)", r.name(), client)));
                continue;
            }
            KernelP2pResult result = engine.evaluate(topology, provider, client, null);
            String last = result.steps().isEmpty() ? "" : "; " + result.steps().get(result.steps().size() - 1).finding();
            routes.put(r.index(), new PeerMapping.Route(result.mapType(), 0, String.format(Locale.ROOT,
                    "%s → %s: %s, distance %d%s", provider, client, result.mapType().kernelName(),
                    result.reportedDistance(), last)));
        }
        return pgmap -> routeOf(routes, pgmap);
    }

    private static PeerMapping.@Nullable Route routeOf(Map<Integer, PeerMapping.Route> routes, int pgmap) {
        return routes.get(pgmap);
    }
}
