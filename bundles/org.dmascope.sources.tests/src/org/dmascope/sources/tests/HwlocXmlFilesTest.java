package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.CpuVendor;
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.NumaNode;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.hwloc.HwlocXmlImporter;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * hwloc's own XML test files (hwloc-xml/*.xml, format 3.0): every PCIDev and PCI Bridge object
 * becomes a function with its IDs and the parent its nesting gives; CPUs, NUMA nodes, OS
 * devices, link bandwidths and NVLinks as the files state them.
 */
class HwlocXmlFilesTest {

    private static final Pattern OBJECT = Pattern.compile(
            "<object type=\"(PCIDev|Bridge)\"[^>]*?pci_busid=\"([^\"]+)\"");

    @ParameterizedTest
    @ValueSource(strings = {"16intel64-manyVFs", "24em64t-2n6c2t-pci", "32em64t-2n8c2t-pci-normalio",
        "32em64t-2n8c2t-pci-wholeio", "96em64t-4n4d3ca2co-pci", "nvidiaDGX2"})
    void everyPciObjectBecomesAFunction(String name) throws Exception {
        Path file = TestData.path("hwloc-xml/" + name + ".xml");
        PciTopology topology = read(file);

        // Counted straight from the text: PCIDev and PCI Bridge objects, by type, and bus IDs given twice.
        Map<String, List<String>> busIds = new TreeMap<>();
        Matcher m = OBJECT.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (m.find()) {
            busIds.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2));
        }
        List<String> all = new ArrayList<>(busIds.getOrDefault("PCIDev", List.of()));
        all.addAll(busIds.getOrDefault("Bridge", List.of()));
        Set<String> seen = new HashSet<>();
        Set<String> twice = all.stream().filter(id -> !seen.add(id)).collect(Collectors.toSet());
        assertFalse(all.isEmpty());

        assertEquals(new TreeSet<>(busIds.getOrDefault("Bridge", List.of())),
                addresses(topology.functions().stream().filter(PciFunction::isBridge).toList()), name + " bridges");
        assertEquals(new TreeSet<>(all).size(), topology.size(), name + " one function per bus ID");
        assertEquals(all.size() - twice.size(), topology.size(), name + " PCI objects less repeated bus IDs");
        for (String id : twice) {
            // hwloc's test file names 0000:04:00.0 twice; the first is kept and the second reported.
            assertTrue(topology.warnings().stream().anyMatch(w -> w.contains(id) && w.contains("listed again")),
                    topology.warnings().toString());
        }
        if (twice.isEmpty()) {
            assertTrue(topology.warnings().isEmpty(), topology.warnings().toString());
        }

        // IDs and parents as the test-side reader finds them (it keeps the last of a repeated ID).
        for (HwlocPci.Obj o : HwlocPci.read(file).values()) {
            if (twice.contains(o.busId())) {
                continue;
            }
            PciFunction f = topology.function(PciAddress.parse(o.busId())).orElseThrow();
            String where = name + " " + o.busId();
            assertEquals(o.vendor(), f.vendorId(), where);
            assertEquals(o.device(), f.deviceId(), where);
            assertEquals(o.subVendor(), f.subsystemVendorId(), where);
            assertEquals(o.subDevice(), f.subsystemDeviceId(), where);
            assertEquals(o.classCode() << 8 | o.progIf(), f.classCode(), where);
            assertEquals(o.revision(), f.revision(), where);
            assertEquals(o.parent(), f.parent() == null ? null : f.parent().toString(), where + " parent");
            assertEquals(o.secondary(), f.secondaryBus(), where);
            assertEquals(o.subordinate(), f.subordinateBus(), where);
            if (o.linkGBps() > 0) {
                assertNotNull(f.link(), where);
                assertEquals(o.linkGBps(), f.link().bandwidthGBps(), 1e-9, where);
            } else {
                assertEquals(null, f.link(), where);
            }
        }
    }

    @Test
    void normalIoIsASubsetOfWholeIo() throws Exception {
        PciTopology whole = read(TestData.path("hwloc-xml/32em64t-2n8c2t-pci-wholeio.xml"));
        PciTopology normal = read(TestData.path("hwloc-xml/32em64t-2n8c2t-pci-normalio.xml"));
        Set<PciAddress> extra = new TreeSet<>(addresses(whole.functions()).stream().map(PciAddress::parse).toList());
        for (PciFunction f : normal.functions()) {
            assertEquals(whole.function(f.address()).orElseThrow(), f, f.address().toString());
            extra.remove(f.address());
        }
        // The Intel DMA controller hwloc's default filter drops (class 1180, "signal processing").
        assertEquals(Set.of(PciAddress.parse("0000:84:00.2")), extra);
        assertEquals(whole.hostBridges(), normal.hostBridges());
    }

    @Test
    void dgx2HasSixteenV100sBehindPlxSwitchesAndNvSwitches() throws Exception {
        PciTopology dgx = read(TestData.path("hwloc-xml/nvidiaDGX2.xml"));
        List<PciFunction> gpus = dgx.functions().stream().filter(f -> f.idPair().equals("10de:1db8")).toList();
        assertEquals(16, gpus.size());
        for (PciFunction gpu : gpus) {
            assertEquals("0302", gpu.classHex());
            List<PciFunction> up = dgx.upstreamBridges(gpu);
            assertTrue(up.stream().anyMatch(b -> b.vendorId() == 0x10b5), gpu.address() + " behind a PLX switch");
            assertEquals(0x8086, up.get(up.size() - 1).vendorId(), gpu.address() + " below an Intel root port");
            assertEquals(FunctionRole.ROOT_PORT, up.get(up.size() - 1).role());
            assertEquals(1, gpu.osDevices().size());
            assertEquals(OsDevice.Kind.GPU, gpu.osDevices().get(0).kind());
            assertTrue(gpu.osDevices().get(0).name().startsWith("nvml"));
            assertEquals(15.753846, gpu.link().bandwidthGBps(), 1e-9);
        }
        // NVSwitches are PCI functions of class 0680; one of the twelve has all-zero IDs in the file.
        List<PciFunction> nvSwitches = dgx.functions().stream().filter(f -> f.idPair().equals("10de:1ac2")).toList();
        assertEquals(11, nvSwitches.size());
        assertTrue(nvSwitches.stream().allMatch(f -> f.classHex().equals("0680")));
        assertEquals(0, dgx.function(PciAddress.parse("0000:66:00.0")).orElseThrow().vendorId());

        assertEquals(new CpuInfo(CpuVendor.INTEL, 6, 85, "x86_64"), dgx.cpu());
        assertEquals(List.of(new NumaNode(0, "0x00000003", 0), new NumaNode(1, "0x03000000", 1)), dgx.numaNodes());
        assertEquals(List.of(0, 0, 1, 1), dgx.hostBridges().stream().map(HostBridge::numaNode).toList());
    }

    @Test
    void dgx2NvLinksGoFromEachGpuToSixNvSwitches() throws Exception {
        PciTopology dgx = read(TestData.path("hwloc-xml/nvidiaDGX2.xml"));
        List<NvLink> links = dgx.nvLinks();
        // 16 GPUs x 6 NVSwitch ports, 25000 MB/s each (one NVLink 2 link); no direct GPU-GPU links.
        assertEquals(96, links.size());
        Set<PciAddress> switchesReached = new TreeSet<>();
        for (NvLink l : links) {
            assertEquals(0x1db8, dgx.function(l.from()).orElseThrow().deviceId());
            assertEquals(NvLink.Target.NVSWITCH, l.target());
            assertEquals(25.0, l.bandwidthGBps(), 1e-9);
            PciFunction nvSwitch = dgx.function(l.to()).orElseThrow();
            assertTrue(nvSwitch.idPair().equals("10de:1ac2")
                    || nvSwitch.address().equals(PciAddress.parse("0000:66:00.0")), l.toString());
            switchesReached.add(l.to());
        }
        assertEquals(12, switchesReached.size());
        // nvml0 (GPU 0000:34:00.0) row of the matrix: PCIDev gp 449, 703, 576, 317, 637, 381.
        assertEquals(Set.of(PciAddress.parse("0000:65:00.0"), PciAddress.parse("0000:61:00.0"),
                PciAddress.parse("0000:63:00.0"), PciAddress.parse("0000:67:00.0"), PciAddress.parse("0000:62:00.0"),
                PciAddress.parse("0000:66:00.0")),
                links.stream().filter(l -> l.from().equals(PciAddress.parse("0000:34:00.0"))).map(NvLink::to)
                        .collect(Collectors.toSet()));
        Map<PciAddress, Double> perGpu = new TreeMap<>();
        links.forEach(l -> perGpu.merge(l.from(), l.bandwidthGBps(), Double::sum));
        assertEquals(16, perGpu.size());
        perGpu.values().forEach(total -> assertEquals(150.0, total, 1e-9, "6 x 25 GB/s per V100"));
    }

    @Test
    void cpusNumaNodesAndHostBridgesOfTwoSocketMachine() throws Exception {
        PciTopology t = read(TestData.path("hwloc-xml/24em64t-2n6c2t-pci.xml"));
        // No CPUVendor info in this file; the architecture is stated.
        assertEquals(new CpuInfo(CpuVendor.UNKNOWN, -1, -1, "x86_64"), t.cpu());
        assertEquals(List.of(new NumaNode(0, "0x00555555", 0), new NumaNode(1, "0x00aaaaaa", 1)), t.numaNodes());
        assertEquals(List.of(new HostBridge(new PciBus(0, 0x00), 0), new HostBridge(new PciBus(0, 0x10), 1)),
                t.hostBridges());
        PciFunction nic = t.function(PciAddress.parse("0000:04:00.0")).orElseThrow();
        assertEquals(0, nic.numaNode());
        assertEquals("0,2,4,6,8,10,12,14,16,18,20,22", nic.localCpus());
        assertEquals(PciAddress.parse("0000:00:01.0"), nic.parent());
        assertEquals(0.2, nic.link().bandwidthGBps(), 1e-9);
        PciFunction gpu = t.function(PciAddress.parse("0000:14:00.0")).orElseThrow();
        assertEquals(1, gpu.numaNode());
        assertEquals(new PciBus(0, 0x10), gpu.rootBus());
        assertEquals(4.0, gpu.link().bandwidthGBps(), 1e-9);
        // Functions on the root bus hang off the host bridge.
        assertEquals(null, t.function(PciAddress.parse("0000:00:1f.2")).orElseThrow().parent());
    }

    @Test
    void numaNodesOfAMachineAssembledFromFourBoards() throws Exception {
        PciTopology t = read(TestData.path("hwloc-xml/96em64t-4n4d3ca2co-pci.xml"));
        // Each NUMA node holds four packages: no single socket.
        assertEquals(List.of(new NumaNode(0, "0x00ffffff", -1), new NumaNode(1, "0x0000ffff,0xff000000", -1),
                new NumaNode(2, "0x000000ff,0xffff0000,0x0", -1), new NumaNode(3, "0xffffff00,,0x0", -1)),
                t.numaNodes());
        assertEquals(List.of(0, 0, 1, 2, 3), t.hostBridges().stream().map(HostBridge::numaNode).toList());
        assertEquals("72-95", t.function(PciAddress.parse("0000:94:00.0")).orElseThrow().localCpus());
    }

    @Test
    void osDevicesByKind() throws Exception {
        PciTopology t = read(TestData.path("hwloc-xml/24em64t-2n6c2t-pci.xml"));
        assertEquals(List.of(OsDevice.named("eth2", OsDevice.Kind.NETWORK),
                OsDevice.named("ib0", OsDevice.Kind.NETWORK), OsDevice.named("mlx4_0", OsDevice.Kind.OPENFABRICS)),
                t.function(PciAddress.parse("0000:05:00.0")).orElseThrow().osDevices());
        assertEquals(List.of(OsDevice.named("sda", OsDevice.Kind.BLOCK)),
                t.function(PciAddress.parse("0000:00:1f.2")).orElseThrow().osDevices());

        PciTopology whole = read(TestData.path("hwloc-xml/32em64t-2n8c2t-pci-wholeio.xml"));
        // hwloc 3.0 marks CUDA devices GPU and co-processor at once (osdev_type 12).
        assertEquals(List.of(OsDevice.named("cuda0", OsDevice.Kind.GPU), OsDevice.named("card0", OsDevice.Kind.GPU)),
                whole.function(PciAddress.parse("0000:84:00.0")).orElseThrow().osDevices());
        assertEquals(List.of(OsDevice.named("dma2chan0", OsDevice.Kind.DMA), OsDevice.named("dma2chan1",
                OsDevice.Kind.DMA)), whole.function(PciAddress.parse("0000:84:00.2")).orElseThrow().osDevices());

        PciTopology vfs = read(TestData.path("hwloc-xml/16intel64-manyVFs.xml"));
        assertEquals(List.of(new OsDevice("eth4", OsDevice.Kind.NETWORK, -1, 1, null),
                new OsDevice("usnic_0", OsDevice.Kind.OPENFABRICS, -1, -1, "0200:00ff:fe00:0000")),
                vfs.function(PciAddress.parse("0000:0b:00.0")).orElseThrow().osDevices());
    }

    @Test
    void osDevicesOfHwloc2Numbers() throws Exception {
        PciTopology t = read(TestData.path("sysfs/expected-hwloc2/32em64t-2n8c+dax+nvme+mic+dimms.xml"));
        assertEquals(List.of(new OsDevice("ib0", OsDevice.Kind.NETWORK, -1, 1, null),
                new OsDevice("mlx4_0", OsDevice.Kind.OPENFABRICS, -1, -1, "0002:c903:00f9:bfa0")),
                t.function(PciAddress.parse("0000:82:00.0")).orElseThrow().osDevices());
        assertEquals(List.of(OsDevice.named("nvme0n1", OsDevice.Kind.BLOCK)),
                t.function(PciAddress.parse("0000:00:02.0")).orElseThrow().osDevices());
        assertEquals(List.of(OsDevice.named("dma0chan0", OsDevice.Kind.DMA)),
                t.function(PciAddress.parse("0000:00:04.0")).orElseThrow().osDevices());
        // The DAX and pmem devices hang off packages, not PCI functions.
        assertTrue(t.functions().stream().flatMap(f -> f.osDevices().stream())
                .noneMatch(d -> d.name().startsWith("dax") || d.name().startsWith("pmem")));
    }

    private static PciTopology read(Path file) throws Exception {
        return new HwlocXmlImporter().read(file, file.getFileName().toString(), new NullProgressMonitor());
    }

    private static Set<String> addresses(List<PciFunction> functions) {
        return functions.stream().map(f -> f.address().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
}
