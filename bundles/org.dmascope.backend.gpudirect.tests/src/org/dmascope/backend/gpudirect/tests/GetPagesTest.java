package org.dmascope.backend.gpudirect.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dmascope.backend.gpudirect.FreeCallback;
import org.dmascope.backend.gpudirect.GpuDevice;
import org.dmascope.backend.gpudirect.GpuDirectEngine;
import org.dmascope.backend.gpudirect.GpuMemory;
import org.dmascope.backend.gpudirect.NvP2pVersion;
import org.dmascope.backend.gpudirect.Outcome;
import org.dmascope.backend.gpudirect.P2pPageSize;
import org.dmascope.backend.gpudirect.P2pPageTable;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.junit.jupiter.api.Test;

/** nvidia_p2p_get_pages: its argument rules and errors, and the page table it hands out. */
class GetPagesTest {

    private static final long VA = 0x7f0000000000L;
    private static final FreeCallback NOTHING = t -> {
        // not called in these tests
    };

    private static GpuDirectEngine engine() {
        return Machines.asusEngine(GpuDirectEngine.Options.defaults());
    }

    @Test
    void bar1WindowNeedsAnAddressAndASize() {
        IllegalArgumentException dump = assertThrows(IllegalArgumentException.class,
                () -> GpuDevice.fromTopology(Machines.asus(), Machines.ASUS_GPU), "a dump has no BAR sizes");
        assertTrue(dump.getMessage().contains("no memory BAR 1"), dump.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GpuDevice.fromTopology(Machines.ndv4(), Machines.NDV4_GPU),
                "NCCL files have no BARs");
        assertThrows(IllegalArgumentException.class, () -> new GpuDevice(Machines.ASUS_GPU, 0xd0001000L, 1 << 20, 0),
                "not 64 KiB aligned");
        GpuDevice gpu = new GpuDevice(Machines.ASUS_GPU, Machines.ASUS_BAR1, 256L << 20, 0);
        assertEquals(0xdfffffffL, gpu.bar1End());
    }

    @Test
    void unalignedAddressIsEinvalWithTheDriversLine() {
        GpuDirectEngine e = engine();
        e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        Outcome<P2pPageTable> r = e.getPages(0, 0, VA + 0x1000, 0x10000, NOTHING);
        assertEquals("EINVAL", r.error());
        assertEquals("-EINVAL", r.returnCode());
        assertEquals("NVRM: Invalid argument in nv_p2p_get_pages,address or length are not aligned"
                + " address=0x7f0000001000, length=0x10000", r.notes().get(0));
    }

    @Test
    void lengthNotAMultipleOf64KiBIsEinval() {
        // gdrcopy#299: nvidia_p2p_get_pages -22 for a length of 0x10008.
        GpuDirectEngine e = engine();
        e.allocate(Machines.ASUS_GPU, VA, 0x10008);
        assertEquals("EINVAL", e.getPages(0, 0, VA, 0x10008, NOTHING).error());
        assertTrue(e.getPages(0, 0, VA, 0x20000, NOTHING).ok(), "whole 64 KiB pages of the object are fine");
    }

    @Test
    void nullCallbackTokenAndForeignRangeAreEinval() {
        GpuDirectEngine e = engine();
        e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        assertEquals("EINVAL", e.getPages(0, 0, VA, 0x10000, null).error());
        assertEquals("EINVAL", e.getPages(0x1234, 0, VA, 0x10000, NOTHING).error());
        assertEquals("EINVAL", e.getPages(0, 7, VA, 0x10000, NOTHING).error());
        assertEquals("EINVAL", e.getPages(0, 0, VA + (1 << 20), 0x10000, NOTHING).error(), "past the allocation");
        assertEquals("EINVAL", e.getPages(0, 0, VA, 0, NOTHING).error());
    }

