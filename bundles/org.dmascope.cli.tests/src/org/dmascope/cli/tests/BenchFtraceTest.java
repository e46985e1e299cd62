package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** {@code dmascope bench ftrace} on a small trace: every generated line imports, and it prints a rate. */
class BenchFtraceTest {

    @Test
    void importsEveryGeneratedLineAndPrintsLinesPerSecond() {
        CliRun run = CliRun.of("bench", "ftrace", "--lines", "5000", "--repeat", "2");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("SYNTHETIC tracefs trace, 5,000 event lines"), run.out());
        assertTrue(run.out().matches("(?s).*parsed on \\d+ threads .*"), run.out());
        Matcher m = Pattern.compile("run 2: 5,000 events in \\d+ ms: [\\d,]+ lines/s \\(\\d+ ns per line\\); CPU time \\d+ ms "
                + "in the reading thread, \\d+ ms with the workers \\([\\d,]+ lines per CPU second\\); ([\\d,]+) generic")
                .matcher(run.out());
        assertTrue(m.find(), run.out());
        // scheduler and interrupt lines (23 % of the mix) are generic, the dma and iommu ones are not
        int generic = Integer.parseInt(m.group(1).replace(",", ""));
        assertTrue(generic > 900 && generic < 1400, run.out());
        assertTrue(run.out().contains("best: "), run.out());
    }

    @Test
    void refusesBadCounts() {
        CliRun run = CliRun.of("bench", "ftrace", "--lines", "0");
        assertEquals(2, run.status(), run.out());
        assertTrue(run.err().contains("--lines must be 1 to 100000000"), run.err());
    }
}
