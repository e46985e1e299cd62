package org.dmascope.scenario.steps;

import org.dmascope.scenario.ScenarioContext;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.Step;
import org.dmascope.scenario.StepKind;
import org.dmascope.scenario.StepOutcome;

/**
 * A step kind made of a name, a usage line, a check and a run function: what most step kinds
 * need. Extensions may use it for theirs.
 *
 * @param name  the first word
 * @param usage one line of usage
 * @param check checks the words
 * @param run   runs the step
 */
public record SimpleKind(String name, String usage, Check check, Run run) implements StepKind {

    /** Checks a step's words. */
    @FunctionalInterface
    public interface Check {
        /** @throws ScenarioException naming the line */
        void check(Step step) throws ScenarioException;
    }

    /** Runs a step. */
    @FunctionalInterface
    public interface Run {
        /** @throws ScenarioException when the step cannot run as written */
        StepOutcome run(Step step, ScenarioContext context) throws ScenarioException;
    }

    @Override
    public void check(Step step) throws ScenarioException {
        check.check(step);
    }

    @Override
    public StepOutcome run(Step step, ScenarioContext context) throws ScenarioException {
        return run.run(step, context);
    }
}
