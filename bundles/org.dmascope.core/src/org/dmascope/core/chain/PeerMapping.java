package org.dmascope.core.chain;

import org.dmascope.core.peer.P2pMapType;
import org.eclipse.jdt.annotation.Nullable;

/**
 * How the DMA device reaches the ZONE_DEVICE pages of a PCI P2PDMA page map, as
 * {@code pci_p2pdma_state()} decides it for the first page of each scatter-list entry: the
 * peer-path engine's answer for the provider that owns the pgmap and the mapping device.
 */
@FunctionalInterface
public interface PeerMapping {

    /** No P2PDMA memory anywhere: every entry is ordinary memory (PCI_P2PDMA_MAP_NONE). */
    PeerMapping NONE = pgmap -> null;

    /**
     * How the device reaches one pgmap's pages.
     *
     * @param type      the map type
     * @param busOffset what the provider's bridge adds to a CPU physical address to make a PCI
     *                  bus address ({@code pci_bus_address - pci_resource_start}; 0 on most x86)
     * @param why       the peer-path engine's reason, one line
     */
    record Route(P2pMapType type, long busOffset, String why) {
    }

    /** The route to a pgmap's pages, null when they are not P2PDMA memory (PCI_P2PDMA_MAP_NONE). */
    @Nullable
    Route route(int pgmap);
}
