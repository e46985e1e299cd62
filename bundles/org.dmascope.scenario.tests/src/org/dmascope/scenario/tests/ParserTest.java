package org.dmascope.scenario.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.dmascope.scenario.Scenario;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioParser;
import org.dmascope.scenario.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The line format: words, options, quotes, comments, blocks, and refusals that name the line. */
class ParserTest {

    @Test
    void wordsOptionsQuotesAndComments() throws ScenarioException {
        Scenario s = Scenarios.parse("""
                # a comment line
                scenario demo
                process p   # trailing comment
                mmap p buf 4M rw private anon align=2M
                touch p buf+2p 3p write value=index+2
                expect rc=0 data="index+2"
                """);
        assertEquals("demo", s.name());
        assertEquals(4, s.steps().size());
        Step mmap = s.steps().get(1);
        assertEquals(4, mmap.line());
        assertEquals("mmap", mmap.kind());
        assertEquals(List.of("p", "buf", "4M", "rw", "private", "anon"), mmap.args());
        assertEquals(Map.of("align", "2M"), mmap.options());
        assertEquals("mmap p buf 4M rw private anon align=2M", mmap.text());
        assertEquals("index+2", s.steps().get(3).options().get("data"));
    }

    @Test
    void aQuotedWordKeepsSpacesAndIsNeverAnOption() throws ScenarioException {
        Scenario s = Scenarios.parse("expect-page p buf \"a=b c\" ok\nprocess p");
        Step st = s.steps().get(0);
        assertEquals(List.of("p", "buf", "a=b c", "ok"), st.args());
        assertTrue(st.options().isEmpty());
    }

    @Test
    void repeatUnrollsWithTheIteration() throws ScenarioException {
        Scenario s = Scenarios.parse("""
                process p
                repeat 3
                  mmap p buf{i} 1p rw
                  repeat 2
                    touch p buf{i} 1p write value={i}
                  end
                end
                """);
        assertEquals(1 + 3 * 3, s.steps().size());
        assertEquals(List.of("p", "buf2", "1p", "rw"), s.steps().get(7).args());
        // The inner block's {i} is its own iteration.
        assertEquals("1", s.steps().get(9).options().get("value"));
        assertEquals(5, s.steps().get(9).line());
    }

    @Test
    void topologyInlineKeepsItsLines() throws ScenarioException {
        Scenario s = Scenarios.parse("topology inline\n00:00.0 Host bridge: x\n\n# kept \"odd quote\nend\nprocess p");
        Step t = s.steps().get(0);
        assertEquals("topology", t.kind());
        assertEquals("00:00.0 Host bridge: x\n\n# kept \"odd quote\n", t.options().get("inline"), "blank lines, # and quotes kept");
        assertEquals("process", s.steps().get(1).kind());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "process p\\nfrobnicate p|2|unknown step 'frobnicate'",
        "process p\\nmmap p buf 4Q rw|2|'4Q' is not a size",
        "process p\\nmmap p buf 4M rwz|2|'rwz' is not a protection",
        "process p\\nmmap p buf 4M rw private shared2|2|unknown flag 'shared2'",
        "touch p \"buf 4M|1|a quoted word is not closed",
        "process p\\nend|2|'end' without a block",
        "repeat 2\\nprocess p|1|no 'end' closes this block",
        "repeat x\\nend|1|expected 'repeat COUNT'",
        "process p\\nmprotect p buf 4M|2|expected mprotect PROC ADDR LENGTH PROT",
        "process p\\nmunmap p buf+ 4M|2|is not an address",
        "expect|1|expected KEY=VALUE",
        "process p\\nexpect rc=0 rc=1|2|option 'rc' given twice",
        "process p\\ntouch p buf 1p read value=3|2|value= goes with write"})
    void malformedLinesAreRefusedWithTheirLine(String text, int line, String problem) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> Scenarios.parse(text.replace("\\n", "\n")));
        assertEquals(line, e.line());
        assertEquals("test.scenario", e.file());
        assertTrue(e.problem().contains(problem), e.problem());
        assertTrue(e.getMessage().startsWith("test.scenario: line " + line + ": "), e.getMessage());
    }

    @Test
    void aFileThatCannotBeReadIsNamed(@TempDir Path dir) throws IOException {
        ScenarioParser p = new ScenarioParser(Scenarios.KINDS);
        ScenarioException missing = assertThrows(ScenarioException.class, () -> p.parse(dir.resolve("x"), "x.scenario"));
        assertEquals("x.scenario: no such file", missing.getMessage());
        Path bin = dir.resolve("bin");
        Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        ScenarioException binary = assertThrows(ScenarioException.class, () -> p.parse(bin, "bin"));
        assertEquals("bin: not UTF-8 text", binary.getMessage());
    }
}
