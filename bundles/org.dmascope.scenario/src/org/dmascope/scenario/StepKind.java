package org.dmascope.scenario;

/**
 * One kind of step ({@code mmap}, {@code hmm_range_fault}, {@code dmirror}, ...). Backends
 * contribute theirs through a {@link ScenarioExtension}; the parser checks every line with
 * {@link #check(Step)} before anything runs, so a malformed file is refused with its line.
 */
public interface StepKind {

    /** The first word of the lines of this kind. */
    String name();

    /** One line of usage, as docs/scenario.md and error messages show it. */
    String usage();

    /**
     * Checks a line's words and options without running it.
     *
     * @throws ScenarioException naming the line when the step is malformed
     */
    void check(Step step) throws ScenarioException;

    /**
     * Runs the step against the scenario's state.
     *
     * @return what the step did; a refusal by the simulated kernel is an outcome (its errno), not
     *         an exception
     * @throws ScenarioException when the step cannot run as written (an unknown name, an address
     *                           outside every mapping the step needs)
     */
    StepOutcome run(Step step, ScenarioContext context) throws ScenarioException;
}
