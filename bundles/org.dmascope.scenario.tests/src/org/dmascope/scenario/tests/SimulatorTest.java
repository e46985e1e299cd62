package org.dmascope.scenario.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioExtension;
import org.dmascope.scenario.ScenarioParser;
import org.dmascope.scenario.StepKind;
import org.dmascope.scenario.StepKinds;
import org.dmascope.scenario.steps.CoreSteps;
import org.dmascope.scenario.steps.SimpleKind;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.Values;
import org.dmascope.scenario.sim.Simulator;
import org.dmascope.scenario.sim.Simulator.State;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator: step, play, pause, speed, simulated time, failure, and the events it records. */
class SimulatorTest {

    private static final String FOUR_STEPS = """
            process p
            mmap p buf 8K rw private anon
            touch p buf 8K write value=index
            expect rc=0 faults=2
            """;

    /** What a listener saw, in order: "state X" and "step LINE @TIME". */
    private static final class Recorder implements Simulator.Listener {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final List<Long> times = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        public void stepDone(StepOutcome outcome, long timeNs) {
            seen.add("step " + outcome.line());
            times.add(timeNs);
        }

        @Override
        public void stateChanged(State state) {
            seen.add("state " + state);
            if (state == State.FINISHED || state == State.FAILED) {
                done.countDown();
            }
        }

        void await() throws InterruptedException {
            assertTrue(done.await(30, TimeUnit.SECONDS), "the simulator did not end: " + seen);
        }
    }

    private static Simulator simulator(String text, TraceWriter out) throws ScenarioException {
        return new Simulator(new ScenarioRunner(Scenarios.KINDS, null), Scenarios.parse(text), Path.of("."), out);
    }

