package org.dmascope.benchmarks;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.jsonl.EventSchema;
import org.dmascope.trace.store.FieldColumns;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Writing and decoding a .dmatrace file of N SYNTHETIC events, against a raw sequential scan of
 * the same bytes (every 8-byte word of the memory-mapped file read and summed): the goal is that
 * decoding runs at 25% or more of the scan's speed. Decoding is measured four ways: the
 * columns of every chunk (decodeColumns: kinds, times, CPUs and PIDs in arrays, no object per
 * event), every field of every event through the batch API (decodeFields: the header columns,
 * the command numbers and the string table, and every kind's field columns, no object per
 * event), every event's kind, time, CPU and PID handed to a callback (decodeHeaders,
 * TraceReader.scan), and every event made into its record (decode). One operation is the whole
 * file, in the format the writer writes (1.2: event chunks of field columns). Writing is measured
 * in the current format (write) and in format 1.1 (write11, columnar chunks whose fields are
 * varints), on the same events.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TraceStoreBench {

    @Param("2000000")
    public long events;

    private Path file;

    @Setup
    public void setUp() throws IOException {
        file = SyntheticTrace.cached(events);
    }

    /** The events to write, made only for {@link TraceStoreBench#write}. */
    @State(Scope.Benchmark)
    public static class WriteSample {

        @Param("2000000")
        public long events;

        Path out;
        List<TraceEvent> sample;

        @Setup
        public void setUp() throws IOException {
            out = Files.createTempFile("dmascope-bench", ".dmatrace");
            SyntheticTrace t = new SyntheticTrace(42);
            sample = new ArrayList<>((int) events);
            for (long i = 0; i < events; i++) {
                sample.add(t.next());
            }
        }

        @TearDown
        public void tearDown() throws IOException {
            Files.deleteIfExists(out);
        }
    }

    /** Appends every event to a new file (format 1.2) and closes it. */
    @Benchmark
    public long write(WriteSample w) throws IOException {
        return write(w, TraceWriter.Options.DEFAULT);
    }

    /** The same in format 1.1 (columnar chunks whose fields are varints), for comparison. */
    @Benchmark
    public long write11(WriteSample w) throws IOException {
        return write(w, TraceWriter.Options.DEFAULT.withFormatMinor(1));
    }

    private static long write(WriteSample w, TraceWriter.Options options) throws IOException {
        try (TraceWriter writer = TraceWriter.createUnflushed(w.out, options)) {
            for (TraceEvent e : w.sample) {
                writer.append(e);
            }
        }
        return Files.size(w.out);
    }

    private static final EventType[] TYPES = EventType.values();

    /**
     * Opens the file and reads every field of every event through the batch API, folding them
     * into one number: per chunk the kind, time stamp, CPU, PID and command number of each event,
     * the string table's strings (hashed), and for each kind present every field of every row of
     * its field columns (numbers as they are, strings by their number in the table, a column at a
     * time, a constant column by its one value; arrays and maps entry by entry). No object per event; checksums and columns checked.
     */
    @Benchmark
    public long decodeFields() throws InputException, IOException {
        long sum = 0;
        try (TraceReader r = TraceReader.open(file)) {
            TraceReader.Batch b = r.batches();
            while (b.next()) {
                for (int i = 0, n = b.size(); i < n; i++) {
                    sum += b.ts(i) + b.cpu(i) + b.pid(i) + b.type(i).ordinal() + b.commNumber(i);
                }
                for (int s = 0, n = b.stringCount(); s < n; s++) {
                    sum += b.string(s).hashCode();
                }
                for (EventType t : TYPES) {
                    FieldColumns c = b.fields(t);
                    int m = c.size();
                    for (int f = 0, k = m == 0 ? 0 : c.fieldCount(); f < k; f++) {
                        sum += field(c, f, m);
                    }
                }
            }
        }
        return sum;
    }

    private static long field(FieldColumns c, int f, int m) {
        long sum = 0;
        switch (c.fieldKind(f)) {
            case LONG, HEX, INT, BOOLEAN, STRING -> {
                // a whole column at once: numbers, booleans as 0 or 1, strings by their number in the
                // table; a column stored as one value (width 0) is that value in every row
                if (c.constant(f)) {
                    sum += m * (c.fieldKind(f) == EventSchema.Kind.STRING ? c.stringNumber(f, 0) : c.number(f, 0));
                } else {
                    long[] v = c.numbers(f);
                    for (int r = 0; r < m; r++) {
                        sum += v[r];
                    }
                }
            }
            case HEX_ARRAY, LONG_ARRAY, INT_ARRAY -> {
                for (int r = 0; r < m; r++) {
                    for (int j = 0, n = c.length(f, r); j < n; j++) {
                        sum += c.element(f, r, j);
                    }
                }
            }
            case STRING_MAP -> {
                for (int r = 0; r < m; r++) {
                    for (int j = 0, n = c.length(f, r); j < n; j++) {
                        sum += c.key(f, r, j).hashCode() + c.value(f, r, j).hashCode();
                    }
                }
            }
        }
        return sum;
    }

    /**
     * Opens the file and reads every chunk's columns (TraceReader.batches: kinds, time stamps,
     * CPUs and PIDs by bulk copies, checksums checked), folding them into one number so that
     * nothing is optimised away: no object per event, no call per event.
     */
    @Benchmark
    public long decodeColumns() throws InputException, IOException {
        long sum = 0;
        try (TraceReader r = TraceReader.open(file)) {
            TraceReader.Batch b = r.batches();
            while (b.next()) {
                for (int i = 0, n = b.size(); i < n; i++) {
                    sum += b.ts(i) + b.cpu(i) + b.pid(i) + b.type(i).ordinal();
                }
            }
        }
        return sum;
    }

    /** Opens the file and decodes every event into its record, checksums checked. */
    @Benchmark
    public long decode(Blackhole bh) throws InputException, IOException {
        long n = 0;
        try (TraceReader r = TraceReader.open(file)) {
            TraceReader.Cursor c = r.events();
            while (c.hasNext()) {
                bh.consume(c.next());
                n++;
            }
        }
        return n;
    }

    /**
     * Opens the file and reads the kind, time, CPU and PID of every event, its fields skipped
     * (TraceReader.scan: no object per event), checksums checked.
     */
    @Benchmark
    public long decodeHeaders(Blackhole bh) throws InputException, IOException {
        try (TraceReader r = TraceReader.open(file)) {
            return r.scan((ordinal, type, ts, cpu, pid) -> bh.consume(ts));
        }
    }

    /** Reads every 8-byte word of the memory-mapped file: the speed limit of any decoder. */
    @Benchmark
    public long scan() throws IOException {
        long sum = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            for (long base = 0; base < size; base += 1L << 30) {
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, base, Math.min(1L << 30, size - base));
                m.order(ByteOrder.LITTLE_ENDIAN);
                int limit = m.limit() & ~7;
                for (int i = 0; i < limit; i += 8) {
                    sum += m.getLong(i);
                }
            }
        }
        return sum;
    }
}
