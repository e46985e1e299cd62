package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * {@code dmascope topo} and {@code topo --json} on one input of each format the importers read
 * (sysfs tree in every container, lspci hex dump, lspci -vvv text, hwloc XML 2.0 and 3.0, NCCL
 * topology XML), checked against what the other tools wrote or printed for the same machine.
 */
class TopoFormatsTest {

    private static final String SNAPSHOT = "40intel64-2g2n4c+pcilocality";

    /** Every key a device has in {@code topo --json}: those of the contract, then the added ones. */
    private static final Set<String> DEVICE_KEYS = Set.of("bdf", "vendor", "device", "class", "name", "parent",
            "secondaryBus", "subordinateBus", "linkSpeed", "linkWidth", "numaNode", "iommuGroup", "bars",
            "subsystemVendor", "subsystemDevice", "revision", "vendorName", "deviceName", "className", "kind", "role",
            "roleInferred", "portType", "hostBridge", "maxLinkSpeed", "maxLinkWidth", "driver", "acs", "localCpus",
            "osDevices", "gpu", "placeholder");

    private static final Set<String> TOP_KEYS = Set.of("source", "hierarchy", "cpu", "numaNodes", "hostBridges",
            "devices", "nvLinks", "warnings");

    // --- sysfs -----------------------------------------------------------------------------

    @Test
    void everySysfsContainerPrintsTheTreeLspciPrinted(@TempDir Path temp) throws IOException {
        Path bz2 = TestData.path("sysfs/" + SNAPSHOT + ".tar.bz2");
        byte[] tar = unbzip2(bz2);
        Path plain = Files.write(temp.resolve("snapshot.tar"), tar);
        Path gz = temp.resolve("snapshot.tar.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(tar);
        }
        Path unpacked = temp.resolve("unpacked");
        extract(tar, unpacked);
        Path root;
        try (var list = Files.list(unpacked)) {
            root = list.findFirst().orElseThrow();
        }
        String expected = Files.readString(TestData.path("sysfs/expected-lspci/" + SNAPSHOT + ".tv.txt"));
        boolean names = CliRun.oraclePciIds();
        // .tar.bz2, .tar, .tar.gz, an unpacked root holding sys/, and that sys/ itself.
        for (Path source : List.of(bz2, plain, gz, root, root.resolve("sys"))) {
            CliRun r = CliRun.of("topo", source.toString());
            assertEquals(0, r.status(), source + ": " + r.err());
            assertEquals(CliRun.withoutNames(expected), CliRun.withoutNames(r.out()), source.toString());
            if (names) {
                assertEquals(expected, r.out(), source.toString());
            }
        }
    }

