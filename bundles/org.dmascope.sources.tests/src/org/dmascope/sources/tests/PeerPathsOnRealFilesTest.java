package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.NcclPathType;
import org.dmascope.core.peer.P2pMapType;
import org.dmascope.core.peer.PeerAnalysis;
import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.peer.SmiClass;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.TopologySources;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NCCL's path types and bandwidths on the topology files Azure and AWS publish for
 * NCCL_TOPO_FILE, derived from NCCL's rules (src/graph/paths.cc, topo.cc): placeholder switches
 * give PIX, two switches of one CPU PHB, two CPUs SYS at the CPU model's inter-socket bandwidth.
 */
class PeerPathsOnRealFilesTest {

    private static PeerPair pair(String file, String a, String b) throws Exception {
        PciTopology t = TopologySources.builtIn().open(TestData.path("nccl-topo/" + file), file, new NullProgressMonitor());
        return new PeerAnalysis(t, KernelRules.DEFAULT, null, PeerAnalysis.endpoints(t, false))
                .pair(PciAddress.parse(a), PciAddress.parse(b));
    }

    @ParameterizedTest(name = "{0} {1} {2}: {3} {4} hops {5} GB/s, nvidia-smi {6}")
    @CsvSource({
        // NDv4: AMD family 0x17 (inter-socket 16), 16 GT/s x16 links (24), a switch per NUMA node.
        "azure-ndv4-topo.xml, 0003:00:00.0, 0004:00:00.0, PIX, 2, 24, PIX",
        "azure-ndv4-topo.xml, 0003:00:00.0, 0103:00:00.0, PIX, 2, 24, PIX",
        "azure-ndv4-topo.xml, 0003:00:00.0, 0001:00:00.0, SYS, 5, 16, SYS",
        // NDv5: Intel Sapphire Rapids (model 143: 22), 32.0 GT/s x16 (48), a switch per GPU.
        "azure-ndv5-topo.xml, 0001:00:00.0, 0101:00:00.0, PIX, 2, 48, PIX",
        "azure-ndv5-topo.xml, 0001:00:00.0, 0002:00:00.0, PHB, 4, 48, PHB",
        "azure-ndv5-topo.xml, 0001:00:00.0, 0009:00:00.0, SYS, 5, 22, SYS",
        // p4d: Intel Skylake-SP (model 85: 10), 8 GT/s x16 (12), two GPUs and an EFA per switch.
        "aws-p4d-24xl-topo.xml, 0000:10:1c.0, 0000:10:1d.0, PIX, 2, 12, PIX",
        "aws-p4d-24xl-topo.xml, 0000:10:1c.0, 0000:10:1b.0, PIX, 2, 12, PIX",
        "aws-p4d-24xl-topo.xml, 0000:10:1c.0, 0000:20:1c.0, PHB, 4, 12, PHB",
        "aws-p4d-24xl-topo.xml, 0000:10:1c.0, 0000:90:1c.0, SYS, 5, 10, SYS",
        // NDv2: no switches; each GPU on a host bridge of its own: nvidia-smi NODE, NCCL PHB.
        "azure-ndv2-topo.xml, 0001:00:00.0, 0002:00:00.0, PHB, 2, 24, NODE",
        "azure-ndv2-topo.xml, 0001:00:00.0, 0005:00:00.0, SYS, 3, 10, SYS",
    })
    void pathsOfPublishedTopologies(String file, String a, String b, String type, int hops, double bw, String smi)
            throws Exception {
        PeerPair p = pair(file, a, b);
        assertEquals(NcclPathType.valueOf(type), p.nccl().type(), p.nccl().hopDetails().toString());
        assertEquals(hops, p.nccl().hops());
        assertEquals(bw, p.nccl().bandwidth(), 1e-9);
        assertEquals(SmiClass.valueOf(smi), p.smi().smiClass(), "nvidia-smi class");
    }

    @ParameterizedTest
    @CsvSource({"azure-ndv4-topo.xml", "aws-p4d-24xl-topo.xml"})
    void theKernelViewSaysTheFileDescribesSwitches(String file) throws Exception {
        String a = file.startsWith("azure") ? "0003:00:00.0" : "0000:10:1c.0";
        String b = file.startsWith("azure") ? "0004:00:00.0" : "0000:10:1d.0";
        PeerPair p = pair(file, a, b);
        assertEquals(P2pMapType.BUS_ADDR, p.kernel().mapType(), "no ACS is described below the switch");
        assertTrue(p.kernel().steps().stream().anyMatch(s -> s.finding().contains("describes switches")));
    }
}
