package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.jsonl.JsonlReader;
import org.dmascope.trace.jsonl.JsonlWriter;
import org.junit.jupiter.api.Test;

/** docs/trace-jsonl.md and the code agree: every kind has a section whose example reads and writes back the same. */
class SchemaDocTest {

    private static Path doc() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("docs/trace-jsonl.md");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("docs/trace-jsonl.md not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void everyKindIsDocumentedWithAnExampleThatRoundTrips() throws Exception {
        List<String> lines = Files.readAllLines(doc(), StandardCharsets.UTF_8);
        Set<EventType> documented = EnumSet.noneOf(EventType.class);
        List<String> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("### `")) {
                String id = l.substring(5, l.indexOf('`', 5));
                documented.add(EventType.forId(id).orElseThrow(() -> new AssertionError("unknown kind " + id)));
            }
            if (l.equals("```json")) {
                examples.add(lines.get(i + 1));
            }
        }
        assertEquals(EnumSet.allOf(EventType.class), documented);
        Set<EventType> exampled = EnumSet.noneOf(EventType.class);
        for (String example : examples) {
            TraceEvent e;
            try (JsonlReader r = new JsonlReader(new StringReader(example), "docs/trace-jsonl.md")) {
                e = r.read();
            }
            assertFalse(e == null, example);
            exampled.add(e.type());
            StringWriter out = new StringWriter();
            try (JsonlWriter w = new JsonlWriter(out)) {
                w.write(e);
            }
            assertEquals(example + "\n", out.toString());
        }
        assertTrue(exampled.containsAll(documented));
    }
}
