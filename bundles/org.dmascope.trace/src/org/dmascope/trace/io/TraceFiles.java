package org.dmascope.trace.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.export.CsvWriter;
import org.dmascope.trace.export.PerfettoJsonWriter;
import org.dmascope.trace.ftrace.FtraceFormat;
import org.dmascope.trace.ftrace.FtraceReader;
import org.dmascope.trace.jsonl.JsonlReader;
import org.dmascope.trace.jsonl.JsonlWriter;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Opens trace files of any format DMA Scope reads, recognised by their content, and creates
 * outputs by their extension.
 */
public final class TraceFiles {

    /** The trace formats. */
    public enum Format {
        /** The store (docs/trace-store.md), read and written. */
        DMATRACE("DMA Scope trace store", ".dmatrace"),
        /** JSON Lines (docs/trace-jsonl.md), read and written. */
        JSONL("JSON Lines", ".jsonl"),
        /** Chrome/Perfetto trace-event JSON (docs/trace-formats.md), written only. */
        PERFETTO("Perfetto trace-event JSON", ".json"),
        /** CSV, one row per event (docs/trace-formats.md), written only. */
        CSV("CSV", ".csv"),
        /** The text of tracefs's trace or trace_pipe file, read only. */
        FTRACE("ftrace text", ""),
        /** The text of tracefs's trace file in latency format, read only. */
        FTRACE_LATENCY("ftrace latency-format text", ""),
        /** The text of trace-cmd report, read only. */
        TRACE_CMD("trace-cmd report text", "");

        private final String label;
        private final String extension;

        Format(String label, String extension) {
            this.label = label;
            this.extension = extension;
        }

        /** What it is called, in words. */
        public String label() {
            return label;
        }

        /** The file name extension of an output in this format, or "" when it cannot be written. */
        public String extension() {
            return extension;
        }
    }

    private TraceFiles() {
    }

    /** The output format a file name asks for, by its extension. */
    public static Format outputFormat(Path file) throws InputException {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<String> known = new ArrayList<>();
        for (Format f : Format.values()) {
            if (!f.extension().isEmpty()) {
                if (name.endsWith(f.extension())) {
                    return f;
                }
                known.add(f.extension());
            }
        }
        throw new InputException(file.toString(), null, "unknown output format: the name must end with one of "
                + String.join(", ", known));
    }

    /** The format of an input, from its first bytes. */
    public static Format detect(Path file) throws InputException {
        byte[] head = new byte[4096];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new InputException(file.toString(), null, "no such file");
        } catch (IOException e) {
            throw new InputException(file.toString(), null, "cannot read: " + e.getMessage(), e);
        }
        if (n >= 8 && new String(head, 0, 8, StandardCharsets.US_ASCII).equals("DMATRACE")) {
            return Format.DMATRACE;
        }
        String text = new String(head, 0, n, StandardCharsets.UTF_8).stripLeading();
        if (text.startsWith("{")) {
            return Format.JSONL;
        }
        Optional<FtraceFormat> ftrace = FtraceFormat.detect(head, n);
        if (ftrace.isPresent()) {
            return switch (ftrace.get()) {
                case TRACEFS -> Format.FTRACE;
                case TRACEFS_LATENCY -> Format.FTRACE_LATENCY;
                case TRACE_CMD_REPORT -> Format.TRACE_CMD;
            };
        }
        throw new InputException(file.toString(), "offset 0", "not a trace DMA Scope reads (a .dmatrace store, JSON "
                + "Lines, ftrace text or trace-cmd report text)");
    }

    /** Opens an input, whatever its format. */
    public static EventInput open(Path file) throws IOException, InputException {
        Format f = detect(file);
        return switch (f) {
            case DMATRACE -> new StoreInput(TraceReader.open(file));
            case JSONL -> {
                JsonlReader r = JsonlReader.open(file);
                yield new ReadingInput(r::read, r, f);
            }
            case FTRACE, FTRACE_LATENCY, TRACE_CMD -> {
                FtraceReader r = FtraceReader.open(file);
                yield new ReadingInput(r::read, r, f);
            }
            case PERFETTO, CSV -> throw new InputException(file.toString(), null, f.label() + " is written, not read");
        };
    }

    /** Creates an output in the format its name asks for. */
    public static EventOutput create(Path file) throws IOException, InputException {
        Format f = outputFormat(file);
        return switch (f) {
            case DMATRACE -> new Output<>(TraceWriter.createUnflushed(file, TraceWriter.Options.DEFAULT), f,
                    TraceWriter::append);
            case JSONL -> new Output<>(JsonlWriter.open(file), f, JsonlWriter::write);
            case PERFETTO -> new Output<>(PerfettoJsonWriter.open(file), f, PerfettoJsonWriter::write);
            case CSV -> new Output<>(CsvWriter.open(file), f, CsvWriter::write);
            case FTRACE, FTRACE_LATENCY, TRACE_CMD -> throw new InputException(file.toString(), null, f.label()
                    + " is read, not written");
        };
    }

    /** How an output writes one event. */
    private interface WriteOne<W> {
        void write(W writer, TraceEvent event) throws IOException;
    }

    private record Output<W extends java.io.Closeable>(W writer, Format format, WriteOne<W> how) implements EventOutput {
        @Override
        public void write(TraceEvent event) throws IOException {
            how.write(writer, event);
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }
    }

    /** A reader of lines that reports a bad line and goes on with the next. */
    @FunctionalInterface
    private interface LineReading {
        @Nullable
        TraceEvent read() throws IOException, InputException;
    }

    /** A text input: bad lines are recorded as problems, and reading goes on. */
    private static final class ReadingInput implements EventInput {
        private final LineReading reader;
        private final java.io.Closeable closer;
        private final Format format;
        private final List<String> problems = new ArrayList<>();

        ReadingInput(LineReading reader, java.io.Closeable closer, Format format) {
            this.reader = reader;
            this.closer = closer;
            this.format = format;
        }

        @Override
        public @Nullable TraceEvent next() throws IOException {
            while (true) {
                try {
                    return reader.read();
                } catch (InputException e) {
                    problems.add(e.getMessage());
                }
            }
        }

        @Override
        public List<String> problems() {
            return List.copyOf(problems);
        }

        @Override
        public Format format() {
            return format;
        }

        @Override
        public void close() throws IOException {
            closer.close();
        }
    }

    private static final class StoreInput implements EventInput {
        private final TraceReader reader;
        private final TraceReader.Cursor cursor;

        StoreInput(TraceReader reader) {
            this.reader = reader;
            this.cursor = reader.events();
        }

        @Override
        public @Nullable TraceEvent next() throws IOException {
            if (cursor.hasNext()) {
                return cursor.next();
            }
            IOException e = cursor.failure();
            if (e != null) {
                throw e;
            }
            return null;
        }

        @Override
        public List<String> problems() {
            return reader.problems();
        }

        @Override
        public Format format() {
            return Format.DMATRACE;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
