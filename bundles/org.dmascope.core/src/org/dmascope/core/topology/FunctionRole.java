package org.dmascope.core.topology;

/**
 * What a function is in the PCI hierarchy, the way people name the boxes in a topology diagram.
 * Derived from the header type and PCI Express port type where config space is readable,
 * otherwise from the class code and the position in the tree (then
 * {@link PciFunction#roleInferred()} says so).
 */
public enum FunctionRole {
    /** A function with class "host bridge" (06/00) on a root bus: the root complex's own face. */
    HOST_BRIDGE_FUNCTION("host bridge function"),
    /** A root port: the bridge between the root complex and one link. */
    ROOT_PORT("root port"),
    /** The upstream port of a PCIe switch. */
    SWITCH_UPSTREAM_PORT("switch upstream port"),
    /** A downstream port of a PCIe switch. */
    SWITCH_DOWNSTREAM_PORT("switch downstream port"),
    /** Any other PCI-to-PCI or CardBus bridge (PCIe-to-PCI, conventional PCI bridges). */
    PCI_BRIDGE("PCI bridge"),
    /** Everything that is not a bridge: GPUs, NICs, NVMe controllers, and the rest. */
    ENDPOINT("endpoint");

    private final String label;

    FunctionRole(String label) {
        this.label = label;
    }

    /** Words for people. */
    public String label() {
        return label;
    }

    /** Whether functions of this role have a secondary bus below them. */
    public boolean isBridge() {
        return this == ROOT_PORT || this == SWITCH_UPSTREAM_PORT || this == SWITCH_DOWNSTREAM_PORT
                || this == PCI_BRIDGE;
    }
}
