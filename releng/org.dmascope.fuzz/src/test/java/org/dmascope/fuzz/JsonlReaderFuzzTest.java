package org.dmascope.fuzz;

import java.io.IOException;
import java.io.StringReader;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.jsonl.JsonlReader;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The JSON Lines reader on any text: every line is an event or an {@link InputException}
 * naming the input and the line, and reading goes on after a bad line.
 */
class JsonlReaderFuzzTest {

    @FuzzTest(maxDuration = FuzzDuration.VALUE)
    void readsAnyText(String text) throws IOException {
        if (text == null) {
            return; // Jazzer also tries null; a reader is never given one
        }
        try (JsonlReader r = new JsonlReader(new StringReader(text), "fuzz.jsonl")) {
            for (int guard = 0; guard < 100_000; guard++) {
                try {
                    if (r.read() == null) {
                        return;
                    }
                } catch (InputException e) {
                    if (!e.getMessage().startsWith("fuzz.jsonl: line ")) {
                        throw new AssertionError("the message does not name the line: " + e.getMessage());
                    }
                }
            }
            throw new AssertionError("the reader does not get to the end");
        }
    }
}
