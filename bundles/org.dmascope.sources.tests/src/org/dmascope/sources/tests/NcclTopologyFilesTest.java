package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.dmascope.core.topology.CpuVendor;
import org.dmascope.core.topology.DeviceKind;
import org.dmascope.core.topology.GpuInfo;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.LinkSpeed;
import org.dmascope.core.topology.NumaNode;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.sources.TopologySources;
import org.dmascope.sources.nccl.NcclTopologyImporter;
import org.dmascope.sources.sysfs.SysfsTreeImporter;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NCCL importer on the topology files cloud providers publish (testdata/nccl-topo, see
 * testdata/README.md): CPUs, GPUs, NICs, placeholder switches, links and NVLinks as each file
 * states them.
 */
class NcclTopologyFilesTest {

    private static final String[] FILES = {"aws-g5.48xl-topo.xml", "aws-p4d-24xl-topo.xml",
        "aws-p4de-24xl-topo.xml", "aws-p5.48xl-topo.xml", "azure-ncv4-topo.xml", "azure-ndv2-topo.xml",
        "azure-ndv4-topo.xml", "azure-ndv5-topo.xml"};

    private static PciTopology open(String file) throws Exception {
        return new NcclTopologyImporter().read(TestData.path("nccl-topo/" + file), file, new NullProgressMonitor());
    }

    private static PciFunction fn(PciTopology t, String bdf) {
        return t.function(PciAddress.parse(bdf)).orElseThrow(() -> new AssertionError(bdf + " not read"));
    }

    private static List<PciFunction> ofKind(PciTopology t, DeviceKind kind) {
        return t.functions().stream().filter(f -> f.kind() == kind).toList();
    }

    private static List<PciFunction> placeholders(PciTopology t) {
        return t.functions().stream().filter(PciFunction::placeholder).toList();
    }