    @Test
    void sysfsJsonHasEveryKeyAndTheMachineTheSnapshotDescribes() throws IOException {
        Path bz2 = TestData.path("sysfs/" + SNAPSHOT + ".tar.bz2");
        Map<String, String> files = new HashMap<>();
        Set<String> pciDevices = new TreeSet<>();
        Map<Integer, String> nodeCpus = new TreeMap<>();
        Pattern node = Pattern.compile(".*/sys/devices/system/node/node(\\d+)/cpulist");
        try (TarArchiveInputStream in = new TarArchiveInputStream(new java.io.ByteArrayInputStream(unbzip2(bz2)))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String n = e.getName();
                if (n.matches("[^/]+/sys/bus/pci/devices/[^/]+")) {
                    pciDevices.add(n.substring(n.lastIndexOf('/') + 1));
                } else if (e.isFile()) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    files.put(n.substring(n.indexOf('/') + 1), text);
                    Matcher m = node.matcher(n);
                    if (m.matches()) {
                        nodeCpus.put(Integer.valueOf(m.group(1)), text.trim());
                    }
                }
            }
        }
        CliRun r = CliRun.of("topo", "--json", bz2.toString());
        assertEquals(0, r.status(), r.err());
        JsonObject doc = r.json();
        assertEquals(TOP_KEYS, doc.keySet());
        assertEquals("ports", doc.get("hierarchy").getAsString());

        // The CPU as the snapshot's own proc/cpuinfo states it (first processor).
        String cpuinfo = files.get("proc/cpuinfo");
        JsonObject cpu = doc.getAsJsonObject("cpu");
        assertEquals("intel", cpu.get("vendor").getAsString());
        assertTrue(cpuinfo.contains("vendor_id\t: GenuineIntel"), cpuinfo);
        assertEquals(cpuinfoNumber(cpuinfo, "cpu family"), cpu.get("family").getAsInt());
        assertEquals(cpuinfoNumber(cpuinfo, "model"), cpu.get("model").getAsInt());
        assertTrue(cpu.get("arch").isJsonNull(), "a snapshot does not say its architecture");

        Map<Integer, String> jsonNodes = new TreeMap<>();
        for (JsonElement e : doc.getAsJsonArray("numaNodes")) {
            jsonNodes.put(e.getAsJsonObject().get("id").getAsInt(), e.getAsJsonObject().get("cpus").getAsString());
        }
        assertFalse(nodeCpus.isEmpty());
        assertEquals(nodeCpus, jsonNodes);

        Map<String, JsonObject> devices = CliRun.devices(doc);
        assertEquals(pciDevices, devices.keySet());
        for (JsonObject d : devices.values()) {
            assertEquals(DEVICE_KEYS, d.keySet(), d.get("bdf").getAsString());
            assertFalse(d.get("placeholder").getAsBoolean());
            assertTrue(d.get("gpu").isJsonNull());
        }
        assertEquals(0, doc.getAsJsonArray("nvLinks").size());
    }

    // --- lspci hex dump ----------------------------------------------------------------------

    @Test
    void lspciDumpPrintsLspcisTreeAndItsIds() throws IOException {
        String name = "tree-asus-p6t6";
        Path dump = TestData.path("lspci-dumps/" + name);
        String expected = Files.readString(TestData.path("lspci-dumps/expected/" + name + ".tv.txt"));
        CliRun r = CliRun.of("topo", dump.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(CliRun.withoutNames(expected), CliRun.withoutNames(r.out()));
        if (CliRun.oraclePciIds()) {
            assertEquals(expected, r.out());
        }
        CliRun json = CliRun.of("topo", "--json", dump.toString());
        assertEquals(0, json.status(), json.err());
        assertIdsAreLspcis(name, CliRun.devices(json.json()));
        assertEquals("unknown", json.json().getAsJsonObject("cpu").get("vendor").getAsString());
        assertEquals("unknown CPU", json.json().getAsJsonObject("cpu").get("description").getAsString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cap-aer-root", "cap-exp-dev2", "cap-exp-lnkcap2", "cap-ide", "cap-pcie-1"})
    void acsFromTheHexIsWhatLspciPrintedForTheSameBytes(String name) throws IOException {
        Path dump = TestData.path("lspci-dumps/" + name);
        CliRun r = CliRun.of("topo", "--json", dump.toString());
        assertEquals(0, r.status(), r.err());
        assertAcsIsLspcis(dump, CliRun.devices(r.json()));
    }

    @Test
    void acsRedirectIsSeen() {
        CliRun r = CliRun.of("topo", "--json", TestData.path("lspci-dumps/cap-aer-root").toString());
        JsonObject acs = CliRun.devices(r.json()).get("0000:00:02.0").getAsJsonObject("acs");
        assertTrue(acs.get("redirectsPeerToPeer").getAsBoolean());
        assertEquals("[\"SrcValid\",\"TransBlk\",\"ReqRedir\",\"CmpltRedir\",\"UpstreamFwd\"]",
                acs.get("enabled").toString());
        assertEquals("0x001f", acs.get("control").getAsString());
        assertTrue(CliRun.devices(r.json()).get("0000:03:00.0").get("acs").isJsonNull(), "the NIC has no ACS");
    }

    // --- lspci -vvv -nn text -----------------------------------------------------------------

    @Test
    void lspciTextPrintsLspcisTreeIdsAndAcs() throws IOException {
        for (String name : List.of("tree-fujitsu-p8010", "tree-asus-p6t6")) {
            Path text = TestData.path("lspci-dumps/expected/" + name + ".vvv.txt");
            String expected = Files.readString(TestData.path("lspci-dumps/expected/" + name + ".tv.txt"));
            CliRun r = CliRun.of("topo", text.toString());
            assertEquals(0, r.status(), r.err());
            assertEquals(CliRun.withoutNames(expected), CliRun.withoutNames(r.out()), name);
            if (CliRun.oraclePciIds()) {
                assertEquals(expected, r.out(), name);
            }
            CliRun json = CliRun.of("topo", "--json", text.toString());
            assertEquals(0, json.status(), json.err());
            Map<String, JsonObject> devices = CliRun.devices(json.json());
            assertIdsAreLspcis(name, devices);
            if (name.equals("tree-asus-p6t6")) {
                // The X58 I/O hub's ports state ACS; the Fujitsu laptop's functions have none.
                assertAcsIsLspcis(text, devices);
            } else {
                devices.values().forEach(d -> assertTrue(d.get("acs").isJsonNull(), d.toString()));
            }
        }
    }

    // --- hwloc XML ---------------------------------------------------------------------------

    @Test
    void hwloc2TreeIsTheSnapshotsAndOsDevicesAreHwlocs() throws Exception {
        Path xml = TestData.path("sysfs/expected-hwloc2/" + SNAPSHOT + ".xml");
        assertTrue(Files.readString(xml).contains("<topology version=\"2.0\">"));
        String expected = Files.readString(TestData.path("sysfs/expected-lspci/" + SNAPSHOT + ".tv.txt"));
        CliRun r = CliRun.of("topo", xml.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(CliRun.withoutNames(expected), CliRun.withoutNames(r.out()));

        CliRun json = CliRun.of("topo", "--json", xml.toString());
        assertEquals(0, json.status(), json.err());
        JsonObject doc = json.json();
        Map<String, List<String[]>> osDevices = hwlocOsDevices(xml);
        assertEquals(osDevices.keySet(), devicesWithOsDevices(doc).keySet());
        assertEquals(Set.of("sr0", "sda", "eth0", "eth1", "eth2", "eth3", "ib0", "qib0"),
                osDevices.values().stream().flatMap(List::stream).map(o -> o[0]).collect(Collectors.toSet()));
        // hwloc 2.x numbers its osdev types: 0 block, 1 GPU, 2 network, 3 OpenFabrics, 4 DMA, 5 co-processor.
        String[] kinds = {"block", "gpu", "network", "openfabrics", "dma", "coprocessor"};
        Map<String, JsonObject> devices = CliRun.devices(doc);
        for (Map.Entry<String, List<String[]>> e : osDevices.entrySet()) {
            JsonArray got = devices.get(e.getKey()).getAsJsonArray("osDevices");
            assertEquals(e.getValue().size(), got.size(), e.getKey());
            for (int i = 0; i < got.size(); i++) {
                JsonObject o = got.get(i).getAsJsonObject();
                assertEquals(e.getValue().get(i)[0], o.get("name").getAsString(), e.getKey());
                assertEquals(kinds[Integer.parseInt(e.getValue().get(i)[1])], o.get("kind").getAsString(),
                        e.getKey() + " " + o);
            }
        }
        assertEquals(hwlocNumaNodes(xml), doc.getAsJsonArray("numaNodes").asList().stream()
                .map(n -> n.getAsJsonObject().get("id").getAsInt()).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void hwloc3NvLinksOsDevicesAndCpuOfADgx2() throws Exception {
        Path xml = TestData.path("hwloc-xml/nvidiaDGX2.xml");
        assertTrue(Files.readString(xml).contains("<topology version=\"3.0\">"));
        // lspci's tree names each function once by its slot; in -n form nothing else has a dot.
        CliRun text = CliRun.of("topo", "-n", xml.toString());
        assertEquals(0, text.status(), text.err());
        assertEquals(84, Pattern.compile("[0-9a-f]{2}\\.[0-7]").matcher(text.out()).results().count(), text.out());
        CliRun r = CliRun.of("topo", "--json", xml.toString());
        assertEquals(0, r.status(), r.err());
        JsonObject doc = r.json();
        JsonObject cpu = doc.getAsJsonObject("cpu");
        assertEquals("intel", cpu.get("vendor").getAsString());
        assertEquals(6, cpu.get("family").getAsInt());
        assertEquals(85, cpu.get("model").getAsInt());
        assertEquals("x86_64", cpu.get("arch").getAsString());

        Map<String, JsonObject> devices = CliRun.devices(doc);
        assertEquals(hwlocBusIds(xml, false), devices.keySet());
        Set<String> nvSwitches = hwlocBusIds(xml, true);
        assertEquals(12, nvSwitches.size());
        // 16 V100s, each with NVLinks to the 6 NVSwitches of its baseboard, 25 GB/s each as hwloc states.
        Map<String, Integer> linksPerGpu = new TreeMap<>();
        for (JsonElement e : doc.getAsJsonArray("nvLinks")) {
            JsonObject link = e.getAsJsonObject();
            JsonObject from = devices.get(link.get("from").getAsString());
            assertEquals("gpu", from.get("kind").getAsString(), link.toString());
            // One NVSwitch's IDs hwloc could not read (0000 [0000:0000]); its subtype still says what it is.
            assertTrue(nvSwitches.contains(link.get("to").getAsString()), link.toString());
            assertEquals("nvswitch", link.get("target").getAsString());
            assertTrue(link.get("count").isJsonNull(), "hwloc states bandwidth, not how many links");
            assertEquals(25.0, link.get("bandwidthGBps").getAsDouble(), 1e-9);
            linksPerGpu.merge(link.get("from").getAsString(), 1, Integer::sum);
        }
        assertEquals(16, linksPerGpu.size(), linksPerGpu.toString());
        linksPerGpu.values().forEach(n -> assertEquals(6, n.intValue(), linksPerGpu.toString()));

        Map<String, List<String[]>> osDevices = hwlocOsDevices(xml);
        assertEquals(16, osDevices.size());
        for (Map.Entry<String, List<String[]>> e : osDevices.entrySet()) {
            JsonArray got = devices.get(e.getKey()).getAsJsonArray("osDevices");
            assertEquals(List.of(e.getValue().get(0)[0]), got.asList().stream()
                    .map(o -> o.getAsJsonObject().get("name").getAsString()).toList());
            // hwloc 3.0 writes bits: 12 is GPU (4) and co-processor (8); the GPU is the more specific.
            assertEquals("12", e.getValue().get(0)[1]);
            assertEquals("gpu", got.get(0).getAsJsonObject().get("kind").getAsString());
            assertTrue(e.getValue().get(0)[0].startsWith("nvml"));
        }
    }

    // --- NCCL topology XML -------------------------------------------------------------------

    @Test
    void ncclGpusNvLinksAndNumaNodesOfAzureNcA100v4() throws IOException {
        Path xml = TestData.path("nccl-topo/azure-ncv4-topo.xml");
        CliRun r = CliRun.of("topo", "--json", xml.toString());
        assertEquals(0, r.status(), r.err());
        JsonObject doc = r.json();
        assertEquals("switches", doc.get("hierarchy").getAsString());
        // familyid="175" is CPUID leaf 1's family field 0xf with extended family 0xa: family 0x19 (Zen 3).
        JsonObject cpu = doc.getAsJsonObject("cpu");
        assertEquals("amd", cpu.get("vendor").getAsString());
        assertEquals(0x19, cpu.get("family").getAsInt());
        assertEquals(1, cpu.get("model").getAsInt());

        List<String> affinities = new ArrayList<>();
        Matcher m = Pattern.compile("affinity=\"([^\"]+)\"").matcher(Files.readString(xml));
        while (m.find()) {
            affinities.add(m.group(1));
        }
        JsonArray nodes = doc.getAsJsonArray("numaNodes");
        assertEquals(4, nodes.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(i, nodes.get(i).getAsJsonObject().get("id").getAsInt());
            assertEquals(affinities.get(i), nodes.get(i).getAsJsonObject().get("cpus").getAsString());
        }

        Map<String, JsonObject> devices = CliRun.devices(doc);
        assertEquals(List.of("0001:00:00.0", "0002:00:00.0", "0003:00:00.0", "0004:00:00.0"),
                List.copyOf(devices.keySet()));
        int i = 0;
        for (JsonObject d : devices.values()) {
            assertEquals("gpu", d.get("kind").getAsString());
            assertEquals(i, d.get("numaNode").getAsInt());
            assertEquals((24 * i) + "-" + (24 * i + 23), d.get("localCpus").getAsString());
            JsonObject gpu = d.getAsJsonObject("gpu");
            assertEquals(i, gpu.get("index").getAsInt());
            assertEquals(i, gpu.get("rank").getAsInt());
            assertEquals(80, gpu.get("sm").getAsInt());
            assertTrue(gpu.get("gdr").getAsBoolean());
            assertFalse(d.get("placeholder").getAsBoolean());
            i++;
        }
        // Each <gpu> states one <nvlink count="12"> whose target is the GPU itself.
        JsonArray links = doc.getAsJsonArray("nvLinks");
        assertEquals(4, links.size());
        for (JsonElement e : links) {
            JsonObject link = e.getAsJsonObject();
            assertEquals(link.get("from").getAsString(), link.get("to").getAsString());
            assertEquals("gpu", link.get("target").getAsString());
            assertEquals(12, link.get("count").getAsInt());
            assertTrue(link.get("bandwidthGBps").isJsonNull());
        }
        assertTrue(doc.getAsJsonArray("warnings").asList().stream()
                .anyMatch(w -> w.getAsString().contains("NIC eth0") && w.getAsString().contains("virtual NIC")),
                doc.getAsJsonArray("warnings").toString());

        CliRun text = CliRun.of("topo", "-n", xml.toString());
        assertEquals(0, text.status(), text.err());
        List<String> lines = text.out().lines().toList();
        assertEquals("NUMA node 0 (CPUs 0-23)", lines.get(0));
        assertEquals("\\-0001:00:00.0  10de:20b5  [GPU 0, rank 0, sm 80, GPUDirect RDMA]", lines.get(1));
        assertEquals("NVLinks", lines.get(8));
        assertEquals("  0004:00:00.0 -> 0004:00:00.0 gpu, 12 links", lines.get(12));
    }

    @Test
    void ncclPlaceholderSwitchesHoldTheirDevices() {
        Path xml = TestData.path("nccl-topo/aws-p4d-24xl-topo.xml");
        CliRun r = CliRun.of("topo", "-n", xml.toString());
        assertEquals(0, r.status(), r.err());
        StringBuilder expected = new StringBuilder();
        String[] cpus = {"0-23,48-71", "24-47,72-95"};
        String[] buses = {"10", "20", "90", "a0"};
        for (int s = 0; s < 4; s++) {
            if (s % 2 == 0) {
                expected.append("NUMA node ").append(s / 2).append(" (CPUs ").append(cpus[s / 2]).append(")\n");
            }
            String first = s % 2 == 0 ? "+-" : "\\-";
            String under = s % 2 == 0 ? "| " : "  ";
            expected.append(first).append("ffff:ff:0").append(s + 1).append(".0  switch (placeholder, not a real device)\n");
            expected.append(under).append("+-0000:").append(buses[s]).append(":1b.0  1d0f:efa0\n");
            expected.append(under).append("+-0000:").append(buses[s]).append(":1c.0  10de:20b0\n");
            expected.append(under).append("\\-0000:").append(buses[s]).append(":1d.0  10de:20b0\n");
        }
        assertEquals(expected.toString(), r.out());

        JsonObject doc = CliRun.of("topo", "--json", xml.toString()).json();
        Map<String, JsonObject> devices = CliRun.devices(doc);
        assertEquals(16, devices.size());
        for (JsonObject d : devices.values()) {
            String bdf = d.get("bdf").getAsString();
            assertEquals(bdf.startsWith("ffff:ff:"), d.get("placeholder").getAsBoolean(), bdf);
        }
        assertEquals("ffff:ff:01.0", devices.get("0000:10:1c.0").get("parent").getAsString());
        assertEquals("switch_upstream_port", devices.get("ffff:ff:01.0").get("role").getAsString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws-g5.48xl-topo.xml", "aws-p4d-24xl-topo.xml", "aws-p4de-24xl-topo.xml",
        "aws-p5.48xl-topo.xml", "azure-ncv4-topo.xml", "azure-ndv2-topo.xml", "azure-ndv4-topo.xml",
        "azure-ndv5-topo.xml"})
    void everyNcclFileGivesItsFunctionsUnderTheirSwitches(String file) throws Exception {
        Path xml = TestData.path("nccl-topo/" + file);
        Map<String, String> parents = ncclParents(xml);
        CliRun r = CliRun.of("topo", "--json", xml.toString());
        assertEquals(0, r.status(), r.err());
        Map<String, JsonObject> devices = CliRun.devices(r.json());
        assertEquals(new TreeSet<>(parents.keySet()), new TreeSet<>(devices.keySet()));
        for (Map.Entry<String, String> e : parents.entrySet()) {
            JsonElement parent = devices.get(e.getKey()).get("parent");
            assertEquals(e.getValue(), parent.isJsonNull() ? null : parent.getAsString(), e.getKey());
        }
        CliRun text = CliRun.of("topo", xml.toString());
        assertEquals(0, text.status(), text.err());
        for (String bdf : parents.keySet()) {
            assertTrue(text.out().contains("-" + bdf + "  "), bdf + " in\n" + text.out());
        }
    }

    // --- helpers -----------------------------------------------------------------------------

    private static byte[] unbzip2(Path file) throws IOException {
        try (InputStream in = new BZip2CompressorInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    // Unpacks a sysfs snapshot, symbolic links included (sysfs is mostly links).
    private static void extract(byte[] tar, Path into) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(new java.io.ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = into.resolve(e.getName()).normalize();
                assertTrue(target.startsWith(into), e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else if (e.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.write(target, in.readAllBytes());
                }
            }
        }
    }

    private static int cpuinfoNumber(String cpuinfo, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*: (\\d+)$").matcher(cpuinfo);
        assertTrue(m.find(), key);
        return Integer.parseInt(m.group(1));
    }

    // Each function of lspci -n: "00:1c.0 0604: 8086:3a40 (rev 02)".
    private static void assertIdsAreLspcis(String name, Map<String, JsonObject> devices) throws IOException {
        Pattern line = Pattern.compile("^(?:([0-9a-f]{4}):)?(\\S+) ([0-9a-f]{4}): ([0-9a-f]{4}):([0-9a-f]{4})"
                + "(?: \\(rev ([0-9a-f]{2})\\))?$");
        List<String> expected = Files.readAllLines(TestData.path("lspci-dumps/expected/" + name + ".n.txt"));
        assertEquals(expected.size(), devices.size(), name);
        for (String l : expected) {
            Matcher m = line.matcher(l);
            assertTrue(m.matches(), l);
            String bdf = (m.group(1) == null ? "0000" : m.group(1)) + ":" + m.group(2);
            JsonObject d = devices.get(bdf);
            assertNotNull(d, name + " " + bdf);
            assertEquals("0x" + m.group(3), d.get("class").getAsString().substring(0, 6), l);
            assertEquals("0x" + m.group(4), d.get("vendor").getAsString(), l);
            assertEquals("0x" + m.group(5), d.get("device").getAsString(), l);
            assertEquals("0x" + (m.group(6) == null ? "00" : m.group(6)), d.get("revision").getAsString(), l);
        }
    }

    // The ACSCap: and ACSCtl: lines lspci -vvv printed, by function.
    private static void assertAcsIsLspcis(Path lspciText, Map<String, JsonObject> devices) throws IOException {
        Pattern header = Pattern.compile("^(?:([0-9a-f]{4,5}):)?([0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) .*");
        Map<String, String[]> acs = new LinkedHashMap<>();
        String current = null;
        for (String l : Files.readAllLines(lspciText, StandardCharsets.ISO_8859_1)) {
            Matcher m = header.matcher(l);
            if (m.matches()) {
                current = (m.group(1) == null ? "0000" : m.group(1)) + ":" + m.group(2);
            } else if (current != null && l.startsWith("\t\tACSCap:\t")) {
                acs.computeIfAbsent(current, c -> new String[2])[0] = l.substring("\t\tACSCap:\t".length());
            } else if (current != null && l.startsWith("\t\tACSCtl:\t")) {
                acs.computeIfAbsent(current, c -> new String[2])[1] = l.substring("\t\tACSCtl:\t".length());
            }
        }
        assertFalse(acs.isEmpty(), lspciText + " has ACS lines");
        for (Map.Entry<String, String[]> e : acs.entrySet()) {
            JsonObject d = devices.get(e.getKey());
            assertNotNull(d, e.getKey());
            assertFalse(d.get("acs").isJsonNull(), lspciText + " " + e.getKey() + " has ACS");
            JsonObject a = d.getAsJsonObject("acs");
            assertEquals(e.getValue()[0], a.get("acsCap").getAsString(), lspciText + " " + e.getKey());
            assertEquals(e.getValue()[1], a.get("acsCtl").getAsString(), lspciText + " " + e.getKey());
            boolean redirect = e.getValue()[1].contains("ReqRedir+") || e.getValue()[1].contains("CmpltRedir+")
                    || e.getValue()[1].contains("EgressCtrl+");
            assertEquals(redirect, a.get("redirectsPeerToPeer").getAsBoolean(), e.getKey());
        }
        long withAcs = devices.values().stream().filter(d -> !d.get("acs").isJsonNull()).count();
        assertEquals(acs.size(), withAcs, lspciText + ": functions with ACS");
    }

    private static Map<String, JsonObject> devicesWithOsDevices(JsonObject doc) {
        Map<String, JsonObject> out = new TreeMap<>();
        CliRun.devices(doc).forEach((bdf, d) -> {
            if (d.getAsJsonArray("osDevices").size() > 0) {
                out.put(bdf, d);
            }
        });
        return out;
    }

    private static XMLStreamReader xml(InputStream in) throws XMLStreamException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        return f.createXMLStreamReader(in);
    }

    // hwloc's OSDev objects below PCI devices: bus ID -> [name, osdev_type] in file order.
    private static Map<String, List<String[]>> hwlocOsDevices(Path file) throws Exception {
        Map<String, List<String[]>> out = new TreeMap<>();
        Deque<String> pciAbove = new ArrayDeque<>();
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader x = xml(in);
            while (x.hasNext()) {
                int ev = x.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    String type = x.getLocalName().equals("object") ? x.getAttributeValue(null, "type") : null;
                    String busId = "PCIDev".equals(type) ? x.getAttributeValue(null, "pci_busid") : null;
                    if ("OSDev".equals(type) && !pciAbove.isEmpty() && !pciAbove.peek().isEmpty()) {
                        out.computeIfAbsent(pciAbove.peek().toLowerCase(Locale.ROOT), b -> new ArrayList<>())
                                .add(new String[] {x.getAttributeValue(null, "name"),
                                    x.getAttributeValue(null, "osdev_type")});
                    }
                    pciAbove.push(busId != null ? busId : pciAbove.isEmpty() || type == null ? "" : pciAbove.peek());
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    pciAbove.pop();
                }
            }
        }
        return out;
    }

    // The bus IDs of hwloc's PCI objects (bridges included), or only of those it marks as NVSwitches.
    private static Set<String> hwlocBusIds(Path file, boolean nvSwitchesOnly) throws Exception {
        Set<String> out = new TreeSet<>();
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader x = xml(in);
            while (x.hasNext()) {
                if (x.next() == XMLStreamConstants.START_ELEMENT && x.getLocalName().equals("object")
                        && x.getAttributeValue(null, "pci_busid") != null
                        && (!nvSwitchesOnly || "NVSwitch".equals(x.getAttributeValue(null, "subtype")))) {
                    out.add(x.getAttributeValue(null, "pci_busid").toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    private static Set<Integer> hwlocNumaNodes(Path file) throws Exception {
        Set<Integer> out = new TreeSet<>();
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader x = xml(in);
            while (x.hasNext()) {
                if (x.next() == XMLStreamConstants.START_ELEMENT && x.getLocalName().equals("object")
                        && "NUMANode".equals(x.getAttributeValue(null, "type"))) {
                    out.add(Integer.valueOf(x.getAttributeValue(null, "os_index")));
                }
            }
        }
        return out;
    }

    // Each <pci>'s bus ID and the bus ID of the <pci> it is nested in (null directly below a <cpu>).
    private static Map<String, String> ncclParents(Path file) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        Deque<String> above = new ArrayDeque<>();
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader x = xml(in);
            while (x.hasNext()) {
                int ev = x.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    String id = "";
                    if (x.getLocalName().equals("pci")) {
                        id = x.getAttributeValue(null, "busid").toLowerCase(Locale.ROOT);
                        out.putIfAbsent(id, above.stream().filter(s -> !s.isEmpty()).findFirst().orElse(null));
                    }
                    above.push(id);
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    above.pop();
                }
            }
        }
        return out;
    }
}
