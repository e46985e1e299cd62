package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.core.source.TopologyImporter;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.lspci.LspciDumpImporter;
import org.dmascope.sources.lspci.LspciTextImporter;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged and foreign input for both lspci importers: each refusal names the line and column. */
class LspciBadInputTest {

    // The first 64 bytes of asus's 00:1c.1, a root port with secondary bus 08.
    private static final String HEADER = """
            00: 86 80 42 3a 07 05 10 00 00 00 04 06 10 00 81 00
            10: 00 00 00 00 00 00 00 00 00 08 08 00 f0 00 00 20
            20: 00 fe 00 fe f1 ff 01 00 00 00 00 00 00 00 00 00
            30: 00 00 00 00 40 00 00 00 00 00 00 00 0a 02 10 00
            """;

    @TempDir
    Path temp;

    private Path write(String text) throws Exception {
        Path file = Files.createTempFile(temp, "lspci", ".txt");
        Files.writeString(file, text);
        return file;
    }

    private static InputException refused(TopologyImporter importer, Path file) {
        return assertThrows(InputException.class, () -> importer.read(file, "in", new NullProgressMonitor()));
    }

    private static InputException refusedDump(Path file) {
        return refused(new LspciDumpImporter(), file);
    }

    @Test
    void aWellFormedCraftedDumpIsRead() throws Exception {
        PciTopology t = new LspciDumpImporter().read(write("00:1c.1 PCI bridge: x\n" + HEADER), "in",
                new NullProgressMonitor());
        PciFunction f = t.function(PciAddress.parse("00:1c.1")).orElseThrow();
        assertEquals("8086:3a42", f.idPair());
        assertEquals(8, f.secondaryBus());
        assertEquals(64, f.configBytes());
    }

    @Test
    void aTokenThatIsNotAHexByte() throws Exception {
        InputException e = refusedDump(write("00:1c.1 PCI bridge: x\n" + HEADER.replace("00: 86 80 42", "00: 86 8g 42")));
        assertEquals("line 2:column 8", e.place());
        assertTrue(e.problem().contains("'8g'"), e.getMessage());
        e = refusedDump(write("00:1c.1 PCI bridge: x\n" + HEADER.replace("10: 00 00 00", "10: 00 000 00")));
        assertEquals("line 3:column 8", e.place());
    }

    @Test
    void offsetsMustAscendAndStayInsideConfigSpace() throws Exception {
        String twice = HEADER + HEADER.lines().filter(l -> l.startsWith("20:")).findFirst().orElseThrow() + "\n";
        InputException e = refusedDump(write("00:1c.1 PCI bridge: x\n" + twice));
        assertEquals("line 6:column 1", e.place());
        assertTrue(e.problem().contains("ascend"), e.getMessage());
        e = refusedDump(write("00:1c.1 PCI bridge: x\n" + HEADER + "1000: 00 01\n"));
        assertEquals("line 6:column 1", e.place());
        assertTrue(e.problem().contains("4096"), e.getMessage());
        // The offset fits, the third byte would not.
        e = refusedDump(write("00:1c.1 PCI bridge: x\n" + HEADER + "ffe: 00 01 02\n"));
        assertEquals("line 6:column 12", e.place());
    }

    @Test
    void aFunctionCutAtALineIsRefused() throws Exception {
        String truncated = "00:1c.0 PCI bridge: x\n" + HEADER.lines().limit(2).map(l -> l + "\n")
                .reduce("", String::concat) + "\n";
        InputException e = refusedDump(write(truncated + "00:1c.1 PCI bridge: x\n" + HEADER));
        assertEquals("line 3:column 52", e.place());
        assertEquals("0000:00:1c.0 (from line 1): its hex dump stops after 32 bytes (0x20), where lspci writes 64,"
                + " 256 or 4096 (128 for a CardBus bridge): the dump is cut short", e.problem());
        // The same function after a whole one.
        e = refusedDump(write("00:1c.1 PCI bridge: x\n" + HEADER + "\n" + truncated));
        assertEquals("line 9:column 52", e.place());
        assertTrue(e.problem().startsWith("0000:00:1c.0 (from line 7): "), e.getMessage());
        // With nothing else in the file, nothing could be read.
        e = refusedDump(write(truncated));
        assertEquals("line 1", e.place());
        assertTrue(e.problem().contains("truncated"), e.getMessage());
    }

