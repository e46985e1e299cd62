package org.dmascope.core.topology;

/**
 * What a function is for, from its class code: the categories P2P users reason about (GPUs,
 * NICs, NVMe drives, accelerators) and the rest grouped broadly.
 */
public enum DeviceKind {
    /** Display controller (base class 0x03): GPUs. */
    GPU("GPU", true),
    /** InfiniBand controller (0x0207). */
    INFINIBAND("InfiniBand", true),
    /** Other network controller (0x02): Ethernet, RoCE, EFA. */
    NIC("NIC", true),
    /** Non-volatile memory controller with the NVMe interface (0x010802). */
    NVME("NVMe", true),
    /** Other mass storage controller (0x01). */
    STORAGE("storage", true),
    /** Processing accelerator (0x12) or co-processor (0x0b40). */
    ACCELERATOR("accelerator", true),
    /** Bridge (0x06): host, PCI-to-PCI, ISA, other. */
    BRIDGE("bridge", false),
    /** Serial bus controller (0x0c): USB, SMBus, Thunderbolt. */
    SERIAL_BUS("serial bus", false),
    /** Multimedia (0x04). */
    MULTIMEDIA("multimedia", false),
    /** Base system peripheral (0x08), including IOMMUs and DMA engines. */
    SYSTEM_PERIPHERAL("system peripheral", false),
    /** Anything else, including class 0xff (unassigned, e.g. virtio devices). */
    OTHER("other", false);

    private final String label;
    private final boolean dmaEndpoint;

    DeviceKind(String label, boolean dmaEndpoint) {
        this.label = label;
        this.dmaEndpoint = dmaEndpoint;
    }

    /** Words for people. */
    public String label() {
        return label;
    }

    /** Whether functions of this kind are the usual peers of a P2P DMA (GPUs, NICs, NVMe, accelerators). */
    public boolean isDmaEndpoint() {
        return dmaEndpoint;
    }

    /** The kind for a 24-bit class code. */
    public static DeviceKind of(int classCode) {
        int base = classCode >> 16 & 0xff;
        int sub = classCode >> 8 & 0xff;
        int progIf = classCode & 0xff;
        switch (base) {
            case 0x01:
                return sub == 0x08 && progIf == 0x02 ? NVME : STORAGE;
            case 0x02:
                return sub == 0x07 ? INFINIBAND : NIC;
            case 0x03:
                return GPU;
            case 0x04:
                return MULTIMEDIA;
            case 0x06:
                return BRIDGE;
            case 0x08:
                return SYSTEM_PERIPHERAL;
            case 0x0b:
                return sub == 0x40 ? ACCELERATOR : OTHER;
            case 0x0c:
                return SERIAL_BUS;
            case 0x12:
                return ACCELERATOR;
            default:
                return OTHER;
        }
    }
}
