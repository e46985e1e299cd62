package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.CpuVendor;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.hwloc.HwlocXmlImporter;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hwloc XML importer on small written inputs: what hwloc 2.x writes that the test files do
 * not hold (NVLink matrices by gp index, a CPU end, infos on the root object), and bad input,
 * refused with the line and column or read with a located warning.
 */
class HwlocXmlInputTest {

    // Line 6 is the first line of what goes inside the host bridge.
    private static final String SMALL = """
            <?xml version="1.0" encoding="UTF-8"?>
            <topology version="3.0">
              <object type="Machine" os_index="0" cpuset="0x00000003" nodeset="0x00000001" gp_index="1">
                <object type="NUMANode" os_index="0" cpuset="0x00000003" nodeset="0x00000001" gp_index="2"/>
                <object type="Bridge" gp_index="3" bridge_type="0-1" depth="0" bridge_pci="0000:[00-01]">
            %s
                </object>
              </object>
            </topology>
            """;

    private static final String NIC = "<object type=\"PCIDev\" gp_index=\"4\" pci_busid=\"0000:00:02.0\""
            + " pci_type=\"0200 [8086:1521] [1028:0000] 01 00\" pci_link_speed=\"0.000000\"/>";

    // A POWER9 node as hwloc 2.x writes it: two V100s, NVLinks between them and to the CPU.
    private static final String POWER9 = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE topology SYSTEM "hwloc2.dtd">
            <topology version="2.0">
              <object type="Machine" os_index="0" cpuset="0x0000000f" complete_cpuset="0x0000000f" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="1">
                <info name="Backend" value="Linux"/>
                <info name="Architecture" value="ppc64le"/>
                <object type="Package" os_index="0" cpuset="0x0000000f" complete_cpuset="0x0000000f" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="2">
                  <info name="CPUModel" value="POWER9, altivec supported"/>
                  <object type="NUMANode" os_index="0" cpuset="0x0000000f" complete_cpuset="0x0000000f" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="3" local_memory="1000000"/>
                  <object type="Core" os_index="0" cpuset="0x0000000f" complete_cpuset="0x0000000f" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="11">
                    <object type="PU" os_index="0" cpuset="0x0000000f" complete_cpuset="0x0000000f" nodeset="0x00000001" complete_nodeset="0x00000001" gp_index="12"/>
                  </object>
                  <object type="Bridge" gp_index="4" bridge_type="0-1" depth="0" bridge_pci="0004:[04-05]">
                    <object type="Bridge" gp_index="5" bridge_type="1-1" depth="1" bridge_pci="0004:[05-05]" pci_busid="0004:04:00.0" pci_type="0604 [1014:04c1] [0000:0000] 00" pci_link_speed="0.000000">
                      <object type="PCIDev" gp_index="6" pci_busid="0004:05:00.0" pci_type="0302 [10de:1db1] [10de:1212] a1" pci_link_speed="15.753846">
                        <object type="OSDev" gp_index="7" name="nvml0" osdev_type="1">
                          <info name="Backend" value="NVML"/>
                        </object>
                        <object type="OSDev" gp_index="8" name="cuda0" subtype="CUDA" osdev_type="5"/>
                      </object>
                    </object>
                    <object type="PCIDev" gp_index="9" pci_busid="0004:04:01.0" pci_type="0302 [10de:1db1] [10de:1212] a1" pci_link_speed="15.753846">
                      <object type="OSDev" gp_index="10" name="nvml1" osdev_type="1"/>
                    </object>
                  </object>
                </object>
              </object>
            %s
            </topology>
            """;

    @TempDir
    Path dir;

    private final HwlocXmlImporter importer = new HwlocXmlImporter();

    @Test
    void hwloc2NvLinksBetweenGpusAndToTheCpu() throws Exception {
        PciTopology t = read(POWER9.formatted("""
                  <distances2hetero nbobjs="3" kind="9" name="NVLinkBandwidth">
                    <indexes length="32">OSDev:7 OSDev:10 Package:2 </indexes>
                    <u64values length="70">1000000 50000 75000 50000 1000000 75000 75000 75000 1000000 </u64values>
                  </distances2hetero>"""));
        PciAddress gpu0 = PciAddress.parse("0004:05:00.0");
        PciAddress gpu1 = PciAddress.parse("0004:04:01.0");
        // The diagonal (hwloc's "local" value) is not a link.
        assertEquals(List.of(new NvLink(gpu1, gpu0, NvLink.Target.GPU, 0, 50.0),
                new NvLink(gpu1, null, NvLink.Target.CPU, 0, 75.0), new NvLink(gpu0, gpu1, NvLink.Target.GPU, 0, 50.0),
                new NvLink(gpu0, null, NvLink.Target.CPU, 0, 75.0)), sortedLinks(t));
        assertEquals(new CpuInfo(CpuVendor.UNKNOWN, -1, -1, "ppc64le"), t.cpu(),
                "2.x: Architecture on the root object");
        PciFunction g0 = t.function(gpu0).orElseThrow();
        assertEquals(0x030200, g0.classCode(), "hwloc 2.x writes no prog-if");
        assertEquals(0xa1, g0.revision());
        assertEquals(List.of(OsDevice.named("nvml0", OsDevice.Kind.GPU),
                OsDevice.named("cuda0", OsDevice.Kind.COPROCESSOR)), g0.osDevices());
        assertEquals(new PciBus(4, 4), g0.rootBus());
        assertEquals(PciAddress.parse("0004:04:00.0"), g0.parent());
        assertEquals(0, g0.numaNode());
        assertEquals("0-3", g0.localCpus());
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
    }

    @Test
    void hwloc2NvLinksByGpIndexOfGpus() throws Exception {
        PciTopology t = read(POWER9.formatted("""
                  <distances2 type="OSDev" nbobjs="2" kind="9" name="NVLinkBandwidth" indexing="gp">
                    <indexes length="5">7 10 </indexes>
                    <u64values length="18">0 100000 100000 0 </u64values>
                  </distances2>"""));
        PciAddress gpu0 = PciAddress.parse("0004:05:00.0");
        PciAddress gpu1 = PciAddress.parse("0004:04:01.0");
        assertEquals(List.of(new NvLink(gpu1, gpu0, NvLink.Target.GPU, 0, 100.0),
                new NvLink(gpu0, gpu1, NvLink.Target.GPU, 0, 100.0)), sortedLinks(t));
    }

    @Test
    void anNvLinkMatrixThatDoesNotAddUpIsLeftOutWithAWarning() throws Exception {
        PciTopology t = read(POWER9.formatted("""
                  <distances2 type="OSDev" nbobjs="2" kind="9" name="NVLinkBandwidth" indexing="gp">
                    <indexes length="5">7 10 </indexes>
                    <u64values length="9">0 100000 </u64values>
                  </distances2>"""));
        assertTrue(t.nvLinks().isEmpty());
        assertEquals(1, t.warnings().size());
        assertTrue(t.warnings().get(0).startsWith("line 28:column "), t.warnings().toString());
        assertEquals(3, t.size(), "the PCI functions are still read");
    }

    @Test
    void otherDistanceMatricesAreNotNvLinks() throws Exception {
        PciTopology t = read(POWER9.formatted("""
                  <distances2 type="NUMANode" nbobjs="1" kind="5" name="NUMALatency" indexing="os">
                    <indexes length="2">0 </indexes>
                    <u64values length="3">10 </u64values>
                  </distances2>"""));
        assertTrue(t.nvLinks().isEmpty());
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
    }

    @Test
    void aSmallFileReads() throws Exception {
        PciTopology t = read(SMALL.formatted(NIC));
        PciFunction nic = t.function(PciAddress.parse("0000:00:02.0")).orElseThrow();
        assertEquals(0x020000, nic.classCode());
        assertNull(nic.parent());
        assertNull(nic.link(), "hwloc writes 0 for an unknown link");
        assertEquals(0, nic.numaNode());
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
    }

    @Test
    void aPciDeviceWithoutBusIdIsALocatedError() {
        InputException e = refused(SMALL.formatted(
                "<object type=\"PCIDev\" gp_index=\"4\" pci_type=\"0200 [8086:1521] [1028:0000] 01 00\"/>"));
        assertTrue(e.place().startsWith("line 6:column "), e.getMessage());
        assertTrue(e.problem().contains("pci_busid"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0200 8086:1521 01", "0200 [8086:1521] [1028:0000]", "02x0 [8086:1521] [1028:0000] 01 00",
        "0200 [8086-1521] [1028:0000] 01 00", "0200 [8086:1521] [1028:0000] 01 00 00", ""})
    void anUnparsablePciTypeIsALocatedError(String pciType) {
        InputException e = refused(SMALL.formatted("\n<object type=\"PCIDev\" gp_index=\"4\" pci_busid=\"0000:00:02.0\""
                + " pci_type=\"" + pciType + "\"/>"));
        assertTrue(e.place().startsWith("line 7:column "), e.getMessage());
        assertTrue(e.problem().contains("pci_type"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000:00:02", "0000:00:20.0", "0000:00:02.8", "zz:00:02.0"})
    void anUnparsableBusIdIsALocatedError(String busId) {
        InputException e = refused(SMALL.formatted("<object type=\"PCIDev\" gp_index=\"4\" pci_busid=\"" + busId
                + "\" pci_type=\"0200 [8086:1521] [1028:0000] 01 00\"/>"));
        assertTrue(e.place().startsWith("line 6:column "), e.getMessage());
        assertTrue(e.problem().contains(busId), e.getMessage());
    }

    @Test
    void aPciBridgeWithoutItsBusRangeIsALocatedError() {
        InputException e = refused(SMALL.formatted("<object type=\"Bridge\" gp_index=\"4\" bridge_type=\"1-1\""
                + " pci_busid=\"0000:00:01.0\" pci_type=\"0604 [8086:3c02] [0000:0000] 07 00\"/>"));
        assertTrue(e.place().startsWith("line 6:column "), e.getMessage());
        assertTrue(e.problem().contains("bridge_pci"), e.getMessage());
    }

    @Test
    void anUnknownObjectTypeIsIgnoredWithAWarning() throws Exception {
        PciTopology t = read(SMALL.formatted("<object type=\"Frobnicator\" gp_index=\"9\">\n" + NIC + "\n</object>"));
        PciFunction nic = t.function(PciAddress.parse("0000:00:02.0")).orElseThrow();
        assertNull(nic.parent());
        assertEquals(new PciBus(0, 0), nic.rootBus());
        assertEquals(1, t.warnings().size());
        assertTrue(t.warnings().get(0).startsWith("line 6:column "), t.warnings().toString());
        assertTrue(t.warnings().get(0).contains("Frobnicator"), t.warnings().toString());
    }

    @Test
    void aFunctionOffItsBridgesBusesIsReadWithAWarning() throws Exception {
        PciTopology t = read(SMALL.formatted(NIC.replace("0000:00:02.0", "0000:05:00.0")));
        assertEquals(new PciBus(0, 0), t.function(PciAddress.parse("0000:05:00.0")).orElseThrow().rootBus());
        assertEquals(1, t.warnings().size());
        assertTrue(t.warnings().get(0).startsWith("line 6:column "), t.warnings().toString());
    }

    @Test
    void functionsWithoutAHostBridgeGoOnTheirOwnBus() throws Exception {
        String noBridge = """
                <?xml version="1.0" encoding="UTF-8"?>
                <topology version="2.0">
                  <object type="Machine" os_index="0" cpuset="0x00000001" nodeset="0x00000001" gp_index="1">
                    <object type="NUMANode" os_index="0" cpuset="0x00000001" nodeset="0x00000001" gp_index="2"/>
                    <object type="PCIDev" gp_index="4" pci_busid="0000:03:00.0" pci_type="0200 [8086:1521] [1028:0000] 01"/>
                  </object>
                </topology>
                """;
        PciTopology t = read(noBridge);
        PciFunction nic = t.function(PciAddress.parse("0000:03:00.0")).orElseThrow();
        assertEquals(new PciBus(0, 3), nic.rootBus());
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("no host bridge above 0000:03:00.0")),
                t.warnings().toString());
    }

    @Test
    void aTruncatedFileIsMalformed() throws Exception {
        byte[] whole = Files.readAllBytes(TestData.path("hwloc-xml/24em64t-2n6c2t-pci.xml"));
        InputException e = refused(new String(whole, 0, whole.length * 3 / 5, StandardCharsets.UTF_8));
        assertMalformed(e);
    }

    @Test
    void wrongNestingIsMalformed() {
        InputException e = refused(SMALL.formatted("<object type=\"PCIDev\" pci_busid=\"0000:00:02.0\""
                + " pci_type=\"0200 [8086:1521] [1028:0000] 01 00\">\n<info name=\"a\" value=\"b\">\n</object>"));
        assertMalformed(e);
        assertTrue(e.place().startsWith("line 8:"), e.getMessage());
    }

    @Test
    void anExternalEntityIsRefused() throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-4711");
        String xxe = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE topology [ <!ENTITY stolen SYSTEM "%s"> ]>
                <topology version="2.0">
                  <object type="Machine" os_index="0" cpuset="0x00000001" nodeset="0x00000001" gp_index="1">
                    <info name="DMIProductName" value="&stolen;"/>
                  </object>
                </topology>
                """.formatted(secret.toUri());
        InputException e = refused(xxe);
        assertMalformed(e);
        assertTrue(e.place().startsWith("line 5:"), e.getMessage());
        assertFalse(e.getMessage().contains("TOP-SECRET"), e.getMessage());
    }

    @Test
    void entityExpansionIsRefused() {
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?>\n");
        laughs.append("<!DOCTYPE topology [\n <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            laughs.append(" <!ENTITY lol").append(i).append(" \"")
                    .append(("&lol" + (i == 1 ? "" : Integer.toString(i - 1)) + ";").repeat(10)).append("\">\n");
        }
        laughs.append("]>\n<topology version=\"2.0\">\n  <object type=\"Machine\" os_index=\"0\" cpuset=\"0x1\""
                + " nodeset=\"0x1\" gp_index=\"1\" name=\"&lol9;\"/>\n</topology>\n");
        InputException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> refused(laughs.toString()));
        assertMalformed(e);
        assertTrue(e.place().startsWith("line 15:"), e.getMessage());
        assertFalse(e.getMessage().contains("lollol"), e.getMessage());
    }

    @Test
    void hwloc1FilesAreRecognisedAndExplained() throws Exception {
        String v1 = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE topology SYSTEM "hwloc.dtd">
                <topology>
                  <object type="Machine" os_index="0" cpuset="0x00000001" complete_cpuset="0x00000001" online_cpuset="0x00000001" allowed_cpuset="0x00000001">
                    <object type="PU" os_index="0" cpuset="0x00000001" complete_cpuset="0x00000001" online_cpuset="0x00000001" allowed_cpuset="0x00000001"/>
                  </object>
                </topology>
                """;
        Path file = write(v1);
        assertEquals(60, importer.recognise(file));
        InputException e = assertThrows(InputException.class, () -> importer.read(file, "v1.xml",
                new NullProgressMonitor()));
        assertTrue(e.place().startsWith("line 3:"), e.getMessage());
        assertTrue(e.problem().contains("1.x") && e.problem().contains("lstopo"), e.getMessage());
    }

    @Test
    void aNewerMajorVersionIsRefused() throws Exception {
        Path file = write(SMALL.formatted(NIC).replace("version=\"3.0\"", "version=\"4.0\""));
        assertEquals(60, importer.recognise(file));
        InputException e = assertThrows(InputException.class, () -> importer.read(file, "v4.xml",
                new NullProgressMonitor()));
        assertTrue(e.problem().contains("4.0"), e.getMessage());
        assertTrue(e.place().startsWith("line 2:"), e.getMessage());
    }

    @Test
    void anotherRootElementIsNotATopology() throws Exception {
        Path nccl = TestData.path("nccl-topo/azure-ndv2-topo.xml");
        InputException e = assertThrows(InputException.class, () -> importer.read(nccl, "ndv2",
                new NullProgressMonitor()));
        assertTrue(e.problem().contains("<system>"), e.getMessage());
        assertNotNull(e.place());
    }

    @Test
    void aTopologyNeedsOneRootObject() {
        InputException none = refused("<?xml version=\"1.0\"?>\n<topology version=\"2.0\">\n</topology>\n");
        assertTrue(none.problem().contains("no root"), none.getMessage());
        InputException two = refused("""
                <?xml version="1.0"?>
                <topology version="2.0">
                  <object type="Machine" cpuset="0x1" nodeset="0x1" gp_index="1"/>
                  <object type="Machine" cpuset="0x1" nodeset="0x1" gp_index="2"/>
                </topology>
                """);
        assertTrue(two.place().startsWith("line 4:"), two.getMessage());
    }

    @Test
    void missingFilesAndFoldersAreRefused() {
        InputException missing = assertThrows(InputException.class, () -> importer.read(dir.resolve("nope.xml"),
                "nope.xml", new NullProgressMonitor()));
        assertEquals("no such file or directory", missing.problem());
        assertThrows(InputException.class, () -> importer.read(dir, "dir", new NullProgressMonitor()));
    }

    @Test
    void aCancelledReadStops() {
        NullProgressMonitor cancelled = new NullProgressMonitor();
        cancelled.setCanceled(true);
        assertThrows(OperationCanceledException.class, () -> importer.read(TestData.path("hwloc-xml/nvidiaDGX2.xml"),
                "dgx2", cancelled));
    }

    private static List<NvLink> sortedLinks(PciTopology t) {
        return t.nvLinks().stream().sorted((a, b) -> {
            int c = a.from().compareTo(b.from());
            return c != 0 ? c : a.target().compareTo(b.target());
        }).toList();
    }

    private static void assertMalformed(InputException e) {
        assertNotNull(e.place(), e.getMessage());
        assertTrue(e.place().matches("line \\d+:column \\d+"), e.getMessage());
        assertTrue(e.problem().startsWith("malformed XML"), e.getMessage());
    }

    private PciTopology read(String xml) throws IOException, InputException {
        return importer.read(write(xml), "test.xml", new NullProgressMonitor());
    }

    private InputException refused(String xml) {
        return assertThrows(InputException.class, () -> read(xml));
    }

    private Path write(String xml) throws IOException {
        Path file = Files.createTempFile(dir, "hwloc", ".xml");
        Files.writeString(file, xml, StandardCharsets.UTF_8);
        return file;
    }
}
