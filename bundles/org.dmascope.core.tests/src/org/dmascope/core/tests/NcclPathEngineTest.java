package org.dmascope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.NcclPathType;
import org.dmascope.core.peer.PeerAnalysis;
import org.dmascope.core.peer.PeerMatrix;
import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.peer.SmiClass;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.CpuVendor;
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
import org.dmascope.core.topology.PortType;
import org.junit.jupiter.api.Test;

/**
 * NCCL's path types and bandwidths (src/graph/paths.cc) and nvidia-smi's classes, on machines
 * built the two ways sources describe them: NCCL files (a node per switch) and sysfs (a
 * function per port).
 */
class NcclPathEngineTest {

    private static final CpuInfo SKYLAKE = new CpuInfo(CpuVendor.INTEL, 6, 85, "x86_64");

    private static PcieLink gen(LinkSpeed speed, int width) {
        return new PcieLink(speed, width, LinkSpeed.UNKNOWN, 0);
    }

    /**
     * p4d-style file: two CPUs, two placeholder switches each, two A100s and an EFA below each
     * switch, every link 8 GT/s x16.
     */
    private static PciTopology p4dLike(boolean nvswitch) {
        PciTopology.Builder b = PciTopology.builder("p4d-like").hierarchy(PciTopology.Hierarchy.SWITCHES).cpu(SKYLAKE)
                .numaNode(new NumaNode(0, null, 0)).numaNode(new NumaNode(1, null, 1));
        int[][] buses = {{0x10, 0}, {0x20, 0}, {0x90, 1}, {0xa0, 1}};
        for (int i = 0; i < buses.length; i++) {
            int bus = buses[i][0];
            int numa = buses[i][1];
            PciAddress sw = new PciAddress(0xffff, 0xff, i + 1, 0);
            PciBus root = sw.pciBus();
            b.hostBridge(new HostBridge(new PciBus(0xffff, 0xff), numa));
            b.function(PciFunction.builder(sw, new PciBus(0xffff, 0xff)).ids(0xffff, 0xffff).classCode(0x060400)
                    .placeholder(true).numaNode(numa).link(gen(LinkSpeed.GT_8, 16)));
            for (int dev : new int[] {0x1c, 0x1d}) {
                b.function(PciFunction.builder(new PciAddress(0, bus, dev, 0), root).parent(sw).ids(0x10de, 0x20b0)
                        .classCode(0x030200).numaNode(numa).link(gen(LinkSpeed.GT_8, 16)).gpu(new GpuInfo(-1, 80, -1, true)));
                if (nvswitch) {
                    b.nvLink(new NvLink(new PciAddress(0, bus, dev, 0), null, NvLink.Target.NVSWITCH, 12, -1));
                }
            }
            b.function(PciFunction.builder(new PciAddress(0, bus, 0x1b, 0), root).parent(sw).ids(0x1d0f, 0xefa0)
                    .classCode(0x020000).numaNode(numa).link(gen(LinkSpeed.GT_8, 16)));
        }
        return b.build();
    }

    private static PeerPair pair(PciTopology t, String a, String b) {
        return new PeerAnalysis(t, KernelRules.DEFAULT, null, PeerAnalysis.endpoints(t, false))
                .pair(PciAddress.parse(a), PciAddress.parse(b));
    }

    @Test
    void sameSwitchIsPix() {
        PeerPair gpus = pair(p4dLike(false), "0000:10:1c.0", "0000:10:1d.0");
        assertEquals(NcclPathType.PIX, gpus.nccl().type());
        assertEquals(2, gpus.nccl().hops());
        assertEquals(12.0, gpus.nccl().bandwidth(), 1e-9);
        assertEquals(List.of("0000:10:1c.0", "ffff:ff:01.0", "0000:10:1d.0"),
                gpus.nccl().route().stream().map(n -> n.id()).toList());
        PeerPair nic = pair(p4dLike(false), "0000:10:1c.0", "0000:10:1b.0");
        assertEquals(NcclPathType.PIX, nic.nccl().type());
        assertTrue(nic.nccl().gdrByDefault());
        assertEquals(SmiClass.PIX, nic.smi().smiClass());
    }

