package org.dmascope.backend.gpudirect.tests;

import java.util.List;

import org.dmascope.backend.gpudirect.GpuDevice;
import org.dmascope.backend.gpudirect.GpuDirectEngine;
import org.dmascope.backend.gpudirect.GpuDirectListener;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.TopologySources;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;

/**
 * Real machines from testdata/, read by the importers, and engines over them.
 *
 * <p>ASUS P6T6 (pciutils' tree-asus-p6t6 dump): a GT218 GPU at 06:00.0 whose BAR 1 the dump
 * places at 0xd0000000 (a dump carries no BAR sizes: 256 MiB, the card's), its HDMI audio function 06:00.1 below the same root port (the
 * kernel's path: BUS_ADDR, distance 2) and an LSI SAS2008 at 04:00.0 below another root port of
 * an X58 host bridge that is not on the kernel's allow list (NOT_SUPPORTED). The GT218 stands
 * for a GPU in that slot: the P2P API itself needs a data-centre GPU.
 *
 * <p>Azure ND A100 v4 (its published NCCL topology file, AMD Zen 2): A100 0003:00:00.0 on NUMA
 * node 0 and the HDR HCA 0101:00:00.0 on node 1 (THRU_HOST_BRIDGE, allowed for AMD Zen). NCCL
 * files have no BARs: the A100's BAR1 window is given (64 GiB at 0x38000000000).
 */
final class Machines {

    static final PciAddress ASUS_GPU = PciAddress.parse("0000:06:00.0");
    static final PciAddress ASUS_GPU_AUDIO = PciAddress.parse("0000:06:00.1");
    static final PciAddress ASUS_SAS = PciAddress.parse("0000:04:00.0");
    static final long ASUS_BAR1 = 0xd0000000L;

    static final PciAddress NDV4_GPU = PciAddress.parse("0003:00:00.0");
    static final PciAddress NDV4_HCA_OTHER_NODE = PciAddress.parse("0101:00:00.0");
    static final long NDV4_BAR1 = 0x38000000000L;
    static final long NDV4_BAR1_SIZE = 64L << 30;

    private Machines() {
    }

    static PciTopology open(String relative) {
        try {
            return TopologySources.builtIn().open(TestData.path(relative), relative, new NullProgressMonitor());
        } catch (InputException e) {
            throw new AssertionError(e);
        }
    }

    static PciTopology asus() {
        return open("lspci-dumps/tree-asus-p6t6");
    }

    static PciTopology ndv4() {
        return open("nccl-topo/azure-ndv4-topo.xml");
    }

    static GpuDirectEngine engine(PciTopology t, GpuDirectEngine.Options options) {
        return new GpuDirectEngine(t, new KernelP2pEngine(KernelRules.DEFAULT), options, GpuDirectListener.NONE);
    }

    /** The ASUS machine with its GPU at the dump's BAR 1 address. */
    static GpuDirectEngine asusEngine(GpuDirectEngine.Options options) {
        GpuDirectEngine e = engine(asus(), options);
        e.addGpu(new GpuDevice(ASUS_GPU, ASUS_BAR1, 256L << 20, 0));
        return e;
    }

    /** The NDv4 machine with GPU 0003:00:00.0 and its BAR1 window. */
    static GpuDirectEngine ndv4Engine(GpuDirectEngine.Options options) {
        GpuDirectEngine e = engine(ndv4(), options);
        e.addGpu(new GpuDevice(NDV4_GPU, NDV4_BAR1, NDV4_BAR1_SIZE, 0));
        return e;
    }

    /** A PCI device without an IOMMU: dma-direct, 64-bit DMA mask. */
    static DmaDevice direct(PciAddress a) {
        return DmaDevice.plain().withAddress(a, a.toString());
    }

    /** A PCI device behind an IOMMU DMA domain (4 KiB granule, x86 MSI window reserved). */
    static DmaDevice iommu(PciAddress a) {
        return DmaDevice.plain().withAddress(a, a.toString()).withIommu(true);
    }

    /** mlx5's DMA limits: 2 GiB segments. */
    static DmaDevice mlx5(PciAddress a, boolean iommu) {
        return new DmaDevice(a, "mlx5 " + a, 0x80000000L, DmaDevice.PCI_SEGMENT_BOUNDARY, iommu, 0, 12, -1L, true,
                List.of(DmaDevice.X86_MSI_WINDOW), DmaDevice.MLX5_PGSZ_BITMAP);
    }
}
