/**
 * Scenarios: a line-oriented file that describes a machine, its processes and their mappings,
 * device memory, and a list of steps; the parser, the runner, and the contract through which
 * backends contribute their own step kinds ({@link org.dmascope.scenario.ScenarioExtension}).
 * The file format is documented in docs/scenario.md.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.scenario;