    @Test
    void otherSwitchOfTheSameCpuIsPhb() {
        PeerPair p = pair(p4dLike(false), "0000:10:1c.0", "0000:20:1c.0");
        assertEquals(NcclPathType.PHB, p.nccl().type());
        assertEquals(4, p.nccl().hops());
        assertEquals(12.0, p.nccl().bandwidth(), 1e-9);
        assertFalse(p.nccl().p2pByDefault(false), "PHB is above NCCL's default P2P level PXB");
    }

    @Test
    void otherCpuIsSysAtTheSkylakeInterSocketBandwidth() {
        PeerPair p = pair(p4dLike(false), "0000:10:1c.0", "0000:90:1c.0");
        assertEquals(NcclPathType.SYS, p.nccl().type());
        assertEquals(5, p.nccl().hops());
        assertEquals(10.0, p.nccl().bandwidth(), 1e-9);
        assertEquals(List.of("0000:10:1c.0", "ffff:ff:01.0", "cpu0", "cpu1", "ffff:ff:03.0", "0000:90:1c.0"),
                p.nccl().route().stream().map(n -> n.id()).toList());
    }

    @Test
    void nvSwitchMakesEveryGpuPairNvl() {
        PciTopology t = p4dLike(true);
        PeerPair p = pair(t, "0000:10:1c.0", "0000:90:1c.0");
        assertEquals(NcclPathType.NVL, p.nccl().type());
        assertEquals(2, p.nccl().hops());
        assertEquals(240.0, p.nccl().bandwidth(), 1e-9);
        assertEquals("NV12", p.smi().label());
    }

    @Test
    void aGpuRelaysNvLinkOnce() {
        // A - B - C linked in a line, all below one CPU without switches: A to C goes NVB
        // through B (2 hops), which wins over PCI through the CPU (2 hops) by bandwidth.
        PciTopology.Builder b = PciTopology.builder("nvb").hierarchy(PciTopology.Hierarchy.SWITCHES).cpu(SKYLAKE)
                .numaNode(new NumaNode(0, null, 0));
        String[] gpus = {"0000:01:00.0", "0000:02:00.0", "0000:03:00.0"};
        for (String g : gpus) {
            PciAddress a = PciAddress.parse(g);
            b.hostBridge(new HostBridge(a.pciBus(), 0));
            b.function(PciFunction.builder(a, a.pciBus()).ids(0x10de, 0x1db1).classCode(0x030200).numaNode(0)
                    .link(gen(LinkSpeed.GT_8, 16)).gpu(new GpuInfo(-1, 70, -1, true)));
        }
        b.nvLink(new NvLink(PciAddress.parse(gpus[0]), PciAddress.parse(gpus[1]), NvLink.Target.GPU, 2, -1));
        b.nvLink(new NvLink(PciAddress.parse(gpus[1]), PciAddress.parse(gpus[0]), NvLink.Target.GPU, 2, -1));
        b.nvLink(new NvLink(PciAddress.parse(gpus[1]), PciAddress.parse(gpus[2]), NvLink.Target.GPU, 1, -1));
        b.nvLink(new NvLink(PciAddress.parse(gpus[2]), PciAddress.parse(gpus[1]), NvLink.Target.GPU, 1, -1));
        PciTopology t = b.build();
        PeerPair ac = pair(t, gpus[0], gpus[2]);
        assertEquals(NcclPathType.NVB, ac.nccl().type());
        assertEquals(20.0, ac.nccl().bandwidth(), 1e-9);
        assertEquals(SmiClass.NODE, ac.smi().smiClass(), "no NVLink between A and C: different host bridges");
        PeerPair ab = pair(t, gpus[0], gpus[1]);
        assertEquals(NcclPathType.NVL, ab.nccl().type());
        assertEquals(40.0, ab.nccl().bandwidth(), 1e-9);
        assertEquals("NV2", ab.smi().label());
    }

