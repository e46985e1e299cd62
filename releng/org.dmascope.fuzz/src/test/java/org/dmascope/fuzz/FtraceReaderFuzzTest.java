package org.dmascope.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.ftrace.FtraceReader;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The ftrace and trace-cmd report importer on any bytes: every line is an event, a header
 * line, or an {@link InputException} naming the input, the line and the column; reading goes on
 * after a bad line and reaches the end; and what it reads does not depend on where the reads of
 * its input end (the blocks it parses ahead end there).
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

    /**
     * The first byte picks where reads end (every 1 to 64 bytes) and whether the input says what
     * it holds (then blocks are parsed ahead on workers); the rest is the text: the same events,
     * errors, line numbers and format as read whole.
     */
    @FuzzTest(maxDuration = FuzzDuration.VALUE)
    void readsTheSameWhereverReadsEnd(byte[] data) throws IOException {
        if (data.length < 2) {
            return;
        }
        int step = 1 + (data[0] & 0x3F);
        boolean tells = data[0] < 0;
        byte[] text = Arrays.copyOfRange(data, 1, data.length);
        List<String> whole = readAll(new ByteArrayInputStream(text));
        List<String> cut = readAll(new ByteArrayInputStream(text) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }

            @Override
            public synchronized int available() {
                return tells ? super.available() : 0;
            }
        });
        if (!whole.equals(cut)) {
            throw new AssertionError("read in pieces of " + step + " bytes: " + cut + "\nread whole: " + whole);
        }
    }

    private static List<String> readAll(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        try (FtraceReader r = new FtraceReader(in, "fuzz.txt")) {
            for (;;) {
                try {
                    Object e = r.read();
                    if (e == null) {
                        break;
                    }
                    out.add(e + " @" + r.lineNumber());
                } catch (InputException e) {
                    out.add(e.getMessage() + " @" + r.lineNumber());
                }
            }
            out.add("end @" + r.lineNumber() + " " + r.format() + " " + r.tracer() + " " + r.cpus());
        }
        return out;
    }
}
