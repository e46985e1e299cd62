package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeSet;

import org.dmascope.core.topology.CpuVendor;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.sources.TopologySources;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sysfs reader on real /sys snapshots from hwloc's test suite, compared with the topology
 * hwloc itself built from them (expected-hwloc/*.xml, --whole-io): the same PCI devices and
 * bridges, the same IDs, parents, bus ranges and link bandwidths.
 */
class SysfsSnapshotTest {

    @ParameterizedTest
    @ValueSource(strings = {"40intel64-2g2n4c+pcilocality", "32em64t-2n8c+dax+nvme+mic+dimms", "fakepcilocalities"})
    void sameDevicesAsHwloc(String name) throws Exception {
        PciTopology topology = open(name);
        Map<String, HwlocPci.Obj> hwloc = HwlocPci.read(TestData.path("sysfs/expected-hwloc/" + name + ".xml"));

        // hwloc drops bridges whose bus numbers are not configured (secondary bus not above
        // their own bus); the kernel lists them, and so does DMA Scope.
        assertEquals(new TreeSet<>(hwloc.keySet()), new TreeSet<>(topology.functions().stream()
                .filter(f -> !unconfiguredBridge(f)).map(f -> f.address().toString()).toList()),
                name + ": the same PCI functions");
        for (HwlocPci.Obj o : hwloc.values()) {
            PciFunction f = topology.function(PciAddress.parse(o.busId())).orElseThrow();
            String where = name + " " + o.busId();
            assertEquals(o.classCode(), f.classCode() >> 8, where + " class");
            assertEquals(o.progIf(), f.classCode() & 0xff, where + " prog-if");
            assertEquals(o.vendor(), f.vendorId(), where + " vendor");
            assertEquals(o.device(), f.deviceId(), where + " device");
            assertEquals(o.subVendor(), Math.max(f.subsystemVendorId(), 0), where + " subsystem vendor");
            assertEquals(o.subDevice(), Math.max(f.subsystemDeviceId(), 0), where + " subsystem device");
            assertEquals(o.revision(), f.revision(), where + " revision");
            assertEquals(o.parent(), f.parent() == null ? null : f.parent().toString(), where + " parent bridge");
            assertEquals(o.bridge(), f.isBridge(), where + " is a bridge");
            if (o.bridge()) {
                assertEquals(o.secondary(), f.secondaryBus(), where + " secondary bus");
                assertEquals(o.subordinate(), f.subordinateBus(), where + " subordinate bus");
            }
            PcieLink link = f.link();
            if (o.linkGBps() > 0) {
                assertEquals(o.linkGBps(), link == null ? 0 : link.bandwidthGBps(), 0.001, where + " link GB/s");
            } else {
                assertTrue(link == null || link.bandwidthGBps() == 0, where + " no link known");
            }
        }
        assertTrue(topology.warnings().isEmpty(), topology.warnings().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"40intel64-2g2n4c+pcilocality"})
    void cpuAndNumaNodesOfTheSnapshot(String name) throws Exception {
        // proc/cpuinfo beside sys/: "GenuineIntel", family 6, model 47 (Xeon E7-4870).
        PciTopology topology = open(name);
        assertEquals(CpuVendor.INTEL, topology.cpu().vendor());
        assertEquals(6, topology.cpu().family());
        assertEquals(47, topology.cpu().model());
        assertEquals(4, topology.numaNodes().size());
        assertFalse(topology.cpu().isAmdZenOrNewer());
    }

    private static PciTopology open(String snapshot) throws Exception {
        return TopologySources.builtIn().open(TestData.path("sysfs/" + snapshot + ".tar.bz2"), snapshot,
                new NullProgressMonitor());
    }

    private static boolean unconfiguredBridge(PciFunction f) {
        int bus = f.address().bus();
        return f.isBridge() && (f.secondaryBus() <= bus || f.subordinateBus() < f.secondaryBus());
    }

    @ParameterizedTest
    @ValueSource(strings = {"32em64t-2n8c+dax+nvme+mic+dimms"})
    void anUnconfiguredBridgeIsKept(String name) throws Exception {
        PciTopology topology = open(name);
        PciFunction bridge = topology.function(PciAddress.parse("0000:00:11.0")).orElseThrow();
        assertEquals(0, bridge.secondaryBus());
        assertTrue(unconfiguredBridge(bridge));
        assertEquals(1, topology.functions().stream().filter(SysfsSnapshotTest::unconfiguredBridge).count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"40intel64-2g2n4c+pcilocality"})
    void headerOnlyConfigMeansInferredRoles(String name) throws Exception {
        // These snapshots keep 64 bytes of config space, as an unprivileged reader sees it.
        PciTopology topology = open(name);
        PciFunction rootPort = topology.function(PciAddress.parse("0000:00:03.0")).orElseThrow();
        assertTrue(rootPort.roleInferred());
        assertEquals("root port", rootPort.role().label());
        assertNull(rootPort.acs());
        assertEquals(64, rootPort.configBytes());
    }
}
