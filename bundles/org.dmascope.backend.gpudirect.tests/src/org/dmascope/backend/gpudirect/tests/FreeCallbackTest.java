package org.dmascope.backend.gpudirect.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.backend.gpudirect.GpuDirectEngine;
import org.dmascope.backend.gpudirect.GpuDirectEvent;
import org.dmascope.backend.gpudirect.GpuDirectEvent.Kind;
import org.dmascope.backend.gpudirect.GpuMemory;
import org.dmascope.backend.gpudirect.GpuMr;
import org.dmascope.backend.gpudirect.Outcome;
import org.dmascope.backend.gpudirect.P2pDmaMapping;
import org.dmascope.backend.gpudirect.P2pPageTable;
import org.dmascope.backend.gpudirect.RdmaAccess;
import org.junit.jupiter.api.Test;

/**
 * Freeing GPU memory under a registered MR: RM runs the free callback under its lock, in the
 * freeing task; nvidia-peermem has the IB core revoke the MR; the driver then frees the mapping
 * and the table; a later access fails; put_pages afterwards is a no-op.
 */
class FreeCallbackTest {

    private static final long VA = 0x7f1000000000L;

    private static List<Kind> kinds(List<GpuDirectEvent> events) {
        List<Kind> out = new ArrayList<>();
        events.forEach(e -> out.add(e.kind()));
        return out;
    }

    @Test
    void callbackRunsWhileTheTableAndItsMappingStillExist() {
        GpuDirectEngine e = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        GpuMemory m = e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        List<String> seen = new ArrayList<>();
        P2pPageTable t = e.getPages(0, 0, VA, 1 << 20, table -> seen.add(table.state() + " with "
                + table.dmaMappings().size() + " mapping(s), memory freed by owner: " + table.memory().freedByOwner()))
                .get();
        P2pDmaMapping dm = e.dmaMapPages(Machines.ASUS_GPU_AUDIO, t, Machines.direct(Machines.ASUS_GPU_AUDIO)).get();
        assertTrue(seen.isEmpty());
        List<GpuDirectEvent> ev = e.free(m);
        assertEquals(List.of("LIVE with 1 mapping(s), memory freed by owner: true"), seen);
        assertEquals(List.of(Kind.GPU_FREE, Kind.FREE_CALLBACK, Kind.DMA_UNMAP), kinds(ev));
        assertEquals(P2pPageTable.State.FREED_BY_CALLBACK, t.state());
        assertTrue(t.dmaMappings().isEmpty(), "the driver unmapped it after the callback");
        assertTrue(m.released());
        // After the callback: put_pages finds nothing (NV_ERR_OBJECT_NOT_FOUND → 0), unmap too.
        Outcome<Void> put = e.putPages(0, 0, VA, t);
        assertTrue(put.ok());
        assertTrue(put.why().contains("NV_ERR_OBJECT_NOT_FOUND"), put.why());
        assertTrue(e.dmaUnmapPages(Machines.ASUS_GPU_AUDIO, t, dm).ok());
        assertEquals(P2pPageTable.State.FREED_BY_CALLBACK, t.state(), "put_pages changed nothing");
    }

    @Test
    void freeUnderARegisteredMrInvalidatesItInTheKernelsOrder() {
        GpuDirectEngine e = Machines.ndv4Engine(GpuDirectEngine.Options.defaults());
        GpuMemory m = e.allocate(Machines.NDV4_GPU, VA, 2 << 20);
        Outcome<GpuMr> reg = e.registerMr(VA + 0x1234, 0x30000, true, Machines.NDV4_HCA_OTHER_NODE,
                Machines.mlx5(Machines.NDV4_HCA_OTHER_NODE, false), true);
        assertTrue(reg.ok(), reg.why());
        GpuMr mr = reg.get();
        assertEquals("nv_mem", mr.client());
        assertTrue(reg.why().contains("-EFAULT"), "GUP refused first: " + reg.why());
        RdmaAccess before = e.rdmaAccess(mr, 0, 64, false);
        assertTrue(before.ok());
        assertEquals(Machines.NDV4_BAR1 + 0x1234, before.dmaAddress(), "dma-direct: BAR1's physical address");

        List<GpuDirectEvent> ev = e.free(m);
        assertEquals(List.of(Kind.GPU_FREE, Kind.FREE_CALLBACK, Kind.FREE_CALLBACK, Kind.MR_INVALIDATED,
                Kind.MR_INVALIDATED, Kind.FREE_CALLBACK, Kind.DMA_UNMAP), kinds(ev));
        assertTrue(ev.get(1).detail().contains("under its lock"), ev.get(1).detail());
        assertTrue(ev.get(2).detail().contains("callback_task = current"), ev.get(2).detail());
        assertTrue(ev.get(3).detail().contains("revokes the mkey"), ev.get(3).detail());
        assertTrue(ev.get(4).detail().contains("INVALIDATED"), ev.get(4).detail());
        assertFalse(mr.valid());
        assertEquals(GpuMr.PeerState.INVALIDATED, mr.state());
        assertEquals(P2pPageTable.State.FREED_BY_CALLBACK, mr.pageTable().state());

        RdmaAccess local = e.rdmaAccess(mr, 0, 64, false);
        assertEquals("IBV_WC_LOC_PROT_ERR", local.status());
        assertEquals(-1, local.dmaAddress());
        assertEquals("IBV_WC_REM_ACCESS_ERR", e.rdmaAccess(mr, 0, 64, true).status());

        // Deregistration does not call the client again: no unmap, no put_pages.
        List<GpuDirectEvent> dereg = e.deregisterMr(mr);
        assertEquals(List.of(Kind.MR_DEREGISTERED), kinds(dereg));
    }

