package org.dmascope.trace.jsonl;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.TraceEvent;
import org.eclipse.jdt.annotation.Nullable;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;

/**
 * Reads trace events from JSON Lines (docs/trace-jsonl.md), one line at a time, so a file of
 * any length streams in constant memory. A line that cannot be read gives an
 * {@link InputException} naming the source, the line, and the column or field; the events
 * before it have already been handed out, and the next {@link #read()} goes on with the next
 * line. Blank lines are skipped. Lines of an unknown {@code type} become {@link GenericEvent}s
 * with their fields kept as text. Fields a known kind does not have are ignored. Not thread safe.
 */
public final class JsonlReader implements Closeable {

    private static final Pattern COLUMN = Pattern.compile("column (\\d+)");

    private final EventSchema schema = new EventSchema();
    private final @Nullable BufferedReader in;
    private final @Nullable Utf8Lines bytes;
    private final String source;
    private long lineNumber;

    /**
     * @param in     the lines; closed by {@link #close()}
     * @param source the name of the input in messages, for example the file name
     */
    public JsonlReader(Reader in, String source) {
        this.in = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
        this.bytes = null;
        this.source = source;
    }

    /**
     * @param in     UTF-8 bytes; closed by {@link #close()}. A line whose bytes are not UTF-8 is
     *               reported with its number, and reading goes on with the next line.
     * @param source the name of the input in messages, for example the file name
     */
    public JsonlReader(InputStream in, String source) {
        this.in = null;
        this.bytes = new Utf8Lines(in);
        this.source = source;
    }

    /** A reader of a UTF-8 file, named in messages by its path. */
    public static JsonlReader open(Path file) throws IOException {
        return new JsonlReader(Files.newInputStream(file), file.toString());
    }

    /** Lines of UTF-8 bytes, each decoded on its own, so that bad bytes cost one line only. */
    private static final class Utf8Lines {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int limit;
        private byte[] line = new byte[256];
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

        Utf8Lines(InputStream in) {
            this.in = in;
        }

        /** The next line without its end (\n or \r\n), null at the end; bad UTF-8 throws. */
        @Nullable
        String next() throws IOException {
            int n = 0;
            boolean any = false;
            while (true) {
                if (pos == limit) {
                    limit = in.read(buf);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return any ? decode(n) : null;
                    }
                }
                any = true;
                int start = pos;
                while (pos < limit && buf[pos] != '\n') {
                    pos++;
                }
                int len = pos - start;
                if (n + len > line.length) {
                    line = Arrays.copyOf(line, Math.max(line.length * 2, n + len));
                }
                System.arraycopy(buf, start, line, n, len);
                n += len;
                if (pos < limit) {
                    pos++; // the \n
                    return decode(n);
                }
            }
        }

        private String decode(int n) throws CharacterCodingException {
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
            return decoder.decode(ByteBuffer.wrap(line, 0, n)).toString();
        }

