package org.dmascope.trace.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.state.TraceState;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads a .dmatrace file (docs/trace-store.md) through memory mapping, also while a
 * {@link TraceWriter} is still appending to it ({@link #refresh()} picks up new chunks).
 *
 * <p>Opening scans the chunk headers only (each names its length, time range and first event),
 * which gives the time index: a seek is a binary search over chunks and the decoding of one.
 * Payload checksums are verified when a chunk is first decoded, or all at once by
 * {@link #verifyAll()}. Damage never stops the reader: a chunk whose payload does not match its
 * checksum is reported and skipped; a damaged header is skipped by searching for the next valid
 * chunk header; a file cut short ends at its last complete chunk. Each is reported as a
 * {@link Damage} naming the file, the offset and the chunk, and the valid rest is served.
 * The heap used follows the number of chunks (a few dozen bytes per 256 KiB chunk), never the
 * number of events. Not thread-safe: one reader per thread.
 */
public final class TraceReader implements Closeable {

    /** Something wrong in the file: where, which chunk (-1 when unknown) and what. */
    public record Damage(long offset, int chunk, String problem) {
    }

    private static final int WINDOW = 64 << 20;

    private final Path file;
    private final String name;
    private final FileChannel channel;
    private final int versionMinor;
    private final long createdEpochNs;
    private final int flushMillis;

    private final List<ChunkInfo> chunks = new ArrayList<>();
    /** Positions in {@link #chunks} of columnar event chunks (format 1.1 and 1.2). */
    private final BitSet columnar = new BitSet();
    /** Positions in {@link #chunks} of chunks of field columns (format 1.2), a subset of {@link #columnar}. */
    private final BitSet fieldColumns = new BitSet();
    /** Positions of columnar chunks whose every event's fields were decoded once. */
    private final BitSet fieldsChecked = new BitSet();
    /** Positions in {@link #chunks} of event chunks, and the running maximum of their maxTs. */
    private int[] eventChunks = new int[64];
    private long[] runningMaxTs = new long[64];
    private int eventChunkCount;
    private final List<Damage> damage = new ArrayList<>();
    private long scanned;
    private @Nullable Damage tail;
    private long fileSize;

    private @Nullable MappedByteBuffer window;
    private long windowStart;
    private long windowEnd;
    private byte[] payload = new byte[256 << 10];
    /** The columns of the chunk last read by {@link #scan} or {@link #decodeChunk}. */
    private final ColumnChunk scratch = new ColumnChunk();

    private TraceReader(Path file, FileChannel channel, ByteBuffer header) {
        this.file = file;
        this.name = file.toString();
        this.channel = channel;
        this.versionMinor = header.getShort(10) & 0xFFFF;
        this.createdEpochNs = header.getLong(16);
        this.flushMillis = header.getInt(24);
        this.scanned = StoreFormat.FILE_HEADER_SIZE;
    }

    /**
     * Opens a trace file and scans its chunks.
     *
     * @throws InputException when it is missing, not a trace file, of an unknown major version,
     *                        or its header is damaged (then nothing in it can be trusted)
     */
    public static TraceReader open(Path file) throws InputException {
        String name = file.toString();
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new InputException(name, null, "no such file");
        } catch (IOException e) {
            throw new InputException(name, null, "cannot open: " + e.getMessage(), e);
        }
        try {
            ByteBuffer h = ByteBuffer.allocate(StoreFormat.FILE_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
                // read the whole header
            }
            if (h.position() < StoreFormat.FILE_MAGIC.length
                    || !Arrays.equals(Arrays.copyOf(h.array(), 8), StoreFormat.FILE_MAGIC)) {
                throw new InputException(name, "offset 0", "not a DMA Scope trace (.dmatrace): the file does not start with "
                        + "DMATRACE");
            }
            if (h.position() < StoreFormat.FILE_HEADER_SIZE) {
                throw new InputException(name, "offset " + h.position(), "the file header is cut short ("
                        + h.position() + " of " + StoreFormat.FILE_HEADER_SIZE + " bytes)");
            }
            if (StoreFormat.crc(h.array(), 0, 60) != h.getInt(60)) {
                throw new InputException(name, "offset 0", "the file header's checksum does not match: the header is "
                        + "damaged");
            }
            int major = h.getShort(8) & 0xFFFF;
            if (major != StoreFormat.VERSION_MAJOR) {
                throw new InputException(name, "offset 8", "format version " + major + "." + (h.getShort(10) & 0xFFFF)
                        + " is not supported (this DMA Scope reads version " + StoreFormat.VERSION_MAJOR + ")");
            }
            TraceReader r = new TraceReader(file, ch, h);
            r.refresh();
            return r;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new InputException(name, null, "cannot read: " + e.getMessage(), e);
        } catch (InputException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // already failing
        }
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The format's minor version (what this reader does not know of it, it skips). */
    public int versionMinor() {
        return versionMinor;
    }

    /** When the writer created the file, in ns since the epoch. */
    public long createdEpochNs() {
        return createdEpochNs;
    }

    /** The writer's flush interval in milliseconds. */
    public int flushMillis() {
        return flushMillis;
    }

    /**
     * Scans chunks written since the last scan (a writer may still be appending).
     *
     * @return how many new chunks were found
     */
    public int refresh() throws IOException {
        fileSize = channel.size();
        tail = null;
        int before = chunks.size();
        long pos = scanned;
        ByteBuffer h = ByteBuffer.allocate(StoreFormat.CHUNK_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        while (pos < fileSize) {
            if (fileSize - pos < StoreFormat.CHUNK_HEADER_SIZE) {
                tail = new Damage(pos, chunks.size(), "chunk " + chunks.size() + " is cut short in its header ("
                        + (fileSize - pos) + " of " + StoreFormat.CHUNK_HEADER_SIZE + " bytes at the end of the file)");
                break;
            }
            read(h, pos);
            String bad = headerProblem(h);
            if (bad != null) {
                long next = findHeader(pos + 1);
                int seq = chunks.size();
                if (next < 0) {
                    tail = new Damage(pos, -1, "damaged data after chunk " + (seq - 1) + " (" + bad + "); no valid chunk "
                            + "header follows in the " + (fileSize - pos) + " bytes to the end");
                    break;
                }
                damage.add(new Damage(pos, -1, "damaged data after chunk " + (seq - 1) + " (" + bad + "): " + (next - pos)
                        + " bytes skipped up to the next valid chunk header"));
                pos = next;
                continue;
            }
            int length = h.getInt(12);
            long end = pos + StoreFormat.CHUNK_HEADER_SIZE + length;
            if (end > fileSize) {
                tail = new Damage(pos, h.getInt(8), "chunk " + h.getInt(8) + " is cut short: its payload of " + length
                        + " bytes ends at offset " + end + " but the file has " + fileSize + " bytes");
                break;
            }
            if (h.get(4) == StoreFormat.KIND_COLUMNS || h.get(4) == StoreFormat.KIND_FIELD_COLUMNS) {
                columnar.set(chunks.size());
            }
            if (h.get(4) == StoreFormat.KIND_FIELD_COLUMNS) {
                fieldColumns.set(chunks.size());
            }
            addChunk(new ChunkInfo(h.getInt(8), pos, h.get(4) == StoreFormat.KIND_CHECKPOINT, length, h.getInt(16),
                    h.getLong(24), h.getLong(32), h.getLong(40), ChunkInfo.Health.UNCHECKED, ""));
            pos = end;
        }
        scanned = pos;
        return chunks.size() - before;
    }

    private void addChunk(ChunkInfo c) {
        chunks.add(c);
        if (!c.checkpoint()) {
            if (eventChunkCount == eventChunks.length) {
                eventChunks = Arrays.copyOf(eventChunks, eventChunkCount * 2);
                runningMaxTs = Arrays.copyOf(runningMaxTs, eventChunkCount * 2);
            }
            eventChunks[eventChunkCount] = chunks.size() - 1;
            runningMaxTs[eventChunkCount] = eventChunkCount == 0 ? c.maxTs()
                    : Math.max(runningMaxTs[eventChunkCount - 1], c.maxTs());
            eventChunkCount++;
        }
    }

    private static @Nullable String headerProblem(ByteBuffer h) {
        if (h.getInt(0) != StoreFormat.CHUNK_MAGIC) {
            return "no chunk magic CHNK";
        }
        if (StoreFormat.crc(h.array(), 0, 52) != h.getInt(52)) {
            return "chunk header checksum mismatch";
        }
        int kind = h.get(4);
        if (kind != StoreFormat.KIND_EVENTS && kind != StoreFormat.KIND_CHECKPOINT && kind != StoreFormat.KIND_COLUMNS
                && kind != StoreFormat.KIND_FIELD_COLUMNS) {
            return "unknown chunk kind " + kind;
        }
        int length = h.getInt(12);
        if (length < 0 || length > StoreFormat.MAX_PAYLOAD) {
            return "payload length " + length + " out of range";
        }
        return null;
    }

    /** The offset of the next valid chunk header at or after pos, or -1. */
    private long findHeader(long from) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer h = ByteBuffer.allocate(StoreFormat.CHUNK_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (long base = from; base + StoreFormat.CHUNK_HEADER_SIZE <= fileSize; base += buf.capacity() - 3) {
            buf.clear();
            int n = readSome(buf, base);
            for (int i = 0; i + 4 <= n; i++) {
                if (buf.getInt(i) == StoreFormat.CHUNK_MAGIC && base + i + StoreFormat.CHUNK_HEADER_SIZE <= fileSize) {
                    read(h, base + i);
                    if (headerProblem(h) == null) {
                        return base + i;
                    }
                }
            }
            if (n < buf.capacity()) {
                break;
            }
        }
        return -1;
    }

    private void read(ByteBuffer b, long pos) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            if (channel.read(b, pos + b.position()) < 0) {
                throw new IOException(name + ": offset " + pos + ": the file ended while reading");
            }
        }
    }

    private int readSome(ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = channel.read(b, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** The chunks found, in file order (their health as known so far). */
    public List<ChunkInfo> chunks() {
        return List.copyOf(chunks);
    }

    /** Damage found so far: skipped bytes, damaged chunks, and a cut-short end. */
    public List<Damage> damage() {
        List<Damage> all = new ArrayList<>(damage);
        for (ChunkInfo c : chunks) {
            if (c.health() == ChunkInfo.Health.DAMAGED) {
                all.add(new Damage(c.offset(), c.sequence(), c.problem()));
            }
        }
        all.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        Damage t = tail;
        if (t != null) {
            all.add(t);
        }
        return all;
    }

    /** {@link #damage()} as lines that each name the file and the place, for reports. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        for (Damage d : damage()) {
            out.add(d.problem().startsWith(name) ? d.problem() : name + ": offset " + d.offset() + ": " + d.problem());
        }
        return out;
    }

    /** The incomplete end of the file (a writer still writing, or one that died), if any. */
    public @Nullable Damage incompleteEnd() {
        return tail;
    }

    /** Events in the valid event chunks (damaged ones excluded once found). */
    public long eventCount() {
        long n = 0;
        for (int i = 0; i < eventChunkCount; i++) {
            ChunkInfo c = chunks.get(eventChunks[i]);
            if (c.health() != ChunkInfo.Health.DAMAGED) {
                n += c.events();
            }
        }
        return n;
    }

    /** The smallest time stamp, or {@link Long#MAX_VALUE} when there are no events. */
    public long firstTs() {
        long t = Long.MAX_VALUE;
        for (int i = 0; i < eventChunkCount; i++) {
            t = Math.min(t, chunks.get(eventChunks[i]).minTs());
        }
        return t;
    }

    /** The largest time stamp, or {@link Long#MIN_VALUE} when there are no events. */
    public long lastTs() {
        return eventChunkCount == 0 ? Long.MIN_VALUE : runningMaxTs[eventChunkCount - 1];
    }

    /**
     * Reads and checks every payload not yet checked.
     *
     * @return whether the file is intact: no damage and no incomplete end
     */
    public boolean verifyAll() throws IOException {
        for (int i = 0; i < chunks.size(); i++) {
            ChunkInfo.Health health = chunks.get(i).health();
            if (health == ChunkInfo.Health.UNCHECKED
                    || health == ChunkInfo.Health.OK && columnar.get(i) && !fieldsChecked.get(i)) {
                decodeChunk(i, null);
            }
        }
        return damage().isEmpty();
    }

    /** What {@link TraceReader#scan} hands over per event, no event object being made. */
    @FunctionalInterface
    public interface EventScanner {
        /**
         * @param ordinal events before this one in the trace
         * @param type    its kind
         * @param ts      its time stamp, ns
         * @param cpu     its CPU, -1 when unknown
         * @param pid     its PID, -1 when unknown
         */
        void event(long ordinal, EventType type, long ts, int cpu, int pid);
    }

    /**
     * The kind, time, CPU and PID of every event, in file order, with their fields skipped rather
     * than decoded: the fast pass for counting and indexing. A columnar chunk's columns are read
     * with bulk copies (its fields are not read at all); a row chunk (format 1.0) is scanned
     * event by event, its fields skipped. Chunks are checked as by
     * {@link #events()}, and damaged ones skipped and recorded in {@link #damage()}.
     *
     * @return the number of events scanned
     */
    public long scan(EventScanner scanner) throws IOException {
        long n = 0;
        for (int k = 0; k < eventChunkCount; k++) {
            int i = eventChunks[k];
            ChunkInfo c = chunks.get(i);
            if (columnar.get(i)) {
                if (readColumns(i, scratch)) {
                    ColumnChunk cols = scratch;
                    long first = c.firstOrdinal();
                    EventType[] types = EventCodec.BY_CODE;
                    for (int e = 0; e < cols.n; e++) {
                        scanner.event(first + e, types[cols.kinds[e]], cols.ts[e], cols.cpu[e], cols.pid[e]);
                    }
                    n += cols.n;
                }
                continue;
            }
            if (c.health() == ChunkInfo.Health.DAMAGED || !loadPayload(i)) {
                continue;
            }
            ByteSource in = new ByteSource(payload, 0, c.payloadBytes());
            try {
                int seen = EventCodec.scanAll(in, c.firstOrdinal(), scanner);
                if (seen != c.events()) {
                    markDamaged(i, "chunk " + c.sequence() + " at offset " + c.offset() + ": holds " + seen
                            + " events but its header says " + c.events());
                } else if (c.health() == ChunkInfo.Health.UNCHECKED) {
                    chunks.set(i, new ChunkInfo(c.sequence(), c.offset(), c.checkpoint(), c.payloadBytes(), c.events(),
                            c.minTs(), c.maxTs(), c.firstOrdinal(), ChunkInfo.Health.OK, ""));
                }
            } catch (ByteSource.Malformed e) {
                // the checksum matched, so this is a writer's bug or another version: report, go on
                markDamaged(i, "chunk " + c.sequence() + " at offset " + c.offset() + ": payload does not decode: "
                        + e.getMessage());
            }
            n += in.events;
        }
        return n;
    }

    /**
     * Reads chunk i's payload into {@link #payload} and, the first time, checks its checksum;
     * false (and the chunk marked damaged) when it does not match.
     */
    private boolean loadPayload(int i) throws IOException {
        ChunkInfo c = chunks.get(i);
        int length = c.payloadBytes();
        if (payload.length < length) {
            payload = new byte[Math.max(length, payload.length * 2)];
        }
        MappedByteBuffer w = map(c.offset(), c.end());
        w.get((int) (c.offset() + StoreFormat.CHUNK_HEADER_SIZE - windowStart), payload, 0, length);
        if (c.health() == ChunkInfo.Health.UNCHECKED
                && StoreFormat.crc(payload, 0, length) != readInt(w, (int) (c.offset() - windowStart) + 20)) {
            markDamaged(i, "chunk " + c.sequence() + " at offset " + c.offset() + ": payload checksum mismatch ("
                    + length + " bytes): its " + c.events() + " events are skipped");
            return false;
        }
        return true;
    }

    /**
     * Reads the columns of columnar chunk i into k: its checksum checked the first time, its
     * columns every time; false (and the chunk marked damaged) when either fails.
     */
    private boolean readColumns(int i, ColumnChunk k) throws IOException {
        ChunkInfo c = chunks.get(i);
        if (c.health() == ChunkInfo.Health.DAMAGED) {
            return false;
        }
        int length = c.payloadBytes();
        MappedByteBuffer w = map(c.offset(), c.end());
        int at = (int) (c.offset() - windowStart);
        if (c.health() == ChunkInfo.Health.UNCHECKED
                && StoreFormat.crc(w.slice(at + StoreFormat.CHUNK_HEADER_SIZE, length)) != readInt(w, at + 20)) {
            markDamaged(i, "chunk " + c.sequence() + " at offset " + c.offset() + ": payload checksum mismatch ("
                    + length + " bytes): its " + c.events() + " events are skipped");
            return false;
        }
        String problem = fieldColumns.get(i)
                ? k.readFieldColumns(w, at + StoreFormat.CHUNK_HEADER_SIZE, length, c.events(), c.minTs(), c.maxTs())
                : k.readColumns(w, at + StoreFormat.CHUNK_HEADER_SIZE, length, c.events(), c.minTs(), c.maxTs());
        if (problem != null) {
            markDamaged(i, "chunk " + c.sequence() + " at offset " + c.offset() + ": payload does not decode: " + problem);
            return false;
        }
        if (c.health() == ChunkInfo.Health.UNCHECKED) {
            chunks.set(i, new ChunkInfo(c.sequence(), c.offset(), c.checkpoint(), c.payloadBytes(), c.events(), c.minTs(),
                    c.maxTs(), c.firstOrdinal(), ChunkInfo.Health.OK, ""));
        }
        return true;
    }

    private void markDamaged(int i, String problem) {
        ChunkInfo c = chunks.get(i);
        chunks.set(i, new ChunkInfo(c.sequence(), c.offset(), c.checkpoint(), c.payloadBytes(), c.events(), c.minTs(),
                c.maxTs(), c.firstOrdinal(), ChunkInfo.Health.DAMAGED, name + ": " + problem));
    }

    /**
     * The event chunks from the start, in file order, one at a time as columns: kinds, time
     * stamps, CPUs and PIDs of a whole chunk read with bulk copies and no object per event, each
     * kind's fields as columns ({@link Batch#fields(EventType)}, format 1.2: bulk copies too), the
     * command and the record of an event made only when asked for. Damaged chunks are skipped and
     * recorded in {@link #damage()}, as by {@link #events()}. A 1.1 file's chunks and a 1.0 file's
     * row chunks are served the same way (their field columns made from their records).
     */
    public Batch batches() {
        return new Batch();
    }

    /** All events from the start, in file order, skipping damaged chunks. */
    public Cursor events() {
        return new Cursor(0, Long.MIN_VALUE);
    }

    /**
     * The events from the first one with a time stamp at or after {@code ts}: a binary search
     * over the chunks' time ranges, then the decoding of one chunk.
     */
    public Cursor seek(long ts) {
        int lo = 0;
        int hi = eventChunkCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (runningMaxTs[mid] < ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return new Cursor(lo, ts);
    }

    /**
     * The state after every event with a time stamp at or before {@code ts}: the nearest
     * checkpoint at or before it, then the events after that checkpoint up to {@code ts}.
     * Events are taken in file order, so for a trace whose time stamps go back and forth the
     * replay stops at the first event later than {@code ts}.
     */
    public TraceState stateAt(long ts) throws IOException {
        TraceState state = new TraceState();
        long startOrdinal = 0;
        for (int i = chunks.size() - 1; i >= 0; i--) {
            ChunkInfo c = chunks.get(i);
            if (c.checkpoint() && c.minTs() <= ts && c.health() != ChunkInfo.Health.DAMAGED) {
                List<TraceEvent> rebuild = new ArrayList<>(c.events());
                if (decodeChunk(i, rebuild) && firstEventChunkFrom(c.firstOrdinal()) >= 0) {
                    for (TraceEvent e : rebuild) {
                        state.apply(e);
                    }
                    state.setTime(c.minTs(), c.firstOrdinal());
                    startOrdinal = c.firstOrdinal();
                    break;
                }
            }
        }
        int first = startOrdinal == 0 ? 0 : firstEventChunkFrom(startOrdinal);
        Cursor cursor = new Cursor(first, Long.MIN_VALUE);
        while (cursor.hasNext()) {
            TraceEvent e = cursor.next();
            if (e.ts() > ts) {
                break;
            }
            state.apply(e);
        }
        return state;
    }

    /** The position in the event-chunk index of the chunk starting at this ordinal, or -1. */
    private int firstEventChunkFrom(long ordinal) {
        for (int i = 0; i < eventChunkCount; i++) {
            ChunkInfo c = chunks.get(eventChunks[i]);
            if (c.firstOrdinal() == ordinal) {
                return i;
            }
            if (c.firstOrdinal() > ordinal) {
                break;
            }
        }
        return -1;
    }

    /**
     * Decodes chunk i into out (or only checks it when out is null), marking its health.
     *
     * @return whether it was intact
     */
    private boolean decodeChunk(int i, @Nullable List<TraceEvent> out) throws IOException {
        ChunkInfo c = chunks.get(i);
        if (c.health() == ChunkInfo.Health.DAMAGED) {
            return false;
        }
        if (columnar.get(i)) {
            return decodeColumns(i, scratch, out, Long.MIN_VALUE);
        }
        int length = c.payloadBytes();
        if (payload.length < length) {
            payload = new byte[Math.max(length, payload.length * 2)];
        }
        MappedByteBuffer w = map(c.offset(), c.end());
        w.get((int) (c.offset() + StoreFormat.CHUNK_HEADER_SIZE - windowStart), payload, 0, length);
        int expected = readInt(w, (int) (c.offset() - windowStart) + 20);
        String problem = null;
        if (c.health() == ChunkInfo.Health.UNCHECKED && StoreFormat.crc(payload, 0, length) != expected) {
            problem = "chunk " + c.sequence() + " at offset " + c.offset() + ": payload checksum mismatch (" + length
                    + " bytes): its " + c.events() + " events are skipped";
        } else {
            try {
                ByteSource in = new ByteSource(payload, 0, length);
                long previous = 0;
                int n = 0;
                while (in.hasMore()) {
                    TraceEvent e = EventCodec.decode(in, previous);
                    previous = in.ts;
                    n++;
                    if (out != null) {
                        out.add(e);
                    }
                }
                if (n != c.events()) {
                    problem = "chunk " + c.sequence() + " at offset " + c.offset() + ": holds " + n
                            + " events but its header says " + c.events();
                }
            } catch (ByteSource.Malformed | IllegalArgumentException | NullPointerException e) {
                problem = "chunk " + c.sequence() + " at offset " + c.offset() + ": payload does not decode: "
                        + e.getMessage();
            }
        }
        chunks.set(i, new ChunkInfo(c.sequence(), c.offset(), c.checkpoint(), c.payloadBytes(), c.events(), c.minTs(),
                c.maxTs(), c.firstOrdinal(), problem == null ? ChunkInfo.Health.OK : ChunkInfo.Health.DAMAGED,
                problem == null ? "" : name + ": " + problem));
        if (problem != null && out != null) {
            out.clear();
        }
        return problem == null;
    }

    /**
     * Reads columnar chunk i into k and makes every event's record (into out, or only to check
     * them when out is null); a chunk whose fields do not decode is marked damaged as a whole.
     *
     * @return whether it was intact
     */
    private boolean decodeColumns(int i, ColumnChunk k, @Nullable List<TraceEvent> out, long fromTs) throws IOException {
        if (!readColumns(i, k)) {
            return false;
        }
        int e = 0;
        // a seek makes no record of the events before its time (their columns say where it is)
        while (e < k.n && k.ts[e] < fromTs) {
            e++;
        }
        int first = e;
        try {
            for (; e < k.n; e++) {
                TraceEvent event = k.event(e);
                if (out != null) {
                    out.add(event);
                }
            }
        } catch (ByteSource.Malformed | IllegalArgumentException | NullPointerException x) {
            ChunkInfo c = chunks.get(i);
            int bad = badEvent(x, e);
            markDamaged(i, "chunk " + c.sequence() + " at offset " + c.offset() + ": " + eventPlace(c, bad)
                    + " does not decode: " + x.getMessage() + "; the chunk's " + c.events() + " events are skipped");
            if (out != null) {
                out.clear();
            }
            return false;
        }
        if (first == 0) {
            fieldsChecked.set(i);
        }
        return true;
    }

    /** The event a decoding failure names: the first bad one a field column found, else the one being decoded. */
    private static int badEvent(RuntimeException x, int decoding) {
        return x instanceof ByteSource.Malformed m && m.event >= 0 ? m.event : decoding;
    }

    /** "event 5 (ordinal 1234)", or "its field columns" when no one event is to blame (-1). */
    private static String eventPlace(ChunkInfo c, int e) {
        return e < 0 ? "its field columns" : "event " + e + " (ordinal " + (c.firstOrdinal() + e) + ")";
    }

    private static int readInt(MappedByteBuffer w, int at) {
        return w.order(ByteOrder.LITTLE_ENDIAN).getInt(at);
    }

    /** A mapping that covers [from, to), reusing the current window when it does. */
    private MappedByteBuffer map(long from, long to) throws IOException {
        MappedByteBuffer w = window;
        if (w != null && from >= windowStart && to <= windowEnd) {
            return w;
        }
        long end = Math.min(scanned, Math.max(to, from + WINDOW));
        w = channel.map(FileChannel.MapMode.READ_ONLY, from, end - from);
        window = w;
        windowStart = from;
        windowEnd = end;
        return w;
    }

    @Override
    public void close() throws IOException {
        window = null;
        channel.close();
    }

    /**
     * One event chunk at a time as columns ({@link TraceReader#batches()}): call {@link #next()},
     * then read events 0 to {@link #size()} - 1 by index. The columns are reused by the next
     * chunk; one batch holds arrays for one chunk whatever the trace's length.
     */
    public final class Batch {

        private final ColumnChunk k = new ColumnChunk();
        private int nextChunk;
        private int current = -1;

        Batch() {
        }

        /**
         * Reads the next intact event chunk, checking it as {@link TraceReader#events()} does.
         *
         * @return false when there is none left (then {@link #size()} is 0)
         */
        public boolean next() throws IOException {
            while (nextChunk < eventChunkCount) {
                int i = eventChunks[nextChunk++];
                if (columnar.get(i) ? readColumns(i, k) : rows(i)) {
                    current = i;
                    return true;
                }
            }
            current = -1;
            k.n = 0;
            return false;
        }

        private boolean rows(int i) throws IOException {
            List<TraceEvent> records = new ArrayList<>();
            if (!decodeChunk(i, records)) {
                return false;
            }
            k.fromRecords(records);
            return true;
        }

        /** Events in the current chunk. */
        public int size() {
            return k.n;
        }

        /** The current chunk as the index knows it. */
        public ChunkInfo chunk() {
            if (current < 0) {
                throw new IllegalStateException("no current chunk: call next() first");
            }
            return chunks.get(current);
        }

        /** The ordinal (events before it in the trace) of the chunk's first event. */
        public long firstOrdinal() {
            return chunk().firstOrdinal();
        }

        /** The kind of event i of the chunk. */
        public EventType type(int i) {
            return k.type(i);
        }

        /** The time stamp of event i, ns. */
        public long ts(int i) {
            return k.ts[Objects.checkIndex(i, k.n)];
        }

        /** The CPU of event i, -1 when unknown. */
        public int cpu(int i) {
            return k.cpu[Objects.checkIndex(i, k.n)];
        }

        /** The PID of event i, -1 when unknown. */
        public int pid(int i) {
            return k.pid[Objects.checkIndex(i, k.n)];
        }

        /**
         * The command name of event i.
         *
         * @throws IOException when the chunk's string table does not decode (a writer's bug: the
         *                     checksum matched); the chunk is then recorded as damaged
         */
        public String comm(int i) throws IOException {
            try {
                return k.comm(i);
            } catch (ByteSource.Malformed e) {
                throw damagedAt(badEvent(e, i), e);
            }
        }

        /**
         * The number of event i's command in the chunk's string table ({@link #string(int)}): the
         * command without a lookup per event.
         *
         * @throws IOException when a 1.1 or 1.0 chunk's records do not decode (they make its table)
         */
        public int commNumber(int i) throws IOException {
            try {
                return k.commNumber(i);
            } catch (ByteSource.Malformed | IllegalArgumentException | NullPointerException e) {
                throw damagedAt(badEvent(e, i), e);
            }
        }

        /**
         * String number {@code number} of the current chunk's string table: the strings that
         * {@link #commNumber(int)} and {@link FieldColumns#stringNumber(int, int)} number.
         *
         * @throws IOException when the table does not decode; the chunk is then recorded as damaged
         */
        public String string(int number) throws IOException {
            chunk();
            try {
                return k.string(number);
            } catch (ByteSource.Malformed | NullPointerException e) {
                throw damagedAt(badEvent(e, -1), e);
            }
        }

        /** The strings in the current chunk's table. */
        public int stringCount() throws IOException {
            chunk();
            try {
                return k.stringCount();
            } catch (ByteSource.Malformed | IllegalArgumentException | NullPointerException e) {
                throw damagedAt(badEvent(e, -1), e);
            }
        }

        /**
         * The row of event i in its kind's field columns ({@link #fields(EventType)}): how many
         * events of its kind come before it in the chunk.
         *
         * @throws IOException when the chunk's kinds do not agree with its field columns' sections
         *                     (a writer's bug: the checksum matched); the chunk is then recorded as
         *                     damaged
         */
        public int row(int i) throws IOException {
            try {
                return k.row(i);
            } catch (ByteSource.Malformed | IllegalArgumentException | NullPointerException e) {
                throw damagedAt(badEvent(e, -1), e);
            }
        }

        /**
         * The fields of every event of a kind in the current chunk, as columns: read with bulk
         * copies and checked the first time they are asked for in a chunk (format 1.2), or made
         * from the chunk's records (1.1, 1.0). Valid until {@link #next()}.
         *
         * @throws IllegalStateException when there is no current chunk (before the first
         *                               {@link #next()}, or after the last)
         * @throws IOException when they do not decode (a writer's bug: the checksum matched),
         *                     naming the first bad event; the chunk is then recorded as damaged
         */
        public FieldColumns fields(EventType type) throws IOException {
            chunk(); // a current chunk, or IllegalStateException
            try {
                return k.fields(EventCodec.code(type));
            } catch (ByteSource.Malformed | IllegalArgumentException | NullPointerException e) {
                throw damagedAt(badEvent(e, -1), e);
            }
        }

        /**
         * The record of event i, decoded now from the chunk's fields.
         *
         * @throws IOException when its fields do not decode (a writer's bug: the checksum matched);
         *                     the chunk is then recorded as damaged and later passes skip it
         */
        public TraceEvent event(int i) throws IOException {
            try {
                return k.event(i);
            } catch (ByteSource.Malformed | IllegalArgumentException | NullPointerException e) {
                throw damagedAt(badEvent(e, i), e);
            }
        }

        private IOException damagedAt(int i, RuntimeException e) {
            ChunkInfo c = chunk();
            String problem = "chunk " + c.sequence() + " at offset " + c.offset() + ": " + eventPlace(c, i)
                    + " does not decode: " + e.getMessage();
            markDamaged(current, problem + "; the chunk's " + c.events() + " events are skipped");
            return new IOException(name + ": " + problem, e);
        }
    }

    /**
     * Events in file order from a chunk, skipping damaged chunks (recorded in
     * {@link TraceReader#damage()}) and, in the first chunk, the events before a time.
     */
    public final class Cursor implements Iterator<TraceEvent> {

        private int eventChunk;
        private long fromTs;
        private final List<TraceEvent> buffer = new ArrayList<>();
        private int next;
        private long ordinal;
        private @Nullable IOException failure;

        Cursor(int eventChunk, long fromTs) {
            this.eventChunk = eventChunk;
            this.fromTs = fromTs;
        }

        /** The ordinal (events before it in the trace) of the event next() returns next. */
        public long ordinal() {
            return ordinal;
        }

        /** An I/O error that ended the iteration early, if any. */
        public @Nullable IOException failure() {
            return failure;
        }

        @Override
        public boolean hasNext() {
            while (next >= buffer.size()) {
                if (eventChunk >= eventChunkCount || failure != null) {
                    return false;
                }
                buffer.clear();
                next = 0;
                int i = eventChunks[eventChunk++];
                ordinal = chunks.get(i).firstOrdinal();
                try {
                    if (columnar.get(i) && fromTs != Long.MIN_VALUE) {
                        // the records from the time sought on; the events before it are counted, not made
                        if (decodeColumns(i, scratch, buffer, fromTs)) {
                            ordinal += scratch.n - buffer.size();
                        }
                    } else {
                        decodeChunk(i, buffer);
                    }
                } catch (IOException e) {
                    failure = e;
                    return false;
                }
                while (next < buffer.size() && buffer.get(next).ts() < fromTs) {
                    next++;
                    ordinal++;
                }
                fromTs = Long.MIN_VALUE; // only the chunk sought into is skipped into

            }
            return true;
        }

        @Override
        public TraceEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ordinal++;
            return buffer.get(next++);
        }
    }
}