    private static List<TraceEvent> read(Path file) throws Exception {
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader r = TraceReader.open(file)) {
            r.events().forEachRemaining(events::add);
        }
        return events;
    }

    @Test
    void stepRunsExactlyTheNextStepAndNullAtTheEnd() throws Exception {
        try (Simulator sim = simulator(FOUR_STEPS, null)) {
            Recorder rec = new Recorder();
            sim.addListener(rec);
            assertEquals(State.READY, sim.state());
            assertEquals(0, sim.stepIndex());
            assertEquals(4, sim.stepCount());
            assertEquals("process p", sim.nextStep().text());
            StepOutcome first = sim.step();
            assertEquals(1, first.line());
            assertEquals(State.PAUSED, sim.state());
            assertEquals(1, sim.stepIndex());
            assertEquals(2, sim.step().line());
            assertEquals(3, sim.step().line());
            StepOutcome expect = sim.step();
            assertEquals(4, expect.line());
            assertEquals(List.of(), expect.failed(), "the expectation holds");
            assertEquals(State.FINISHED, sim.state());
            assertNull(sim.step());
            assertNull(sim.nextStep());
            assertEquals(List.of(1, 2, 3, 4), sim.outcomes().stream().map(StepOutcome::line).toList());
            assertEquals(List.of("step 1", "state PAUSED", "step 2", "step 3", "step 4", "state FINISHED"), rec.seen);
            // process_start, vma_map, two page faults: 1 µs apart on the simulated clock.
            assertEquals(4, sim.eventCount());
            assertEquals(4_000, sim.simulatedTime());
            assertEquals(List.of(1_000L, 2_000L, 4_000L, 4_000L), rec.times);
        }
    }

    @Test
    void aPacedPlayAtSpeedOneTakesTheSimulatedWaitAndStampsEventsAfterIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("wait.dmatrace");
        String text = """
                process p
                wait 100ms
                mmap p buf 4K rw private anon
                expect rc=0
                """;
        Recorder rec = new Recorder();
        long wallStart;
        long wallEnd;
        try (Simulator sim = simulator(text, TraceWriter.create(file, TraceWriter.Options.DEFAULT))) {
            sim.addListener(rec);
            assertEquals(1.0, sim.speed());
            wallStart = System.nanoTime();
            sim.play();
            rec.await();
            wallEnd = System.nanoTime();
            assertEquals(State.FINISHED, sim.state());
            assertEquals(100_002_000L, sim.simulatedTime());
        }
        assertTrue(wallEnd - wallStart >= 100_000_000L, "at speed 1, 100 ms of simulated time take 100 ms");
        assertEquals(List.of("state PLAYING", "step 1", "step 2", "step 3", "step 4", "state FINISHED"), rec.seen);
        assertEquals(List.of(1_000L, 100_001_000L, 100_002_000L, 100_002_000L), rec.times);
        List<TraceEvent> events = read(file);
        assertEquals(List.of("process_start", "vma_map"), events.stream().map(e -> e.type().id()).toList());
        assertEquals(1_000L, events.get(0).ts());
        assertEquals(100_002_000L, events.get(1).ts());
    }

    @Test
    void paceGivesEveryStepThatDoesSomethingAGap() throws Exception {
        String text = """
                pace 250ms
                process p
                mmap p buf 4K rw private anon
                expect rc=0
                munmap p buf 4K
                """;
        try (Simulator sim = simulator(text, null)) {
            Recorder rec = new Recorder();
            sim.addListener(rec);
            sim.setSpeed(Double.POSITIVE_INFINITY);
            sim.play();
            rec.await();
            // pace takes no gap; process, mmap and munmap each end 250 ms before the next step starts.
            assertEquals(List.of(0L, 1_000L, 250_002_000L, 500_002_000L), rec.times.subList(0, 4));
            assertTrue(rec.times.get(4) > 500_002_000L);
            assertEquals(rec.times.get(4) + 250_000_000L, sim.simulatedTime());
            assertEquals(List.of(), sim.outcomes().get(3).failed(), "expect checks mmap, not the gap");
        }
    }

    @Test
    void pauseStopsBetweenStepsAndPlayGoesOnAtTheNewSpeed() throws Exception {
        String text = """
                process p
                wait 3600s
                mmap p buf 4K rw private anon
                wait 3600s
                munmap p buf 4K
                """;
        try (Simulator sim = simulator(text, null)) {
            Recorder rec = new Recorder();
            CountDownLatch waited = new CountDownLatch(1);
            sim.addListener(new Simulator.Listener() {
                @Override
                public void stepDone(StepOutcome outcome, long timeNs) {
                    if (outcome.line() == 2) {
                        waited.countDown();
                    }
                }

                @Override
                public void stateChanged(State state) {
                    // Only steps matter here.
                }
            });
            sim.addListener(rec);
            sim.play();
            assertTrue(waited.await(30, TimeUnit.SECONDS));
            // At speed 1 the next step is an hour away: pause stops before it.
            sim.pause();
            assertEquals(State.PAUSED, sim.state());
            assertEquals(2, sim.stepIndex());
            assertEquals(3_600_000_000_000L + 1_000L, sim.simulatedTime());
            StepOutcome mmap = sim.step();
            assertEquals(3, mmap.line(), "step runs the next step at once, whatever its time");
            assertEquals(State.PAUSED, sim.state());
            sim.setSpeed(Double.POSITIVE_INFINITY);
            assertEquals(Double.POSITIVE_INFINITY, sim.speed());
            sim.play();
            rec.await();
            assertEquals(State.FINISHED, sim.state());
            assertEquals(List.of("state PLAYING", "step 1", "step 2", "state PAUSED", "step 3", "state PLAYING", "step 4",
                    "step 5", "state FINISHED"), rec.seen);
            sim.play();
            assertEquals(State.FINISHED, sim.state(), "play after the end does nothing");
        }
    }

    @Test
    void speedMustBePositive() throws Exception {
        try (Simulator sim = simulator(FOUR_STEPS, null)) {
            assertThrows(IllegalArgumentException.class, () -> sim.setSpeed(0));
            assertThrows(IllegalArgumentException.class, () -> sim.setSpeed(-2));
            assertThrows(IllegalArgumentException.class, () -> sim.setSpeed(Double.NaN));
            sim.setSpeed(10);
            assertEquals(10.0, sim.speed());
        }
    }

    @Test
    void runUntilStopsAtTheSimulatedTime() throws Exception {
        String text = """
                process p
                wait 1s
                mmap p buf 4K rw private anon
                wait 1s
                munmap p buf 4K
                """;
        try (Simulator sim = simulator(text, null)) {
            assertEquals(2, sim.runUntil(1_000_000_000L), "the step that starts before the limit runs whole");
            assertEquals(State.PAUSED, sim.state());
            assertEquals(3, sim.runUntil(Long.MAX_VALUE));
            assertEquals(State.FINISHED, sim.state());
        }
    }

    @Test
    void aStepThatCannotRunFailsWithItsLineAndWhatWasRecordedStaysReadable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("failed.dmatrace");
        String text = """
                process p
                mmap p buf 4K rw private anon
                touch p buf 4K write
                mmap q other 4K rw private anon
                munmap p buf 4K
                """;
        try (Simulator sim = simulator(text, TraceWriter.create(file, TraceWriter.Options.DEFAULT))) {
            Recorder rec = new Recorder();
            sim.addListener(rec);
            sim.setSpeed(Double.POSITIVE_INFINITY);
            sim.play();
            rec.await();
            assertEquals(State.FAILED, sim.state());
            ScenarioException failure = sim.failure();
            assertNotNull(failure);
            assertEquals(4, failure.line());
            assertTrue(failure.getMessage().startsWith("test.scenario: line 4: mmap: no process named 'q'"),
                    failure.getMessage());
            assertEquals(3, sim.outcomes().size());
            assertNull(sim.step(), "nothing runs after a failure");
            sim.play();
            assertEquals(State.FAILED, sim.state());
            // Readable while the writer is still open: flushed at the failure.
            assertEquals(List.of("process_start", "vma_map", "page_fault"),
                    read(file).stream().map(e -> e.type().id()).toList());
        }
        assertEquals(3, read(file).size());
    }

    @Test
    void aFaultInAStepKindsCodeFailsTheSessionInsteadOfKillingTheThread() throws Exception {
        ScenarioExtension broken = new ScenarioExtension() {
            @Override
            public String id() {
                return "broken";
            }

            @Override
            public List<StepKind> stepKinds() {
                return List.of(new SimpleKind("boom", "boom", s -> { }, (s, c) -> {
                    throw new ArithmeticException("/ by zero");
                }));
            }
        };
        StepKinds kinds = new StepKinds(List.of(new CoreSteps(), broken));
        var scenario = new ScenarioParser(kinds).parse(List.of("process p", "boom", "process q"), "boom.scenario");
        try (Simulator sim = new Simulator(new ScenarioRunner(kinds, null), scenario, Path.of("."), null)) {
            Recorder rec = new Recorder();
            sim.addListener(rec);
            sim.setSpeed(Double.POSITIVE_INFINITY);
            sim.play();
            rec.await();
            assertEquals(State.FAILED, sim.state());
            assertEquals("boom.scenario: line 2: boom: internal error: java.lang.ArithmeticException: / by zero",
                    sim.failure().getMessage());
            assertEquals(1, sim.outcomes().size());
        }
    }

    @Test
    void theStoreHoldsTheRunnersEventsInOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("same.dmatrace");
        String text = """
                process p
                mmap p buf 2M rw private anon
                touch p buf 16K write value=index
                fork p c
                touch c buf 4K write value=7
                mprotect p buf 8K r
                munmap p buf+1M 4K
                exit c
                """;
        List<TraceEvent> direct = new ArrayList<>();
        new ScenarioRunner(Scenarios.KINDS, null).withEventSink(direct::add).run(Scenarios.parse(text), Path.of("."));
        List<TraceEvent> alsoSink = new ArrayList<>();
        ScenarioRunner runner = new ScenarioRunner(Scenarios.KINDS, null).withEventSink(alsoSink::add);
        try (Simulator sim = new Simulator(runner, Scenarios.parse(text), Path.of("."),
                TraceWriter.create(file, TraceWriter.Options.DEFAULT))) {
            while (sim.step() != null) {
                // every step
            }
            assertEquals(direct.size(), sim.eventCount());
        }
        assertTrue(direct.size() > 10, direct.toString());
        assertEquals(direct, alsoSink, "the runner's own sink gets the events too");
        assertEquals(direct, read(file));
    }

    @Test
    void durationsAreCheckedBeforeAnythingRuns() {
        ScenarioException e = assertThrows(ScenarioException.class, () -> Scenarios.parse("process p\nwait 5 parsecs\n"));
        assertEquals(2, e.line());
        ScenarioException unit = assertThrows(ScenarioException.class, () -> Scenarios.parse("pace 5m\n"));
        assertTrue(unit.problem().contains("'5m' is not a duration"), unit.problem());
        assertThrows(ScenarioException.class, () -> Scenarios.parse("wait 2h\n"));
    }

    @Test
    void waitAndPaceReportTheirTime() throws ScenarioException {
        var r = Scenarios.run("pace 1.5s\nprocess p\nwait 250us\n");
        assertEquals("1.5s", r.outcomes().get(0).values().get("gap"));
        assertEquals("250us", r.outcomes().get(2).values().get("waited"));
        assertEquals(Values.formatDuration(1_500_250_000L), "1.50025s");
    }
}
