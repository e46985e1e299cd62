package org.dmascope.scenario;

import java.util.List;

/**
 * What running a scenario gave: the outcome of every step in order.
 *
 * @param scenario the scenario
 * @param outcomes one per step
 */
public record ScenarioResult(Scenario scenario, List<StepOutcome> outcomes) {

    /** Copies the outcomes. */
    public ScenarioResult {
        outcomes = List.copyOf(outcomes);
    }

    /** The expect steps that did not hold. */
    public List<StepOutcome> failedExpectations() {
        return outcomes.stream().filter(o -> !o.failed().isEmpty()).toList();
    }
}
