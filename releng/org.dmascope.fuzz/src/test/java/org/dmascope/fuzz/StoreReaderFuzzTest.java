package org.dmascope.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.store.FieldColumns;
import org.dmascope.trace.store.TraceReader;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The store reader on any input: it reports damage and serves the rest, and never throws
 * anything but an {@link InputException} naming the file (for a refused file header).
 */
class StoreReaderFuzzTest {

    /** Any bytes after a valid file header: chunk headers, lengths, checksums, resynchronisation. */
    @FuzzTest(maxDuration = FuzzDuration.VALUE)
    void readsAnyBytesAfterTheHeader(byte[] data) throws IOException {
        read(Seeds.withHeader(data));
    }

    /**
     * Any payload inside a chunk whose header and checksums are valid: the event decoder itself,
     * which checksums otherwise keep out of reach of a fuzzer.
     */
    @FuzzTest(maxDuration = FuzzDuration.VALUE)
    void decodesAnyPayload(byte[] payload) throws IOException {
        read(Seeds.withHeader(Seeds.chunk(payload, payload.length > 0 && (payload[0] & 1) == 1)));
    }

    /**
     * Any payload inside a columnar event chunk (format 1.1, chunk kind 3) whose header and
     * checksums are valid and whose event count is the payload's own (its first 4 bytes), so
     * that the fuzzer gets past the counts into the column descriptors, the columns, the string
     * table and the fields; batches and scans read it too.
     */
    @FuzzTest(maxDuration = FuzzDuration.VALUE)
    void decodesAnyColumnarPayload(byte[] payload) throws IOException {
        Path f = Seeds.file(Seeds.withHeader(Seeds.columnarChunk(payload)));
        try (TraceReader r = TraceReader.open(f)) {
            r.scan((ordinal, type, ts, cpu, pid) -> {
            });
            TraceReader.Batch b = r.batches();
            while (b.next()) {
                for (int i = 0; i < b.size(); i++) {
                    b.ts(i);
                    b.type(i);
                    try {
                        b.comm(i);
                        b.event(i);
                    } catch (IOException e) {
                        Seeds.named(e, f);
                    }
                }
            }
        } catch (InputException e) {
            Seeds.named(e, f);
        } finally {
            Files.deleteIfExists(f);
        }
        read(Seeds.withHeader(Seeds.columnarChunk(payload)));
    }

    /**
     * Any payload inside a chunk of field columns (format 1.2, chunk kind 4) whose header and
     * checksums are valid and whose event count is the payload's own: the sections, their column
     * descriptors and values, and every accessor of the field columns of every kind, which must
     * answer or fail with an IOException naming the file (never another exception).
     */
    @FuzzTest(maxDuration = FuzzDuration.VALUE)
    void decodesAnyFieldColumnsPayload(byte[] payload) throws IOException {
        Path f = Seeds.file(Seeds.withHeader(Seeds.fieldColumnsChunk(payload)));
        try (TraceReader r = TraceReader.open(f)) {
            r.scan((ordinal, type, ts, cpu, pid) -> {
            });
            TraceReader.Batch b = r.batches();
            while (b.next()) {
                try {
                    for (EventType t : EventType.values()) {
                        readAll(b.fields(t));
                    }
                    for (int i = 0; i < b.size(); i++) {
                        b.ts(i);
                        b.type(i);
                        b.string(b.commNumber(i));
                        b.fields(b.type(i)).size();
                        b.row(i);
                        b.event(i);
                    }
                } catch (IOException e) {
                    Seeds.named(e, f);
                }
            }
        } catch (InputException e) {
            Seeds.named(e, f);
        } finally {
            Files.deleteIfExists(f);
        }
        read(Seeds.withHeader(Seeds.fieldColumnsChunk(payload)));
    }

    /** Every value of every field of every row, through the accessors a caller of the batch API uses. */
    private static void readAll(FieldColumns c) {
        for (int f = 0; f < c.fieldCount(); f++) {
            switch (c.fieldKind(f)) {
                case LONG, HEX, INT, BOOLEAN, STRING -> c.numbers(f);
                default -> {
                    // arrays and maps: entry by entry below
                }
            }
        }
        for (int r = 0; r < c.size(); r++) {
            for (int f = 0; f < c.fieldCount(); f++) {
                switch (c.fieldKind(f)) {
                    case LONG, HEX -> c.number(f, r);
                    case INT -> c.intValue(f, r);
                    case BOOLEAN -> c.bool(f, r);
                    case STRING -> c.string(f, r);
                    case HEX_ARRAY, LONG_ARRAY, INT_ARRAY -> {
                        for (int j = 0; j < c.length(f, r); j++) {
                            c.element(f, r, j);
                        }
                        c.longArray(f, r);
                    }
                    case STRING_MAP -> {
                        for (int j = 0; j < c.length(f, r); j++) {
                            c.key(f, r, j);
                            c.value(f, r, j);
                        }
                    }
                }
            }
        }
    }

    private static void read(byte[] bytes) throws IOException {
        Path f = Seeds.file(bytes);
        try (TraceReader r = TraceReader.open(f)) {
            r.events().forEachRemaining(e -> {
            });
            r.verifyAll();
            r.stateAt(Long.MAX_VALUE);
            r.seek(0).hasNext();
            for (TraceReader.Damage d : r.damage()) {
                if (d.problem().isEmpty()) {
                    throw new AssertionError("damage without words at offset " + d.offset());
                }
            }
        } catch (InputException e) {
            Seeds.named(e, f);
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
