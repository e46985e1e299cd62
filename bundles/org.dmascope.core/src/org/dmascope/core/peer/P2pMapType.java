package org.dmascope.core.peer;

/**
 * How Linux maps a peer-to-peer transfer ({@code enum pci_p2pdma_map_type} in
 * include/linux/pci-p2pdma.h), as {@code calc_map_type_and_dist()} decides it.
 */
public enum P2pMapType {
    /** The transfer cannot be done: DMA mapping fails with -EREMOTEIO (v6.2+). */
    NOT_SUPPORTED("PCI_P2PDMA_MAP_NOT_SUPPORTED", "not supported: the DMA mapping fails with -EREMOTEIO"),
    /** The TLPs stay below a common switch or device: the peer gets PCI bus addresses, the IOMMU is bypassed. */
    BUS_ADDR("PCI_P2PDMA_MAP_BUS_ADDR", "bus address: the TLPs stay below the common upstream device, no IOMMU"),
    /** The TLPs go up through the root complex: mapped like memory, through the IOMMU if there is one. */
    THRU_HOST_BRIDGE("PCI_P2PDMA_MAP_THRU_HOST_BRIDGE",
            "through the host bridge: mapped like system memory, through the IOMMU if one is on");

    private final String kernelName;
    private final String meaning;

    P2pMapType(String kernelName, String meaning) {
        this.kernelName = kernelName;
        this.meaning = meaning;
    }

    /** The kernel's enumerator name. */
    public String kernelName() {
        return kernelName;
    }

    /** The short form matrices print: BUS, HB or NO. */
    public String shortName() {
        switch (this) {
            case BUS_ADDR:
                return "BUS";
            case THRU_HOST_BRIDGE:
                return "HB";
            default:
                return "NO";
        }
    }

    /** What the type means for the DMA mapping, in words. */
    public String meaning() {
        return meaning;
    }
}
