package org.dmascope.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dmascope.core.source.InputException;
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