    @Test
    void aFunctionCutInsideALineIsRefused() throws Exception {
        // The first 1,990 bytes of asus end "240: 00 00 00 00", without a newline; lspci -F refuses
        // that ("dump: line too long or unterminated") and reads it with the newline added.
        byte[] asus = Files.readAllBytes(LspciOracles.dump("tree-asus-p6t6"));
        Path cut = Files.write(temp.resolve("asus-1990"), Arrays.copyOf(asus, 1990));
        InputException e = refusedDump(cut);
        assertEquals("line 38:column 17", e.place());
        assertEquals("0000:00:00.0 (from line 1): its hex dump stops after 4 bytes of the line at offset 240,"
                + " where lspci writes 16: the dump is cut short", e.problem());
        Files.writeString(cut, "\n", StandardOpenOption.APPEND);
        assertEquals("line 38:column 17", refusedDump(cut).place());
        // Cut inside the header of a function that follows whole ones.
        e = refusedDump(write("00:1c.1 PCI bridge: x\n" + HEADER + "\n00:1c.0 PCI bridge: x\n"
                + HEADER.substring(0, HEADER.indexOf("20: ") + 12)));
        assertEquals("line 10:column 13", e.place());
        assertTrue(e.problem().startsWith("0000:00:1c.0 (from line 7): its hex dump stops after 3 bytes of the line"
                + " at offset 20"), e.getMessage());
    }

