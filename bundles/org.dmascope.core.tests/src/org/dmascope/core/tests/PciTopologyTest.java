package org.dmascope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.core.topology.Bar;
import org.dmascope.core.topology.DeviceKind;
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PortType;
import org.junit.jupiter.api.Test;

/** Building a topology: parents, roles, inference, and what is wrong with a source. */
class PciTopologyTest {

    private static final PciBus ROOT = new PciBus(0, 0);

    private static PciFunction.Builder bridge(String bdf, String parent, int sec, int sub, PortType type) {
        return PciFunction.builder(PciAddress.parse(bdf), ROOT).ids(0x10b5, 0x9797).classCode(0x060400).headerType(1)
                .busRange(sec, sub).portType(type).parent(parent == null ? null : PciAddress.parse(parent));
    }

    private static PciFunction.Builder endpoint(String bdf, String parent, int classCode) {
        return PciFunction.builder(PciAddress.parse(bdf), ROOT).ids(0x10de, 0x20b0).classCode(classCode).headerType(0)
                .portType(PortType.ENDPOINT).parent(parent == null ? null : PciAddress.parse(parent));
    }

    @Test
    void rolesFromPortTypes() {
        PciTopology t = PciTopology.builder("switch")
                .function(bridge("00:01.0", null, 1, 4, PortType.ROOT_PORT))
                .function(bridge("01:00.0", "00:01.0", 2, 4, PortType.UPSTREAM_PORT))
                .function(bridge("02:00.0", "01:00.0", 3, 3, PortType.DOWNSTREAM_PORT))
                .function(bridge("02:01.0", "01:00.0", 4, 4, PortType.DOWNSTREAM_PORT))
                .function(endpoint("03:00.0", "02:00.0", 0x030200))
                .function(endpoint("04:00.0", "02:01.0", 0x020700))
                .function(PciFunction.builder(PciAddress.parse("00:00.0"), ROOT).classCode(0x060000).headerType(0))
                .build();
        assertEquals(FunctionRole.HOST_BRIDGE_FUNCTION, role(t, "00:00.0"));
        assertEquals(FunctionRole.ROOT_PORT, role(t, "00:01.0"));
        assertEquals(FunctionRole.SWITCH_UPSTREAM_PORT, role(t, "01:00.0"));
        assertEquals(FunctionRole.SWITCH_DOWNSTREAM_PORT, role(t, "02:01.0"));
        assertEquals(FunctionRole.ENDPOINT, role(t, "03:00.0"));
        assertEquals(DeviceKind.GPU, fn(t, "03:00.0").kind());
        assertEquals(DeviceKind.INFINIBAND, fn(t, "04:00.0").kind());
        assertEquals(List.of("0000:02:00.0", "0000:01:00.0", "0000:00:01.0"),
                t.upstreamBridges(fn(t, "03:00.0")).stream().map(f -> f.address().toString()).toList());
        assertEquals(2, t.children(PciAddress.parse("01:00.0")).size());
        assertEquals(1, t.hostBridges().size());
        assertTrue(t.warnings().isEmpty());
    }

    @Test
    void rolesInferredWhenCapabilitiesAreUnreadable() {
        PciTopology t = PciTopology.builder("header only")
                .function(bridge("00:01.0", null, 1, 4, PortType.UNKNOWN))
                .function(bridge("01:00.0", "00:01.0", 2, 4, PortType.UNKNOWN))
                .function(bridge("02:00.0", "01:00.0", 3, 3, PortType.UNKNOWN))
                .build();
        assertEquals(FunctionRole.ROOT_PORT, role(t, "00:01.0"));
        assertEquals(FunctionRole.SWITCH_UPSTREAM_PORT, role(t, "01:00.0"));
        assertEquals(FunctionRole.SWITCH_DOWNSTREAM_PORT, role(t, "02:00.0"));
        assertTrue(fn(t, "02:00.0").roleInferred());
    }

    @Test
    void missingParentsAndLoopsAreReportedNotFatal() {
        PciTopology t = PciTopology.builder("broken")
                .function(endpoint("05:00.0", "04:00.0", 0x020000))
                .function(bridge("06:00.0", "07:00.0", 7, 7, PortType.DOWNSTREAM_PORT))
                .function(bridge("07:00.0", "06:00.0", 6, 6, PortType.DOWNSTREAM_PORT))
                .build();
        assertNull(fn(t, "05:00.0").parent());
        assertEquals(2, t.warnings().size(), t.warnings().toString());
        assertTrue(t.warnings().get(0).contains("0000:04:00.0"), t.warnings().get(0));
        assertFalse(t.upstreamBridges(fn(t, "06:00.0")).size() > 2);
    }

    @Test
    void duplicateAddressesAreRefused() {
        PciTopology.Builder b = PciTopology.builder("dup").function(endpoint("05:00.0", null, 0x020000));
        assertThrows(IllegalArgumentException.class, () -> b.function(endpoint("05:00.0", null, 0x020000)));
    }

    @Test
    void addressesParseAndPrintAsTheKernelDoes() {
        PciAddress a = PciAddress.parse("0000:3B:00.1");
        assertEquals("0000:3b:00.1", a.toString());
        assertEquals("3b:00.1", a.shortForm());
        assertEquals(a, PciAddress.parse("3b:00.1"));
        assertEquals("10000:e0:1a.0", PciAddress.parse("10000:e0:1a.0").toString());
        assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("00:20.0"));
        assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("0000:00:1f.8"));
        assertTrue(PciAddress.parse("00:1f.0").compareTo(PciAddress.parse("01:00.0")) < 0);
    }

    @Test
    void resourceFileLinesByKernelLayout() {
        String bar0 = "0x00000000fb000000 0x00000000fbffffff 0x0000000000040200";
        String bar1 = "0x000000f800000000 0x000000fbffffffff 0x000000000014220c";
        String empty = "0x0000000000000000 0x0000000000000000 0x0000000000000000";
        String window = "0x00000000fa000000 0x00000000fbffffff 0x0000000000000200";
        // An endpoint with SR-IOV: 6 BARs, the ROM, 6 VF BARs.
        List<String> sriov = new java.util.ArrayList<>(List.of(bar0, bar1, empty, empty, empty, empty, empty));
        sriov.addAll(List.of(bar0, empty, empty, empty, empty, empty));
        List<Bar> bars = Bar.parseResourceFile(sriov);
        assertEquals(3, bars.size());
        assertEquals("VF BAR0", bars.get(2).name());
        Bar big = bars.get(1);
        assertEquals(16L << 30, big.size());
        assertTrue(big.is64Bit() && big.isPrefetchable() && big.isMemory());
        assertEquals("mem64 prefetchable", big.typeDescription());
        // A bridge without SR-IOV: 6 BARs, the ROM, 4 windows.
        List<String> bridge = new java.util.ArrayList<>(List.of(empty, empty, empty, empty, empty, empty, empty));
        bridge.addAll(List.of(empty, window, empty, empty));
        List<Bar> windows = Bar.parseResourceFile(bridge);
        assertEquals(1, windows.size());
        assertEquals("window1", windows.get(0).name());
        assertThrows(IllegalArgumentException.class, () -> Bar.parseResourceFile(List.of("0x1 0xzz 0x0")));
    }

    private static PciFunction fn(PciTopology t, String bdf) {
        return t.function(PciAddress.parse(bdf)).orElseThrow();
    }

    private static FunctionRole role(PciTopology t, String bdf) {
        return fn(t, bdf).role();
    }
}