    /** A sysfs-style machine: root port, a switch with two downstream ports, a nested switch. */
    private static PciTopology portsMachine() {
        PciTopology.Builder b = PciTopology.builder("ports").cpu(SKYLAKE).numaNode(new NumaNode(0, null, 0));
        PciBus root = new PciBus(0, 0);
        b.hostBridge(new HostBridge(root, 0));
        PcieLink gen4 = new PcieLink(LinkSpeed.GT_16, 16, LinkSpeed.GT_16, 16);
        bridge(b, "00:01.0", null, PortType.ROOT_PORT, gen4);
        bridge(b, "01:00.0", "00:01.0", PortType.UPSTREAM_PORT, gen4);
        bridge(b, "02:00.0", "01:00.0", PortType.DOWNSTREAM_PORT, gen4);
        bridge(b, "02:01.0", "01:00.0", PortType.DOWNSTREAM_PORT, gen4);
        bridge(b, "02:02.0", "01:00.0", PortType.DOWNSTREAM_PORT, gen4);
        b.function(PciFunction.builder(PciAddress.parse("03:00.0"), root).parent(PciAddress.parse("02:00.0"))
                .ids(0x10de, 0x20b5).classCode(0x030200).headerType(0).portType(PortType.ENDPOINT).link(gen4).numaNode(0));
        b.function(PciFunction.builder(PciAddress.parse("04:00.0"), root).parent(PciAddress.parse("02:01.0"))
                .ids(0x15b3, 0x101b).classCode(0x020700).headerType(0).portType(PortType.ENDPOINT).link(gen4).numaNode(0));
        // A second switch below 02:02.0 with an NVMe drive.
        bridge(b, "05:00.0", "02:02.0", PortType.UPSTREAM_PORT, gen4);
        bridge(b, "06:00.0", "05:00.0", PortType.DOWNSTREAM_PORT, gen4);
        b.function(PciFunction.builder(PciAddress.parse("07:00.0"), root).parent(PciAddress.parse("06:00.0"))
                .ids(0x144d, 0xa824).classCode(0x010802).headerType(0).portType(PortType.ENDPOINT)
                .link(new PcieLink(LinkSpeed.GT_16, 4, LinkSpeed.GT_16, 4)).numaNode(0));
        return b.build();
    }

    private static void bridge(PciTopology.Builder b, String bdf, String parent, PortType type, PcieLink link) {
        b.function(PciFunction.builder(PciAddress.parse(bdf), new PciBus(0, 0)).ids(0x10b5, 0x9797).classCode(0x060400)
                .headerType(1).portType(type).link(link).numaNode(0)
                .parent(parent == null ? null : PciAddress.parse(parent)));
    }

    @Test
    void aSwitchIsOneNodeAndItsDownstreamPortsDisappear() {
        PeerPair p = pair(portsMachine(), "03:00.0", "04:00.0");
        assertEquals(NcclPathType.PIX, p.nccl().type());
        assertEquals(2, p.nccl().hops());
        assertEquals(List.of("0000:03:00.0", "0000:01:00.0", "0000:04:00.0"),
                p.nccl().route().stream().map(n -> n.id()).toList());
        assertEquals(24.0, p.nccl().bandwidth(), 1e-9);
        assertEquals(SmiClass.PIX, p.smi().smiClass());
        // The kernel's view of the same pair: BUS_ADDR through the switch's upstream port.
        assertEquals(4, p.kernel().distance());
    }

