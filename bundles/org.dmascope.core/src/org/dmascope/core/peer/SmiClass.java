package org.dmascope.core.peer;

/**
 * The connection classes of {@code nvidia-smi topo -m} (NVML's topology levels), with the
 * legend nvidia-smi prints.
 */
public enum SmiClass {
    /** The device itself. */
    X("Self"),
    /** A bonded set of NVLinks ({@code NV#}). */
    NV("Connection traversing a bonded set of # NVLinks"),
    /** At most one PCIe bridge. */
    PIX("Connection traversing at most a single PCIe bridge"),
    /** Several PCIe bridges, not the host bridge. */
    PXB("Connection traversing multiple PCIe bridges (without traversing the PCIe Host Bridge)"),
    /** One PCIe host bridge. */
    PHB("Connection traversing PCIe as well as a PCIe Host Bridge (typically the CPU)"),
    /** Host bridges of one NUMA node. */
    NODE("Connection traversing PCIe as well as the interconnect between PCIe Host Bridges within a NUMA node"),
    /** Across NUMA nodes. */
    SYS("Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)");

    private final String legend;

    SmiClass(String legend) {
        this.legend = legend;
    }

    /** nvidia-smi's legend line for this class. */
    public String legend() {
        return legend;
    }
}