        void close() throws IOException {
            in.close();
        }
    }

    /** The number of the line read last (1 for the first line), 0 before the first. */
    public long lineNumber() {
        return lineNumber;
    }

    /** The name of the input used in messages. */
    public String source() {
        return source;
    }

    /**
     * The next event, or null at the end of the input.
     *
     * @throws InputException when the next non-blank line is not a valid event; reading again
     *                        continues after that line
     */
    public @Nullable TraceEvent read() throws IOException, InputException {
        String line;
        do {
            Utf8Lines b = bytes;
            BufferedReader r = in;
            if (b != null) {
                try {
                    line = b.next();
                } catch (CharacterCodingException e) {
                    lineNumber++;
                    throw new InputException(source, "line " + lineNumber, "bytes that are not UTF-8");
                }
            } else {
                line = r == null ? null : r.readLine();
            }
            if (line == null) {
                return null;
            }
            lineNumber++;
        } while (line.isBlank());
        return parse(line);
    }

    /**
     * Hands every remaining event to the consumer, in order, and stops at the first line that
     * cannot be read: the events before it have been handed out.
     *
     * @return the number of events handed out
     */
    public long forEach(Consumer<? super TraceEvent> consumer) throws IOException, InputException {
        long n = 0;
        for (TraceEvent e = read(); e != null; e = read()) {
            consumer.accept(e);
            n++;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        Utf8Lines b = bytes;
        if (b != null) {
            b.close();
        }
        BufferedReader r = in;
        if (r != null) {
            r.close();
        }
    }

    /** A problem at one place of the current line, turned into an InputException by parse. */
    private static final class LineError extends Exception {
        private static final long serialVersionUID = 1L;
        final @Nullable String field;
        final int column;

        LineError(@Nullable String field, int column, String problem, @Nullable Throwable cause) {
            super(problem, cause);
            this.field = field;
            this.column = column;
        }
    }

    private TraceEvent parse(String line) throws InputException {
        JsonReader json = new JsonReader(new StringReader(line));
        json.setStrictness(Strictness.STRICT);
        String field = null;
        try {
            long ts = 0;
            boolean hasTs = false;
            int cpu = EventHeader.UNKNOWN;
            int pid = EventHeader.UNKNOWN;
            String comm = "";
            String typeName = null;
            EventSchema.TypeSchema type = null;
            Object[] values = null;
            boolean[] seen = null;
            // Fields met before "type" (only in hand-written files), and fields of unknown kinds.
            Map<String, JsonElement> pending = new LinkedHashMap<>();
            Map<String, Integer> pendingColumns = new HashMap<>();
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw new LineError(null, valueColumn(line, 0), "expected a JSON object, found " + describe(json.peek()), null);
            }
            json.beginObject();
            while (json.hasNext()) {
                field = json.nextName();
                int col = valueColumn(line, column(json));
                switch (field) {
                case "ts" -> {
                    ts = readLong(json, field, col);
                    hasTs = true;
                }
                case "cpu" -> cpu = readInt(json, field, col);
                case "pid" -> pid = readInt(json, field, col);
                case "comm" -> comm = readString(json, field, col);
                case "type" -> {
                    typeName = readString(json, field, col);
                    Optional<EventType> t = EventType.forId(typeName);
                    if (t.isPresent()) {
                        type = schema.of(t.get());
                        values = new Object[type.fields.length];
                        seen = new boolean[type.fields.length];
                    }
                }
                default -> {
                    if (type != null) {
                        Integer i = type.index.get(field);
                        if (i == null) {
                            json.skipValue();
                        } else {
                            values[i] = readValue(json, type.fields[i], col);
                            seen[i] = true;
                        }
                    } else {
                        pending.put(field, JsonParser.parseReader(json));
                        pendingColumns.put(field, col);
                    }
                }
                }
            }
            json.endObject();
            field = null;
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw new LineError(null, column(json), "text after the end of the object", null);
            }
            if (!hasTs) {
                throw new LineError("ts", -1, "missing field \"ts\"", null);
            }
            if (typeName == null) {
                throw new LineError("type", -1, "missing field \"type\"", null);
            }
            EventHeader header = new EventHeader(ts, cpu, pid, comm);
            if (type == null) {
                Map<String, String> fields = new LinkedHashMap<>();
                pending.forEach((k, v) -> fields.put(k, v.isJsonPrimitive() ? v.getAsString() : v.toString()));
                return new GenericEvent(header, "", typeName, fields);
            }
            for (Map.Entry<String, JsonElement> e : pending.entrySet()) {
                Integer i = type.index.get(e.getKey());
                if (i != null) {
                    field = e.getKey();
                    JsonReader again = new JsonReader(new StringReader(e.getValue().toString()));
                    values[i] = readValue(again, type.fields[i], pendingColumns.getOrDefault(field, -1));
                    seen[i] = true;
                }
            }
            for (int i = 0; i < seen.length; i++) {
                if (!seen[i]) {
                    String name = type.fields[i].name();
                    throw new LineError(name, -1, "missing field \"" + name + "\" of " + typeName, null);
                }
            }
            return type.create(header, values);
        } catch (LineError e) {
            throw new InputException(source, place(e.field, e.column), e.getMessage(), e.getCause());
        } catch (MalformedJsonException | EOFException e) {
            throw new InputException(source, place(field, column(json)), "not valid JSON: " + firstSentence(e), e);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new InputException(source, place(field, column(json)), "not readable: " + firstSentence(e), e);
        } catch (RuntimeException e) {
            // A record's constructor refused the values (for example a null).
            throw new InputException(source, place(field, -1), "not a valid event: " + e.getMessage(), e);
        }
    }

    private String place(@Nullable String field, int column) {
        StringBuilder b = new StringBuilder("line ").append(lineNumber);
        if (column > 0) {
            b.append(", column ").append(column);
        }
        if (field != null) {
            b.append(", field \"").append(field).append('"');
        }
        return b.toString();
    }

    private static String firstSentence(Exception e) {
        String m = String.valueOf(e.getMessage());
        int at = m.indexOf(" at line ");
        return at > 0 ? m.substring(0, at) : m;
    }

    /** The column the reader is at, read from its description (Gson exposes no getter). */
    private static int column(JsonReader json) {
        Matcher m = COLUMN.matcher(json.toString());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * The 1-based column where the value after position {@code from} starts: Gson stands right
     * after a name (before the colon), and reports different places for different tokens once
     * it has peeked, so the value is found in the line itself.
     */
    private static int valueColumn(String line, int from) {
        int i = Math.max(0, from - 1);
        while (i < line.length() && (Character.isWhitespace(line.charAt(i)) || line.charAt(i) == ':')) {
            i++;
        }
        return i + 1;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
        case BEGIN_ARRAY -> "an array";
        case BEGIN_OBJECT -> "an object";
        case STRING -> "a string";
        case NUMBER -> "a number";
        case BOOLEAN -> "a boolean";
        case NULL -> "null";
        case END_DOCUMENT -> "the end of the line";
        default -> t.toString();
        };
    }

    private static LineError wrongType(JsonReader json, String field, int col, String expected) throws IOException {
        return new LineError(field, col, "expected " + expected + ", found " + describe(json.peek()), null);
    }

    private static long readLong(JsonReader json, String field, int col) throws IOException, LineError {
        if (json.peek() != JsonToken.NUMBER) {
            throw wrongType(json, field, col, "an integer");
        }
        String text = json.nextString();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new LineError(field, col, "expected a 64-bit integer, found " + text, e);
        }
    }

    private static int readInt(JsonReader json, String field, int col) throws IOException, LineError {
        if (json.peek() != JsonToken.NUMBER) {
            throw wrongType(json, field, col, "an integer");
        }
        String text = json.nextString();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new LineError(field, col, "expected a 32-bit integer, found " + text, e);
        }
    }

    private static String readString(JsonReader json, String field, int col) throws IOException, LineError {
        if (json.peek() != JsonToken.STRING) {
            throw wrongType(json, field, col, "a string");
        }
        return json.nextString();
    }

    private static long readHex(JsonReader json, String field, int col) throws IOException, LineError {
        if (json.peek() != JsonToken.STRING) {
            throw wrongType(json, field, col, "a \"0x...\" hex string");
        }
        String text = json.nextString();
        if (text.length() < 3 || text.length() > 18 || text.charAt(0) != '0'
                || (text.charAt(1) != 'x' && text.charAt(1) != 'X') || Character.digit(text.charAt(2), 16) < 0) {
            throw new LineError(field, col, "bad hex address \"" + text + "\": expected 0x and 1 to 16 hex digits", null);
        }
        try {
            return Long.parseUnsignedLong(text, 2, text.length(), 16);
        } catch (NumberFormatException e) {
            throw new LineError(field, col, "bad hex address \"" + text + "\": expected 0x and 1 to 16 hex digits", e);
        }
    }

    private static Object readValue(JsonReader json, EventSchema.Field f, int col) throws IOException, LineError {
        String name = f.name();
        switch (f.kind()) {
        case LONG:
            return readLong(json, name, col);
        case HEX:
            return readHex(json, name, col);
        case INT:
            return readInt(json, name, col);
        case BOOLEAN:
            if (json.peek() != JsonToken.BOOLEAN) {
                throw wrongType(json, name, col, "true or false");
            }
            return json.nextBoolean();
        case STRING:
            return readString(json, name, col);
        case HEX_ARRAY:
        case LONG_ARRAY: {
            if (json.peek() != JsonToken.BEGIN_ARRAY) {
                throw wrongType(json, name, col, "an array");
            }
            long[] a = new long[8];
            int n = 0;
            json.beginArray();
            while (json.hasNext()) {
                if (n == a.length) {
                    a = Arrays.copyOf(a, n * 2);
                }
                a[n++] = f.kind() == EventSchema.Kind.HEX_ARRAY ? readHex(json, name, col) : readLong(json, name, col);
            }
            json.endArray();
            return Arrays.copyOf(a, n);
        }
        case INT_ARRAY: {
            if (json.peek() != JsonToken.BEGIN_ARRAY) {
                throw wrongType(json, name, col, "an array");
            }
            List<Integer> list = new ArrayList<>();
            json.beginArray();
            while (json.hasNext()) {
                list.add(readInt(json, name, col));
            }
            json.endArray();
            int[] a = new int[list.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = list.get(i);
            }
            return a;
        }
        case STRING_MAP: {
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw wrongType(json, name, col, "an object");
            }
            Map<String, String> map = new LinkedHashMap<>();
            json.beginObject();
            while (json.hasNext()) {
                String key = json.nextName();
                JsonElement v = JsonParser.parseReader(json);
                map.put(key, v.isJsonPrimitive() ? v.getAsString() : v.toString());
            }
            json.endObject();
            return map;
        }
        default:
            throw new IllegalStateException(f.kind().toString());
        }
    }
}
