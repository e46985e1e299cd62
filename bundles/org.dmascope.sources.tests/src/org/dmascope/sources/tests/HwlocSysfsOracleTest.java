package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.sources.TopologySources;
import org.dmascope.sources.hwloc.HwlocXmlImporter;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hwloc XML importer against the sysfs reader: hwloc wrote sysfs/expected-hwloc/*.xml (3.0)
 * and sysfs/expected-hwloc2/*.xml (2.x) from the very /sys snapshots the sysfs reader opens, so
 * both readers must find the same functions, IDs, parents, bus ranges, root buses and links.
 */
class HwlocSysfsOracleTest {

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
        "expected-hwloc, 40intel64-2g2n4c+pcilocality",
        "expected-hwloc, 32em64t-2n8c+dax+nvme+mic+dimms",
        "expected-hwloc, fakepcilocalities",
        "expected-hwloc2, 40intel64-2g2n4c+pcilocality",
        "expected-hwloc2, 32em64t-2n8c+dax+nvme+mic+dimms",
        "expected-hwloc2, fakepcilocalities"})
    void sameMachineAsTheSysfsSnapshot(String folder, String snapshot) throws Exception {
        PciTopology hwloc = hwloc(folder, snapshot);
        PciTopology sysfs = TopologySources.builtIn().open(TestData.path("sysfs/" + snapshot + ".tar.bz2"), snapshot,
                new NullProgressMonitor());
        boolean progIfWritten = folder.equals("expected-hwloc");

        // hwloc leaves out bridges whose secondary bus is not above their own bus.
        Map<PciAddress, PciFunction> expected = sysfs.functions().stream().filter(f -> !unconfiguredBridge(f))
                .collect(Collectors.toMap(PciFunction::address, Function.identity(), (a, b) -> a, TreeMap::new));
        assertEquals(expected.keySet(), new TreeSet<>(hwloc.functions().stream().map(PciFunction::address).toList()),
                "the same PCI functions");
        for (PciFunction s : expected.values()) {
            PciFunction h = hwloc.function(s.address()).orElseThrow();
            String where = folder + "/" + snapshot + " " + s.address();
            assertEquals(s.vendorId(), h.vendorId(), where + " vendor");
            assertEquals(s.deviceId(), h.deviceId(), where + " device");
            assertEquals(Math.max(s.subsystemVendorId(), 0), h.subsystemVendorId(), where + " subsystem vendor");
            assertEquals(Math.max(s.subsystemDeviceId(), 0), h.subsystemDeviceId(), where + " subsystem device");
            assertEquals(s.classCode() >> 8, h.classCode() >> 8, where + " class");
            // hwloc 2.x writes no prog-if; it reads as 0.
            assertEquals(progIfWritten ? s.classCode() & 0xff : 0, h.classCode() & 0xff, where + " prog-if");
            assertEquals(s.revision(), h.revision(), where + " revision");
            assertEquals(s.parent(), h.parent(), where + " parent bridge");
            assertEquals(s.rootBus(), h.rootBus(), where + " root bus");
            assertEquals(s.isBridge(), h.isBridge(), where + " is a bridge");
            assertEquals(s.secondaryBus(), h.secondaryBus(), where + " secondary bus");
            assertEquals(s.subordinateBus(), h.subordinateBus(), where + " subordinate bus");
            PcieLink link = h.link();
            PcieLink sysfsLink = s.link();
            if (link != null) {
                assertNotNull(sysfsLink, where + " sysfs has the link hwloc states");
                assertEquals(sysfsLink.bandwidthGBps(), link.bandwidthGBps(), 0.001, where + " link GB/s");
            } else {
                assertTrue(sysfsLink == null || sysfsLink.bandwidthGBps() == 0, where + " sysfs knows no link either");
            }
        }
        assertEquals(new TreeSet<>(expected.values().stream().map(PciFunction::rootBus).toList()),
                new TreeSet<>(hwloc.hostBridges().stream().map(HostBridge::rootBus).toList()),
                "a host bridge for each root bus with functions");
        assertTrue(hwloc.parentsObserved());
        assertTrue(hwloc.warnings().isEmpty(), hwloc.warnings().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"40intel64-2g2n4c+pcilocality", "32em64t-2n8c+dax+nvme+mic+dimms", "fakepcilocalities"})
    void version2AndVersion3ExportsReadAlike(String snapshot) throws Exception {
        PciTopology v3 = hwloc("expected-hwloc", snapshot);
        PciTopology v2 = hwloc("expected-hwloc2", snapshot);
        // hwloc 2.9 left root bus 0000:80 of fakepcilocalities in package 2; newer hwloc moved it (testdata/README.md).
        PciBus movedByNewerHwloc = snapshot.equals("fakepcilocalities") ? new PciBus(0, 0x80) : null;
        assertEquals(v3.hostBridges().stream().filter(h -> !h.rootBus().equals(movedByNewerHwloc)).toList(),
                v2.hostBridges().stream().filter(h -> !h.rootBus().equals(movedByNewerHwloc)).toList(),
                "host bridges and their NUMA nodes");
        assertEquals(v3.numaNodes(), v2.numaNodes());
        assertEquals(v3.size(), v2.size());
        for (PciFunction f3 : v3.functions()) {
            PciFunction f2 = v2.function(f3.address()).orElseThrow();
            PciFunction.Builder expected = f3.toBuilder().classCode(f3.classCode() & ~0xff);
            if (f3.rootBus().equals(movedByNewerHwloc)) {
                expected.numaNode(f2.numaNode()).localCpus(f2.localCpus());
            }
            // Otherwise only the prog-if differs: hwloc 2.x does not write it.
            assertEquals(expected.build(f3.role(), f3.roleInferred()), f2, snapshot + " " + f3.address());
        }
    }

    @ParameterizedTest
    @CsvSource({"expected-hwloc, 3", "expected-hwloc2, 2"})
    void hostBridgeNumaNodesFromWhereHwlocAttachedThem(String folder, int nodeOfBus80) throws Exception {
        // fakepcilocalities: HWLOC_PCI_LOCALITY put 0000:[40-43] in a Group of two PUs of package 1, and
        // 0000:[c0-c6] in package 3; 0000:[80-86] went to package 3 in newer hwloc, stayed in 2 in hwloc 2.9.
        PciTopology fake = hwloc(folder, "fakepcilocalities");
        assertEquals(List.of(new HostBridge(new PciBus(0, 0x00), 0), new HostBridge(new PciBus(0, 0x40), 1),
                new HostBridge(new PciBus(0, 0x80), nodeOfBus80), new HostBridge(new PciBus(0, 0xc0), 3)),
                fake.hostBridges());
        assertEquals("33,37", fake.function(PciAddress.parse("0000:43:00.0")).orElseThrow().localCpus());
        assertEquals(1, fake.function(PciAddress.parse("0000:43:00.0")).orElseThrow().numaNode());
        // 40intel64: each root bus is local to a Group of two packages, hence to two NUMA nodes.
        PciTopology forced = hwloc(folder, "40intel64-2g2n4c+pcilocality");
        assertEquals(List.of(new HostBridge(new PciBus(0, 0x00), -1), new HostBridge(new PciBus(0, 0x40), -1)),
                forced.hostBridges());
        PciFunction ib = forced.function(PciAddress.parse("0000:43:00.0")).orElseThrow();
        assertEquals(PciFunction.NUMA_UNKNOWN, ib.numaNode());
        assertEquals("1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,39", ib.localCpus());
    }

    @ParameterizedTest
    @ValueSource(strings = {"expected-hwloc", "expected-hwloc2"})
    void numaNodesAgreeWithSysfsWhereHwlocWasNotTold(String folder) throws Exception {
        // No HWLOC_PCI_LOCALITY for this snapshot: hwloc placed the root buses by the kernel's locality.
        String snapshot = "32em64t-2n8c+dax+nvme+mic+dimms";
        PciTopology hwloc = hwloc(folder, snapshot);
        PciTopology sysfs = TopologySources.builtIn().open(TestData.path("sysfs/" + snapshot + ".tar.bz2"), snapshot,
                new NullProgressMonitor());
        for (HostBridge h : hwloc.hostBridges()) {
            HostBridge s = sysfs.hostBridges().stream().filter(b -> b.rootBus().equals(h.rootBus())).findFirst()
                    .orElseThrow();
            assertEquals(s.numaNode(), h.numaNode(), h.toString());
        }
        assertEquals(List.of(0, -1, 1, -1), hwloc.hostBridges().stream().map(HostBridge::numaNode).toList());
    }

    private static PciTopology hwloc(String folder, String snapshot) throws Exception {
        return new HwlocXmlImporter().read(TestData.path("sysfs/" + folder + "/" + snapshot + ".xml"), snapshot,
                new NullProgressMonitor());
    }

    private static boolean unconfiguredBridge(PciFunction f) {
        int bus = f.address().bus();
        return f.isBridge() && (f.secondaryBus() <= bus || f.subordinateBus() < f.secondaryBus());
    }
}