    @Test
    void forcedBar1IsRefusedForTheCallbackApiAndForDmaMapping() {
        GpuDirectEngine e = engine();
        e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        Outcome<P2pPageTable> t = e.getPagesPersistent(VA, 0x10000, GpuDirectEngine.FLAGS_FORCE_BAR1_MAPPING);
        assertTrue(t.ok());
        assertEquals("ENOTSUPP", e.dmaMapPages(Machines.ASUS_GPU_AUDIO, t.get(),
                Machines.direct(Machines.ASUS_GPU_AUDIO)).error());
        assertEquals("EINVAL", e.putPagesPersistent(VA, t.get(), 1).error(), "flags must be 0");
        assertTrue(e.putPagesPersistent(VA, t.get(), 0).ok());
        assertTrue(e.putPagesPersistent(VA, null, 0).ok(), "NULL table: 0");
    }

    @Test
    void pageTableHasVersionPageSizeAndBar1Addresses() {
        GpuDirectEngine e = engine();
        GpuMemory m = e.allocate(Machines.ASUS_GPU, VA, 4 << 20);
        assertFalse(m.inBar1(), "not in BAR1 before P2P pages are asked for");
        P2pPageTable t = e.getPages(0, 0, VA + 0x20000, 0x30000, NOTHING).get();
        assertEquals(0x00010002, t.version());
        assertEquals(1, NvP2pVersion.major(t.version()));
        assertEquals(2, NvP2pVersion.minor(t.version()));
        assertTrue(NvP2pVersion.compatible(t.version(), NvP2pVersion.PAGE_TABLE));
        assertFalse(NvP2pVersion.compatible(0x00010001, NvP2pVersion.PAGE_TABLE), "older minor");
        assertFalse(NvP2pVersion.compatible(0x00020002, NvP2pVersion.PAGE_TABLE), "other major");
        assertEquals(P2pPageSize.SIZE_64KB, t.pageSize());
        assertEquals("NVIDIA_P2P_PAGE_SIZE_64KB", t.pageSize().kernelName());
        assertEquals(3, t.entries());
        // The object is mapped at the start of BAR1; the table starts 128 KiB into it.
        assertArrayEquals(new long[] {0xd0020000L, 0xd0030000L, 0xd0040000L}, t.physicalAddresses());
        assertTrue(m.inBar1());
        assertEquals(4L << 20, e.bar1Used(Machines.ASUS_GPU));
        assertNull(e.putPages(0, 0, VA + 0x20000, t).value());
        assertEquals(P2pPageTable.State.PUT, t.state());
        assertEquals(4L << 20, e.bar1Used(Machines.ASUS_GPU), "the owner still has the memory in BAR1");
        e.free(m);
        assertEquals(0, e.bar1Used(Machines.ASUS_GPU));
        assertThrows(IllegalStateException.class, () -> e.putPages(0, 0, VA + 0x20000, t));
    }

    @Test
    void bar1ExhaustionIsEnomem() {
        // nv_peer_memory#101: registrations above a 256 MiB BAR1 fail.
        GpuDirectEngine e = engine();
        e.allocate(Machines.ASUS_GPU, VA, 192 << 20);
        e.allocate(Machines.ASUS_GPU, VA + (1L << 30), 128 << 20);
        assertTrue(e.getPages(0, 0, VA, 0x10000, NOTHING).ok());
        Outcome<P2pPageTable> r = e.getPages(0, 0, VA + (1L << 30), 0x10000, NOTHING);
        assertEquals("ENOMEM", r.error());
        assertTrue(r.why().contains("BAR1"), r.why());
    }

    @Test
    void theProcessSeesAPfnmapVmaOfTheDeviceFile() {
        GpuDirectEngine e = engine();
        GpuMemory m = e.allocate(Machines.ASUS_GPU, VA, 0x10008);
        Vma v = e.vma(m);
        assertEquals(VA, v.start());
        assertEquals(VA + 0x20000, v.end(), "whole GPU pages");
        assertTrue(v.has(VmFlag.IO) && v.has(VmFlag.PFNMAP) && v.has(VmFlag.DONTEXPAND));
        assertEquals("/dev/nvidia0", v.name());
        assertThrows(IllegalArgumentException.class, () -> e.allocate(Machines.ASUS_GPU, VA + 0x10000, 0x1000),
                "overlap");
    }
}
