package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dmascope collect}, and its archive as the SOURCE of topo, paths and doctor. */
class CollectCommandTest {

    @TempDir
    Path tmp;

    @Test
    void theArchiveIsASourceForTopoPathsAndDoctor() {
        Path archive = tmp.resolve("machine.tar.gz");
        CliRun collect = CliRun.of("collect", archive.toString(), "--nccl",
                TestData.path("nccl-topo/azure-ndv4-topo.xml").toString());
        assertEquals(0, collect.status(), collect.err());
        assertTrue(collect.out().startsWith("wrote " + archive + ": "), collect.out());

        CliRun live = CliRun.of("topo");
        CliRun fromArchive = CliRun.of("topo", archive.toString());
        assertEquals(0, fromArchive.status(), fromArchive.err());
        assertEquals(live.out(), fromArchive.out(), "the archive reads like this machine");
        assertEquals(CliRun.of("paths", "--all").out().lines().skip(1).findFirst(),
                CliRun.of("paths", "--all", archive.toString()).out().lines().skip(1).findFirst());

        CliRun doctor = CliRun.of("doctor", archive.toString());
        assertTrue(doctor.status() == 0 || doctor.status() == 1, doctor.err());
        assertTrue(doctor.out().contains("] iommu-mode: "), doctor.out());
        if (CliRun.of("doctor").out().contains("[ok] iommu-mode: off: no IOMMU groups (a virtual machine")) {
            // This machine, a KVM guest without a virtual IOMMU: the archive says the same.
            assertTrue(doctor.out().contains("[ok] iommu-mode: off: no IOMMU groups (a virtual machine without a virtual IOMMU)"),
                    doctor.out());
            assertTrue(doctor.out().contains("[warn] virtual-machine: this is a virtual machine"), doctor.out());
        }
    }

    @Test
    void unreadableInputsAreExitStatus2() {
        CliRun run = CliRun.of("collect", tmp.resolve("x.tar.gz").toString(), "--nccl", "/nonexistent/nccl.log");
        assertEquals(2, run.status());
        assertEquals("dmascope: /nonexistent/nccl.log: no such file or directory\n", run.err());
        CliRun dir = CliRun.of("collect", tmp.toString());
        assertEquals(2, dir.status());
        assertTrue(dir.err().endsWith("is a directory: name the archive to write\n"), dir.err());
    }
}