    private static Set<String> addresses(List<PciFunction> functions) {
        return functions.stream().map(f -> f.address().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    // The functions below each placeholder, by kind: "gpu:..." and "nic:..." sets.
    private static Map<String, Set<String>> belowPlaceholders(PciTopology t) {
        Map<String, Set<String>> below = new TreeMap<>();
        for (PciFunction p : placeholders(t)) {
            below.put(p.address().toString(), t.children(p.address()).stream()
                    .map(c -> (c.kind() == DeviceKind.GPU ? "gpu:" : "nic:") + c.address())
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        return below;
    }

    private static long warningsContaining(PciTopology t, String text) {
        return t.warnings().stream().filter(w -> w.contains(text)).count();
    }

    private static void assertLinks(PciTopology t, LinkSpeed speed, int width) {
        for (PciFunction f : t.functions()) {
            PcieLink link = f.link();
            assertNotNull(link, f.address() + " link");
            assertEquals(speed, link.speed(), f.address() + " link speed");
            assertEquals(width, link.width(), f.address() + " link width");
            assertEquals(LinkSpeed.UNKNOWN, link.maxSpeed(), f.address() + ": the file states one speed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws-g5.48xl-topo.xml", "aws-p4d-24xl-topo.xml", "aws-p4de-24xl-topo.xml",
        "aws-p5.48xl-topo.xml", "azure-ncv4-topo.xml", "azure-ndv2-topo.xml", "azure-ndv4-topo.xml",
        "azure-ndv5-topo.xml"})
    void everyFileIsRecognisedAndReadWithLocatedWarnings(String file) throws Exception {
        Path path = TestData.path("nccl-topo/" + file);
        assertEquals(100, new NcclTopologyImporter().recognise(path), file);
        PciTopology t = open(file);
        assertFalse(t.functions().isEmpty(), file);
        assertTrue(t.parentsObserved(), file + ": the file states each function's parent");
        for (String w : t.warnings()) {
            assertTrue(w.matches("line \\d+:column \\d+: .*"), file + ": warning without its line: " + w);
        }
        // Every function of a hierarchy shares its top function's root bus, which has a host bridge.
        for (PciFunction f : t.functions()) {
            assertTrue(t.hostBridge(f).isPresent(), file + " " + f.address() + " host bridge");
            PciFunction top = f;
            while (top.parent() != null) {
                top = t.parent(top).orElseThrow();
            }
            assertEquals(top.address().pciBus(), f.rootBus(), file + " " + f.address() + " root bus");
        }
    }

    @Test
    void theRegistryChoosesByContent() throws Exception {
        TopologySources sources = new TopologySources(List.of(new SysfsTreeImporter(), new NcclTopologyImporter()));
        for (String file : FILES) {
            assertEquals("nccl", sources.importerFor(TestData.path("nccl-topo/" + file)).orElseThrow().id(), file);
        }
        assertEquals("sysfs", sources.importerFor(TestData.path("sysfs/fakepcilocalities.tar.bz2")).orElseThrow()
                .id());
        PciTopology t = sources.open(TestData.path("nccl-topo/aws-p4d-24xl-topo.xml"), "p4d",
                new NullProgressMonitor());
        assertEquals(16, t.size());
        assertEquals("p4d", t.source());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hwloc-xml/nvidiaDGX2.xml", "hwloc-xml/32em64t-2n8c2t-pci-wholeio.xml",
        "hwloc-xml/32em64t-2n8c2t-pci-normalio.xml", "hwloc-xml/24em64t-2n6c2t-pci.xml",
        "hwloc-xml/96em64t-4n4d3ca2co-pci.xml", "hwloc-xml/16intel64-manyVFs.xml", "lspci-dumps/tree-asus-p6t6",
        "lspci-dumps/cap-dpc", "lspci-dumps/PCI-X-bridges-and-domains", "lspci-dumps/expected/tree-asus-p6t6.tv.txt",
        "sysfs/fakepcilocalities.tar.bz2", "sysfs/40intel64-2g2n4c+pcilocality.tar.bz2",
        "sysfs/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2", "sysfs/expected-hwloc/fakepcilocalities.xml", "nccl-topo",
        "README.md", "no-such-file.xml"})
    void otherInputsAreNotNccl(String relative) {
        assertEquals(0, new NcclTopologyImporter().recognise(TestData.path(relative)), relative);
    }

    @ParameterizedTest
    @CsvSource({"aws-p4d-24xl-topo.xml, 20b0, 134f", "aws-p4de-24xl-topo.xml, 20b2, 1463"})
    void awsP4dAndP4de(String file, String gpuDevice, String gpuSubsystem) throws Exception {
        PciTopology t = open(file);
        assertEquals(List.of(0, 1), t.numaNodes().stream().map(NumaNode::id).toList());
        assertEquals(new NumaNode(0, "000000ff,ffff0000,00ffffff", -1), t.numaNodes().get(0));
        assertEquals(CpuVendor.INTEL, t.cpu().vendor());
        assertEquals(6, t.cpu().family());
        assertEquals(85, t.cpu().model());
        assertEquals("Intel family 0x6 model 0x55 (x86_64)", t.cpu().describe());

        assertEquals(16, t.size());
        List<PciFunction> gpus = ofKind(t, DeviceKind.GPU);
        assertEquals(8, gpus.size());
        for (PciFunction g : gpus) {
            assertEquals("10de:" + gpuDevice, g.idPair(), g.address() + " GPU IDs");
            assertEquals(0x10de, g.subsystemVendorId());
            assertEquals(Integer.parseInt(gpuSubsystem, 16), g.subsystemDeviceId());
            assertEquals(0x030200, g.classCode());
            assertNull(g.gpu(), "the file has no <gpu> elements");
        }
        List<PciFunction> nics = ofKind(t, DeviceKind.NIC);
        assertEquals(Set.of("0000:10:1b.0", "0000:20:1b.0", "0000:90:1b.0", "0000:a0:1b.0"), addresses(nics));
        nics.forEach(n -> assertEquals("1d0f:efa0", n.idPair(), n.address() + " EFA"));

        assertEquals(Map.of(
                "ffff:ff:01.0", Set.of("gpu:0000:10:1c.0", "gpu:0000:10:1d.0", "nic:0000:10:1b.0"),
                "ffff:ff:02.0", Set.of("gpu:0000:20:1c.0", "gpu:0000:20:1d.0", "nic:0000:20:1b.0"),
                "ffff:ff:03.0", Set.of("gpu:0000:90:1c.0", "gpu:0000:90:1d.0", "nic:0000:90:1b.0"),
                "ffff:ff:04.0", Set.of("gpu:0000:a0:1c.0", "gpu:0000:a0:1d.0", "nic:0000:a0:1b.0")),
                belowPlaceholders(t));
        for (PciFunction p : placeholders(t)) {
            assertTrue(p.isBridge(), p.address() + " is a switch");
            assertEquals("ffff:ffff", p.idPair());
        }
        assertLinks(t, LinkSpeed.GT_8, 16);

        // NUMA node and local CPUs come from the <cpu> above.
        assertEquals(0, fn(t, "0000:20:1d.0").numaNode());
        assertEquals("0-23,48-71", fn(t, "0000:20:1d.0").localCpus());
        assertEquals(1, fn(t, "0000:90:1b.0").numaNode());
        assertEquals("24-47,72-95", fn(t, "0000:90:1b.0").localCpus());
        // All placeholder switches sit on the author's bus ffff:ff, shared by both nodes.
        assertEquals(List.of(new HostBridge(new PciBus(0xffff, 0xff), -1)), t.hostBridges());
        assertTrue(t.nvLinks().isEmpty());
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
    }

    @Test
    void awsP5HasRealSwitchesAndNoGpus() throws Exception {
        PciTopology t = open("aws-p5.48xl-topo.xml");
        assertEquals(List.of(new NumaNode(0, null, -1), new NumaNode(1, null, -1)), t.numaNodes());
        assertFalse(t.cpu().isKnown(), "the file states nothing about the CPUs");
        assertEquals(40, t.size());
        assertTrue(ofKind(t, DeviceKind.GPU).isEmpty(), "GPUs are not listed in this file");
        assertTrue(placeholders(t).isEmpty(), "the switches have real bus IDs");

        List<PciFunction> switches = t.functions().stream().filter(PciFunction::isBridge).toList();
        assertEquals(Set.of("0000:45:00.0", "0000:56:00.0", "0000:67:00.0", "0000:78:00.0", "0000:89:00.0",
                "0000:9a:00.0", "0000:ab:00.0", "0000:bc:00.0"), addresses(switches));
        for (PciFunction s : switches) {
            assertEquals(4, t.children(s.address()).size(), s.address() + " holds 4 NICs");
            assertNull(s.link(), s.address() + ": no link stated");
            assertEquals(0x060400, s.classCode(), s.address() + " taken as a bridge");
        }
        assertEquals(Set.of("0000:4f:00.0", "0000:50:00.0", "0000:51:00.0", "0000:52:00.0"),
                addresses(t.children(PciAddress.parse("0000:45:00.0"))));
        assertEquals(Set.of("0000:c6:00.0", "0000:c7:00.0", "0000:c8:00.0", "0000:c9:00.0"),
                addresses(t.children(PciAddress.parse("0000:bc:00.0"))));
        List<PciFunction> below = t.functions().stream().filter(f -> f.parent() != null).toList();
        assertEquals(32, below.size());
        for (PciFunction f : below) {
            PcieLink link = f.link();
            assertNotNull(link, f.address() + " link");
            assertEquals(LinkSpeed.GT_32, link.speed(), f.address() + ": \"32 GT/s PCIe/s\"");
            assertEquals(16, link.width());
        }
        assertEquals(8, t.hostBridges().size());
        assertEquals(0, t.hostBridge(fn(t, "0000:78:00.0")).orElseThrow().numaNode());
        assertEquals(1, t.hostBridge(fn(t, "0000:c9:00.0")).orElseThrow().numaNode());

        assertEquals(8, warningsContaining(t, " states no class, vendor, device, link_speed, link_width; NCCL reads"
                + " what is missing from sysfs when it runs; it holds <pci> elements, so it is taken as a PCI bridge"));
        assertEquals(32, warningsContaining(t, " states no class, vendor, device; NCCL reads what is missing from"
                + " sysfs when it runs"));
        assertEquals(2 + 8 + 32, t.warnings().size());
        assertEquals(2, warningsContaining(t, "states no affinity, arch, vendor, familyid, modelid"));
        assertTrue(t.warnings().contains("line 16:column 19: NUMA node 0 states no affinity, arch, vendor, "
                + "familyid, modelid; NCCL reads what is missing from the host when it runs"), t.warnings().toString());
    }

    @Test
    void awsG5HasOnlyBusIds() throws Exception {
        PciTopology t = open("aws-g5.48xl-topo.xml");
        assertEquals(2, t.numaNodes().size());
        assertEquals(9, t.size());
        for (PciFunction f : t.functions()) {
            assertNull(f.link(), f.address() + " link");
            assertEquals(0, f.classCode(), f.address() + " class unknown");
            assertNull(f.parent());
            assertFalse(f.placeholder());
        }
        assertEquals(0, fn(t, "0000:00:19.0").numaNode());
        assertEquals(1, fn(t, "0000:00:1a.0").numaNode());
        assertEquals(1, fn(t, "0000:00:15.0").numaNode());
        assertNull(fn(t, "0000:00:15.0").localCpus(), "no affinity, so no CPU list");
        // One root bus for both nodes: its host bridge has no single node.
        assertEquals(List.of(new HostBridge(new PciBus(0, 0), -1)), t.hostBridges());
        assertEquals(1, warningsContaining(t, "root bus 0000:00 holds devices of NUMA nodes 0 and 1"));
        assertEquals(9, warningsContaining(t, "states no class, vendor, device, link_speed, link_width"));
        assertTrue(t.warnings().stream().anyMatch(w -> w.startsWith("line 14:column ")
                && w.contains("0000:00:16.0 states no class")), t.warnings().toString());
        assertEquals(9 + 1 + 2, t.warnings().size(), t.warnings().toString());
    }

    @Test
    void azureNdv2() throws Exception {
        PciTopology t = open("azure-ndv2-topo.xml");
        assertEquals(List.of(new NumaNode(0, "00000000,000fffff", -1), new NumaNode(1, "000000ff,fff00000", -1)),
                t.numaNodes());
        assertEquals("Intel family 0x6 model 0x55 (x86_64)", t.cpu().describe());
        assertEquals(9, t.size());
        assertEquals(8, ofKind(t, DeviceKind.GPU).size());
        assertEquals(Set.of("0101:00:00.0"), addresses(ofKind(t, DeviceKind.INFINIBAND)));
        assertEquals(0, fn(t, "0101:00:00.0").numaNode());
        assertEquals("0-19", fn(t, "0101:00:00.0").localCpus());
        assertEquals("20-39", fn(t, "0008:00:00.0").localCpus());
        assertTrue(placeholders(t).isEmpty());
        assertLinks(t, LinkSpeed.GT_16, 16);
        // Each bare GPU is a hierarchy of its own.
        assertEquals(9, t.hostBridges().size());
        assertEquals(0, t.hostBridges().get(0).numaNode());
        assertEquals(1, t.hostBridge(fn(t, "0005:00:00.0")).orElseThrow().numaNode());
        assertEquals(9, warningsContaining(t, "states no vendor, device; NCCL reads what is missing from sysfs"));
        assertEquals(9, t.warnings().size(), t.warnings().toString());
    }

    @Test
    void azureNdv4() throws Exception {
        PciTopology t = open("azure-ndv4-topo.xml");
        assertEquals(List.of(0, 1, 2, 3), t.numaNodes().stream().map(NumaNode::id).toList());
        assertEquals(CpuVendor.AMD, t.cpu().vendor());
        assertEquals(0x17, t.cpu().family(), "Zen 2, written as the CPUID family 23");
        assertEquals(49, t.cpu().model());
        assertTrue(t.cpu().isAmdZenOrNewer());
        assertEquals(20, t.size());
        assertEquals(8, ofKind(t, DeviceKind.GPU).size());
        assertEquals(8, ofKind(t, DeviceKind.INFINIBAND).size());
        assertEquals(Map.of(
                "ffff:ff:01.0", Set.of("gpu:0003:00:00.0", "gpu:0004:00:00.0", "nic:0103:00:00.0", "nic:0104:00:00.0"),
                "ffff:ff:02.0", Set.of("gpu:0001:00:00.0", "gpu:0002:00:00.0", "nic:0101:00:00.0", "nic:0102:00:00.0"),
                "ffff:ff:03.0", Set.of("gpu:000d:00:00.0", "gpu:000e:00:00.0", "nic:0107:00:00.0", "nic:0108:00:00.0"),
                "ffff:ff:04.0", Set.of("gpu:000b:00:00.0", "gpu:000c:00:00.0", "nic:0105:00:00.0", "nic:0106:00:00.0")),
                belowPlaceholders(t));
        assertLinks(t, LinkSpeed.GT_16, 16);
        assertEquals(2, fn(t, "000e:00:00.0").numaNode());
        assertEquals(3, fn(t, "ffff:ff:04.0").numaNode());
        // Placeholders need no IDs; the devices below them do.
        assertEquals(16, warningsContaining(t, "states no vendor, device"));
        assertEquals(16, t.warnings().size(), t.warnings().toString());
    }

    @Test
    void azureNdv5() throws Exception {
        PciTopology t = open("azure-ndv5-topo.xml");
        assertEquals(2, t.numaNodes().size());
        assertEquals(CpuVendor.INTEL, t.cpu().vendor());
        assertEquals(0x8f, t.cpu().model(), "Sapphire Rapids, modelid 143");
        assertEquals(24, t.size());
        Map<String, Set<String>> below = belowPlaceholders(t);
        assertEquals(8, below.size());
        assertEquals(Set.of("gpu:0008:00:00.0", "nic:0104:00:00.0"), below.get("ffff:ff:04.0"));
        assertEquals(Set.of("gpu:000c:00:00.0", "nic:0108:00:00.0"), below.get("ffff:ff:08.0"));
        below.values().forEach(b -> assertEquals(2, b.size(), "one GPU and one NIC per switch"));
        for (PciFunction p : placeholders(t)) {
            assertEquals("0000:0000", p.idPair(), "vendor and device 0x0000");
        }
        assertLinks(t, LinkSpeed.GT_32, 16);
        assertEquals(1, fn(t, "0009:00:00.0").numaNode());
        assertEquals(16, t.warnings().size(), t.warnings().toString());
    }

    @Test
    void azureNcv4HasGpusNvLinksAndAVirtualNic() throws Exception {
        PciTopology t = open("azure-ncv4-topo.xml");
        assertEquals(4, t.numaNodes().size());
        assertEquals(CpuVendor.AMD, t.cpu().vendor());
        assertEquals(0x19, t.cpu().family(), "NCCL writes Zen 3 (0xF + 0xA) as familyid 175 = 0xAF");
        assertEquals(1, t.cpu().model());
        assertEquals("AMD family 0x19 model 0x1 (x86_64)", t.cpu().describe());

        List<PciFunction> gpus = ofKind(t, DeviceKind.GPU);
        assertEquals(4, gpus.size());
        for (int i = 0; i < 4; i++) {
            PciFunction g = fn(t, String.format("000%d:00:00.0", i + 1));
            assertEquals("10de:20b5", g.idPair());
            assertEquals(0x1533, g.subsystemDeviceId());
            assertEquals(new GpuInfo(i, 80, i, true), g.gpu());
            assertEquals(i, g.numaNode());
            assertNull(g.link(), "link_speed=\"\" and link_width=\"0\": not known");
            assertTrue(g.osDevices().isEmpty());
        }
        assertEquals(4, t.nvLinks().size());
        NvLink first = t.nvLinks().get(0);
        assertEquals(new NvLink(PciAddress.parse("0001:00:00.0"), PciAddress.parse("0001:00:00.0"),
                NvLink.Target.GPU, 12, -1), first);
        assertEquals(4, warningsContaining(t, "leads to the GPU itself"));
        assertEquals(4, warningsContaining(t, "states no link_speed; NCCL reads what is missing from sysfs"));
        // eth0 has no PCI function; the model keeps it only as a warning.
        List<String> nic = t.warnings().stream().filter(w -> w.contains("eth0")).toList();
        assertEquals(1, nic.size(), t.warnings().toString());
        assertTrue(nic.get(0).startsWith("line 8:column "), nic.get(0));
        assertTrue(nic.get(0).contains("NIC eth0 (network, 100000 Mb/s) sits directly under NUMA node 0"),
                nic.get(0));
        assertEquals(9, t.warnings().size(), t.warnings().toString());
    }

    @Test
    void nicKindsComeFromTheClass() throws Exception {
        PciTopology ndv5 = open("azure-ndv5-topo.xml");
        assertSame(DeviceKind.INFINIBAND, fn(ndv5, "0101:00:00.0").kind());
        assertSame(DeviceKind.GPU, fn(ndv5, "0001:00:00.0").kind());
        assertSame(DeviceKind.BRIDGE, fn(ndv5, "ffff:ff:01.0").kind());
    }
}
