package org.dmascope.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.io.EventInput;
import org.dmascope.trace.io.TraceFiles;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any file given to trace info, check or convert: recognised by its content and read to the
 * end, or refused with a message naming the file.
 */
class TraceFilesFuzzTest {

    @FuzzTest(maxDuration = FuzzDuration.VALUE)
    void opensAnyFile(byte[] data) throws IOException {
        Path f = Seeds.file(data);
        try (EventInput in = TraceFiles.open(f)) {
            for (TraceEvent e = in.next(); e != null; e = in.next()) {
                e.type();
            }
            for (String p : in.problems()) {
                if (!p.startsWith(f.toString())) {
                    throw new AssertionError("a problem that does not name the file: " + p);
                }
            }
        } catch (InputException e) {
            Seeds.named(e, f);
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
