package org.dmascope.backend.gpudirect.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.backend.gpudirect.DmaBuf;
import org.dmascope.backend.gpudirect.DmaSegment;
import org.dmascope.backend.gpudirect.GpuDirectEngine;
import org.dmascope.backend.gpudirect.GpuDirectEvent;
import org.dmascope.backend.gpudirect.GpuMemory;
import org.dmascope.backend.gpudirect.Outcome;
import org.dmascope.backend.gpudirect.RdmaAccess;
import org.dmascope.backend.gpudirect.UmemDmabuf;
import org.dmascope.core.chain.DmaDevice;
import org.junit.jupiter.api.Test;

/** dma-buf MRs (umem_dmabuf.c): dynamic attach with move_notify and remap on fault; the pinned attach. */
class DmaBufTest {

    private static final long VA = 0x7f4000000000L;

    private GpuDirectEngine engine = Machines.ndv4Engine(GpuDirectEngine.Options.defaults());
    private final DmaDevice hca = Machines.mlx5(Machines.NDV4_HCA_OTHER_NODE, false);

    private DmaBuf export(DmaBuf.Exporter exporter) {
        GpuMemory m = engine.allocate(Machines.NDV4_GPU, VA, 4 << 20);
        return engine.exportDmaBuf(m, exporter);
    }

    @Test
    void getChecksItsArgumentsInTheKernelsOrder() {
        DmaBuf b = export(DmaBuf.Exporter.DYNAMIC_P2PDMA);
        assertEquals("EINVAL", engine.umemDmabufGet(Long.MAX_VALUE, 0x2000, b.fd(), true,
                Machines.NDV4_HCA_OTHER_NODE, hca, true).error(), "offset + size overflows");
        assertEquals("EINVAL", engine.umemDmabufGet(0, 0x2000, b.fd(), true, Machines.NDV4_HCA_OTHER_NODE, hca,
                false).error(), "ops without move_notify");
        assertEquals("EBADF", engine.umemDmabufGet(0, 0x2000, 99, true, Machines.NDV4_HCA_OTHER_NODE, hca,
                true).error());
        assertEquals("EINVAL", engine.umemDmabufGet(0x1000, 4 << 20, b.fd(), true, Machines.NDV4_HCA_OTHER_NODE, hca,
                true).error(), "beyond dmabuf->size");
        assertEquals("EINVAL", engine.umemDmabufGet(0x1000, 0, b.fd(), true, Machines.NDV4_HCA_OTHER_NODE, hca,
                true).error(), "no pages");
    }

    @Test
    void dynamicAttachFaultsInTrimsAndRemapsAfterMoveNotify() {
        DmaBuf b = export(DmaBuf.Exporter.DYNAMIC_P2PDMA);
        UmemDmabuf u = engine.umemDmabufGet(0x1800, 0x3000, b.fd(), true, Machines.NDV4_HCA_OTHER_NODE, hca, true)
                .get();
        assertFalse(u.mapped(), "nothing mapped at registration");

        RdmaAccess first = engine.rdmaAccess(u, 0, 8, false);
        assertTrue(first.ok(), first.why());
        assertTrue(first.faulted());
        assertEquals(1, u.faults());
        // The table [0, 4 MiB) is trimmed to [0x1000, 0x5000).
        assertEquals(0x1000, u.firstSgOffset());
        assertEquals((4 << 20) - 0x5000, u.lastSgTrim());
        assertEquals(List.of(new DmaSegment(Machines.NDV4_BAR1 + 0x1000, 0x4000, false)), u.segments());
        assertEquals(Machines.NDV4_BAR1 + 0x1800, first.dmaAddress());
        assertFalse(engine.rdmaAccess(u, 0x100, 8, false).faulted(), "mapped now");

        // The exporter moves the buffer: move_notify zaps the MR and unmaps.
        Outcome<List<GpuDirectEvent>> moved = engine.exporterMove(b);
        assertTrue(moved.ok(), moved.why());
        assertTrue(moved.get().stream().anyMatch(e -> e.kind() == GpuDirectEvent.Kind.MR_INVALIDATED
                && e.detail().contains("MLX5_IB_UPD_XLT_ZAP")));
        assertFalse(u.mapped());
        assertNotEquals(Machines.NDV4_BAR1, b.physStart());

        RdmaAccess again = engine.rdmaAccess(u, 0, 8, false);
        assertTrue(again.ok());
        assertTrue(again.faulted(), "the next access faults and maps again");
        assertEquals(2, u.faults());
        assertEquals(b.physStart() + 0x1800, again.dmaAddress(), "at the buffer's new place");

        engine.release(u);
        assertTrue(u.revoked());
        assertEquals("EINVAL", engine.mapPages(u).error(), "revoked");
    }

