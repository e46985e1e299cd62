package org.dmascope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelP2pResult;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.P2pMapType;
import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.CpuVendor;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PortType;
import org.junit.jupiter.api.Test;

/**
 * The kernel's P2PDMA decision (drivers/pci/p2pdma.c, calc_map_type_and_dist() and the host
 * bridge allow list), case by case, with the distances the kernel documents and the lines it
 * prints.
 */
class KernelP2pEngineTest {

    private static final CpuInfo INTEL = new CpuInfo(CpuVendor.INTEL, 6, 0x55, "x86_64");
    private static final CpuInfo AMD_ZEN3 = new CpuInfo(CpuVendor.AMD, 0x19, 0x01, "x86_64");
    private static final int ACS_RR_CR = Acs.REQUEST_REDIRECT | Acs.COMPLETION_REDIRECT;
    private static final KernelP2pEngine ENGINE = new KernelP2pEngine(KernelRules.DEFAULT);

    // Topology S: a switch below root port 00:01.0, endpoint A (03:00.0) and B (04:00.0).
    private static TestMachine switchMachine(int hostDevice, int dsp0Acs, int dsp1Acs, int uspAcs, int rootAcs) {
        return new TestMachine().cpu(INTEL).hostBridge("00:00.0", hostDevice).rootPort("00:01.0", rootAcs)
                .port("01:00.0", "00:01.0", PortType.UPSTREAM_PORT, uspAcs)
                .port("02:00.0", "01:00.0", PortType.DOWNSTREAM_PORT, dsp0Acs)
                .port("02:01.0", "01:00.0", PortType.DOWNSTREAM_PORT, dsp1Acs)
                .endpoint("03:00.0", "02:00.0", 0).endpoint("04:00.0", "02:01.0", 0);
    }

    private static KernelP2pResult eval(PciTopology t, String provider, String client) {
        return ENGINE.evaluate(t, PciAddress.parse(provider), PciAddress.parse(client), null);
    }

    @Test
    void sameFunctionIsDistanceZero() {
        KernelP2pResult r = eval(switchMachine(0x2020, 0, 0, 0, 0).build(), "03:00.0", "03:00.0");
        assertEquals(P2pMapType.BUS_ADDR, r.mapType());
        assertEquals(0, r.distance());
        assertTrue(r.kernelLog().isEmpty());
    }

