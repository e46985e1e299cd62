package org.dmascope.diagnose.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.diagnose.doctor.Doctor;
import org.dmascope.diagnose.doctor.Finding;
import org.dmascope.diagnose.doctor.Verdict;
import org.dmascope.diagnose.machine.Machine;
import org.dmascope.sources.TopologySources;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every check of the doctor, on real machine descriptions and on a SYNTHETIC GPU node with a real kernel log. */
class DoctorTest {

    @TempDir
    Path tmp;

    private static List<Finding> doctor(String source, Long mrSize) throws InputException {
        return new Doctor(Machine.open(source, TopologySources.builtIn(), new NullProgressMonitor()), mrSize).run();
    }

    private static List<Finding> of(List<Finding> findings, String check) {
        return findings.stream().filter(f -> f.check().equals(check)).toList();
    }

    private static Finding one(List<Finding> findings, String check) {
        List<Finding> f = of(findings, check);
        assertEquals(1, f.size(), check + ": " + f);
        return f.get(0);
    }

    @Test
    void everyCheckRunsAndNamesItself() throws InputException {
        List<Finding> f = doctor(TestData.path("nccl-topo/aws-p4d-24xl-topo.xml").toString(), null);
        for (String check : Doctor.CHECKS) {
            assertFalse(of(f, check).isEmpty(), check);
        }
    }

    @Test
    void acsRedirectAboveTheConnectXIsFoundWithItsRegisterAndTheFix() throws InputException {
        // pciutils' cap-aer-root: a Haswell-E root port with ReqRedir+ CmpltRedir+ above a ConnectX-3 Pro.
        Finding acs = one(doctor(TestData.path("lspci-dumps/cap-aer-root").toString(), null), "acs-redirect");
        assertEquals(Verdict.WARN, acs.verdict());
        assertEquals(List.of("0000:03:00.0", "0000:00:02.0"), acs.devices());
        assertTrue(acs.evidence().get(0).startsWith("0000:00:02.0 (root port): ACS Control = 0x001f at config offset "),
                acs.evidence().get(0));
        assertTrue(acs.evidence().get(0).contains("ReqRedir+ CmpltRedir+"), acs.evidence().get(0));
        assertTrue(acs.fix().startsWith("pci=disable_acs_redir=0000:00:02.0 "), acs.fix());
        assertTrue(acs.fix().contains("setpci -s 0000:00:02.0 ECAP_ACS+0x6.w=0000:002c"), acs.fix());
    }

    @Test
    void topologyFilesSayWhatTheyCannotTell() throws InputException {
        List<Finding> f = doctor(TestData.path("lspci-dumps/cap-aer-root").toString(), null);
        assertEquals(Verdict.WARN, one(f, "iommu-mode").verdict());
        assertTrue(one(f, "iommu-mode").summary().contains("topology file"));
        assertTrue(one(f, "p2pdma-log").summary().contains("no kernel log"));
        assertEquals(Verdict.WARN, one(f, "memlock").verdict());
    }

    @Test
    void linkTrainedBelowItsMaximum() throws InputException {
        // cap-exp-dev2: a Sunrise Point root port at 5 GT/s of 8.
        Finding link = one(doctor(TestData.path("lspci-dumps/cap-exp-dev2").toString(), null), "link-speed");
        assertEquals(Verdict.WARN, link.verdict());
        assertEquals(List.of("0000:00:1c.0"), link.devices());
        assertTrue(link.evidence().get(0).contains("5.0 GT/s x1 trained, 8.0 GT/s x1 possible"), link.evidence().get(0));
        assertFalse(link.fix().contains("GPUs lower"), "no GPU here");
    }

    @Test
    void gpusWithoutALocalNicOnAzureNdv2() throws InputException {
        // NDv2: one InfiniBand NIC on NUMA node 0, four V100s on each node.
        List<Finding> numa = of(doctor(TestData.path("nccl-topo/azure-ndv2-topo.xml").toString(), null), "numa-locality");
        assertEquals(8, numa.size());
        assertEquals(4, numa.stream().filter(f -> f.verdict() == Verdict.OK).count());
        Finding far = numa.stream().filter(f -> f.verdict() == Verdict.WARN).findFirst().orElseThrow();
        assertEquals("0005:00:00.0", far.devices().get(0));
        assertTrue(far.evidence().get(0).contains("NUMA node 1, 0101:00:00.0 NUMA node 0: SYS"), far.evidence().get(0));
        // p4d: each A100 has an EFA on its switch.
        assertTrue(of(doctor(TestData.path("nccl-topo/aws-p4d-24xl-topo.xml").toString(), null), "numa-locality").stream()
                .allMatch(f -> f.verdict() == Verdict.OK));
    }

    @Test
    void sysfsSnapshotWithoutNvidiaGpus() throws InputException {
        List<Finding> f = doctor(TestData.path("sysfs/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2").toString(), null);
        assertEquals(Verdict.OK, one(f, "gpudirect-rdma").verdict());
        assertTrue(one(f, "gpudirect-rdma").summary().startsWith("not applicable: no NVIDIA GPU"));
        assertEquals(Verdict.OK, one(f, "bar1").verdict());
        assertEquals(Verdict.OK, one(f, "virtual-machine").verdict(), one(f, "virtual-machine").toString());
        // The snapshot's config files hold 64 bytes: ACS is beyond them.
        assertTrue(of(f, "acs-redirect").stream().anyMatch(x -> x.summary().startsWith("ACS Control of")
                || x.verdict() == Verdict.OK), of(f, "acs-redirect").toString());
    }

