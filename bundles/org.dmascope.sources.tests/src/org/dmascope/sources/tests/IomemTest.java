package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;

import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PhysicalMemoryMap.Kind;
import org.dmascope.core.memory.PhysicalMemoryMap.Range;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.sources.proc.Iomem;
import org.junit.jupiter.api.Test;

/** /proc/iomem as root and as nobody read it on this kind of machine, and a richer one written by hand. */
class IomemTest {

    private static Range at(Iomem iomem, long address) {
        return iomem.map().rangeOf(address >>> 12).orElseThrow(() -> new AssertionError("nothing at " + address));
    }

    @Test
    void capturedAsRoot() throws Exception {
        Iomem iomem = Iomem.parse(Files.readString(FakeProc.sample(FakeProc.ROOT).resolve("iomem")), "iomem");
        assertTrue(iomem.addressesVisible());
        assertEquals(27, iomem.entries().size());
        assertEquals(new Iomem.Entry(0x4000000000L, 0x400007ffffL, "0000:00:01.0", 1), iomem.entries().get(17));
        List<Range> ranges = iomem.map().ranges();
        assertEquals(14, ranges.size(), ranges.toString());
        for (int i = 0; i < ranges.size(); i++) {
            assertEquals(i, ranges.get(i).index());
        }
        // The first page is reserved; the page holding 0x9fc00 is RAM up to there (a page goes by its first byte).
        assertEquals(Kind.RESERVED, at(iomem, 0).kind());
        assertEquals(new Range(1, 0xa0, Kind.SYSTEM_RAM, "System RAM", null, 1), at(iomem, 0x9f000));
        assertEquals(new Range(0xa0, 0x100, Kind.RESERVED, "Reserved", null, 2), at(iomem, 0xde000));
        assertEquals(new Range(0x100, 0xc0000, Kind.SYSTEM_RAM, "System RAM", null, 3), at(iomem, 0x1000000),
                "Kernel code lies in System RAM and stays System RAM");
        assertEquals(Kind.SYSTEM_RAM, at(iomem, 0x63ffff000L).kind());
        assertEquals(new Range(0xfec00, 0xfec01, Kind.RESERVED, "IOAPIC 0", null, 6), at(iomem, 0xfec00000L));
        for (int f = 1; f <= 5; f++) {
            long bar = 0x4000000000L + (f - 1) * 0x80000L;
            Range r = at(iomem, bar);
            assertEquals(Kind.PCI_BAR, r.kind());
            assertEquals(new PciAddress(0, 0, f, 0), r.owner());
            assertEquals(String.format("0000:00:%02x.0 (virtio-pci-modern)", f), r.name());
            assertEquals(bar >>> 12, r.firstPfn());
            assertEquals(0x80, r.endPfn() - r.firstPfn());
        }
        Range window = at(iomem, 0x5000000000L);
        assertEquals(Kind.PCI_BAR, window.kind());
        assertNull(window.owner(), "a bus window where no BAR lies has no owner");
        assertEquals("PCI Bus 0000:00", window.name());
        assertEquals(Kind.PCI_BAR, at(iomem, 0xeec00000L).kind(), "ECAM's PCI Bus entry");
        assertEquals(Kind.RESERVED, at(iomem, 0xeed00000L).kind());
        assertTrue(ranges.stream().noneMatch(Range::isZoneDevice));
        assertTrue(iomem.map().rangeOf(0xc0000).isEmpty(), "the page at 0xc0000000 is in no entry");
    }

    @Test
    void capturedAsNobodyHasNamesOnly() throws Exception {
        Iomem iomem = Iomem.parse(Files.readString(FakeProc.sample(FakeProc.NOBODY).resolve("iomem")), "iomem");
        assertFalse(iomem.addressesVisible());
        assertTrue(iomem.map().ranges().isEmpty());
        assertEquals(27, iomem.entries().size());
        assertEquals("0000:00:01.0", iomem.entries().get(17).name());
        assertEquals(0, iomem.entries().get(17).start());
        assertEquals(Iomem.ADDRESSES_HIDDEN + " (27 entries named)", iomem.describe());
    }

    @Test
    void bridgesPersistentMemoryAndDeviceMemory() throws Exception {
        String text = """
                00000000-00000fff : Reserved
                00001000-0009ffff : System RAM
                00100000-7fffffff : System RAM
                  01000000-01ffffff : Kernel code
                80000000-dfffffff : PCI Bus 0000:00
                  80000000-8fffffff : PCI Bus 0000:01
                    80000000-8fffffff : 0000:01:00.0
                      80000000-8fffffff : nvidia
                  90000000-90ffffff : 0000:00:02.0
                e0000000-efffffff : PCI MMCONFIG 0000 [bus 00-ff]
                  e0000000-efffffff : Reserved
                100000000-17fffffff : System RAM
                180000000-27fffffff : Persistent Memory
                  180000000-27fffffff : namespace0.0
                280000000-28fffffff : Soft Reserved
                  280000000-28fffffff : dax0.0
                    280000000-28fffffff : System RAM (kmem)
                3fff00000000-3fffffffffff : Device Private Memory
                """;
        Iomem iomem = Iomem.parse(text, "iomem");
        Range gpu = at(iomem, 0x80000000L);
        assertEquals(Kind.PCI_BAR, gpu.kind());
        assertEquals(PciAddress.parse("0000:01:00.0"), gpu.owner(), "a BAR behind a bridge window");
        assertEquals("0000:01:00.0 (nvidia)", gpu.name());
        assertEquals(0x10000, gpu.endPfn() - gpu.firstPfn());
        assertEquals("0000:00:02.0", at(iomem, 0x90000000L).name());
        assertNull(at(iomem, 0x91000000L).owner());
        assertEquals(new Range(0xe0000, 0xf0000, Kind.RESERVED, "PCI MMCONFIG 0000 [bus 00-ff]", null, 6),
                at(iomem, 0xe0000000L));
        Range pmem = at(iomem, 0x180000000L);
        assertEquals(Kind.FS_DAX, pmem.kind());
        assertTrue(pmem.isZoneDevice());
        assertEquals(0x100000, pmem.endPfn() - pmem.firstPfn());
        assertEquals(Kind.SYSTEM_RAM, at(iomem, 0x280000000L).kind(), "dax memory onlined as kmem");
        assertEquals("System RAM (kmem)", at(iomem, 0x280000000L).name());
        assertEquals(Kind.DEVICE_PRIVATE, at(iomem, 0x3fff00000000L).kind());
        assertEquals(11, iomem.map().ranges().size(), iomem.map().ranges().toString());
    }

    @Test
    void badLinesNameTheLine() {
        assertEquals("iomem:2: not an iomem line (expected start-end : name): 00001000 System RAM",
                assertThrows(MemoryReadException.class, () -> Iomem.parse(
                        "00000000-00000fff : Reserved\n00001000 System RAM\n", "iomem")).getMessage());
        assertEquals("iomem:1: not a hex address range: 0000zzzz-00000fff : Reserved",
                assertThrows(MemoryReadException.class, () -> Iomem.parse("0000zzzz-00000fff : Reserved\n", "iomem"))
                        .getMessage());
    }
}
