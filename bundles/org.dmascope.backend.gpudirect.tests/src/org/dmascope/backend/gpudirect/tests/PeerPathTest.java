package org.dmascope.backend.gpudirect.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dmascope.backend.gpudirect.DmaBuf;
import org.dmascope.backend.gpudirect.DmaSegment;
import org.dmascope.backend.gpudirect.GpuDirectEngine;
import org.dmascope.backend.gpudirect.GpuMemory;
import org.dmascope.backend.gpudirect.Outcome;
import org.dmascope.backend.gpudirect.P2pDmaMapping;
import org.dmascope.backend.gpudirect.P2pPageTable;
import org.dmascope.backend.gpudirect.UmemDmabuf;
import org.dmascope.core.peer.P2pMapType;
import org.junit.jupiter.api.Test;

/**
 * DMA addresses for a peer on real machines. nvidia_p2p_dma_map_pages maps through the peer's
 * DMA ops (dma_map_resource) whatever the kernel's P2PDMA verdict, and reports the verdict; a
 * P2PDMA dma-buf exporter's mapping follows the verdict: a bus address on BUS_ADDR, the IOMMU on
 * THRU_HOST_BRIDGE, -EREMOTEIO on NOT_SUPPORTED.
 */
class PeerPathTest {

    private static final long VA = 0x7f3000000000L;

