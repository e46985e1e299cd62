package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a writer in a child process: the file stays readable, and what is lost is at most
 * the events appended in the last flush interval.
 */
class KillTest {

    @TempDir
    Path dir;

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void aWriterKilledWithSigkillLosesAtMostTheLastFlushInterval() throws Exception {
        Path f = dir.resolve("killed.dmatrace");
        long flushMs = 300;
        String cp = location(TraceWriter.class) + File.pathSeparator + location(KillTarget.class);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", cp, KillTarget.class.getName(), f.toString(),
                Long.toString(flushMs)).redirectErrorStream(true).start();
        List<long[]> reports = new ArrayList<>(); // {nanoTime received, events appended}
        long killedAt;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long start = System.nanoTime();
            String line;
            while ((line = out.readLine()) != null) {
                long n;
                try {
                    n = Long.parseLong(line.trim());
                } catch (NumberFormatException e) {
                    fail("the writer said: " + line);
                    return;
                }
                reports.add(new long[] { System.nanoTime(), n });
                if (System.nanoTime() - start > 2_500_000_000L && n > 20_000) {
                    break;
                }
            }
            killedAt = System.nanoTime();
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close()
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        assertFalse(reports.isEmpty(), "the writer reported nothing");
        // the events the writer had appended one flush interval (plus scheduling slack) before the kill
        long mustHave = 0;
        for (long[] r : reports) {
            if (r[0] <= killedAt - (flushMs + 200) * 1_000_000L) {
                mustHave = r[1];
            }
        }
        try (TraceReader r = TraceReader.open(f)) {
            List<TraceEvent> got = new ArrayList<>();
            r.events().forEachRemaining(got::add);
            for (int i = 0; i < got.size(); i++) {
                assertEquals(i, got.get(i).ts(), "events are the prefix 0, 1, 2 ... with no gap");
            }
            assertTrue(got.size() >= mustHave, "recovered " + got.size() + " events, but " + mustHave
                    + " were appended more than one flush interval before the kill");
            assertTrue(mustHave > 0);
            TraceReader.Damage end = r.incompleteEnd();
            assertTrue(r.damage().size() <= 1 && (r.damage().isEmpty() || r.damage().get(0) == end),
                    "at most an incomplete last chunk: " + r.damage());
        }
    }
}
