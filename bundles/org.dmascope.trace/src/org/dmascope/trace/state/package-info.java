/**
 * The state a trace describes at a moment ({@link org.dmascope.trace.state.TraceState}):
 * processes, mappings, memory regions, DMA mappings and topology, built by applying events.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.trace.state;
