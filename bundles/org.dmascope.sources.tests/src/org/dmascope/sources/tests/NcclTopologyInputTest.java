package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.CpuVendor;
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.GpuInfo;
import org.dmascope.core.topology.LinkSpeed;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.sources.nccl.NcclTopologyImporter;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The NCCL importer on documents written by the test: the elements NCCL's own dumps hold,
 * damaged and hostile input, cancellation.
 */
class NcclTopologyInputTest {

    @TempDir
    Path temp;

    private final NcclTopologyImporter importer = new NcclTopologyImporter();

    private Path write(String fileName, String text) throws IOException {
        return Files.writeString(temp.resolve(fileName), text);
    }

    private PciTopology read(String text) throws Exception {
        return importer.read(write("topo.xml", text), "topo.xml", new NullProgressMonitor());
    }

    private InputException refused(String text) throws IOException {
        Path file = write("bad.xml", text);
        return assertThrows(InputException.class, () -> importer.read(file, "bad.xml", new NullProgressMonitor()));
    }

    // A <cpu> stating all NCCL would otherwise read from the host.
    private static final String CPU0 = "<cpu numaid=\"0\" affinity=\"ff\" arch=\"x86_64\" vendor=\"GenuineIntel\""
            + " familyid=\"6\" modelid=\"143\">";

    private static PciFunction fn(PciTopology t, String bdf) {
        return t.function(PciAddress.parse(bdf)).orElseThrow(() -> new AssertionError(bdf + " not read"));
    }

    // As NCCL_TOPO_DUMP_FILE writes a machine: root port, switch, GPUs with NVLinks, an IB NIC.
    private static final String DUMP = String.join("\n",
            "<system version=\"1\">",
            "  <cpu host_hash=\"0x5a1e\" numaid=\"0\" affinity=\"ffffffff\" arch=\"x86_64\" vendor=\"AuthenticAMD\""
                    + " familyid=\"0x19\" modelid=\"17\">",
            "    <pci busid=\"0000:00:01.1\" class=\"0x060400\" vendor=\"0x1022\" device=\"0x14ab\""
                    + " subsystem_vendor=\"0x1022\" subsystem_device=\"0x1453\" link_speed=\"32.0 GT/s PCIe\""
                    + " link_width=\"16\">",
            "      <pci busid=\"0000:01:00.0\" class=\"0x060400\" vendor=\"0x1000\" device=\"0xc030\""
                    + " link_speed=\"32.0 GT/s PCIe\" link_width=\"16\">",
            "        <pci busid=\"0000:02:00.0\" class=\"0x060400\" vendor=\"0x1000\" device=\"0xc030\""
                    + " link_speed=\"32.0 GT/s PCIe\" link_width=\"16\">",
            "          <pci busid=\"0000:03:00.0\" class=\"0x030200\" vendor=\"0x10de\" device=\"0x2330\""
                    + " subsystem_vendor=\"0x10de\" subsystem_device=\"0x16c1\" link_speed=\"32.0 GT/s PCIe\""
                    + " link_width=\"16\">",
            "            <gpu dev=\"0\" sm=\"90\" rank=\"0\" gdr=\"1\">",
            "              <nvlink target=\"0000:a5:00.0\" count=\"4\" tclass=\"0x068000\"/>",
            "              <nvlink target=\"0000:04:00.0\" count=\"2\" tclass=\"0x030200\"/>",
            "              <c2c bw=\"40000\" count=\"10\"/>",
            "            </gpu>",
            "          </pci>",
            "          <pci busid=\"0000:04:00.0\" class=\"0x030200\" vendor=\"0x10de\" device=\"0x2330\""
                    + " link_speed=\"32.0 GT/s PCIe\" link_width=\"16\">",
            "            <gpu dev=\"1\" sm=\"90\" gdr=\"0\">",
            "              <nvlink target=\"0000:03:00.0\" count=\"2\" tclass=\"0x030200\"/>",
            "              <nvlink target=\"0000:a6:00.0\" count=\"4\" tclass=\"0x068000\"/>",
            "            </gpu>",
            "            <gpu dev=\"1\" sm=\"90\" rank=\"5\" gdr=\"0\" mlopart=\"1\"/>",
            "          </pci>",
            "        </pci>",
            "        <pci busid=\"0000:05:00.0\" class=\"0x020700\" vendor=\"0x15b3\" device=\"0x1021\""
                    + " link_speed=\"32.0 GT/s PCIe\" link_width=\"16\">",
            "          <nic>",
            "            <net name=\"mlx5_0\" dev=\"0\" speed=\"400000\" port=\"1\" latency=\"0.000000\""
                    + " guid=\"0xa088c20300e1f2b4\" maxconn=\"131072\" gdr=\"1\"/>",
            "            <net name=\"ib-port-b\" dev=\"1\" speed=\"400000\" port=\"2\" guid=\"0xa088c20300e1f2b5\"/>",
            "          </nic>",
            "        </pci>",
            "        <pci busid=\"0000:06:00.0\" class=\"0x020000\" vendor=\"0x8086\" device=\"0x1593\""
                    + " link_speed=\"16.0 GT/s PCIe\" link_width=\"8\">",
            "          <nic><net name=\"ens6\" dev=\"2\" speed=\"-1\" port=\"0\" guid=\"0x0\"/></nic>",
            "          <pcilink target=\"0000:07:00.0\"/>",
            "        </pci>",
            "      </pci>",
            "      <frobnicator level=\"11\"><pci busid=\"0000:99:00.0\"/></frobnicator>",
            "    </pci>",
            "  </cpu>",
            "</system>",
            "");