    @Test
    void theListenerSeesEveryEventInOrder() {
        List<GpuDirectEvent> seen = new ArrayList<>();
        GpuDirectEngine e = new GpuDirectEngine(Machines.ndv4(), new org.dmascope.core.peer.KernelP2pEngine(
                org.dmascope.core.peer.KernelRules.DEFAULT), GpuDirectEngine.Options.defaults(), seen::add);
        e.addGpu(new org.dmascope.backend.gpudirect.GpuDevice(Machines.NDV4_GPU, Machines.NDV4_BAR1,
                Machines.NDV4_BAR1_SIZE, 0));
        GpuMemory m = e.allocate(Machines.NDV4_GPU, VA, 1 << 20);
        e.registerMr(VA, 1 << 20, true, Machines.NDV4_HCA_OTHER_NODE, Machines.mlx5(Machines.NDV4_HCA_OTHER_NODE,
                true), true).get();
        e.free(m);
        assertEquals(e.events(), seen);
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i + 1, seen.get(i).seq());
        }
    }

    @Test
    void legacyPeermemUnmapsInsideTheCallbackAndPutPagesReturnsAtOnce() {
        GpuDirectEngine e = Machines.ndv4Engine(new GpuDirectEngine.Options(GpuDirectEngine.PeermemMode.LEGACY, true,
                true));
        GpuMemory m = e.allocate(Machines.NDV4_GPU, VA, 1 << 20);
        GpuMr mr = e.registerMr(VA, 1 << 20, false, Machines.NDV4_HCA_OTHER_NODE,
                Machines.mlx5(Machines.NDV4_HCA_OTHER_NODE, false), true).get();
        List<GpuDirectEvent> ev = e.free(m);
        assertTrue(ev.stream().anyMatch(x -> x.detail().contains("callback_task == current")), ev.toString());
        assertEquals(GpuMr.PeerState.UNMAPPED, mr.state());
        assertFalse(ev.stream().anyMatch(x -> x.kind() == Kind.PUT_PAGES), "put_pages returned at once");
        assertFalse(mr.valid());
    }

    @Test
    void deregisteringFirstPutsThePagesAndNoCallbackRuns() {
        GpuDirectEngine e = Machines.ndv4Engine(GpuDirectEngine.Options.defaults());
        GpuMemory m = e.allocate(Machines.NDV4_GPU, VA, 1 << 20);
        GpuMr mr = e.registerMr(VA, 1 << 20, true, Machines.NDV4_HCA_OTHER_NODE,
                Machines.mlx5(Machines.NDV4_HCA_OTHER_NODE, false), true).get();
        List<GpuDirectEvent> dereg = e.deregisterMr(mr);
        assertEquals(List.of(Kind.DMA_UNMAP, Kind.PUT_PAGES, Kind.MR_DEREGISTERED), kinds(dereg));
        assertEquals(P2pPageTable.State.PUT, mr.pageTable().state());
        List<GpuDirectEvent> ev = e.free(m);
        assertEquals(List.of(Kind.GPU_FREE), kinds(ev));
        assertEquals(0, e.bar1Used(Machines.NDV4_GPU));
    }

    @Test
    void upstreamKernelRefusesGpuMemoryWithEfault() {
        GpuDirectEngine e = Machines.ndv4Engine(new GpuDirectEngine.Options(GpuDirectEngine.PeermemMode.DEFAULT, false,
                true));
        e.allocate(Machines.NDV4_GPU, VA, 1 << 20);
        Outcome<GpuMr> r = e.registerMr(VA, 1 << 20, true, Machines.NDV4_HCA_OTHER_NODE,
                Machines.mlx5(Machines.NDV4_HCA_OTHER_NODE, false), true);
        assertEquals("EFAULT", r.error());
        assertTrue(r.why().contains("check_vma_flags"), r.why());
    }

    @Test
    void mrEntriesAre64KiBTrimmedToTheRegisteredPages() {
        GpuDirectEngine e = Machines.ndv4Engine(GpuDirectEngine.Options.defaults());
        e.allocate(Machines.NDV4_GPU, VA, 1 << 20);
        // 0x5000 into the first GPU page, ending 0x3000 into the third.
        GpuMr mr = e.registerMr(VA + 0x5800, 0x20000 - 0x5800 + 0x2800, true, Machines.NDV4_HCA_OTHER_NODE,
                Machines.mlx5(Machines.NDV4_HCA_OTHER_NODE, false), true).get();
        assertEquals(3, mr.segments().size());
        assertEquals(Machines.NDV4_BAR1 + 0x5000, mr.segments().get(0).address());
        assertEquals(0xb000, mr.segments().get(0).length());
        assertEquals(0x10000, mr.segments().get(1).length());
        assertEquals(0x3000, mr.segments().get(2).length());
        assertEquals(Machines.NDV4_BAR1 + 0x5800, e.rdmaAccess(mr, 0, 8, false).dmaAddress());
        assertEquals(Machines.NDV4_BAR1 + 0x20000, e.rdmaAccess(mr, 0x20000 - 0x5800, 8, false).dmaAddress());
    }

    @Test
    void withoutInvalidationSupportTheNcClientGetsEinval() {
        GpuDirectEngine e = Machines.ndv4Engine(GpuDirectEngine.Options.defaults());
        e.allocate(Machines.NDV4_GPU, VA, 1 << 20);
        Outcome<GpuMr> r = e.registerMr(VA, 1 << 20, true, Machines.NDV4_HCA_OTHER_NODE,
                Machines.mlx5(Machines.NDV4_HCA_OTHER_NODE, false), false);
        assertEquals("EINVAL", r.error());
        assertTrue(r.why().startsWith("nv_mem_get_pages_nc"), r.why());
    }
}