    @Test
    void everySizeLspciWritesIsRead() throws Exception {
        // -x: the 64-byte header (also what -xxx gives without root).
        String header = "00:1c.1 PCI bridge: x\n" + HEADER;
        assertEquals(64, new LspciDumpImporter().read(write(header), "in", new NullProgressMonitor())
                .functions().get(0).configBytes());
        // A CardBus bridge (header type 2): lspci -x reads 128 bytes.
        String cardBus = "02:01.0 CardBus bridge: x\n"
                + "00: 80 11 76 14 07 00 10 02 00 00 07 06 10 a8 82 00\n"
                + "10: 00 00 00 00 a0 00 00 02 02 03 04 b0 00 00 00 00\n"
                + "20: 00 f0 ff ff 00 00 00 00 00 f0 ff ff 00 00 00 00\n"
                + "30: fc ff 00 00 00 00 00 00 fc ff 00 00 0b 01 c0 05\n"
                + "40: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
                + "50: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
                + "60: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
                + "70: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n";
        assertEquals(128, new LspciDumpImporter().read(write(cardBus), "in", new NullProgressMonitor())
                .functions().get(0).configBytes());
        // 128 bytes of another function are a cut dump.
        String notCardBus = header + HEADER.replace("00: ", "40: ").replace("10: ", "50: ").replace("20: ", "60: ")
                .replace("30: ", "70: ");
        InputException e = refusedDump(write(notCardBus));
        assertEquals("line 9:column 52", e.place());
        assertTrue(e.problem().contains("stops after 128 bytes (0x80)"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PCI-X-bridges-and-domains", "cap-aer-root", "cap-dpc", "cap-exp-dev2", "cap-exp-lnkcap2",
        "cap-ide", "cap-pcie-1", "tree-asus-p6t6", "tree-fsl-p2020", "tree-fujitsu-p8010"})
    void everyRealDumpIsWhole(String name) throws Exception {
        // 256 bytes (-xxx) and 4096 (-xxxx) a function, in lines of 16.
        PciTopology t = new LspciDumpImporter().read(LspciOracles.dump(name), name, new NullProgressMonitor());
        assertTrue(t.size() > 0, name);
        assertEquals(List.of(), t.warnings(), name);
    }

    @Test
    void aFunctionWithoutHexIsLeftOutWithAWarning() throws Exception {
        // lspci prints no hex for a function whose config space it cannot read.
        PciTopology t = new LspciDumpImporter().read(write("00:1c.0 PCI bridge: x\n\n00:1c.1 PCI bridge: x\n"
                + HEADER), "in", new NullProgressMonitor());
        assertEquals(List.of(PciAddress.parse("00:1c.1")), t.functions().stream().map(PciFunction::address).toList());
        assertEquals(List.of("line 1: 0000:00:1c.0 has 0 bytes of config space in the dump, 64 are needed; left out"),
                t.warnings());
    }

    @Test
    void badAddressesAndRepeatedFunctions() throws Exception {
        InputException e = refusedDump(write("00:1c.8 PCI bridge: x\n" + HEADER));
        assertEquals("line 1:column 7", e.place());
        e = refusedDump(write("0000:00:2c.0 PCI bridge: x\n" + HEADER));
        assertEquals("line 1:column 9", e.place());
        e = refusedDump(write("00:1c.1 PCI bridge: x\n" + HEADER + "\n0000:00:1c.1 PCI bridge: x\n" + HEADER));
        assertEquals("line 7", e.place());
        assertTrue(e.problem().contains("first at line 1"), e.getMessage());
    }

    @Test
    void filesThatAreNotDumps() throws Exception {
        InputException xml = refusedDump(TestData.path("nccl-topo/azure-ndv4-topo.xml"));
        assertEquals("line 1", xml.place());
        assertTrue(xml.problem().startsWith("not an lspci hex dump"), xml.getMessage());
        InputException text = refusedDump(LspciOracles.dump("expected/tree-fsl-p2020.vvv.txt"));
        assertEquals("line 1", text.place());
        assertTrue(text.problem().contains("lspci -xxx"), text.getMessage());
        InputException tarball = refusedDump(TestData.path("sysfs/fakepcilocalities.tar.bz2"));
        assertTrue(tarball.place() != null && tarball.place().startsWith("line "), tarball.getMessage());
        InputException empty = refusedDump(write(""));
        assertNull(empty.place());
        InputException missing = refusedDump(temp.resolve("missing"));
        assertEquals("no such file or directory", missing.problem());
    }

    @Test
    void filesThatAreNotLspciText() throws Exception {
        LspciTextImporter text = new LspciTextImporter();
        InputException xml = refused(text, TestData.path("hwloc-xml/nvidiaDGX2.xml"));
        assertEquals("line 1", xml.place());
        assertTrue(xml.problem().startsWith("not lspci text"), xml.getMessage());
        InputException tree = refused(text, LspciOracles.dump("expected/tree-asus-p6t6.tv.txt"));
        assertEquals("line 1", tree.place());
        InputException empty = refused(text, write("\n\n"));
        assertTrue(empty.problem().contains("no device"), empty.getMessage());
        String block = "00:1c.1 PCI bridge [0604]: Intel Corporation Device [8086:3a42]\n"
                + "\tBus: primary=00, secondary=08, subordinate=08, sec-latency=0\n\n";
        InputException twice = refused(text, write(block + block));
        assertEquals("line 4", twice.place());
        InputException badAddress = refused(text, write("00:3c.1 PCI bridge [0604]: Intel [8086:3a42]\n"));
        assertEquals("line 1:column 1", badAddress.place());
    }

    @Test
    void aCancelledReadStops() {
        NullProgressMonitor cancelled = new NullProgressMonitor();
        cancelled.setCanceled(true);
        assertThrows(OperationCanceledException.class,
                () -> new LspciDumpImporter().read(LspciOracles.dump("tree-asus-p6t6"), "asus", cancelled));
        assertThrows(OperationCanceledException.class, () -> new LspciTextImporter()
                .read(LspciOracles.dump("expected/tree-asus-p6t6.vvv.txt"), "asus", cancelled));
    }
}
