package org.dmascope.backend.hmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.dmascope.backend.hmm.HmmBackend;
import org.dmascope.backend.structpage.StructPageBackend;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioParser;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepOutcome;
import org.junit.jupiter.api.Test;

/** register_mr: the core's chain resolver on a simulated process, through the backend of each VMA. */
class RegisterMrTest {

    private static final String TEXT = """
            device dev0 private
            process p
            dmirror open m0 dev0 p
            mmap p buf 64K rw private anon
            touch p buf 32K write value=index
            register_mr p buf 64K
            dmirror migrate-to-dev m0 buf 16
            register_mr p buf 64K
            mmap p ro 8K r private anon
            register_mr p ro 8K
            register_mr p ro 8K access=read-only,remote-read
            """;

    private static ScenarioResult run(ScenarioRunner runner) throws ScenarioException {
        return runner.run(new ScenarioParser(runner.kinds()).parse(TEXT.lines().toList(), "mr.scenario"), Path.of("."));
    }

    private static StepOutcome line(ScenarioResult r, int line) {
        return r.outcomes().stream().filter(o -> o.line() == line).findFirst().orElseThrow();
    }

    @Test
    void devicePagesGoThroughTheHmmBackend() throws ScenarioException {
        ScenarioResult r = run(new ScenarioRunner(SelftestScenariosTest.KINDS, null)
                .withBackends(List.of(new StructPageBackend(), new HmmBackend())));
        StepOutcome before = line(r, 6);
        assertEquals("0", before.rc());
        assertEquals("structpage", before.values().get("backends"));
        assertEquals("16", before.values().get("pinned"));
        assertEquals("8", before.values().get("faulted"), "half the pages were never touched");
        assertTrue(before.chain().stream().anyMatch(c -> c.startsWith("pin: ")), before.chain().toString());
        StepOutcome after = line(r, 8);
        assertEquals("0", after.rc());
        assertEquals("hmm", after.values().get("backends"));
        assertEquals("16", after.values().get("migrated"), "every page comes back from the device before the pin");
        assertTrue(after.notes().stream().anyMatch(n -> n.contains("migrate_to_ram")), after.notes().toString());
        StepOutcome ro = line(r, 10);
        assertEquals("-EFAULT", ro.rc(), "a writable MR on a read-only mapping");
        assertTrue(ro.notes().stream().anyMatch(n -> n.contains("check_vma_flags")), ro.notes().toString());
        assertEquals("0", line(r, 11).rc(), "a read-only MR is fine");
    }

    @Test
    void withoutBackendsTheStepCannotRun() {
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> run(new ScenarioRunner(SelftestScenariosTest.KINDS, null)));
        assertEquals(6, e.line());
        assertTrue(e.problem().contains("no memory backend"), e.problem());
    }
}
