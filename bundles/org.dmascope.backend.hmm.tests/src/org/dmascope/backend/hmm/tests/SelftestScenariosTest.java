package org.dmascope.backend.hmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.dmascope.backend.hmm.HmmSteps;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepKinds;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.steps.CoreSteps;
import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenarios in scenarios/hmm, one per case of tools/testing/selftests/mm/hmm-tests.c and
 * variant: every file runs, every expect line in it holds, and the numbers the selftest asserts
 * come out of the dmirror steps.
 */
class SelftestScenariosTest {

    static final StepKinds KINDS = new StepKinds(List.of(new CoreSteps(), new HmmSteps()));

    /** The hmm-tests.c cases this project mirrors. */
    static final List<String> CASES = List.of("anon_read", "anon_read_prot", "anon_write", "anon_write_prot",
            "anon_write_child", "anon_write_child_shared", "anon_write_huge", "anon_write_hugetlbfs", "file_read",
            "file_write", "migrate", "migrate_fault", "migrate_release", "migrate_shared", "migrate_mixed",
            "migrate_multiple", "anon_read_multiple", "anon_teardown", "mixedmap", "snapshot", "compound", "double_map",
            "exclusive", "exclusive_mprotect", "exclusive_cow", "hmm_cow_in_device");

    static Path dir() {
        return TestData.path("").getParent().resolve("scenarios").resolve("hmm");
    }

    static Stream<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".scenario")).sorted().toList().stream();
        }
    }

    static ScenarioResult run(String file) throws ScenarioException {
        return new ScenarioRunner(KINDS, null).run(dir().resolve(file), "scenarios/hmm/" + file);
    }

    @Test
    void everyCaseHasBothVariants() throws IOException {
        Set<String> names = new TreeSet<>(files().toList());
        for (String c : CASES) {
            assertTrue(names.contains(c + ".device_private.scenario"), c + " (hmm_device_private)");
            assertTrue(names.contains(c + ".device_coherent.scenario"), c + " (hmm_device_coherent)");
        }
        assertEquals(2 * CASES.size(), names.size(), "no other files: " + names);
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyExpectationHolds(String file) throws ScenarioException {
        ScenarioResult r = run(file);
        long expects = r.outcomes().stream().filter(o -> o.kind().startsWith("expect")).count();
        assertTrue(expects >= 2, file + " checks what the selftest checks");
        List<String> failed = r.failedExpectations().stream()
                .map(o -> "line " + o.line() + ": " + String.join("; ", o.failed())).toList();
        assertEquals(List.of(), failed, file);
        assertEquals(file.substring(0, file.indexOf('.')), r.scenario().name());
    }

    /** The n-th (from 1) dmirror ioctl of a scenario (open and close are not ioctls). */
    static StepOutcome ioctl(ScenarioResult r, int n) {
        return r.outcomes().stream()
                .filter(o -> o.kind().equals("dmirror") && !o.text().startsWith("dmirror open")
                        && !o.text().startsWith("dmirror close"))
                .skip(n - 1L).findFirst().orElseThrow(() -> new AssertionError("no ioctl #" + n));
    }

    @ParameterizedTest(name = "{0} ioctl {1}: {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "anon_read.device_private|1|0|1024|1|-",
        "anon_read_prot.device_private|1|-EFAULT|0|0|-",
        "anon_write.device_coherent|1|0|1024|1|-",
        "anon_write_prot.device_private|1|0|1|1|-",
        "anon_write_prot.device_private|2|-EPERM|-|-|-",
        "anon_write_prot.device_private|3|0|1024|1|-",
        "anon_write_child.device_private|1|0|1024|1|-",
        "anon_write_child.device_private|2|0|512|1|-",
        "anon_write_child.device_private|4|0|1024|1|-",
        "anon_write_child.device_private|6|0|512|1|-",
        "anon_write_child.device_coherent|4|0|1024|1|-",
        "anon_write_child_shared.device_private|1|0|1024|1|-",
        "anon_write_huge.device_private|1|0|512|1|-",
        "anon_write_hugetlbfs.device_private|1|0|512|1|-",
        "file_read.device_private|1|0|1024|1|-",
        "file_write.device_private|1|0|1024|1|-",
        "migrate.device_private|1|0|1024|-|-",
        "migrate.device_coherent|1|0|1024|-|-",
        "migrate_fault.device_private|2|0|1024|-|-",
        "migrate_shared.device_private|1|-ENOENT|-|-|-",
        "migrate_shared.device_coherent|1|-ENOENT|-|-|-",
        "migrate_mixed.device_private|1|-EINVAL|-|-|-",
        "migrate_mixed.device_private|2|-EINVAL|-|-|-",
        "migrate_mixed.device_private|3|0|4|-|-",
        "migrate_mixed.device_private|4|-ENOENT|-|-|-",
        "migrate_mixed.device_coherent|4|-ENOENT|-|-|-",
        "migrate_multiple.device_coherent|2|0|1024|-|-",
        "anon_read_multiple.device_private|10|0|1024|1|-",
        "mixedmap.device_private|1|0|1|-|01",
        "snapshot.device_private|3|0|7|-|ff*2,11,01,02,22,00",
        "snapshot.device_coherent|3|0|7|-|ff*2,11,01,02,42,52",
        "compound.device_private|1|0|512|-|06*512",
        "compound.device_private|2|0|512|-|05*512",
        "double_map.device_private|4|0|6|1|-",
        "double_map.device_coherent|4|0|6|1|-",
        "exclusive.device_private|1|0|1024|-|-",
        "exclusive.device_private|2|-EPERM|-|-|-",
        "exclusive.device_private|3|0|-|-|-",
        "exclusive_mprotect.device_private|2|-EPERM|-|-|-",
        "exclusive_cow.device_private|2|0|-|-|-",
        "hmm_cow_in_device.device_private|2|0|4|-|02*4",
        "hmm_cow_in_device.device_coherent|2|0|4|-|02*4"})
    void theSelftestsNumbers(String file, int n, String rc, String cpages, String faults, String perm)
            throws ScenarioException {
        StepOutcome o = ioctl(run(file + ".scenario"), n);
        assertEquals(rc, o.rc(), o.text());
        if (cpages != null) {
            assertEquals(cpages, o.values().get("cpages"), o.text());
        }
        if (faults != null) {
            assertEquals(faults, o.values().get("faults"), o.text());
        }
        if (perm != null) {
            assertEquals(perm, o.values().get("perm"), o.text());
        }
    }

    @Test
    void aConcurrentUnmapForcesARetryTheUserSees() throws ScenarioException {
        StepOutcome read = ioctl(run("anon_teardown.device_private.scenario"), 1);
        assertEquals("-EFAULT", read.rc());
        assertEquals("1", read.values().get("retries"));
        assertTrue(read.notes().stream().anyMatch(n -> n.startsWith("mmu_interval_read_retry: sequence 1 -> 3")),
                read.notes().toString());
        assertTrue(read.notes().stream().anyMatch(n -> n.contains("no VMA") && n.contains("-EFAULT")),
                read.notes().toString());
    }
}
