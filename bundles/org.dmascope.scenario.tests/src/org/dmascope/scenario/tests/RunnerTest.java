package org.dmascope.scenario.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.scenario.DataPattern;
import org.dmascope.scenario.Errno;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioExtension;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.StepKind;
import org.dmascope.scenario.StepKinds;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.Values;
import org.dmascope.scenario.steps.CoreSteps;
import org.dmascope.scenario.steps.SimpleKind;
import org.junit.jupiter.api.Test;

/** Running scenarios: outcomes, expectations, and what stops a run. */
class RunnerTest {

    @Test
    void outcomesCarryReturnCodesValuesAndPages() throws ScenarioException {
        ScenarioResult r = Scenarios.run("""
                process p
                mmap p buf 8K r private anon
                touch p buf 8K read
                touch p buf 4K write value=1
                mprotect p buf+8K 4K rw
                munmap p buf 3
                """);
        StepOutcome read = Scenarios.at(r, 3);
        assertEquals("0", read.rc());
        assertEquals("0", read.values().get("data"));
        assertEquals(1, read.pages().size());
        assertEquals("zero-page ro", read.pages().get(0).state());
        assertEquals(2, read.pages().get(0).pages());
        StepOutcome write = Scenarios.at(r, 4);
        assertEquals("SIGSEGV", write.rc(), "a write to a read-only mapping");
        assertEquals("-ENOMEM", Scenarios.at(r, 5).rc(), "nothing is mapped after the buffer");
        assertEquals("0", Scenarios.at(r, 6).rc(), "munmap rounds the length up");
    }

    @Test
    void expectationsThatDoNotHoldAreOutcomesNotErrors() throws ScenarioException {
        ScenarioResult r = Scenarios.run("""
                process p
                mmap p buf 8K rw private anon
                touch p buf 8K write value=index+5
                touch p buf 8K read
                expect rc=0 data=index+5 pages=2
                expect rc=-EFAULT data=6 nosuch=1
                expect-page p buf anon rw
                expect-page p buf zero-page ro
                """);
        assertTrue(Scenarios.at(r, 5).failed().isEmpty());
        List<String> failed = Scenarios.at(r, 6).failed();
        assertEquals(3, failed.size(), failed.toString());
        assertEquals("rc is 0, expected -EFAULT", failed.get(0));
        assertEquals("data is index+5, expected 6", failed.get(1));
        assertTrue(failed.get(2).startsWith("nosuch: line 4"), failed.get(2));
        assertTrue(Scenarios.at(r, 7).failed().isEmpty());
        assertEquals(1, Scenarios.at(r, 8).failed().size());
        assertEquals(2, r.failedExpectations().size());
    }

    @Test
    void aStepThatCannotRunAsWrittenStopsWithItsLine() {
        ScenarioException e = assertThrows(ScenarioException.class, () -> Scenarios.run("""
                process p
                mmap q buf 4K rw
                """));
        assertEquals(2, e.line());
        assertTrue(e.problem().contains("no process named 'q'"), e.problem());
        ScenarioException noName = assertThrows(ScenarioException.class, () -> Scenarios.run("""
                process p
                touch p nothere 4K read
                """));
        assertEquals("test.scenario: line 2: touch: no mapping named 'nothere'", noName.getMessage());
        ScenarioException noTopology = assertThrows(ScenarioException.class, () -> Scenarios.run("topology t.xml"));
        assertTrue(noTopology.problem().contains("cannot read topologies"));
    }

    @Test
    void filesAndSharedMappingsShareThePageCache() throws ScenarioException {
        ScenarioResult r = Scenarios.run("""
                file f 8K fill=index+10
                process p
                mmap p a 8K rw shared file=f
                mmap p b 8K r shared file=f
                touch p a 8K write value=-index
                touch p b 8K read
                pread f 8K
                """);
        assertEquals("-index", Scenarios.at(r, 6).values().get("data"));
        assertEquals("-index", Scenarios.at(r, 7).values().get("data"));
    }

    @Test
    void extensionsMayNotContributeTheSameKindTwice() {
        ScenarioExtension other = new ScenarioExtension() {
            @Override
            public String id() {
                return "other";
            }

            @Override
            public List<StepKind> stepKinds() {
                return List.of(new SimpleKind("mmap", "mmap", s -> { }, (s, c) -> StepOutcome.of(s).build()));
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StepKinds(List.of(new CoreSteps(), other)));
        assertEquals("step kind 'mmap' is contributed by both core and other", e.getMessage());
    }

    @Test
    void valuesAndPatterns() {
        assertEquals(4096L, Values.parseSize("1p"));
        assertEquals(2L << 20, Values.parseSize("2M"));
        assertEquals(0x1000L, Values.parseSize("0x1000"));
        assertEquals(null, Values.parseSize("-1"));
        assertEquals(null, Values.parseSize("4T"));
        assertEquals("index", DataPattern.summarize(new long[] {0, 1, 2}));
        assertEquals("-index+3", DataPattern.summarize(new long[] {3, 2, 1}));
        assertEquals("7", DataPattern.summarize(new long[] {7, 7}));
        assertEquals("0*2,2,9", DataPattern.summarize(new long[] {0, 0, 2, 9}));
        assertEquals("-EFAULT", Errno.name(-Errno.EFAULT));
        assertEquals("0", Errno.name(0));
        assertEquals("-E200", Errno.name(-200));
    }
}
