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
    void forcedBar1NeedsACoherentGpuAndCannotBeDmaMapped() {
        GpuDirectEngine pcie = engine();
        pcie.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        Outcome<P2pPageTable> refused = pcie.getPagesPersistent(VA, 0x10000, GpuDirectEngine.FLAGS_FORCE_BAR1_MAPPING);
        assertEquals("ENOTSUPP", refused.error());
        assertTrue(refused.why().contains("PDB_PROP_GPU_COHERENT_CPU_MAPPING"), refused.why());

        GpuDirectEngine e = Machines.engine(Machines.asus(), GpuDirectEngine.Options.defaults());
        e.addGpu(new GpuDevice(Machines.ASUS_GPU, Machines.ASUS_BAR1, 256L << 20, 0, true));
        e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        Outcome<P2pPageTable> t = e.getPagesPersistent(VA, 0x10000, GpuDirectEngine.FLAGS_FORCE_BAR1_MAPPING);
        assertTrue(t.ok(), t.why());
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
        P2pPageTable inside = e.getPages(0, 0, VA + 0x30000, 0x10000, NOTHING).get();
        assertEquals(0x00010002, t.version());
        assertEquals(1, NvP2pVersion.major(t.version()));
        assertEquals(2, NvP2pVersion.minor(t.version()));
        assertTrue(NvP2pVersion.compatible(t.version(), NvP2pVersion.PAGE_TABLE));
        assertFalse(NvP2pVersion.compatible(0x00010001, NvP2pVersion.PAGE_TABLE), "older minor");
        assertFalse(NvP2pVersion.compatible(0x00020002, NvP2pVersion.PAGE_TABLE), "other major");
        assertEquals(P2pPageSize.SIZE_64KB, t.pageSize());
        assertEquals("NVIDIA_P2P_PAGE_SIZE_64KB", t.pageSize().kernelName());
        assertEquals(3, t.entries());
        // RM maps the requested range as a BAR1 extent, at the start of the window here.
        assertArrayEquals(new long[] {0xd0000000L, 0xd0010000L, 0xd0020000L}, t.physicalAddresses());
        assertArrayEquals(new long[] {0xd0010000L}, inside.physicalAddresses(), "a request inside reuses the extent");
        assertTrue(m.inBar1());
        assertEquals(0x30000, e.bar1Used(Machines.ASUS_GPU));
        assertNull(e.putPages(0, 0, VA + 0x20000, t).value());
        assertEquals(P2pPageTable.State.PUT, t.state());
        assertEquals(0x30000, e.bar1Used(Machines.ASUS_GPU), "the other table still uses the extent");
        assertTrue(e.putPages(0, 0, VA + 0x30000, inside).ok());
        assertEquals(0, e.bar1Used(Machines.ASUS_GPU), "the last user unmapped it");
        e.free(m);
        assertTrue(m.released());
        assertThrows(IllegalStateException.class, () -> e.putPages(0, 0, VA + 0x20000, t));
    }

    @Test
    void bar1ExhaustionIsEnomemWithRmsReserveKept() {
        // nv_peer_memory#101: registrations above a 256 MiB BAR1 fail; RM keeps 36 MiB of it.
        GpuDirectEngine e = engine();
        e.allocate(Machines.ASUS_GPU, VA, 256 << 20);
        e.allocate(Machines.ASUS_GPU, VA + (1L << 30), 1 << 20);
        Outcome<P2pPageTable> whole = e.getPages(0, 0, VA, 256 << 20, NOTHING);
        assertEquals("ENOMEM", whole.error(), "256 MiB + the reserve do not fit");
        assertEquals("NVRM: no space for BAR1 mappings, length: 0x10000000", whole.notes().get(0));
        assertTrue(e.getPages(0, 0, VA, 220 << 20, NOTHING).ok(), "BAR1 - 36 MiB fits exactly");
        Outcome<P2pPageTable> more = e.getPages(0, 0, VA + (1L << 30), 0x10000, NOTHING);
        assertEquals("ENOMEM", more.error());
        assertTrue(more.why().contains("_isSpaceAvailableForBar1P2PMapping"), more.why());
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
