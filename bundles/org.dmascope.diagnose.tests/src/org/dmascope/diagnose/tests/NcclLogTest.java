package org.dmascope.diagnose.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.NcclPathType;
import org.dmascope.core.peer.PeerAnalysis;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.diagnose.nccl.GdrDecision;
import org.dmascope.diagnose.nccl.NcclLog;
import org.dmascope.diagnose.nccl.NcclMessage;
import org.dmascope.sources.TopologySources;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;

/** NCCL_DEBUG=INFO lines written from NCCL's format strings (src/graph/paths.cc, net_ib.cc, p2p.cc). */
class NcclLogTest {

    @Test
    void distanceIsDecodedForTheVersionThatWroteTheLog() throws InputException {
        // NVIDIA/nccl#1151's line, from NCCL 2.18: 7 > 4 is SYS > PXB.
        NcclLog log = NcclLog.parse("""
                gpu1:4242:4242 [0] NCCL INFO NCCL version 2.18.3+cuda12.2
                gpu1:4242:4300 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB eth0:10.0.0.1<0>
                gpu1:4242:4300 [0] NCCL INFO GPU Direct RDMA Disabled for GPU 1c000 / HCA 1 (distance 7 > 4)
                gpu1:4242:4300 [0] NCCL INFO Channel 00/0 : 0[1c000] -> 1[1d000] via P2P/IPC
                gpu1:4242:4300 [1] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0' (no module)
                a line of the application
                """, "nccl.log");
        assertEquals("2.18.3", log.version().orElseThrow());
        assertEquals(6, log.entries().size());
        assertEquals(NcclMessage.OTHER, log.entries().get(5).kind());
        assertEquals("P2P/IPC", log.of(NcclMessage.CHANNEL).get(0).fields().get("transport"));
        assertEquals("no module", log.of(NcclMessage.GDR_HCA_DISABLED).get(0).fields().get("why"));
        GdrDecision d = GdrDecision.of(log, null).get(0);
        assertFalse(d.enabled());
        assertEquals(NcclPathType.SYS, d.path());
        assertEquals(NcclPathType.PXB, d.levelPath());
        assertEquals("mlx5_1", d.nicName());
        assertTrue(d.explain().contains("SYS (across the inter-socket link) > PXB"), d.explain());
    }

    @Test
    void sameNumberMeansAnotherPathInLaterReleases() throws InputException {
        String line = "h:1:1 [0] NCCL INFO GPU Direct RDMA Disabled for GPU 0 / HCA 0 (distance 7 > 5)\n";
        assertEquals(NcclPathType.PHB, GdrDecision.of(NcclLog.parse(
                "h:1:1 [0] NCCL INFO NCCL version 2.26.5+cuda12.8\n" + line, "a"), null).get(0).path());
        assertEquals(NcclPathType.P2C, GdrDecision.of(NcclLog.parse(
                "h:1:1 [0] NCCL INFO NCCL version 2.27.3+cuda12.9\n" + line, "b"), null).get(0).path());
        assertEquals(NcclPathType.PXN, GdrDecision.of(NcclLog.parse(
                "h:1:1 [0] NCCL INFO NCCL version 2.28.9+cuda13.0\n" + line, "c"), null).get(0).path());
        GdrDecision unknown = GdrDecision.of(NcclLog.parse(line, "d"), null).get(0);
        assertNull(unknown.path());
        assertEquals("2.12-2.17, 2.18-2.25", unknown.candidates().get("SYS"));
        assertEquals("2.26", unknown.candidates().get("PHB"));
        assertTrue(unknown.explain().contains("does not say which NCCL"), unknown.explain());
    }

    @Test
    void decisionIsPlacedOnTheBridgesOfTheTopology() throws InputException {
        // hwloc's two-socket machine: a Tesla (cuda0) and the NIC hwloc names eth0.
        PciTopology t = TopologySources.builtIn().open(TestData.path("hwloc-xml/32em64t-2n8c2t-pci-wholeio.xml"), "hwloc",
                new NullProgressMonitor());
        PciFunction nic = t.functions().stream()
                .filter(f -> f.osDevices().stream().map(OsDevice::name).anyMatch("eth0"::equals)).findFirst().orElseThrow();
        PciAddress gpu = PciAddress.parse("0000:84:00.0");
        NcclPathType computed = new PeerAnalysis(t, KernelRules.DEFAULT, null, PeerAnalysis.endpoints(t, false))
                .pair(gpu, nic.address()).nccl().type();
        int number = NcclPathType.Numbering.V2_18.number(computed);
        NcclLog log = NcclLog.parse("h:1:1 [0] NCCL INFO NCCL version 2.18.5+cuda12.2\n"
                + "h:1:1 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.1<0>\n"
                + "h:1:1 [0] NCCL INFO GPU Direct RDMA Disabled for GPU 84000 / HCA 0 (distance " + number + " > 4)\n", "x");
        List<GdrDecision> ds = GdrDecision.of(log, t);
        GdrDecision d = ds.get(0);
        assertEquals(gpu, d.gpu(), "NCCL's bus ID 0x84000 is 0000:84:00.0");
        assertEquals(nic.address(), d.nic());
        assertEquals(computed, d.path());
        assertEquals(computed, d.computed());
        assertEquals(gpu.toString(), d.bridges().get(0));
        assertEquals(nic.address().toString(), d.bridges().get(d.bridges().size() - 1));
        assertTrue(d.bridges().size() > 2, "the route passes bridges or CPUs: " + d.bridges());
    }

    @Test
    void aFileWithoutNcclLinesIsRefused() {
        InputException e = assertThrows(InputException.class, () -> NcclLog.parse("hello\nworld\n", "app.log"));
        assertTrue(e.getMessage().startsWith("app.log: no NCCL line"), e.getMessage());
    }
}
