package org.dmascope.diagnose.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.diagnose.doctor.Doctor;
import org.dmascope.diagnose.doctor.Finding;
import org.dmascope.diagnose.doctor.Verdict;
import org.dmascope.diagnose.machine.Machine;
import org.dmascope.sources.TopologySources;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;

/** The doctor on this machine: a virtual machine without IOMMU groups. */
class DoctorLiveTest {

    @Test
    void thisVirtualMachineIsSaidToBeOneWithoutIommuGroups() throws InputException, java.io.IOException {
        // The machine this project's tests run on: a KVM guest without a virtual IOMMU.
        org.junit.jupiter.api.Assumptions.assumeTrue(virtualMachineWithoutIommuGroups(),
                "this machine is not a virtual machine without IOMMU groups");
        Machine m = Machine.open(null, TopologySources.builtIn(), new NullProgressMonitor());
        List<Finding> findings = new Doctor(m, null).run();
        Finding vm = findings.stream().filter(f -> f.check().equals("virtual-machine")).findFirst().orElseThrow();
        assertEquals(Verdict.WARN, vm.verdict());
        Finding iommu = findings.stream().filter(f -> f.check().equals("iommu-mode")).findFirst().orElseThrow();
        assertTrue(iommu.summary().startsWith("off: no IOMMU groups (a virtual machine without a virtual IOMMU)"),
                iommu.summary());
    }

    /** Whether this machine is what the test expects: a hypervisor CPU flag and no IOMMU group. */
    static boolean virtualMachineWithoutIommuGroups() throws java.io.IOException {
        java.nio.file.Path groups = java.nio.file.Path.of("/sys/kernel/iommu_groups");
        boolean none;
        try (var s = java.nio.file.Files.list(groups)) {
            none = s.findAny().isEmpty();
        } catch (java.nio.file.NoSuchFileException e) {
            none = true;
        }
        return none && java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo")).contains(" hypervisor");
    }
}
