package org.dmascope.core.topology;

/**
 * The device/port type of a function, from its PCI Express capability (flags bits 7:4,
 * {@code PCI_EXP_FLAGS_TYPE}, the values of the kernel's {@code enum pci_express_pos}).
 */
public enum PortType {
    /** PCI Express endpoint ({@code PCI_EXP_TYPE_ENDPOINT}, 0x0). */
    ENDPOINT(0x0, "PCIe endpoint"),
    /** Legacy PCI Express endpoint ({@code PCI_EXP_TYPE_LEG_END}, 0x1). */
    LEGACY_ENDPOINT(0x1, "legacy PCIe endpoint"),
    /** Root port of a root complex ({@code PCI_EXP_TYPE_ROOT_PORT}, 0x4). */
    ROOT_PORT(0x4, "root port"),
    /** Upstream port of a switch ({@code PCI_EXP_TYPE_UPSTREAM}, 0x5). */
    UPSTREAM_PORT(0x5, "switch upstream port"),
    /** Downstream port of a switch ({@code PCI_EXP_TYPE_DOWNSTREAM}, 0x6). */
    DOWNSTREAM_PORT(0x6, "switch downstream port"),
    /** PCI Express to PCI/PCI-X bridge ({@code PCI_EXP_TYPE_PCI_BRIDGE}, 0x7). */
    PCIE_TO_PCI_BRIDGE(0x7, "PCIe-to-PCI bridge"),
    /** PCI/PCI-X to PCI Express bridge ({@code PCI_EXP_TYPE_PCIE_BRIDGE}, 0x8). */
    PCI_TO_PCIE_BRIDGE(0x8, "PCI-to-PCIe bridge"),
    /** Root complex integrated endpoint ({@code PCI_EXP_TYPE_RC_END}, 0x9). */
    RC_INTEGRATED_ENDPOINT(0x9, "root complex integrated endpoint"),
    /** Root complex event collector ({@code PCI_EXP_TYPE_RC_EC}, 0xa). */
    RC_EVENT_COLLECTOR(0xa, "root complex event collector"),
    /** The function has no PCI Express capability: conventional PCI (or a virtual device). */
    CONVENTIONAL_PCI(-1, "conventional PCI"),
    /** The capability list could not be read (config space beyond 64 bytes is root-only). */
    UNKNOWN(-2, "unknown (capabilities not readable)");

    private final int code;
    private final String label;

    PortType(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The register value, or a negative number for the two cases without one. */
    public int code() {
        return code;
    }

    /** Words for people. */
    public String label() {
        return label;
    }

    /** The type for a PCI Express capability's type field; reserved values give {@link #UNKNOWN}. */
    public static PortType fromCode(int code) {
        for (PortType t : values()) {
            if (t.code == code && code >= 0) {
                return t;
            }
        }
        return UNKNOWN;
    }

    /** Whether a function of this type is a bridge in the PCIe sense (a port with a bus below). */
    public boolean isPort() {
        return this == ROOT_PORT || this == UPSTREAM_PORT || this == DOWNSTREAM_PORT
                || this == PCIE_TO_PCI_BRIDGE || this == PCI_TO_PCIE_BRIDGE;
    }
}
