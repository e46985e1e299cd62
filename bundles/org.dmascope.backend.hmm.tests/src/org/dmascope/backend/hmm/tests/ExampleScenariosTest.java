package org.dmascope.backend.hmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;

/** scenarios/examples/interval_notifier.scenario: the notifier steps and hmm_range_fault's request flags. */
class ExampleScenariosTest {

    private static ScenarioResult run() throws ScenarioException {
        Path file = TestData.path("").getParent().resolve("scenarios/examples/interval_notifier.scenario");
        return new ScenarioRunner(SelftestScenariosTest.KINDS, null).run(file, "interval_notifier.scenario");
    }

    private static StepOutcome first(ScenarioResult r, String textStart, int n) {
        return r.outcomes().stream().filter(o -> o.text().startsWith(textStart)).skip(n).findFirst().orElseThrow();
    }

    @Test
    void theSequenceIsOddWhileAnInvalidationRunsAndReadRetrySeesItMove() throws ScenarioException {
        ScenarioResult r = run();
        assertEquals(List.of(), r.failedExpectations().stream().map(o -> o.line() + ": " + o.failed()).toList());
        assertEquals("true", first(r, "notifier read_retry", 0).values().get("retry"));
        assertEquals("false", first(r, "notifier read_retry", 1).values().get("retry"));
        StepOutcome blocked = first(r, "notifier read_begin", 1);
        assertEquals("true", blocked.values().get("blocked"));
        assertEquals("5", blocked.values().get("mm_seq"), "odd: invalidate_range_start ran, its end has not");
        assertTrue(blocked.notes().get(0).contains("sleeps until invalidate_range_end"));
        assertEquals("6", first(r, "invalidate", 1).values().get("mm_seq"));
        StepOutcome perPage = first(r, "hmm_range_fault p buf+4p", 0);
        assertEquals("VALID,VALID|WRITE*3", perPage.values().get("pfns"));
        assertTrue(perPage.chain().get(0).matches("0x7f0000004000 -> pfn 0x1000 VALID"), perPage.chain().get(0));
        assertEquals("-EPERM", first(r, "hmm_range_fault p buf 16p default=fault|write", 0).rc());
    }
}