    @Test
    void gpuNodeFromADirectoryAndFromAnArchive() throws IOException, InputException {
        Path dir = GpuNodeFixture.write(tmp.resolve("gpu-node"));
        Path archive = GpuNodeFixture.pack(dir, tmp.resolve("gpu-node.tar.gz"));
        for (Path source : List.of(dir, archive)) {
            List<Finding> f = doctor(source.toString(), 1L << 30);
            String prefix = source.equals(archive) ? archive + ": gpu-node/" : dir + "/";

            Finding iommu = one(f, "iommu-mode");
            assertEquals(Verdict.OK, iommu.verdict());
            assertTrue(iommu.summary().startsWith("passthrough"), iommu.summary());
            assertEquals(prefix + "proc/cmdline line 1: iommu=pt", iommu.evidence().get(0));

            List<Finding> faults = of(f, "iommu-faults");
            assertEquals(List.of("0000:03:00.0", "0000:0a:00.0", "0000:00:02.0"),
                    faults.stream().map(x -> x.devices().get(0)).toList());
            assertTrue(faults.stream().allMatch(x -> x.verdict() == Verdict.FAIL));
            assertTrue(faults.get(2).evidence().get(0).startsWith(prefix + "kernel/dmesg.txt line 11 [300.000001]: DMAR:"),
                    faults.get(2).evidence().get(0));

            List<Finding> p2p = of(f, "p2pdma-log");
            assertEquals(List.of(Verdict.WARN, Verdict.FAIL), p2p.stream().map(Finding::verdict).toList());
            assertEquals(List.of("0000:41:00.0", "0000:01:00.0"), p2p.get(1).devices());
            assertTrue(p2p.get(1).evidence().stream().anyMatch(e -> e.endsWith("Host bridge not in P2PDMA whitelist: 8086:1237")));

            List<Finding> gdr = of(f, "gpudirect-rdma");
            assertEquals(Verdict.FAIL, gdr.get(0).verdict());
            assertTrue(gdr.get(0).summary().startsWith("nvidia-peermem could not load"), gdr.get(0).summary());
            assertTrue(gdr.get(0).evidence().contains(prefix + "proc/modules line 1: nvidia_peermem 16384 0 - Live 0x0000000000000000 (POE)"),
                    gdr.get(0).evidence().toString());
            assertTrue(gdr.get(0).evidence().contains(prefix + "kernel/config line 5: CONFIG_PCI_P2PDMA=y"), gdr.get(0).evidence().toString());
            assertEquals(Verdict.WARN, gdr.get(1).verdict(), "the free callback ran");
            Finding distance = gdr.get(2);
            assertEquals(List.of(GpuNodeFixture.GPU, GpuNodeFixture.NIC), distance.devices(), "mlx5_0 found through sysfs");
            assertTrue(distance.summary().endsWith("SYS apart"), distance.summary());
            assertTrue(distance.evidence().get(1).contains("which NCCL 2.18+ numbers as SYS (across the inter-socket link) > PXB"),
                    distance.evidence().get(1));
            assertTrue(distance.evidence().get(1).contains("PCIe route 0000:01:00.0 -> 0000:00:01.0 -> pci0000:00 -> pci0000:80 -> 0000:80:01.0 -> 0000:81:00.0"),
                    distance.evidence().get(1));

            Finding memlock = one(f, "memlock");
            assertEquals(Verdict.FAIL, memlock.verdict());
            assertEquals(prefix + "proc/self/limits line 3: Max locked memory 8388608 8388608 bytes", memlock.evidence().get(0));

            Finding bar1 = one(f, "bar1");
            assertEquals(Verdict.FAIL, bar1.verdict());
            assertTrue(bar1.summary().endsWith("exceeds 0000:01:00.0's BAR1 of 256 MiB"), bar1.summary());

            Finding link = one(f, "link-speed");
            assertEquals(List.of(GpuNodeFixture.GPU), link.devices());
            assertTrue(link.fix().startsWith("GPUs lower their link speed when idle"), link.fix());

            Finding numa = one(f, "numa-locality");
            assertEquals(Verdict.WARN, numa.verdict());
            assertEquals(List.of(GpuNodeFixture.GPU, GpuNodeFixture.NIC), numa.devices());

            assertTrue(of(f, "acs-redirect").stream().anyMatch(x -> x.summary().contains("PCIe ACS override")));
            assertEquals(Verdict.OK, one(f, "virtual-machine").verdict());
            assertTrue(Doctor.failed(f));
        }
    }

    @Test
    void withoutMrSizeSmallLimitsAreWarnings() throws IOException, InputException {
        Path dir = GpuNodeFixture.write(tmp.resolve("gpu-node"));
        List<Finding> f = doctor(dir.toString(), null);
        assertEquals(Verdict.WARN, one(f, "memlock").verdict());
        assertTrue(one(f, "memlock").summary().startsWith("RLIMIT_MEMLOCK is 8 MiB"), one(f, "memlock").summary());
        assertEquals(Verdict.WARN, one(f, "bar1").verdict());
        // A fitting size passes both.
        List<Finding> small = doctor(dir.toString(), 4L << 20);
        assertEquals(Verdict.OK, one(small, "memlock").verdict());
        assertEquals(Verdict.OK, one(small, "bar1").verdict());
    }
}
