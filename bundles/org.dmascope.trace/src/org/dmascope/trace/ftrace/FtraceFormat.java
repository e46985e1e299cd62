package org.dmascope.trace.ftrace;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The flavours of ftrace text that {@link FtraceReader} reads. All share the event line
 * {@code comm-pid [cpu] timestamp: name: fields}; they differ in their header and columns.
 */
public enum FtraceFormat {
    /**
     * The {@code trace} or {@code trace_pipe} file of tracefs: a {@code # tracer:} header (the
     * {@code trace} file only), then {@code TASK-PID [CPU#] |||||  TIMESTAMP: FUNCTION} lines, with the
     * irq-info flags and the tgid column where those options are set (kernel/trace/trace_output.c,
     * trace_print_context).
     */
    TRACEFS,
    /**
     * The {@code trace} file with {@code options/latency-format} set: the command name cut to 8
     * characters, CPU and flags run together, and the time in microseconds since the start of the
     * buffer (trace_print_lat_context, lat_print_generic, lat_print_timestamp).
     */
    TRACEFS_LATENCY,
    /** The text of {@code trace-cmd report}: a {@code cpus=N} header, the flags column optional. */
    TRACE_CMD_REPORT;

    /**
     * Guesses from the first bytes of a file whether it is ftrace text, and which. Looks at the
     * first lines that are not blank: a {@code # tracer:} header, a {@code cpus=} or
     * {@code version =} line of trace-cmd, or an event line.
     *
     * @param head the first bytes of the file (a few KiB are enough)
     * @param length how many bytes of head are valid
     * @return the format, or empty when the text does not look like ftrace
     */
    public static Optional<FtraceFormat> detect(byte[] head, int length) {
        int pos = 0;
        int lines = 0;
        boolean latency = false;
        boolean tracer = false;
        while (pos < length && lines < 64) {
            int end = pos;
            while (end < length && head[end] != '\n') {
                end++;
            }
            if (end == length && pos > 0) {
                break; // a cut line at the end of the head
            }
            String line = new String(head, pos, end - pos, StandardCharsets.ISO_8859_1).strip();
            pos = end + 1;
            lines++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# tracer:")) {
                tracer = true;
                continue;
            }
            if (line.startsWith("#")) {
                if (line.contains("latency trace v")) {
                    latency = true;
                }
                continue;
            }
            if (line.startsWith("cpus=") || line.startsWith("version =") || line.matches("CPU \\d+ is empty")) {
                return Optional.of(TRACE_CMD_REPORT);
            }
            if (line.startsWith("##### CPU") || line.startsWith("CPU:")) {
                continue;
            }
            LineParser p = new LineParser();
            byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
            if (p.context(b, 0, b.length) >= 0) {
                return Optional.of(p.latency || latency ? TRACEFS_LATENCY : TRACEFS);
            }
            return Optional.empty();
        }
        return tracer ? Optional.of(latency ? TRACEFS_LATENCY : TRACEFS) : Optional.empty();
    }
}
