package org.dmascope.backend.hmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

import org.dmascope.backend.hmm.HmmSteps;
import org.dmascope.backend.hmm.OdpSteps;
import org.dmascope.backend.hmm.UmemOdp;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.scenario.Errno;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioParser;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepKinds;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.mm.Machine;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.MmuNotifierRange;
import org.dmascope.scenario.mm.SimVma;
import org.dmascope.scenario.steps.CoreSteps;
import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ODP (drivers/infiniband/core/umem_odp.c, drivers/infiniband/hw/mlx5/odp.c): the umem on its
 * own, and the scenarios in scenarios/odp.
 */
class OdpTest {

    static final StepKinds KINDS = new StepKinds(List.of(new CoreSteps(), new HmmSteps(), new OdpSteps()));

    static Path dir() {
        return TestData.path("").getParent().resolve("scenarios").resolve("odp");
    }

    static Stream<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".scenario")).sorted().toList().stream();
        }
    }

    static ScenarioResult run(String file) throws ScenarioException {
        return new ScenarioRunner(KINDS, null).run(dir().resolve(file), "scenarios/odp/" + file);
    }

    static StepOutcome first(ScenarioResult r, String textStart, int n) {
        return r.outcomes().stream().filter(o -> o.text().startsWith(textStart)).skip(n).findFirst().orElseThrow();
    }

    private static Mm processWith16Pages(Machine m) {
        Mm mm = m.newProcess("p");
        mm.mmap(16 * 4096, EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.MAY_READ, VmFlag.MAY_WRITE),
                SimVma.Backing.ANON, null, 0, 0, false, 0);
        return mm;
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyOdpScenarioHoldsItsExpectations(String file) throws ScenarioException {
        ScenarioResult r = run(file);
        assertEquals(List.of(), r.failedExpectations().stream().map(o -> o.line() + ": " + o.failed()).toList());
        assertTrue(r.outcomes().stream().anyMatch(o -> o.kind().equals("expect")), file + " checks nothing");
    }

    @Test
    void theShippedCasesAreThere() throws IOException {
        assertEquals(List.of("odp_access_rights.scenario", "odp_implicit.scenario", "odp_migrate.scenario",
                "odp_munmap.scenario", "odp_retry.scenario", "odp_subrange_invalidate.scenario"), files().toList());
    }

    @Test
    void registrationMapsNothingAndFaultsMapTheRange() {
        Machine m = new Machine();
        Mm mm = processWith16Pages(m);
        long base = mm.vmas().get(0).start();
        UmemOdp u = new UmemOdp("mr", mm, base, base + 16 * 4096, true);
        assertEquals(0, u.npages());
        assertEquals(0, mm.cpuFaults(), "ib_umem_odp_get touches no page");
        UmemOdp.MapResult r = u.mapDmaAndLock(base + 100, 2 * 4096, UmemOdp.READ_ALLOWED | UmemOdp.WRITE_ALLOWED, true);
        assertEquals(3, r.rc, "bytes 100..8291 span three pages");
        assertEquals(3, u.npages());
        assertEquals(UmemOdp.READ_ALLOWED | UmemOdp.WRITE_ALLOWED, u.mappedAt(base).access());
    }

    @Test
    void invalidatingASubRangeLeavesTheRestMapped() {
        Machine m = new Machine();
        Mm mm = processWith16Pages(m);
        long base = mm.vmas().get(0).start();
        UmemOdp u = new UmemOdp("mr", mm, base, base + 16 * 4096, true);
        u.mapDmaAndLock(base, 16 * 4096, UmemOdp.READ_ALLOWED | UmemOdp.WRITE_ALLOWED, true);
        assertEquals(16, u.npages());
        long seqBefore = u.notifier().invalidateSeq();
        mm.invalidate(MmuNotifierRange.Event.CLEAR, base + 4 * 4096, base + 6 * 4096, null);
        assertEquals(14, u.npages());
        assertNotNull(u.mappedAt(base + 3 * 4096));
        assertNull(u.mappedAt(base + 4 * 4096));
        assertNull(u.mappedAt(base + 5 * 4096));
        assertNotNull(u.mappedAt(base + 6 * 4096));
        assertEquals(List.of(List.of(base, base + 4 * 4096), List.of(base + 6 * 4096, base + 16 * 4096)),
                u.mappedRuns().stream().map(x -> List.of(x[0], x[1])).toList());
        assertEquals(1, u.invalidated().size());
        assertEquals(base + 4 * 4096, u.invalidated().get(0)[0]);
        assertTrue(u.notifier().invalidateSeq() != seqBefore, "mmu_interval_set_seq stored the odd sequence");
        // An invalidation outside the umem does not touch it.
        mm.invalidate(MmuNotifierRange.Event.CLEAR, base + 32 * 4096, base + 40 * 4096, null);
        assertEquals(14, u.npages());
    }

    @Test
    void aConcurrentInvalidationForcesARetry() {
        Machine m = new Machine();
        Mm mm = processWith16Pages(m);
        long base = mm.vmas().get(0).start();
        UmemOdp u = new UmemOdp("mr", mm, base, base + 16 * 4096, true);
        u.raceNext(() -> mm.invalidate(MmuNotifierRange.Event.CLEAR, base, base + 4096, null), "a zap");
        UmemOdp.MapResult r = u.mapDmaAndLock(base, 4 * 4096, UmemOdp.READ_ALLOWED, true);
        assertEquals(4, r.rc);
        assertEquals(1, r.retries);
        assertEquals(2, r.rangeFaults);
        assertTrue(r.notes.stream().anyMatch(n -> n.startsWith("mmu_interval_read_retry")), r.notes.toString());
        assertEquals(4, u.npages(), "the retry mapped the range after the invalidation");
    }

    @Test
    void aFaultWithoutAVmaIsEfault() {
        Machine m = new Machine();
        Mm mm = m.newProcess("p");
        UmemOdp u = new UmemOdp("mr", mm, 0x7f0000000000L, 0x7f0000010000L, true);
        UmemOdp.MapResult r = u.mapDmaAndLock(0x7f0000000000L, 4096, UmemOdp.READ_ALLOWED, true);
        assertEquals(-Errno.EFAULT, r.rc);
        assertEquals(0, u.npages());
    }

    @Test
    void munmapOfPartUnmapsOnlyThatPartAndLaterAccessFails() throws ScenarioException {
        ScenarioResult r = run("odp_munmap.scenario");
        assertEquals("8", first(r, "odp show mr", 0).values().get("npages"));
        StepOutcome late = first(r, "odp access mr buf+8p", 0);
        assertEquals("IB_WC_REM_ACCESS_ERR", late.rc());
        assertEquals("-EFAULT", late.values().get("fault_rc"));
        assertEquals("false", first(r, "odp access mr buf 8p read", 0).values().get("page_fault"));
    }

    @Test
    void migrationOfPartUnmapsItAndTheNextFaultBringsItBack() throws ScenarioException {
        ScenarioResult r = run("odp_migrate.scenario");
        StepOutcome shown = first(r, "odp show mr", 0);
        assertEquals("4", shown.values().get("npages"));
        assertTrue(shown.values().get("invalidated").endsWith("migrate"));
        StepOutcome again = first(r, "odp access mr buf 8p read", 1);
        assertTrue(again.notes().stream().anyMatch(n -> n.contains("another owner") && n.contains("faulted back")),
                again.notes().toString());
        assertEquals("8", again.values().get("npages"));
    }

    @Test
    void anImplicitChildIsDestroyedWhenEmptied() throws ScenarioException {
        ScenarioResult r = run("odp_implicit.scenario");
        assertEquals("2", first(r, "odp show all", 0).values().get("children"));
        assertEquals("1", first(r, "odp show all", 1).values().get("children_destroyed"));
    }

    @Test
    void malformedOdpLinesAreRefusedWithTheirLine() {
        ScenarioException e = assertThrows(ScenarioException.class, () -> new ScenarioParser(KINDS)
                .parse(List.of("process p", "odp access mr buf 4p sideways"), "bad.scenario"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("read or write"), e.getMessage());
        e = assertThrows(ScenarioException.class, () -> new ScenarioParser(KINDS)
                .parse(List.of("odp reg mr p buf 4p access=remote-everything"), "bad.scenario"));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("remote-everything"), e.getMessage());
    }
}
