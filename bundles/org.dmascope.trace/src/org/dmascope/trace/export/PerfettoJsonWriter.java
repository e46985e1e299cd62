package org.dmascope.trace.export;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.P2pTransfer;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.jsonl.EventSchema;

import com.google.gson.stream.JsonWriter;

/**
 * Writes trace events as Chrome trace-event JSON in the JSON Object Format
 * ({@code {"traceEvents":[...],"displayTimeUnit":"ns"}}), which the Perfetto UI and
 * chrome://tracing open. Each event becomes an instant event ({@code "ph":"i"}), or a complete
 * event ({@code "ph":"X"} with {@code "dur"}) where its duration is known (a
 * {@link P2pTransfer} with {@code durationNs > 0}); {@code ts} and {@code dur} are in
 * microseconds with the nanoseconds as three decimals. The event's PID is both {@code pid} and
 * {@code tid} (the vocabulary has no thread id); at the end, {@code process_name} and
 * {@code thread_name} metadata events name each PID after its command. {@code args} holds the
 * CPU and every field of the kind, addresses as {@code "0x..."} strings. Streams: only the
 * PID-to-command table is kept. Not thread safe.
 */
public final class PerfettoJsonWriter implements Closeable, Flushable {

    private final EventSchema schema = new EventSchema();
    private final Writer out;
    private final JsonWriter json;
    private final Map<Integer, String> processes = new LinkedHashMap<>();
    private long count;
    private boolean closed;

    /**
     * @param out where the JSON goes; closed by {@link #close()}. Buffer it.
     */
    public PerfettoJsonWriter(Writer out) throws IOException {
        this.out = out;
        this.json = new JsonWriter(out);
        json.setHtmlSafe(false);
        json.beginObject();
        json.name("traceEvents").beginArray();
    }

    /** A writer to a new (or truncated) UTF-8 file. */
    public static PerfettoJsonWriter open(Path file) throws IOException {
        return new PerfettoJsonWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** Writes one event. */
    public void write(TraceEvent event) throws IOException {
        EventHeader h = event.header();
        boolean known = h.pid() != EventHeader.UNKNOWN;
        int pid = known ? h.pid() : 0;
        if (known && !h.comm().isEmpty()) {
            processes.putIfAbsent(pid, h.comm());
        } else if (known) {
            processes.putIfAbsent(pid, "");
        }
        json.beginObject();
        if (event instanceof GenericEvent g) {
            json.name("name").value(g.name());
        } else {
            json.name("name").value(event.type().id());
        }
        json.name("cat").value(Categories.of(event));
        long dur = event instanceof P2pTransfer p ? p.durationNs() : 0;
        if (dur > 0) {
            json.name("ph").value("X");
        } else {
            json.name("ph").value("i");
            // an event without a process is drawn across the whole trace, not on a thread
            json.name("s").value(known ? "t" : "g");
        }
        json.name("ts").jsonValue(micros(h.ts()));
        if (dur > 0) {
            json.name("dur").jsonValue(micros(dur));
        }
        json.name("pid").value(pid);
        json.name("tid").value(pid);
        json.name("args").beginObject();
        if (h.cpu() != EventHeader.UNKNOWN) {
            json.name("cpu").value(h.cpu());
        }
        if (!known && !h.comm().isEmpty()) {
            json.name("comm").value(h.comm());
        }
        if (event instanceof GenericEvent g) {
            // name and system are the event's name and category; the fields go flat into args,
            // renamed where they would repeat a key written above
            for (Map.Entry<String, String> e : g.fields().entrySet()) {
                String key = e.getKey();
                if (key.equals("cpu") && h.cpu() != EventHeader.UNKNOWN || key.equals("comm") && !known
                        && !h.comm().isEmpty()) {
                    key = key + "#2";
                }
                json.name(key).value(e.getValue());
            }
        } else {
            for (EventSchema.Field f : schema.of(event.type()).fields()) {
                Object v = f.get(event);
                json.name(f.name());
                EventSchema.writeJson(json, f.kind(), v);
            }
        }
        json.endObject();
        json.endObject();
        count++;
    }

    /** Events written so far (metadata events not counted). */
    public long count() {
        return count;
    }

    /** Nanoseconds as microseconds with three decimals, exactly: 1234567 → "1234.567". */
    static String micros(long ns) {
        String sign = ns < 0 ? "-" : "";
        long abs = Math.abs(ns);
        if (abs < 0) { // Long.MIN_VALUE
            return new java.math.BigDecimal(ns).movePointLeft(3).toPlainString();
        }
        long frac = abs % 1000;
        return sign + (abs / 1000) + "." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + frac;
    }


    @Override
    public void flush() throws IOException {
        json.flush();
    }

    /** Writes the process and thread names, ends the document and closes the output. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        for (Map.Entry<Integer, String> p : processes.entrySet()) {
            String name = p.getValue().isEmpty() ? "pid " + p.getKey() : p.getValue();
            for (String what : new String[] { "process_name", "thread_name" }) {
                json.beginObject();
                json.name("name").value(what);
                json.name("ph").value("M");
                json.name("pid").value(p.getKey());
                json.name("tid").value(p.getKey());
                json.name("args").beginObject().name("name").value(name).endObject();
                json.endObject();
            }
        }
        json.endArray();
        json.name("displayTimeUnit").value("ns");
        json.endObject();
        json.close();
    }
}