    @Test
    void aFunctionWithItsOwnAcsRedirectIsNotBusAddress() {
        PciTopology t = new TestMachine().cpu(INTEL).hostBridge("00:00.0", 0x2020).rootPort("00:01.0", 0)
                .endpoint("03:00.0", "00:01.0", Acs.REQUEST_REDIRECT).build();
        KernelP2pResult r = eval(t, "03:00.0", "03:00.0");
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, r.mapType());
        assertEquals(0, r.distance());
        assertEquals("pci=disable_acs_redir=0000:03:00.0", r.disableAcsRedir());
    }

    @Test
    void twoFunctionsOfOneDeviceAreDistanceTwo() {
        PciTopology t = new TestMachine().cpu(INTEL).hostBridge("00:00.0", 0x2020).rootPort("00:02.0", 0)
                .endpoint("05:00.0", "00:02.0", 0).endpoint("05:00.1", "00:02.0", 0).build();
        KernelP2pResult r = eval(t, "05:00.0", "05:00.1");
        assertEquals(P2pMapType.BUS_ADDR, r.mapType());
        assertEquals(2, r.distance());
        assertEquals("0000:00:02.0", r.commonUpstream().toString());
    }

    @Test
    void acsOnTheCommonRootPortSendsThemUp() {
        PciTopology t = new TestMachine().cpu(INTEL).hostBridge("00:00.0", 0x2020).rootPort("00:02.0", ACS_RR_CR)
                .endpoint("05:00.0", "00:02.0", 0).endpoint("05:00.1", "00:02.0", 0).build();
        KernelP2pResult r = eval(t, "05:00.0", "05:00.1");
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, r.mapType());
        assertEquals(2, r.distance());
        assertEquals(List.of(
                "pci 0000:05:00.1: ACS redirect is set between the client and provider (0000:05:00.0)",
                "pci 0000:05:00.1: to disable ACS redirect for this path, add the kernel parameter: "
                        + "pci=disable_acs_redir=0000:00:02.0"), r.kernelLog());
    }

    @Test
    void twoDevicesBelowOneSwitchAreDistanceFour() {
        // ACS on the root port above the switch is not on the path and is not looked at.
        KernelP2pResult r = eval(switchMachine(0x2020, 0, 0, 0, ACS_RR_CR).build(), "03:00.0", "04:00.0");
        assertEquals(P2pMapType.BUS_ADDR, r.mapType());
        assertEquals(4, r.distance());
        assertEquals("0000:01:00.0", r.commonUpstream().toString());
        assertEquals(List.of("0000:03:00.0", "0000:02:00.0", "0000:01:00.0", "0000:02:01.0", "0000:04:00.0"),
                r.route().stream().map(n -> n.id()).toList());
        assertNull(r.hostBridges());
    }

    @Test
    void acsOnTheProvidersDownstreamPortWithAnAllowedHostBridge() {
        KernelP2pResult r = eval(switchMachine(0x09a2, ACS_RR_CR, 0, 0, 0).build(), "03:00.0", "04:00.0");
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, r.mapType());
        assertEquals(4, r.distance());
        assertEquals("pci=disable_acs_redir=0000:02:00.0", r.disableAcsRedir());
        assertEquals(List.of(PciAddress.parse("02:00.0")), r.acsRedirect());
        // v5.15 did not list 8086:09a2: the kernel warns about the host bridge and refuses.
        KernelP2pResult old = new KernelP2pEngine(KernelRules.V5_15).evaluate(
                switchMachine(0x09a2, ACS_RR_CR, 0, 0, 0).build(), PciAddress.parse("03:00.0"),
                PciAddress.parse("04:00.0"), null);
        assertEquals(P2pMapType.NOT_SUPPORTED, old.mapType());
        assertTrue(old.kernelLog().contains("pci 0000:00:00.0: Host bridge not in P2PDMA whitelist: 8086:09a2"),
                old.kernelLog().toString());
    }

    @Test
    void acsOnBothDownstreamPortsAndAnUnlistedHostBridge() {
        PciTopology t = switchMachine(0x3e30, ACS_RR_CR, ACS_RR_CR, 0, 0).build();
        KernelP2pResult r = eval(t, "03:00.0", "04:00.0");
        assertEquals(P2pMapType.NOT_SUPPORTED, r.mapType());
        assertEquals(4, r.distance());
        assertEquals(-1, r.reportedDistance());
        assertEquals(List.of(
                "pci 0000:04:00.0: ACS redirect is set between the client and provider (0000:03:00.0)",
                "pci 0000:04:00.0: to disable ACS redirect for this path, add the kernel parameter: "
                        + "pci=disable_acs_redir=0000:02:00.0;0000:02:01.0",
                "pci 0000:00:00.0: Host bridge not in P2PDMA whitelist: 8086:3e30",
                "pci 0000:04:00.0: cannot be used for peer-to-peer DMA as the client and provider (0000:03:00.0) "
                        + "do not share an upstream bridge or whitelisted host bridge"), r.kernelLog());
        // Swapped: the provider side comes first in the list.
        assertEquals("pci=disable_acs_redir=0000:02:01.0;0000:02:00.0", eval(t, "04:00.0", "03:00.0").disableAcsRedir());
        // On AMD Zen the host bridge is good enough.
        KernelP2pResult amd = ENGINE.evaluate(t, PciAddress.parse("03:00.0"), PciAddress.parse("04:00.0"), AMD_ZEN3);
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, amd.mapType());
        assertEquals(2, amd.kernelLog().size());
        assertTrue(amd.hostBridges().cpuRule());
    }

    @Test
    void acsOnTheCommonUpstreamPortIsChecked() {
        KernelP2pResult r = eval(switchMachine(0x2020, 0, 0, Acs.EGRESS_CONTROL, 0).build(), "03:00.0", "04:00.0");
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, r.mapType());
        assertEquals("pci=disable_acs_redir=0000:01:00.0", r.disableAcsRedir());
    }

    private static TestMachine twoRootPorts(int hostDevice, CpuInfo cpu) {
        return new TestMachine().cpu(cpu).hostBridge("00:00.0", hostDevice).rootPort("00:01.0", ACS_RR_CR)
                .rootPort("00:02.0", ACS_RR_CR).endpoint("03:00.0", "00:01.0", 0).endpoint("04:00.0", "00:02.0", 0);
    }

    @Test
    void differentRootPortsOfAnAllowedHostBridge() {
        KernelP2pResult r = eval(twoRootPorts(0x2020, INTEL).build(), "03:00.0", "04:00.0");
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, r.mapType());
        assertEquals(4, r.distance());
        assertNull(r.commonUpstream());
        assertTrue(r.kernelLog().isEmpty(), "ACS is not looked at without a common upstream device");
        assertNull(r.disableAcsRedir());
        assertEquals(List.of("0000:03:00.0", "0000:00:01.0", "pci0000:00", "0000:00:02.0", "0000:04:00.0"),
                r.route().stream().map(n -> n.id()).toList());
    }

    @Test
    void differentRootPortsOfAnUnlistedHostBridge() {
        KernelP2pResult r = eval(twoRootPorts(0x3e30, INTEL).build(), "03:00.0", "04:00.0");
        assertEquals(P2pMapType.NOT_SUPPORTED, r.mapType());
        assertEquals(List.of("pci 0000:04:00.0: cannot be used for peer-to-peer DMA as the client and provider "
                + "(0000:03:00.0) do not share an upstream bridge or whitelisted host bridge"), r.kernelLog());
        KernelP2pResult amd = eval(twoRootPorts(0x3e30, AMD_ZEN3).build(), "03:00.0", "04:00.0");
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, amd.mapType());
        assertTrue(amd.kernelLog().isEmpty());
    }

    private static TestMachine twoHostBridges(int device0, int device1) {
        TestMachine m = new TestMachine().cpu(INTEL).hostBridge("00:00.0", device0).rootPort("00:02.0", 0)
                .endpoint("03:00.0", "00:02.0", 0);
        m.b.function(PciFunction.builder(PciAddress.parse("80:00.0"), new PciBus(0, 0x80)).ids(0x8086, device1)
                .classCode(0x060000).portType(PortType.CONVENTIONAL_PCI).configBytes(4096));
        return m.fn("80:02.0", null, 0x8086, 0x2030, 0x060400, PortType.ROOT_PORT, 0)
                .endpoint("82:00.0", "80:02.0", 0);
    }

    @Test
    void haswellHostBridgesAllowOnlyTheSameHostBridge() {
        KernelP2pResult r = eval(twoHostBridges(0x2f00, 0x2f00).build(), "03:00.0", "82:00.0");
        assertEquals(P2pMapType.NOT_SUPPORTED, r.mapType());
        assertEquals(4, r.distance());
        assertFalse(r.hostBridges().sameHostBridge());
        assertTrue(r.hostBridges().bridges().get(0).reason().contains("same host bridge"),
                r.hostBridges().bridges().get(0).reason());
        assertEquals(1, r.kernelLog().size(), "only the 'cannot be used' line: no whitelist warning");
        KernelP2pResult skylake = eval(twoHostBridges(0x2020, 0x2020).build(), "03:00.0", "82:00.0");
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, skylake.mapType());
        assertEquals(2, skylake.hostBridges().bridges().size());
    }

    @Test
    void aRootPortStandsForItsHostBridgeFromLinux519() {
        // Root bus 3a has no 00.0: its first device is root port B (8086:2031) at 01.0.
        TestMachine m = new TestMachine().cpu(INTEL);
        m.fn("17:00.0", null, 0x8086, 0x2030, 0x060400, PortType.ROOT_PORT, 0).endpoint("18:00.0", "17:00.0", 0);
        m.fn("3a:01.0", null, 0x8086, 0x2031, 0x060400, PortType.ROOT_PORT, 0).endpoint("3c:00.0", "3a:01.0", 0);
        PciTopology t = m.build();
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, eval(t, "18:00.0", "3c:00.0").mapType());
        KernelP2pResult old = new KernelP2pEngine(KernelRules.V5_15).evaluate(t, PciAddress.parse("18:00.0"),
                PciAddress.parse("3c:00.0"), null);
        assertEquals(P2pMapType.NOT_SUPPORTED, old.mapType());
        assertTrue(old.hostBridges().bridges().stream().anyMatch(l -> l.device() == null));
    }

    @Test
    void anUnknownCpuIsSaidToBeAssumed() {
        PciTopology t = twoRootPorts(0x3e30, CpuInfo.UNKNOWN).build();
        KernelP2pResult r = eval(t, "03:00.0", "04:00.0");
        assertTrue(r.cpuAssumed());
        assertEquals(P2pMapType.NOT_SUPPORTED, r.mapType());
        assertTrue(r.steps().stream().anyMatch(s -> s.finding().contains("--cpu amd-zen")), r.steps().toString());
        KernelP2pResult asZen = ENGINE.evaluate(t, PciAddress.parse("03:00.0"), PciAddress.parse("04:00.0"), AMD_ZEN3);
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, asZen.mapType());
    }

    @Test
    void unknownAcsIsNamed() {
        PciTopology t = new TestMachine().cpu(INTEL).hostBridge("00:00.0", 0x2020).rootPort("00:02.0", -1)
                .endpoint("05:00.0", "00:02.0", 0).endpoint("05:00.1", "00:02.0", 0).build()
                .rebuild(b -> b.address().equals(PciAddress.parse("00:02.0")) ? b.configBytes(64) : b);
        KernelP2pResult r = eval(t, "05:00.0", "05:00.1");
        assertEquals(P2pMapType.BUS_ADDR, r.mapType());
        assertEquals(List.of(PciAddress.parse("00:02.0")), r.acsUnknown());
    }

    @Test
    void theAcsListIsCutWhereTheKernelsBufferEnds() {
        // Ten devices on the path with ACS redirect: 9 full names fit the 128-byte buffer, the
        // 10th is cut after 10 characters.
        TestMachine m = new TestMachine().cpu(INTEL).hostBridge("00:00.0", 0x2020).rootPort("00:01.0", 0);
        String parent = "00:01.0";
        for (int bus = 1; bus <= 10; bus++) {
            String bdf = String.format("%02x:00.0", bus);
            m.port(bdf, parent, bus % 2 == 1 ? PortType.UPSTREAM_PORT : PortType.DOWNSTREAM_PORT, ACS_RR_CR);
            parent = bdf;
        }
        // The provider at the bottom of the chain, the client right below the root port: all
        // ten ports are on the provider side of the path.
        m.endpoint("0b:00.0", parent, 0).endpoint("0c:00.0", "00:01.0", 0);
        KernelP2pResult r = eval(m.build(), "0b:00.0", "0c:00.0");
        assertEquals(10, r.acsRedirect().size());
        String list = r.disableAcsRedir().substring("pci=disable_acs_redir=".length());
        assertTrue(list.startsWith("0000:0a:00.0;0000:09:00.0;"), list);
        assertEquals(9, list.chars().filter(c -> c == ';').count(), list);
        assertTrue(list.endsWith(";0000:01:00"), list);
    }

    @Test
    void aMissingFunctionIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> eval(switchMachine(0x2020, 0, 0, 0, 0).build(), "03:00.0", "09:00.0"));
    }
}