    @Test
    void aDumpWithSwitchesGpusNvLinksAndNics() throws Exception {
        assertEquals(100, importer.recognise(write("dump.xml", DUMP)));
        PciTopology t = read(DUMP);
        assertEquals(7, t.size());
        assertEquals(CpuVendor.AMD, t.cpu().vendor());
        assertEquals(0x19, t.cpu().family(), "familyid may be written in hex");
        assertEquals(17, t.cpu().model());

        // Nesting gives the parents. In NCCL's files a bridge element stands for a switch.
        PciFunction gpu = fn(t, "0000:03:00.0");
        assertEquals(PciAddress.parse("0000:02:00.0"), gpu.parent());
        assertEquals(PciAddress.parse("0000:01:00.0"), fn(t, "0000:02:00.0").parent());
        assertEquals(PciAddress.parse("0000:00:01.1"), fn(t, "0000:01:00.0").parent());
        assertNull(fn(t, "0000:00:01.1").parent());
        assertEquals(3, t.upstreamBridges(gpu).size());
        assertEquals(PciTopology.Hierarchy.SWITCHES, t.hierarchy());
        assertEquals(FunctionRole.SWITCH_UPSTREAM_PORT, fn(t, "0000:00:01.1").role());
        assertEquals(FunctionRole.SWITCH_UPSTREAM_PORT, fn(t, "0000:01:00.0").role());
        assertEquals(FunctionRole.SWITCH_UPSTREAM_PORT, fn(t, "0000:02:00.0").role());
        assertTrue(fn(t, "0000:02:00.0").roleInferred());
        assertEquals(FunctionRole.ENDPOINT, gpu.role());
        t.functions().forEach(f -> assertEquals("0000:00", f.rootBus().toString(), f.address() + " root bus"));
        assertEquals(1, t.hostBridges().size());
        assertEquals(0, t.hostBridges().get(0).numaNode());
        assertEquals("0-31", gpu.localCpus());
        assertEquals(new PcieLink(LinkSpeed.GT_16, 8, LinkSpeed.UNKNOWN, 0), fn(t, "0000:06:00.0").link());

        assertEquals(new GpuInfo(0, 90, 0, true), gpu.gpu());
        assertEquals(new GpuInfo(1, 90, -1, false), fn(t, "0000:04:00.0").gpu(), "the first <gpu> is kept");
        // C2C is known at once; NVLinks wait for the whole file to name their far ends.
        PciAddress other = PciAddress.parse("0000:04:00.0");
        assertEquals(List.of(
                new NvLink(gpu.address(), null, NvLink.Target.CPU, 10, 400.0),
                new NvLink(gpu.address(), null, NvLink.Target.NVSWITCH, 4, -1),
                new NvLink(gpu.address(), other, NvLink.Target.GPU, 2, -1),
                new NvLink(other, gpu.address(), NvLink.Target.GPU, 2, -1),
                new NvLink(other, null, NvLink.Target.NVSWITCH, 4, -1)), t.nvLinks());

        assertEquals(List.of(new OsDevice("mlx5_0", OsDevice.Kind.OPENFABRICS, 400000, 1, "0xa088c20300e1f2b4"),
                new OsDevice("ib-port-b", OsDevice.Kind.OPENFABRICS, 400000, 2, "0xa088c20300e1f2b5")),
                fn(t, "0000:05:00.0").osDevices(), "an InfiniBand controller's nets are RDMA devices");
        assertEquals(List.of(new OsDevice("ens6", OsDevice.Kind.NETWORK, -1, 0, null)),
                fn(t, "0000:06:00.0").osDevices());

        assertTrue(t.function(PciAddress.parse("0000:99:00.0")).isEmpty(), "unknown elements are skipped whole");
        List<String> w = t.warnings();
        assertEquals(4, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("line 14:column ") && w.get(0).contains("the <gpu> of 0000:04:00.0 has no rank"),
                w.get(0));
        assertTrue(w.get(1).startsWith("line 18:column ") && w.get(1).contains("has a second <gpu>"), w.get(1));
        assertTrue(w.get(2).startsWith("line 29:column ") && w.get(2).contains("<pcilink target=\"0000:07:00.0\">"),
                w.get(2));
        assertTrue(w.get(3).startsWith("line 32:column ")
                && w.get(3).contains("<frobnicator> in <pci> is not part of NCCL's topology format; ignored"),
                w.get(3));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"8 GT/s|GT_8", "16 GT/s|GT_16", "32.0 GT/s PCIe|GT_32",
        "32 GT/s PCIe/s|GT_32", "2.5 GT/s|GT_2_5", "5.0 GT/s PCIe|GT_5", "64.0 GT/s PCIe|GT_64"})
    void linkSpeedSpellings(String speed, LinkSpeed expected) throws Exception {
        PciTopology t = read("<system version=\"1\">" + CPU0 + "<pci busid=\"0000:01:00.0\" class=\"0x030200\""
                + " vendor=\"0x10de\" device=\"0x2330\" link_speed=\"" + speed + "\" link_width=\"8\"/>"
                + "</cpu></system>");
        assertEquals(new PcieLink(expected, 8, LinkSpeed.UNKNOWN, 0), fn(t, "0000:01:00.0").link());
        assertTrue(t.warnings().stream().noneMatch(w -> w.contains("link")), t.warnings().toString());
    }

    @Test
    void anUnknownLinkSpeedIsAWarning() throws Exception {
        PciTopology t = read("<system version=\"1\">" + CPU0 + "\n<pci busid=\"0000:01:00.0\" class=\"0x030200\""
                + " vendor=\"0x10de\" device=\"0x2330\" link_speed=\"Unknown\" link_width=\"x16\"/></cpu></system>");
        assertNull(fn(t, "0000:01:00.0").link());
        assertEquals(2, t.warnings().size(), t.warnings().toString());
        assertTrue(t.warnings().get(0).startsWith("line 2:column "), t.warnings().get(0));
        assertTrue(t.warnings().get(0).endsWith("0000:01:00.0 link_speed 'Unknown' is not a PCIe speed;"
                + " link speed unknown"),
                t.warnings().get(0));
        assertTrue(t.warnings().get(1).endsWith("link_width 'x16' is not a number; link width unknown"),
                t.warnings().get(1));
    }

    @Test
    void cpusThatDifferAndNodesListedTwiceAreWarnings() throws Exception {
        PciTopology t = read(String.join("\n",
                "<system version=\"1\">",
                "<cpu numaid=\"0\" affinity=\"0000000f\" arch=\"x86_64\" vendor=\"GenuineIntel\" familyid=\"6\""
                        + " modelid=\"143\"/>",
                "<cpu numaid=\"1\" affinity=\"000000f0\" arch=\"x86_64\" vendor=\"AuthenticAMD\" familyid=\"175\""
                        + " modelid=\"1\"/>",
                "<cpu numaid=\"1\" affinity=\"00000f00\" arch=\"x86_64\" vendor=\"GenuineIntel\" familyid=\"6\""
                        + " modelid=\"143\" host_hash=\"0xbeef\"/>",
                "</system>"));
        assertEquals(CpuVendor.INTEL, t.cpu().vendor(), "the first node's CPU");
        assertEquals(2, t.numaNodes().size());
        assertEquals("00000f00", t.numaNodes().get(1).cpus(), "the later description of node 1");
        List<String> w = t.warnings();
        assertEquals(3, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("line 3:column ") && w.get(0).contains("NUMA node 1 has another CPU (AMD family"
                + " 0x19 model 0x1 (x86_64)) than NUMA node 0 (Intel family 0x6 model 0x8f (x86_64))"), w.get(0));
        assertTrue(w.stream().anyMatch(x -> x.startsWith("line 4:column ") && x.contains("NUMA node 1 is described"
                + " twice (first at line 3:column ")), w.toString());
        assertTrue(w.stream().anyMatch(x -> x.startsWith("line 4:column ") && x.contains("NUMA node 1 belongs to"
                + " another host (host_hash)")), w.toString());
    }

    @Test
    void armAndPowerCpusHaveNoVendorString() throws Exception {
        PciTopology arm = read("<system version=\"1\"><cpu numaid=\"0\" affinity=\"ff\" arch=\"arm64\"/></system>");
        assertEquals(CpuVendor.ARM, arm.cpu().vendor());
        assertEquals("arm64", arm.cpu().arch());
        assertTrue(arm.warnings().isEmpty(), "NCCL writes no vendor, family or model off x86: "
                + arm.warnings());
        PciTopology power = read("<system version=\"1\"><cpu numaid=\"8\" affinity=\"ff\" arch=\"ppc64\"/></system>");
        assertEquals(CpuVendor.POWER, power.cpu().vendor());
        assertEquals(8, power.numaNodes().get(0).id());
    }

    @Test
    void aVersionOtherThanOneIsReadWithAWarning() throws Exception {
        String text = "<system version=\"2\"><cpu numaid=\"0\"><pci busid=\"0000:01:00.0\"/></cpu></system>";
        assertEquals(50, importer.recognise(write("v2.xml", text)));
        PciTopology t = read(text);
        assertEquals(1, t.size());
        assertTrue(t.warnings().get(0).endsWith("<system> has version 2; DMA Scope reads version 1 (NCCL refuses"
                + " other versions)"), t.warnings().get(0));
    }

    @Test
    void aFunctionListedTwiceKeepsItsFirstListing() throws Exception {
        PciTopology t = read(String.join("\n",
                "<system version=\"1\">" + CPU0,
                "<pci busid=\"0000:01:00.0\" class=\"0x030200\" vendor=\"0x10de\" device=\"0x2330\""
                        + " link_speed=\"8 GT/s\" link_width=\"16\"/>",
                "<pci busid=\"0000:01:00.0\" class=\"0x020000\" vendor=\"0x8086\" device=\"0x1593\""
                        + " link_speed=\"8 GT/s\" link_width=\"16\"/>",
                "</cpu></system>"));
        assertEquals(1, t.size());
        assertEquals("10de:2330", fn(t, "0000:01:00.0").idPair());
        assertTrue(t.warnings().get(0).startsWith("line 3:column ")
                && t.warnings().get(0).contains("0000:01:00.0 is listed twice (first at line 2:column "),
                t.warnings().toString());
    }

    @Test
    void placeholdersAreMarkedByBusOrVendor() throws Exception {
        PciTopology t = read(String.join("\n",
                "<system version=\"1\">" + CPU0,
                "<pci busid=\"ffff:ff:01.0\" class=\"0x060400\" link_speed=\"16 GT/s\" link_width=\"16\">",
                "  <pci busid=\"0001:00:00.0\" class=\"0x030200\" vendor=\"0x10de\" device=\"0x20b0\""
                        + " link_speed=\"16 GT/s\" link_width=\"16\"/>",
                "</pci>",
                "<pci busid=\"0000:40:01.0\" class=\"0x060400\" vendor=\"0xffff\" device=\"0xffff\""
                        + " link_speed=\"16 GT/s\" link_width=\"16\">",
                "  <pci busid=\"0000:41:00.0\" class=\"0x030200\" vendor=\"0x10de\" device=\"0x20b0\""
                        + " link_speed=\"16 GT/s\" link_width=\"16\"/>",
                "</pci>",
                "<pci busid=\"0000:80:01.0\" class=\"0x060400\" vendor=\"0x1022\" device=\"0x1483\""
                        + " link_speed=\"16 GT/s\" link_width=\"16\"/>",
                "</cpu></system>"));
        assertTrue(fn(t, "ffff:ff:01.0").placeholder());
        assertTrue(fn(t, "0000:40:01.0").placeholder());
        assertFalse(fn(t, "0000:80:01.0").placeholder());
        assertFalse(fn(t, "0001:00:00.0").placeholder());
        assertEquals("ffff:ff", fn(t, "0001:00:00.0").rootBus().toString(), "below the placeholder's hierarchy");
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
    }

    @Test
    void aVirtualNicUnderACpuIsReported() throws Exception {
        PciTopology t = read(String.join("\n",
                "<system version=\"1\"><cpu numaid=\"1\" affinity=\"ff\" arch=\"x86_64\" vendor=\"GenuineIntel\""
                        + " familyid=\"6\" modelid=\"143\">",
                "<nic>",
                "  <net name=\"mlx5_bond_0\" dev=\"0\" speed=\"200000\" port=\"1\" guid=\"0x1234\"/>",
                "  <net dev=\"1\"/>",
                "  <gin name=\"gin0\" dev=\"0\"/>",
                "</nic>",
                "</cpu></system>"));
        assertEquals(0, t.size());
        List<String> w = t.warnings();
        assertEquals(3, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("line 2:column ") && w.get(0).contains("NIC mlx5_bond_0 (RDMA, 200000 Mb/s)"
                + " sits directly under NUMA node 1 without a PCI function"), w.get(0));
        assertTrue(w.get(1).startsWith("line 4:column ") && w.get(1).endsWith("a <net> states no name; ignored"),
                w.get(1));
        assertTrue(w.get(2).startsWith("line 5:column ") && w.get(2).contains("<gin name=\"gin0\">"), w.get(2));
    }

    @Test
    void anNvLinkWithAnUnknownClassIsAnNvSwitchAsForNccl() throws Exception {
        PciTopology t = read(String.join("\n",
                "<system version=\"1\">" + CPU0,
                "<pci busid=\"0004:04:00.0\" class=\"0x030200\" vendor=\"0x10de\" device=\"0x1db1\""
                        + " link_speed=\"8 GT/s\" link_width=\"16\"><gpu dev=\"0\" sm=\"70\" rank=\"0\" gdr=\"1\">",
                "<nvlink target=\"0007:00:00.0\" count=\"2\" tclass=\"0x068001\"/>",
                "<nvlink target=\"0000:99:00.0\" count=\"1\" tclass=\"0x0b4000\"/>",
                "<nvlink target=\"0000:98:00.0\" count=\"1\" tclass=\"0x030200\"/>",
                "<nvlink target=\"0000:97:00.0\" tclass=\"0x030200\"/>",
                "</gpu></pci></cpu></system>"));
        PciAddress gpu = PciAddress.parse("0004:04:00.0");
        assertEquals(List.of(new NvLink(gpu, null, NvLink.Target.CPU, 2, -1),
                new NvLink(gpu, null, NvLink.Target.NVSWITCH, 1, -1),
                new NvLink(gpu, null, NvLink.Target.GPU, 1, -1)), t.nvLinks());
        List<String> w = t.warnings();
        assertEquals(3, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("line 4:column ") && w.get(0).contains("tclass 0x0b4000"), w.get(0));
        assertTrue(w.get(1).startsWith("line 5:column ") && w.get(1).contains("leads to GPU 0000:98:00.0, which the"
                + " file does not list"), w.get(1));
        assertTrue(w.get(2).startsWith("line 6:column ") && w.get(2).contains("states no count"), w.get(2));
    }

    @Test
    void malformedXmlNamesTheLine() throws Exception {
        InputException e = refused(String.join("\n",
                "<system version=\"1\">",
                "  <cpu numaid=\"0\">",
                "    <pci busid=\"0000:01:00.0\">",
                "  </cpu>",
                "</system>"));
        assertNotNull(e.place());
        assertTrue(e.place().startsWith("line 4:column "), e.getMessage());
        assertTrue(e.problem().startsWith("malformed XML: "), e.problem());
        assertTrue(e.getMessage().startsWith("bad.xml: line 4:column "), e.getMessage());
    }

    @Test
    void externalEntitiesAreNotRead() throws Exception {
        Path secret = write("secret.txt", "TOP-SECRET-CONTENT");
        InputException e = refused(String.join("\n",
                "<?xml version=\"1.0\"?>",
                "<!DOCTYPE system [ <!ENTITY leak SYSTEM \"" + secret.toUri() + "\"> ]>",
                "<system version=\"1\">",
                "  <cpu numaid=\"0\" vendor=\"&leak;\"><pci busid=\"0000:01:00.0\"/></cpu>",
                "</system>"));
        assertFalse(e.getMessage().contains("TOP-SECRET"), e.getMessage());
        assertNotNull(e.place());
        assertTrue(e.place().startsWith("line 4:column "), e.getMessage());
        assertTrue(e.problem().contains("leak"), e.problem());
    }

    @Test
    void entityExpansionIsRefusedAtOnce() throws Exception {
        StringBuilder doc = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE system [\n");
        doc.append(" <!ENTITY lol0 \"lol\">\n");
        for (int i = 1; i < 10; i++) {
            doc.append(" <!ENTITY lol").append(i).append(" \"");
            for (int k = 0; k < 10; k++) {
                doc.append("&lol").append(i - 1).append(';');
            }
            doc.append("\">\n");
        }
        doc.append("]>\n<system version=\"1\"><cpu numaid=\"0\" affinity=\"&lol9;\"/></system>\n");
        Path file = write("laughs.xml", doc.toString());
        InputException e = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(InputException.class, () -> importer.read(file, "laughs.xml",
                        new NullProgressMonitor())));
        assertNotNull(e.place());
        assertTrue(e.place().startsWith("line 14:column "), e.getMessage());
        assertTrue(e.problem().contains("lol9"), e.problem());
    }

    @Test
    void aPciWithoutBusIdIsRefused() throws Exception {
        InputException e = refused("<system version=\"1\">\n<cpu numaid=\"0\">\n<pci class=\"0x030200\"/>\n</cpu>\n"
                + "</system>\n");
        assertTrue(e.place().startsWith("line 3:column "), e.getMessage());
        assertEquals("<pci> has no busid", e.problem());
    }

    @ParameterizedTest
    @CsvSource({"0000:zz:00.0", "0000:00:20.0", "0000:00:00.8", "gpu0", "''"})
    void anUnreadableBusIdIsRefused(String busId) throws Exception {
        InputException e = refused("<system version=\"1\">\n<cpu numaid=\"0\">\n  <pci busid=\"ffff:ff:01.0\">\n"
                + "    <pci busid=\"" + busId + "\"/>\n  </pci>\n</cpu>\n</system>\n");
        assertTrue(e.place().startsWith("line 4:column "), e.getMessage());
        assertEquals("<pci> busid '" + busId + "' is not a PCI address (DDDD:BB:DD.F)", e.problem());
    }

    @Test
    void aCpuWithoutNumaIdIsRefused() throws Exception {
        InputException e = refused("<system version=\"1\">\n<cpu affinity=\"ff\">\n</cpu>\n</system>\n");
        assertTrue(e.place().startsWith("line 2:column "), e.getMessage());
        assertEquals("<cpu> has no numaid", e.problem());
        InputException nan = refused("<system version=\"1\">\n<cpu numaid=\"zero\"/>\n</system>\n");
        assertEquals("<cpu> numaid 'zero' is not a number", nan.problem());
    }

    @Test
    void otherDocumentsAreRefusedAndNotRecognised() throws Exception {
        InputException e = refused("<topology version=\"2.0\"><object type=\"Machine\"/></topology>");
        assertEquals("not an NCCL topology: the root element is <topology>, not <system version=\"1\">", e.problem());
        assertEquals(0, importer.recognise(temp.resolve("bad.xml")));
        assertEquals(0, importer.recognise(write("graph.xml", "<graphs version=\"1\"><graph id=\"0\"/></graphs>")));
        assertEquals(0, importer.recognise(write("empty.xml", "")));
        assertEquals(0, importer.recognise(write("text.txt", "00:00.0 Host bridge: Intel Corporation\n")));
        // The root alone tells an NCCL file, whatever comes first inside it.
        assertEquals(100, importer.recognise(write("nocpu.xml", "<system version=\"1\"></system>")));
        InputException missing = assertThrows(InputException.class,
                () -> importer.read(temp.resolve("nope.xml"), "nope.xml", new NullProgressMonitor()));
        assertEquals("nope.xml: no such file or directory", missing.getMessage());
        InputException dir = assertThrows(InputException.class,
                () -> importer.read(temp, "folder", new NullProgressMonitor()));
        assertEquals("folder: a directory, not an NCCL topology file", dir.getMessage());
    }

    @Test
    void aReadCancelledHalfwayStops() throws Exception {
        Path file = write("dump.xml", DUMP);
        // Cancelled once the reader has asked a few times, that is, inside the document.
        NullProgressMonitor cancelledLater = new NullProgressMonitor() {
            private int asked;

            @Override
            public boolean isCanceled() {
                return ++asked > 4;
            }
        };
        assertThrows(OperationCanceledException.class, () -> importer.read(file, "dump.xml", cancelledLater));
    }

    @Test
    void aCancelledReadStops() throws Exception {
        Path file = write("dump.xml", DUMP);
        NullProgressMonitor cancelled = new NullProgressMonitor();
        cancelled.setCanceled(true);
        assertThrows(OperationCanceledException.class, () -> importer.read(file, "dump.xml", cancelled));
    }
}