    @Test
    void aNestedSwitchMakesPxbAndTheNarrowLinkIsTheBottleneck() {
        PeerPair p = pair(portsMachine(), "03:00.0", "07:00.0");
        assertEquals(NcclPathType.PXB, p.nccl().type());
        assertEquals(SmiClass.PXB, p.smi().smiClass());
        assertEquals(6.0, p.nccl().bandwidth(), 1e-9, "NCCL's value for 16 GT/s x4: 4 x 120 / 80");
        assertEquals(16.0 * 128 / 130 / 8 * 4, p.nccl().bottleneckGBps(), 1e-9);
        assertTrue(p.nccl().bottleneck().contains("x4"), p.nccl().bottleneck());
        // The ends name the x4 link itself, in the path's direction.
        List<String> ends = p.nccl().bottleneckEnds();
        assertEquals(2, ends.size());
        assertTrue(p.nccl().hopDetails().stream().anyMatch(h -> h.startsWith(ends.get(0) + " -")
                && h.contains("- " + ends.get(1) + " (") && h.contains("x4")), p.nccl().hopDetails() + " vs " + ends);
    }

    @Test
    void theMatrixAgreesWithThePairs() {
        for (PciTopology t : List.of(portsMachine(), p4dLike(false), p4dLike(true))) {
            PeerAnalysis analysis = new PeerAnalysis(t, KernelRules.DEFAULT, null, PeerAnalysis.endpoints(t, false));
            PeerMatrix m = analysis.matrix();
            List<PciFunction> e = m.endpoints();
            for (int i = 0; i < e.size(); i++) {
                for (int j = 0; j < e.size(); j++) {
                    if (i == j) {
                        assertEquals(NcclPathType.LOC, m.nccl()[i][j]);
                        continue;
                    }
                    PeerPair p = analysis.pair(e.get(i).address(), e.get(j).address());
                    assertEquals(p.nccl().type(), m.nccl()[i][j]);
                    assertEquals(p.nccl().bandwidth(), m.ncclBandwidth()[i][j], 1e-9);
                    assertEquals(p.smi(), m.smi()[i][j]);
                    assertEquals(p.kernel().mapType(), m.kernel()[i][j].mapType());
                    assertEquals(p.kernel().distance(), m.kernel()[i][j].distance());
                }
            }
        }
    }

    @Test
    void endpointsAreListedGpusFirst() {
        List<PciFunction> e = PeerAnalysis.endpoints(portsMachine(), false);
        assertEquals(List.of("0000:03:00.0", "0000:04:00.0", "0000:07:00.0"),
                e.stream().map(f -> f.address().toString()).toList());
    }

    @Test
    void numberingsDecodeNcclsDistances() {
        // NVIDIA/nccl#1151: "GPU Direct RDMA Disabled for HCA ... (distance 7 > 4)" with NCCL 2.18.
        NcclPathType.Numbering v218 = NcclPathType.Numbering.of("2.18.3");
        assertEquals(NcclPathType.SYS, v218.decode(7).orElseThrow());
        assertEquals(NcclPathType.PXB, v218.decode(4).orElseThrow());
        // 2.26: topoPathTypeStr[] = LOC NVL NVB C2C PIX PXB PXN PHB SYS NET DIS.
        NcclPathType.Numbering v226 = NcclPathType.Numbering.of("2.26.2");
        assertEquals(NcclPathType.PHB, v226.decode(7).orElseThrow());
        assertEquals(NcclPathType.PXB, v226.decode(5).orElseThrow());
        assertEquals(10, v226.number(NcclPathType.DIS));
        // 2.27.3 had PXN 6, P2C 7; from 2.27.7 P2C 6, PXN 7 (graph.h as of 2.28).
        assertEquals(NcclPathType.P2C, NcclPathType.Numbering.of("2.27.3").decode(7).orElseThrow());
        NcclPathType.Numbering current = NcclPathType.Numbering.of("2.28.9+cuda13.0");
        assertEquals(NcclPathType.PXN, current.decode(7).orElseThrow());
        assertEquals(NcclPathType.PHB, current.decode(8).orElseThrow());
        assertEquals(NcclPathType.Numbering.V2_12, NcclPathType.Numbering.of("2.12.12"));
        assertEquals(7, NcclPathType.Numbering.V2_12.number(NcclPathType.DIS));
        assertEquals(11, current.number(NcclPathType.DIS));
    }
}
