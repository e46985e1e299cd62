package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void aTruncatedFunctionIsLeftOutWithAWarning() throws Exception {
        String truncated = "00:1c.0 PCI bridge: x\n" + HEADER.lines().limit(2).map(l -> l + "\n")
                .reduce("", String::concat) + "\n";
        PciTopology t = new LspciDumpImporter().read(write(truncated + "00:1c.1 PCI bridge: x\n" + HEADER), "in",
                new NullProgressMonitor());
        assertEquals(List.of(PciAddress.parse("00:1c.1")), t.functions().stream().map(PciFunction::address).toList());
        assertEquals(List.of("line 1: 0000:00:1c.0 has 32 bytes of config space in the dump, 64 are needed; left out"),
                t.warnings());
        // With nothing else in the file, nothing could be read.
        InputException e = refusedDump(write(truncated));
        assertEquals("line 1", e.place());
        assertTrue(e.problem().contains("truncated"), e.getMessage());
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
