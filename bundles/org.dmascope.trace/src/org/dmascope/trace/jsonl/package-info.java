/**
 * Trace events as JSON Lines, one event per line, in the schema documented in
 * {@code docs/trace-jsonl.md}: {@link org.dmascope.trace.jsonl.JsonlWriter} and the streaming
 * {@link org.dmascope.trace.jsonl.JsonlReader}.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.trace.jsonl;
