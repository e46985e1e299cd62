/**
 * The simulator: plays a scenario in real time, faster, paused or step by step on one simulated
 * machine, appending its events to a trace store as they happen ({@link org.dmascope.scenario.sim.Simulator}),
 * and the built-in scenarios the workbench starts on ({@link org.dmascope.scenario.sim.BuiltinScenarios}).
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.scenario.sim;
