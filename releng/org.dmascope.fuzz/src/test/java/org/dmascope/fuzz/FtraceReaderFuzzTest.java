package org.dmascope.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.ftrace.FtraceReader;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The ftrace and trace-cmd report importer on any bytes: every line is an event, a header
 * line, or an {@link InputException} naming the input, the line and the column; reading goes on
 * after a bad line and reaches the end.
 */
class FtraceReaderFuzzTest {

    @FuzzTest(maxDuration = FuzzDuration.VALUE)
    void readsAnyText(byte[] data) throws IOException {
        try (FtraceReader r = new FtraceReader(new ByteArrayInputStream(data), "fuzz.txt")) {
            for (int guard = 0; guard <= data.length + 1; guard++) {
                try {
                    if (r.read() == null) {
                        return;
                    }
                } catch (InputException e) {
                    if (!e.getMessage().startsWith("fuzz.txt: line ")) {
                        throw new AssertionError("the message does not name the line: " + e.getMessage());
                    }
                }
            }
            throw new AssertionError("the reader does not get to the end");
        }
    }
}
