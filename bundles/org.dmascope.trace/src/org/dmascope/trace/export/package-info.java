/**
 * Exporters of trace events to formats other tools read:
 * {@link org.dmascope.trace.export.PerfettoJsonWriter} (the Chrome trace-event JSON that the
 * Perfetto UI and chrome://tracing open) and {@link org.dmascope.trace.export.CsvWriter}
 * (RFC 4180). Both stream. Field names and order come from
 * {@link org.dmascope.trace.jsonl.EventSchema}, the same as in JSON Lines; the mappings are
 * documented in {@code docs/trace-formats.md}.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.trace.export;