    @Test
    void mlx5RegistrationMapsAtOnceAndFailsWithTheMapping() {
        DmaBuf b = export(DmaBuf.Exporter.DYNAMIC_P2PDMA);
        Outcome<UmemDmabuf> r = engine.registerDmabufMr(0, 1 << 20, b.fd(), true, Machines.NDV4_HCA_OTHER_NODE, hca);
        assertTrue(r.ok(), r.why());
        assertTrue(r.get().mapped(), "mlx5_ib_init_dmabuf_mr mapped it");
        assertFalse(engine.rdmaAccess(r.get(), 0, 8, false).faulted());

        engine = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        GpuMemory m = engine.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        DmaBuf onAsus = engine.exportDmaBuf(m, DmaBuf.Exporter.DYNAMIC_P2PDMA);
        Outcome<UmemDmabuf> refused = engine.registerDmabufMr(0, 1 << 20, onAsus.fd(), true, Machines.ASUS_SAS,
                Machines.iommu(Machines.ASUS_SAS));
        assertEquals("EREMOTEIO", refused.error());
        assertTrue(onAsus.attachments().isEmpty(), "the MR is destroyed");
    }

    @Test
    void pinnedAttachIsMappedAtOnceAndNeverExpectsMoveNotify() {
        DmaBuf b = export(DmaBuf.Exporter.DYNAMIC_P2PDMA);
        Outcome<UmemDmabuf> r = engine.umemDmabufGetPinned(0, 1 << 20, b.fd(), true, Machines.NDV4_HCA_OTHER_NODE, hca);
        assertTrue(r.ok(), r.why());
        UmemDmabuf u = r.get();
        assertTrue(u.pinned());
        assertTrue(u.mapped());
        assertEquals(1, b.pinCount());
        long before = u.segments().get(0).address();

        assertEquals("EBUSY", engine.exporterMove(b).error(), "a pinned buffer is not moved");

        // An exporter that notifies anyway: the pinned ops only warn; the MR keeps its addresses.
        List<GpuDirectEvent> ev = engine.moveNotify(b);
        assertTrue(ev.stream().anyMatch(e -> e.kind() == GpuDirectEvent.Kind.WARNING
                && e.detail().contains("Invalidate callback should not be called when memory is pinned")), ev.toString());
        assertTrue(u.mapped());
        assertEquals(before, u.segments().get(0).address());
        RdmaAccess a = engine.rdmaAccess(u, 0, 8, false);
        assertTrue(a.ok());
        assertFalse(a.faulted());

        engine.release(u);
        assertEquals(0, b.pinCount());
        assertTrue(engine.exporterMove(b).ok(), "movable again once unpinned");
    }

    @Test
    void pinnedAttachFailsWhenTheMappingFails() {
        engine = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        GpuMemory m = engine.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        DmaBuf b = engine.exportDmaBuf(m, DmaBuf.Exporter.DYNAMIC_P2PDMA);
        Outcome<UmemDmabuf> r = engine.umemDmabufGetPinned(0, 1 << 20, b.fd(), true, Machines.ASUS_SAS,
                Machines.iommu(Machines.ASUS_SAS));
        assertEquals("EREMOTEIO", r.error());
        assertEquals(0, b.pinCount(), "released again");
        assertTrue(b.attachments().isEmpty());
    }

    @Test
    void freeingExportedMemoryLeavesTheDmabufMrValidUntilTheLastReference() {
        DmaBuf b = export(DmaBuf.Exporter.NVIDIA);
        GpuMemory m = b.memory();
        UmemDmabuf u = engine.registerDmabufMr(0, 1 << 20, b.fd(), true, Machines.NDV4_HCA_OTHER_NODE, hca).get();
        engine.closeDmaBuf(b);
        assertEquals("EBADF", engine.umemDmabufGet(0, 0x1000, b.fd(), true, Machines.NDV4_HCA_OTHER_NODE, hca, true)
                .error(), "the fd is closed");
        List<GpuDirectEvent> ev = engine.free(m);
        assertFalse(ev.stream().anyMatch(e -> e.kind() == GpuDirectEvent.Kind.FREE_CALLBACK), "no callback");
        assertTrue(ev.stream().anyMatch(e -> e.kind() == GpuDirectEvent.Kind.WARNING
                && e.detail().contains("dma-buf")), ev.toString());
        assertFalse(m.released());
        assertTrue(engine.rdmaAccess(u, 0, 8, false).ok(), "the MR still reaches the memory");
        engine.release(u);
        assertTrue(b.released());
        assertTrue(m.released());
        assertEquals(0, engine.bar1Used(Machines.NDV4_GPU));
    }

    @Test
    void nvidiaExporterIsMappedAtAttachAndNeverMoves() {
        DmaBuf b = export(DmaBuf.Exporter.NVIDIA);
        assertFalse(b.dynamic());
        Outcome<UmemDmabuf> r = engine.umemDmabufGet(0, 4 << 20, b.fd(), true, Machines.NDV4_HCA_OTHER_NODE, hca, true);
        assertTrue(r.ok());
        assertTrue(r.notes().get(0).contains("maps the attachment at once"), r.notes().toString());
        assertEquals("EINVAL", engine.exporterMove(b).error());
        UmemDmabuf u = r.get();
        assertTrue(engine.mapPages(u).ok());
        // nv_dma_buf_map_pfns: chunks of the device's maximum segment (mlx5: 2 GiB): one here.
        assertEquals(List.of(new DmaSegment(Machines.NDV4_BAR1, 4 << 20, true)), u.segments());
        Outcome<UmemDmabuf> pinned = engine.umemDmabufGetPinned(0, 0x10000, b.fd(), false,
                Machines.NDV4_HCA_OTHER_NODE, hca);
        assertTrue(pinned.ok());
        assertTrue(pinned.why().contains("no pin op"), pinned.why());
    }
}
