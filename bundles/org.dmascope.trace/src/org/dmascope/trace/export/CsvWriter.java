package org.dmascope.trace.export;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.jsonl.EventSchema;

/**
 * Writes trace events as CSV (RFC 4180: comma separated, CRLF line ends, a field quoted with
 * {@code "} when it holds a comma, a quote, CR or LF, quotes inside doubled), one row per event
 * after a header row, with a fixed set of columns for every kind:
 * <pre>
 * ts,cpu,pid,comm,type,system,name,fields
 * </pre>
 * {@code ts} in nanoseconds; {@code cpu} and {@code pid} -1 when unknown (as in JSON Lines);
 * {@code type} the kind's stable name ({@code "generic"} for other events), {@code system} and
 * {@code name} the tracepoint of a generic event (empty for the other kinds); {@code fields}
 * the kind's fields, in the JSON Lines order and names, as {@code name=value} pairs separated
 * by one space (logfmt): addresses as {@code 0x...} hex, arrays as {@code [a,b]}, a value
 * that is empty or holds a space, {@code "}, {@code =} or {@code \} in double quotes with
 * {@code \"}, {@code \\}, {@code \n}, {@code \r} and {@code \t} escaped. Streams. Not thread safe.
 */
public final class CsvWriter implements Closeable, Flushable {

    /** The columns, in order. */
    public static final List<String> COLUMNS = List.of("ts", "cpu", "pid", "comm", "type", "system", "name", "fields");

    private final EventSchema schema = new EventSchema();
    private final Writer out;
    private final StringBuilder row = new StringBuilder(256);
    private final StringBuilder cell = new StringBuilder(256);
    private long count;

    /**
     * Writes the header row.
     *
     * @param out where the rows go; closed by {@link #close()}. Buffer it.
     */
    public CsvWriter(Writer out) throws IOException {
        this.out = out;
        out.write(String.join(",", COLUMNS));
        out.write("\r\n");
    }

    /** A writer to a new (or truncated) UTF-8 file. */
    public static CsvWriter open(Path file) throws IOException {
        return new CsvWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** Writes one event as one row. */
    public void write(TraceEvent event) throws IOException {
        EventHeader h = event.header();
        StringBuilder r = row;
        r.setLength(0);
        r.append(h.ts()).append(',').append(h.cpu()).append(',').append(h.pid()).append(',');
        csv(r, h.comm());
        r.append(',').append(event.type().id()).append(',');
        if (event instanceof GenericEvent g) {
            csv(r, g.system());
            r.append(',');
            csv(r, g.name());
        } else {
            r.append(',');
        }
        r.append(',');
        StringBuilder c = cell;
        c.setLength(0);
        boolean generic = event instanceof GenericEvent;
        for (EventSchema.Field f : schema.of(event.type()).fields()) {
            if (generic && f.kind() == EventSchema.Kind.STRING) {
                continue; // system and name have their columns
            }
            Object v = f.get(event);
            if (f.kind() == EventSchema.Kind.STRING_MAP) {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    pair(c, String.valueOf(e.getKey()), String.valueOf(e.getValue()));
                }
            } else {
                pair(c, f.name(), text(f.kind(), v));
            }
        }
        csv(r, c);
        r.append("\r\n");
        out.append(r);
        count++;
    }

    /** Events written so far. */
    public long count() {
        return count;
    }

    private static String text(EventSchema.Kind kind, Object v) {
        switch (kind) {
        case HEX:
            return EventSchema.hex((Long) v);
        case HEX_ARRAY: {
            StringBuilder b = new StringBuilder("[");
            for (long a : (long[]) v) {
                b.append(b.length() > 1 ? "," : "").append("0x").append(Long.toHexString(a));
            }
            return b.append(']').toString();
        }
        case LONG_ARRAY: {
            StringBuilder b = new StringBuilder("[");
            for (long a : (long[]) v) {
                b.append(b.length() > 1 ? "," : "").append(a);
            }
            return b.append(']').toString();
        }
        case INT_ARRAY: {
            StringBuilder b = new StringBuilder("[");
            for (int a : (int[]) v) {
                b.append(b.length() > 1 ? "," : "").append(a);
            }
            return b.append(']').toString();
        }
        default:
            return String.valueOf(v);
        }
    }

    /** Appends " name=value" (logfmt), quoting the value where needed. */
    static void pair(StringBuilder b, String name, String value) {
        if (b.length() > 0) {
            b.append(' ');
        }
        b.append(name).append('=');
        boolean quote = value.isEmpty();
        for (int i = 0; i < value.length() && !quote; i++) {
            char ch = value.charAt(i);
            quote = ch <= ' ' || ch == '"' || ch == '=' || ch == '\\';
        }
        if (!quote) {
            b.append(value);
            return;
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
            case '"' -> b.append("\\\"");
            case '\\' -> b.append("\\\\");
            case '\n' -> b.append("\\n");
            case '\r' -> b.append("\\r");
            case '\t' -> b.append("\\t");
            default -> b.append(ch);
            }
        }
        b.append('"');
    }

    /** Appends one CSV field, quoted as RFC 4180 requires. */
    static void csv(StringBuilder b, CharSequence s) {
        boolean quote = false;
        for (int i = 0; i < s.length() && !quote; i++) {
            char ch = s.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\r' || ch == '\n';
        }
        if (!quote) {
            b.append(s);
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') {
                b.append('"');
            }
            b.append(ch);
        }
        b.append('"');
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
