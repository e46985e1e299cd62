/**
 * Importers of ftrace text: the {@code trace} and {@code trace_pipe} files of tracefs (with or
 * without the irq-info and tgid columns, and the latency format) and the text that
 * {@code trace-cmd report} prints. {@link org.dmascope.trace.ftrace.FtraceReader} streams the
 * events of such a text; the iommu and dma tracepoints become the matching event records,
 * every other line of an event a {@link org.dmascope.trace.event.GenericEvent}. The formats and
 * the mapping are documented in {@code docs/trace-formats.md}.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.trace.ftrace;
