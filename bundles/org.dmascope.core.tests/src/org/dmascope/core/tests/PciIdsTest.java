package org.dmascope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;

import org.dmascope.core.pciids.PciIds;
import org.dmascope.core.pciids.PciNames;
import org.junit.jupiter.api.Test;

/** The pci.ids parser follows the rules pciutils' own parser applies. */
class PciIdsTest {

    private static final String SAMPLE = String.join("\n",
            "#\tList of PCI ID's",
            "#\tVersion: 2099.01.01",
            "",
            "10de  NVIDIA Corporation",
            "\t20b0  GA100 [A100 SXM4 40GB]",
            "\t\t10de 134f  A100-SXM4-40GB",
            "15b3  Mellanox Technologies",
            "\t101b  MT28908 Family [ConnectX-6]",
            "8086\tIntel Corporation ",
            "\t0d57\tTab separated  ",
            "# a comment with 8086  Not a vendor",
            "8086  Duplicate vendor loses",
            "abcd  Carriage\r",
            "C 06  Bridge",
            "\t00  Host bridge",
            "\t04  PCI bridge",
            "\t\t00  Normal decode",
            "C 03  Display controller",
            "\t02  3D controller",
            "X 12  Unknown section line",
            "\tff  Under the unknown section",
            "garbage line",
            "");

    private static PciIds sample() throws IOException {
        return PciIds.parse(new StringReader(SAMPLE), "sample");
    }

    @Test
    void readsVendorsDevicesSubsystemsAndClasses() throws IOException {
        PciIds ids = sample();
        assertEquals(Optional.of("2099.01.01"), ids.version());
        assertEquals(Optional.of("NVIDIA Corporation"), ids.vendor(0x10de));
        assertEquals(Optional.of("GA100 [A100 SXM4 40GB]"), ids.device(0x10de, 0x20b0));
        assertEquals(Optional.of("A100-SXM4-40GB"), ids.subsystem(0x10de, 0x20b0, 0x10de, 0x134f));
        assertEquals(Optional.of("Bridge"), ids.baseClass(0x06));
        assertEquals(Optional.of("PCI bridge"), ids.subclass(0x06, 0x04));
        assertEquals(Optional.of("Normal decode"), ids.programmingInterface(0x06, 0x04, 0x00));
        assertEquals(Optional.of("3D controller"), ids.subclass(0x03, 0x02));
    }

    @Test
    void blanksAndLineEndsAsLspciReadsThem() throws IOException {
        PciIds ids = sample();
        // One trailing blank is dropped, tabs separate like spaces, the first definition wins.
        assertEquals(Optional.of("Intel Corporation"), ids.vendor(0x8086));
        assertEquals(Optional.of("Tab separated "), ids.device(0x8086, 0x0d57));
        assertEquals(Optional.of("Carriage"), ids.vendor(0xabcd));
        assertEquals(Optional.empty(), ids.subclass(0x12, 0xff), "lines of unknown sections are skipped");
        assertTrue(ids.skippedLines() >= 1, "the garbage line is counted");
    }

    @Test
    void namesInLspciForms() throws IOException {
        PciNames names = new PciNames(sample());
        assertEquals("NVIDIA Corporation GA100 [A100 SXM4 40GB]", names.vendorDevice(0x10de, 0x20b0, PciNames.Mode.NAMES));
        assertEquals("NVIDIA Corporation GA100 [A100 SXM4 40GB] [10de:20b0]",
                names.vendorDevice(0x10de, 0x20b0, PciNames.Mode.MIXED));
        assertEquals("10de:20b0", names.vendorDevice(0x10de, 0x20b0, PciNames.Mode.NUMERIC));
        assertEquals("NVIDIA Corporation Device 2330", names.vendorDevice(0x10de, 0x2330, PciNames.Mode.NAMES));
        assertEquals("NVIDIA Corporation Device [10de:2330]", names.vendorDevice(0x10de, 0x2330, PciNames.Mode.MIXED));
        assertEquals("Device 1d0f:efa0", names.vendorDevice(0x1d0f, 0xefa0, PciNames.Mode.NAMES));
        assertEquals("Device [1d0f:efa0]", names.vendorDevice(0x1d0f, 0xefa0, PciNames.Mode.MIXED));
        assertEquals("PCI bridge", names.className(0x060400));
        assertEquals("Bridge [0680]", names.className(0x068000));
        assertEquals("Class ff00", names.className(0xff0000));
    }

    @Test
    void longNamesAreCutAsLspciCutsThem() throws IOException {
        String longName = "x".repeat(300);
        PciIds ids = PciIds.parse(new StringReader("1234  " + longName + "\n\t5678  device\n"), "long");
        String text = new PciNames(ids).vendorDevice(0x1234, 0x5678, PciNames.Mode.NAMES);
        assertEquals(255, text.length());
        assertTrue(text.endsWith("..."));
    }
}
