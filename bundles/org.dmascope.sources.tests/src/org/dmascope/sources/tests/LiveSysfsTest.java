package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.Map;

import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.TopologySources;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;

/**
 * The live reader on the machine running the test, checked against a direct reading of
 * /sys/bus/pci/devices: every function, its parent directory, its IDs, class, NUMA node and
 * IOMMU group.
 */
class LiveSysfsTest {

    private static final Path DEVICES = Path.of("/sys/bus/pci/devices");

    @Test
    void readsEveryFunctionOfThisMachine() throws Exception {
        PciTopology topology = TopologySources.builtIn().live(new NullProgressMonitor());
        Map<String, Path> entries = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(DEVICES)) {
            dir.forEach(p -> entries.put(p.getFileName().toString(), p));
        }
        assertFalse(entries.isEmpty(), "this machine has PCI functions in sysfs");
        assertEquals(entries.keySet(), new java.util.TreeSet<>(
                topology.functions().stream().map(f -> f.address().toString()).toList()));
        for (Map.Entry<String, Path> e : entries.entrySet()) {
            PciFunction f = topology.function(PciAddress.parse(e.getKey())).orElseThrow();
            Path real = e.getValue().toRealPath();
            String parentDir = real.getParent().getFileName().toString();
            String expectedParent = PciAddress.isAddress(parentDir) ? parentDir : null;
            assertEquals(expectedParent, f.parent() == null ? null : f.parent().toString(), e.getKey() + " parent");
            assertEquals(read(real, "vendor"), String.format("0x%04x", f.vendorId()), e.getKey() + " vendor");
            assertEquals(read(real, "device"), String.format("0x%04x", f.deviceId()), e.getKey() + " device");
            assertEquals(read(real, "class"), String.format("0x%06x", f.classCode()), e.getKey() + " class");
            assertEquals(Integer.parseInt(read(real, "numa_node")), f.numaNode(), e.getKey() + " NUMA node");
            Path group = real.resolve("iommu_group");
            Integer expectedGroup = Files.isSymbolicLink(group)
                    ? Integer.valueOf(Files.readSymbolicLink(group).getFileName().toString()) : null;
            assertEquals(expectedGroup, f.iommuGroup(), e.getKey() + " IOMMU group");
            Path driver = real.resolve("driver");
            assertEquals(Files.isSymbolicLink(driver) ? Files.readSymbolicLink(driver).getFileName().toString() : null,
                    f.driver(), e.getKey() + " driver");
        }
        assertEquals(topology.functions().stream().map(PciFunction::rootBus).distinct().count(),
                topology.hostBridges().size());
    }

    @Test
    void readsTheCpuAndNumaNodesOfThisMachine() throws Exception {
        PciTopology topology = TopologySources.builtIn().live(new NullProgressMonitor());
        String vendorId = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("vendor_id"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        if (!vendorId.isEmpty()) {
            assertEquals(vendorId, topology.cpu().vendor().cpuidString());
        }
        long nodes;
        try (var s = Files.list(Path.of("/sys/devices/system/node"))) {
            nodes = s.filter(p -> p.getFileName().toString().matches("node\\d+")).count();
        }
        assertEquals(nodes, topology.numaNodes().size());
        for (var node : topology.numaNodes()) {
            assertEquals(read(Path.of("/sys/devices/system/node/node" + node.id()), "cpulist"), node.cpus());
        }
    }

    private static String read(Path dir, String attribute) throws IOException {
        return Files.readString(dir.resolve(attribute)).trim();
    }
}