    @Test
    void theKernelsVerdictsOnTheseMachines() {
        GpuDirectEngine asus = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        assertEquals(P2pMapType.BUS_ADDR, asus.kernelMapType(Machines.ASUS_GPU, Machines.ASUS_GPU_AUDIO));
        assertEquals(P2pMapType.NOT_SUPPORTED, asus.kernelMapType(Machines.ASUS_GPU, Machines.ASUS_SAS));
        GpuDirectEngine ndv4 = Machines.ndv4Engine(GpuDirectEngine.Options.defaults());
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, ndv4.kernelMapType(Machines.NDV4_GPU, Machines.NDV4_HCA_OTHER_NODE));
    }

    @Test
    void busAddressOnBusAddrPath() {
        GpuDirectEngine e = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        GpuMemory m = e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        // P2PDMA exporter: the kernel gives the peer PCI bus addresses, bypassing the IOMMU.
        DmaBuf b = e.exportDmaBuf(m, DmaBuf.Exporter.DYNAMIC_P2PDMA);
        UmemDmabuf u = e.umemDmabufGet(0, 1 << 20, b.fd(), true, Machines.ASUS_GPU_AUDIO,
                Machines.iommu(Machines.ASUS_GPU_AUDIO), true).get();
        Outcome<Void> map = e.mapPages(u);
        assertTrue(map.ok(), map.why());
        for (DmaSegment s : u.segments()) {
            assertTrue(s.bus(), s.toString());
        }
        assertEquals(Machines.ASUS_BAR1, u.segments().get(0).address(), "bus address = BAR1 address on x86");
        // The NVIDIA P2P API without remapping also gives bus addresses.
        GpuDirectEngine raw = Machines.asusEngine(new GpuDirectEngine.Options(GpuDirectEngine.PeermemMode.DEFAULT, true,
                false));
        raw.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        P2pPageTable t = raw.getPages(0, 0, VA, 0x20000, x -> { }).get();
        P2pDmaMapping dm = raw.dmaMapPages(Machines.ASUS_GPU_AUDIO, t, Machines.iommu(Machines.ASUS_GPU_AUDIO)).get();
        assertFalse(dm.viaIommu());
        assertEquals(Machines.ASUS_BAR1 + 0x10000, dm.dmaAddress(1));
    }

    @Test
    void nvidiaMappingThroughAnIommuGivesIovasEvenOnABusAddrPath() {
        GpuDirectEngine e = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        P2pPageTable t = e.getPages(0, 0, VA, 0x20000, x -> { }).get();
        Outcome<P2pDmaMapping> r = e.dmaMapPages(Machines.ASUS_GPU_AUDIO, t, Machines.iommu(Machines.ASUS_GPU_AUDIO));
        P2pDmaMapping dm = r.get();
        assertEquals(0x00020003, dm.version());
        assertTrue(dm.viaIommu());
        // One dma_map_resource per 64 KiB page: top-down below 4 GiB, each below the one before.
        assertEquals(0xffff0000L, dm.dmaAddress(0));
        assertEquals(0xfffe0000L, dm.dmaAddress(1));
        assertEquals(P2pMapType.BUS_ADDR, dm.fabric().mapType());
        assertTrue(r.notes().get(0).contains("IOVAs"), r.notes().get(0));
        // Unmapping gives the IOVAs back: the next mapping lands at the top again.
        assertTrue(e.dmaUnmapPages(Machines.ASUS_GPU_AUDIO, t, dm).ok());
        assertEquals(0xffff0000L, e.dmaMapPages(Machines.ASUS_GPU_AUDIO, t, Machines.iommu(Machines.ASUS_GPU_AUDIO))
                .get().dmaAddress(0));
    }

    @Test
    void iovaOnThruHostBridgePath() {
        GpuDirectEngine e = Machines.ndv4Engine(GpuDirectEngine.Options.defaults());
        GpuMemory m = e.allocate(Machines.NDV4_GPU, VA, 1 << 20);
        DmaBuf b = e.exportDmaBuf(m, DmaBuf.Exporter.DYNAMIC_P2PDMA);
        UmemDmabuf u = e.umemDmabufGet(0, 1 << 20, b.fd(), true, Machines.NDV4_HCA_OTHER_NODE,
                Machines.mlx5(Machines.NDV4_HCA_OTHER_NODE, true), true).get();
        Outcome<Void> map = e.mapPages(u);
        assertTrue(map.ok(), map.why());
        assertEquals(1, u.segments().size(), "one IOVA range for the whole list, merged");
        DmaSegment s = u.segments().get(0);
        assertFalse(s.bus());
        assertEquals(1 << 20, s.length());
        assertEquals(0xfff00000L, s.address(), "1 MiB, top-down below 4 GiB");
        assertTrue(map.why().contains("THRU_HOST_BRIDGE"), map.why());
        // Without an IOMMU: the CPU physical address of BAR1.
        GpuDirectEngine d = Machines.ndv4Engine(GpuDirectEngine.Options.defaults());
        GpuMemory m2 = d.allocate(Machines.NDV4_GPU, VA, 1 << 20);
        DmaBuf b2 = d.exportDmaBuf(m2, DmaBuf.Exporter.DYNAMIC_P2PDMA);
        UmemDmabuf u2 = d.umemDmabufGet(0, 1 << 20, b2.fd(), true, Machines.NDV4_HCA_OTHER_NODE,
                Machines.mlx5(Machines.NDV4_HCA_OTHER_NODE, false), true).get();
        assertTrue(d.mapPages(u2).ok());
        assertEquals(Machines.NDV4_BAR1, u2.segments().get(0).address());
        assertFalse(u2.segments().get(0).bus());
    }

    @Test
    void refusedOnNotSupportedPath() {
        GpuDirectEngine e = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        GpuMemory m = e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        DmaBuf b = e.exportDmaBuf(m, DmaBuf.Exporter.DYNAMIC_P2PDMA);
        UmemDmabuf u = e.umemDmabufGet(0, 1 << 20, b.fd(), true, Machines.ASUS_SAS, Machines.iommu(Machines.ASUS_SAS),
                true).get();
        Outcome<Void> map = e.mapPages(u);
        assertEquals("EREMOTEIO", map.error());
        assertFalse(u.mapped());
        assertEquals("IBV_WC_LOC_PROT_ERR", e.rdmaAccess(u, 0, 64, false).status(), "the fault cannot map it");
    }

    @Test
    void nvidiaApiDoesNotConsultTheKernelOnANotSupportedPath() {
        GpuDirectEngine e = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        P2pPageTable t = e.getPages(0, 0, VA, 0x10000, x -> { }).get();
        Outcome<P2pDmaMapping> r = e.dmaMapPages(Machines.ASUS_SAS, t, Machines.direct(Machines.ASUS_SAS));
        assertTrue(r.ok(), "nv_dma_map_peer has no peer-path check");
        assertEquals(P2pMapType.NOT_SUPPORTED, r.get().fabric().mapType());
        assertEquals(Machines.ASUS_BAR1, r.get().dmaAddress(0));
        assertTrue(r.notes().get(0).contains("NOT_SUPPORTED"), r.notes().get(0));
    }

    @Test
    void bar1sLastPageFailsTheDriversBoundsTest() {
        // nv_dma_map_peer tests va + size > res->end, and res->end is inclusive.
        GpuDirectEngine e = Machines.engine(Machines.asus(), GpuDirectEngine.Options.defaults());
        e.addGpu(new org.dmascope.backend.gpudirect.GpuDevice(Machines.ASUS_GPU, Machines.ASUS_BAR1, 64L << 20, 0));
        GpuMemory front = e.allocate(Machines.ASUS_GPU, VA, (64L << 20) - 0x10000);
        e.exportDmaBuf(front, DmaBuf.Exporter.NVIDIA);
        e.allocate(Machines.ASUS_GPU, VA + (1L << 30), 0x10000);
        P2pPageTable t = e.getPages(0, 0, VA + (1L << 30), 0x10000, x -> { }).get();
        assertEquals(Machines.ASUS_BAR1 + (64L << 20) - 0x10000, t.physicalAddress(0), "BAR1's last page");
        Outcome<P2pDmaMapping> r = e.dmaMapPages(Machines.ASUS_GPU_AUDIO, t, Machines.direct(Machines.ASUS_GPU_AUDIO));
        assertEquals("EIO", r.error());
        assertTrue(r.why().contains("NV_ERR_INVALID_REQUEST"), r.why());
    }

    @Test
    void dmaDirectBeyondThePeersMaskIsEio() {
        GpuDirectEngine e = Machines.ndv4Engine(GpuDirectEngine.Options.defaults());
        e.allocate(Machines.NDV4_GPU, VA, 1 << 20);
        P2pPageTable t = e.getPages(0, 0, VA, 0x10000, x -> { }).get();
        Outcome<P2pDmaMapping> r = e.dmaMapPages(Machines.NDV4_HCA_OTHER_NODE, t,
                new org.dmascope.core.chain.DmaDevice(Machines.NDV4_HCA_OTHER_NODE, "32-bit", 0x10000, 0xffffffffL,
                        false, 0, 12, 0xffffffffL, true, java.util.List.of(), 0x1000));
        assertEquals("EIO", r.error());
        assertTrue(r.why().contains("DMA mask"), r.why());
    }
}
