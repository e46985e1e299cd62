package org.dmascope.trace.jsonl;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.TraceEvent;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonWriter;

/**
 * Writes trace events as JSON Lines (docs/trace-jsonl.md): one object per line, the header
 * ({@code ts, cpu, pid, comm}) and {@code type} first, then the fields of the kind in a fixed
 * order. Addresses are written as {@code "0x..."} hex strings, other numbers as numbers.
 * Not thread safe.
 */
public final class JsonlWriter implements Closeable, Flushable {

    private final EventSchema schema = new EventSchema();
    private final Writer out;
    private final JsonWriter json;
    private long count;

    /**
     * @param out where the lines go; closed by {@link #close()}. Buffer it: every value is a
     *            separate write.
     */
    public JsonlWriter(Writer out) {
        this.out = out;
        this.json = new JsonWriter(out);
        // Lenient only to allow one top-level value per line; the values themselves are plain JSON.
        json.setStrictness(Strictness.LENIENT);
        json.setHtmlSafe(false);
    }

    /** A writer to a new (or truncated) UTF-8 file. */
    public static JsonlWriter open(Path file) throws IOException {
        return new JsonlWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** Writes one event as one line. */
    public void write(TraceEvent event) throws IOException {
        EventHeader h = event.header();
        EventSchema.TypeSchema ts = schema.of(event.type());
        json.beginObject();
        json.name("ts").value(h.ts());
        json.name("cpu").value(h.cpu());
        json.name("pid").value(h.pid());
        json.name("comm").value(h.comm());
        json.name("type").value(ts.type.id());
        for (EventSchema.Field f : ts.fields) {
            json.name(f.name());
            EventSchema.writeJson(json, f.kind(), f.get(event));
        }
        json.endObject();
        out.write('\n');
        count++;
    }

    /** Events written so far. */
    public long count() {
        return count;
    }

    @Override
    public void flush() throws IOException {
        json.flush();
    }

    @Override
    public void close() throws IOException {
        // Not json.close(): it rejects a document with no value, and an empty trace is valid.
        json.flush();
        out.close();
    }
}
