package org.dmascope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaMapper;
import org.dmascope.core.chain.PeerMapping;
import org.dmascope.core.chain.PeerMappings;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.P2pMapType;
import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.CpuVendor;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PortType;
import org.junit.jupiter.api.Test;

/**
 * P2PDMA memory in the address chain: the peer-path engine decides, for the provider that owns a
 * page map, how the DMA device reaches it, and the DMA mapping follows (bus addresses below a
 * switch, the IOMMU through the host bridge, -EREMOTEIO when the kernel says no).
 */
class PeerMappingsTest {

    private static final CpuInfo INTEL = new CpuInfo(CpuVendor.INTEL, 6, 0x55, "x86_64");
    private static final int ACS_RR_CR = Acs.REQUEST_REDIRECT | Acs.COMPLETION_REDIRECT;
    private static final KernelP2pEngine ENGINE = new KernelP2pEngine(KernelRules.DEFAULT);
    private static final PciAddress GPU = PciAddress.parse("03:00.0");
    private static final PciAddress NIC = PciAddress.parse("04:00.0");
    private static final PhysicalMemoryMap PHYSICAL = PhysicalMemoryMap.of(List.of(new PhysicalMemoryMap.Range(
            0x380000, 0x380400, PhysicalMemoryMap.Kind.PCI_P2PDMA, "p2pmem of 0000:03:00.0", GPU, 2)));

    // A switch below root port 00:01.0 with the GPU and the NIC on two of its downstream ports.
    private static PciTopology machine(int hostBridgeDevice, int downstreamAcs) {
        return new TestMachine().cpu(INTEL).hostBridge("00:00.0", hostBridgeDevice).rootPort("00:01.0", 0)
                .port("01:00.0", "00:01.0", PortType.UPSTREAM_PORT, 0)
                .port("02:00.0", "01:00.0", PortType.DOWNSTREAM_PORT, downstreamAcs)
                .port("02:01.0", "01:00.0", PortType.DOWNSTREAM_PORT, downstreamAcs)
                .endpoint("03:00.0", "02:00.0", 0).endpoint("04:00.0", "02:01.0", 0).build();
    }

    private static ScatterList withPeerPages() {
        ScatterList sg = new ScatterList(0x10000, 0, 6L << 12);
        sg.run(0x7f0000000000L, 0x1000, 2, PageFlags.PRESENT, 12, -1);
        sg.run(0x7f0000002000L, 0x380000, 4, PageFlags.PRESENT | PageFlags.ZONE_DEVICE, 12, 2);
        return sg;
    }

    @Test
    void belowACommonSwitchThePeerGetsBusAddresses() {
        PeerMapping peers = PeerMappings.of(PHYSICAL, machine(0x2020, 0), NIC, ENGINE);
        PeerMapping.Route route = peers.route(2);
        assertEquals(P2pMapType.BUS_ADDR, route.type());
        assertTrue(route.why().contains("PCI_P2PDMA_MAP_BUS_ADDR"), route.why());
        assertNull(peers.route(-1));
        DmaMapper.Result r = DmaMapper.map(withPeerPages(), DmaDevice.plain().withIommu(true), peers);
        assertEquals(2, r.segments().size());
        assertTrue(r.segments().busAddress(1));
        assertEquals(0x380000000L, r.segments().address(1));
    }

    @Test
    void acsRedirectSendsItThroughTheHostBridgeAndTheIommu() {
        PeerMapping peers = PeerMappings.of(PHYSICAL, machine(0x2020, ACS_RR_CR), NIC, ENGINE);
        assertEquals(P2pMapType.THRU_HOST_BRIDGE, peers.route(2).type());
        DmaMapper.Result r = DmaMapper.map(withPeerPages(), DmaDevice.plain().withIommu(true), peers);
        assertEquals(1, r.segments().size(), "mapped like memory, one IOVA range");
    }

    @Test
    void aHostBridgeOffTheAllowListRefusesWithEremoteio() {
        PeerMapping peers = PeerMappings.of(PHYSICAL, machine(0x1234, ACS_RR_CR), NIC, ENGINE);
        assertEquals(P2pMapType.NOT_SUPPORTED, peers.route(2).type());
        assertEquals("EREMOTEIO", DmaMapper.map(withPeerPages(), DmaDevice.plain(), peers).error());
    }

    @Test
    void aProviderMissingFromTheTopologyIsNotSupported() {
        PhysicalMemoryMap stray = PhysicalMemoryMap.of(List.of(new PhysicalMemoryMap.Range(0x380000, 0x380400,
                PhysicalMemoryMap.Kind.PCI_P2PDMA, "p2pmem", PciAddress.parse("09:00.0"), 2)));
        assertEquals(P2pMapType.NOT_SUPPORTED, PeerMappings.of(stray, machine(0x2020, 0), NIC, ENGINE).route(2).type());
    }
}
