package org.dmascope.scenario.tests;

import java.nio.file.Path;
import java.util.List;

import org.dmascope.scenario.Scenario;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioParser;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepKinds;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.steps.CoreSteps;

/** Parses and runs scenario text with the built-in step kinds. */
final class Scenarios {

    static final StepKinds KINDS = new StepKinds(List.of(new CoreSteps()));

    private Scenarios() {
    }

    static Scenario parse(String text) throws ScenarioException {
        return new ScenarioParser(KINDS).parse(text.lines().toList(), "test.scenario");
    }

    static ScenarioResult run(String text) throws ScenarioException {
        return new ScenarioRunner(KINDS, null).run(parse(text), Path.of("."));
    }

    /** The outcome of the step at a line. */
    static StepOutcome at(ScenarioResult r, int line) {
        return r.outcomes().stream().filter(o -> o.line() == line).findFirst()
                .orElseThrow(() -> new AssertionError("no step at line " + line));
    }
}
