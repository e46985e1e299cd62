package org.dmascope.backend.gpudirect;

import java.util.Arrays;

import org.dmascope.core.peer.KernelP2pResult;
import org.dmascope.core.topology.PciAddress;

/**
 * {@code struct nvidia_p2p_dma_mapping} (nv-p2p.h): the DMA addresses a peer device uses for the
 * pages of a page table, one per GPU page, as nvidia_p2p_dma_map_pages() fills them.
 *
 * @param id           the engine's handle
 * @param version      NVIDIA_P2P_DMA_MAPPING_VERSION
 * @param pageSize     {@code page_size_type}
 * @param peer         {@code pci_dev}: the peer device
 * @param dmaAddresses {@code dma_addresses}, one per page
 * @param viaIommu     whether dma_map_resource() translated them through the peer's IOMMU domain
 * @param fabric       what the kernel's P2PDMA rules say of the path between the GPU and the peer
 *                     (which nvidia_p2p_dma_map_pages() does not consult)
 * @param why          how the addresses were made
 */
public record P2pDmaMapping(int id, int version, P2pPageSize pageSize, PciAddress peer, long[] dmaAddresses,
        boolean viaIommu, KernelP2pResult fabric, String why) {

    /** Copies the addresses. */
    public P2pDmaMapping {
        dmaAddresses = Arrays.copyOf(dmaAddresses, dmaAddresses.length);
    }

    /** {@code entries}. */
    public int entries() {
        return dmaAddresses.length;
    }

    /** {@code dma_addresses[i]}. */
    public long dmaAddress(int i) {
        return dmaAddresses[i];
    }

    @Override
    public long[] dmaAddresses() {
        return Arrays.copyOf(dmaAddresses, dmaAddresses.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof P2pDmaMapping m && m.id == id;
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return "dma mapping " + id + " for " + peer + " (" + dmaAddresses.length + " entries)";
    }
}
