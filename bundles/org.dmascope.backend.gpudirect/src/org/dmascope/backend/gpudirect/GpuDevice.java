package org.dmascope.backend.gpudirect;

import java.util.Locale;

import org.dmascope.core.topology.Bar;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;

/**
 * A GPU as the P2P API sees it: its PCI function and its BAR1 window, the part of the GPU's
 * memory a peer can reach over PCIe. nv_dma_map_peer() maps peers "always via BAR1"
 * ({@code bar_index} 1, {@code pci_dev->resource[1]}).
 *
 * @param address   the GPU's PCI function
 * @param bar1Start the first CPU physical address of BAR1 ({@code pci_resource_start(pdev, 1)})
 * @param bar1Size  its size in bytes (128 MiB to 256 MiB on many cards, the whole memory on data-centre GPUs)
 * @param busOffset what the bridge adds to make a PCI bus address ({@code pci_bus_address - pci_resource_start}; 0 on x86)
 * @param coherent  whether the CPU maps GPU memory coherently (PDB_PROP_GPU_COHERENT_CPU_MAPPING: Grace Hopper's
 *                  C2C); only such a GPU takes NVIDIA_P2P_FLAGS_FORCE_BAR1_MAPPING
 */
public record GpuDevice(PciAddress address, long bar1Start, long bar1Size, long busOffset, boolean coherent) {

    /** The BAR the P2P API maps peers through. */
    public static final int BAR1 = 1;

    /** Checks the window. */
    public GpuDevice {
        if (bar1Size <= 0 || (bar1Size & 0xffff) != 0 || (bar1Start & 0xffff) != 0 || bar1Start == 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "GPU %s: BAR1 must be a non-empty window aligned to 64 KiB (start %#x, size %#x)", address,
                    bar1Start, bar1Size));
        }
    }

    /**
     * The GPU as a topology describes it: BAR 1 of the function must be a memory BAR with an
     * address (sysfs snapshots and lspci dumps have them; hwloc and NCCL files do not, then use
     * the canonical constructor with the window nvidia-smi -q shows).
     *
     * @throws IllegalArgumentException when the function is missing or has no usable BAR 1
     */
    public static GpuDevice fromTopology(PciTopology topology, PciAddress address) {
        PciFunction f = topology.function(address).orElseThrow(() -> new IllegalArgumentException(
                "GPU " + address + " is not in the topology " + topology.source()));
        for (Bar bar : f.bars()) {
            if (bar.kind() == Bar.Kind.BAR && bar.index() == BAR1 && bar.isMemory() && !bar.isEmpty()
                    && bar.start() != 0) {
                return new GpuDevice(address, bar.start(), bar.size(), 0);
            }
        }
        throw new IllegalArgumentException("GPU " + address + " in " + topology.source()
                + " has no memory BAR 1 with an address: give its BAR1 window explicitly");
    }

    /** A PCIe GPU (not coherent). */
    public GpuDevice(PciAddress address, long bar1Start, long bar1Size, long busOffset) {
        this(address, bar1Start, bar1Size, busOffset, false);
    }

    /** The last address of BAR1, inclusive ({@code res->end}). */
    public long bar1End() {
        return bar1Start + bar1Size - 1;
    }
}
