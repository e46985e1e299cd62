package org.dmascope.trace.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.state.TraceState;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Appends events to a .dmatrace file (docs/trace-store.md), format 1.2: event chunks as
 * columns with every field of every event in a column too, checkpoints as rows (or format 1.1,
 * for readers of 1.1, when the options ask for it). Events collect in a chunk in memory; a chunk is written when it reaches {@link Options#chunkBytes()}, when the oldest event
 * in it is {@link Options#flushInterval()} old (a background thread looks every interval), on
 * {@link #flush()} and on {@link #close()}. A chunk is written with one positional write of its
 * header and payload, so a reader of the growing file and a writer killed with SIGKILL leave at
 * worst one incomplete chunk at the end, which readers recognise and skip: a kill -9 loses at
 * most the events of the last flush interval. Every {@link Options#checkpointEvery()} events a
 * checkpoint chunk records the state the events so far describe, so that the state at any time is
 * replayed from the nearest checkpoint. Thread-safe: a live source may append from any thread.
 */
public final class TraceWriter implements Closeable {

    /**
     * @param chunkBytes      payload size at which a chunk is written (default 256 KiB)
     * @param flushInterval   the longest an appended event waits in memory (default 1 s)
     * @param checkpointEvery events between state checkpoints (default 100 k: the state at any
     *                        time replays at most that many events)
     * @param sync            whether each write is also forced to the device (survives power
     *                        loss, not only the death of the writer; slower)
     * @param formatMinor     the minor version of the format written: 2 (the default, event chunks
     *                        of field columns) or 1 (for readers of 1.1: columnar chunks whose
     *                        fields are varints)
     */
    public record Options(int chunkBytes, Duration flushInterval, long checkpointEvery, boolean sync, int formatMinor) {

        /** The defaults. */
        public static final Options DEFAULT = new Options(256 << 10, Duration.ofSeconds(1), 100_000, false);

        /** Options that write the current format (1.2). */
        public Options(int chunkBytes, Duration flushInterval, long checkpointEvery, boolean sync) {
            this(chunkBytes, flushInterval, checkpointEvery, sync, StoreFormat.VERSION_MINOR);
        }

        /** Checks the values. */
        public Options {
            if (formatMinor != 1 && formatMinor != StoreFormat.VERSION_MINOR) {
                throw new IllegalArgumentException("format 1." + formatMinor + " cannot be written (1.1 or 1."
                        + StoreFormat.VERSION_MINOR + ")");
            }
            if (chunkBytes < 1024 || chunkBytes > StoreFormat.MAX_PAYLOAD / 2) {
                throw new IllegalArgumentException("chunk size " + chunkBytes + " not in 1 KiB .. 32 MiB");
            }
            if (flushInterval.isNegative() || flushInterval.isZero()) {
                throw new IllegalArgumentException("flush interval must be positive");
            }
            if (checkpointEvery < 1) {
                throw new IllegalArgumentException("checkpoint interval must be at least 1 event");
            }
        }

        /** These options with another flush interval. */
        public Options withFlushInterval(Duration d) {
            return new Options(chunkBytes, d, checkpointEvery, sync, formatMinor);
        }

        /** These options with another checkpoint interval. */
        public Options withCheckpointEvery(long n) {
            return new Options(chunkBytes, flushInterval, n, sync, formatMinor);
        }

        /** These options with another chunk size. */
        public Options withChunkBytes(int n) {
            return new Options(n, flushInterval, checkpointEvery, sync, formatMinor);
        }

        /** These options writing another minor version of the format (1 or 2). */
        public Options withFormatMinor(int minor) {
            return new Options(chunkBytes, flushInterval, checkpointEvery, sync, minor);
        }
    }

    private final Path file;
    private final Options options;
    private final FileChannel channel;
    /** The event chunk being built (field columns, format 1.2; or 1.1's columns). */
    private final ChunkSink columns;
    /** Checkpoints, written as rows. */
    private final ByteSink sink;
    private final TraceState state = new TraceState();
    private final @Nullable ScheduledExecutorService flusher;
    private final @Nullable ScheduledFuture<?> flushTask;

    private long position;
    private int sequence;
    private long ordinal;
    private int chunkEvents;
    private long chunkMin;
    private long chunkMax;
    private long chunkStartedNanos;
    private long sinceCheckpoint;
    private @Nullable IOException failure;
    private boolean closed;

    private TraceWriter(Path file, Options options, boolean background) throws IOException {
        this.file = file;
        this.options = options;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        this.columns = options.formatMinor() == 1 ? new ColumnSink11(options.chunkBytes() + 4096)
                : new ColumnSink(options.chunkBytes() + 4096);
        this.sink = new ByteSink(4096);
        ByteBuffer header = StoreFormat.fileHeader(options.formatMinor(), System.currentTimeMillis() * 1_000_000L,
                (int) Math.min(Integer.MAX_VALUE, options.flushInterval().toMillis()), options.checkpointEvery(),
                options.chunkBytes());
        writeFully(header);
        if (options.sync()) {
            channel.force(true);
        }
        if (background) {
            ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dmatrace flush " + file.getFileName());
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, options.flushInterval().toMillis() / 4);
            flusher = s;
            flushTask = s.scheduleWithFixedDelay(this::flushIfDue, period, period, TimeUnit.MILLISECONDS);
        } else {
            flusher = null;
            flushTask = null;
        }
    }

    /** Creates (or truncates) the file and writes its header; a background thread flushes. */
    public static TraceWriter create(Path file, Options options) throws IOException {
        return new TraceWriter(file, options, true);
    }

    /**
     * Creates the file with no background thread: chunks are written only when full, on
     * {@link #flush()} and on {@link #close()}. For converters and tests.
     */
    public static TraceWriter createUnflushed(Path file, Options options) throws IOException {
        return new TraceWriter(file, options, false);
    }

    /** The file written. */
    public Path file() {
        return file;
    }

    /** Events appended so far. */
    public synchronized long eventCount() {
        return ordinal + chunkEvents;
    }

    /** Appends an event. Throws the error of an earlier background write, if one failed. */
    public synchronized void append(TraceEvent event) throws IOException {
        check();
        long ts = event.ts();
        if (chunkEvents == 0) {
            chunkMin = ts;
            chunkMax = ts;
            chunkStartedNanos = System.nanoTime();
        } else {
            chunkMin = Math.min(chunkMin, ts);
            chunkMax = Math.max(chunkMax, ts);
        }
        columns.add(event);
        chunkEvents++;
        state.apply(event);
        if (columns.maxSize() >= options.chunkBytes() && columns.size() >= options.chunkBytes()) {
            writeChunk();
        }
    }

    /** Appends events in order. */
    public void appendAll(Iterable<? extends TraceEvent> events) throws IOException {
        for (TraceEvent e : events) {
            append(e);
        }
    }

    /** Writes the events appended so far to the file (to the OS; to the device with sync). */
    public synchronized void flush() throws IOException {
        check();
        if (chunkEvents > 0) {
            writeChunk();
        }
    }

    private synchronized void flushIfDue() {
        if (closed || failure != null || chunkEvents == 0) {
            return;
        }
        if (System.nanoTime() - chunkStartedNanos >= options.flushInterval().toNanos() * 3 / 4) {
            try {
                writeChunk();
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    private void check() throws IOException {
        if (closed) {
            throw new IOException(file + ": the trace writer is closed");
        }
        IOException f = failure;
        if (f != null) {
            throw new IOException(file + ": an earlier write failed: " + f.getMessage(), f);
        }
    }

    private void writeChunk() throws IOException {
        byte[] payload = columns.payload();
        int length = (int) columns.size();
        ByteBuffer header = StoreFormat.chunkHeader(columns.kind(), sequence, payload, length, chunkEvents,
                chunkMin, chunkMax, ordinal);
        writeFully(header, ByteBuffer.wrap(payload, 0, length));
        sequence++;
        ordinal += chunkEvents;
        sinceCheckpoint += chunkEvents;
        chunkEvents = 0;
        columns.reset();
        if (sinceCheckpoint >= options.checkpointEvery()) {
            writeCheckpoint();
        }
        if (options.sync()) {
            channel.force(false);
        }
    }

    private void writeCheckpoint() throws IOException {
        List<TraceEvent> events = state.asEvents();
        long previous = 0;
        for (TraceEvent e : events) {
            EventCodec.encode(e, previous, sink);
            previous = e.ts();
        }
        ByteBuffer header = StoreFormat.chunkHeader(StoreFormat.KIND_CHECKPOINT, sequence, sink.array(), sink.size(),
                events.size(), state.time(), state.time(), ordinal);
        writeFully(header, ByteBuffer.wrap(sink.array(), 0, sink.size()));
        sequence++;
        sinceCheckpoint = 0;
        sink.reset();
    }

    private void writeFully(ByteBuffer... buffers) throws IOException {
        long total = 0;
        for (ByteBuffer b : buffers) {
            total += b.remaining();
        }
        long written = 0;
        channel.position(position);
        while (written < total) {
            written += channel.write(buffers);
        }
        position += total;
    }

    /** Writes what is left and closes the file. */
    @Override
    public void close() throws IOException {
        ScheduledFuture<?> task = flushTask;
        if (task != null) {
            task.cancel(false);
        }
        ScheduledExecutorService s = flusher;
        if (s != null) {
            s.shutdown();
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                if (failure == null && chunkEvents > 0) {
                    writeChunk();
                }
                if (options.sync()) {
                    channel.force(true);
                }
            } finally {
                closed = true;
                channel.close();
            }
            IOException f = failure;
            if (f != null) {
                throw new IOException(file + ": a write failed: " + f.getMessage(), f);
            }
        }
    }
}
