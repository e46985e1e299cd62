package org.dmascope.trace.tests;

import static org.dmascope.trace.tests.FtraceLines.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.ftrace.FtraceReader;
import org.dmascope.trace.ftrace.SyntheticFtrace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer reads its input in blocks of whole lines, parsed ahead on other threads: the
 * events, their order, the errors with their line numbers, {@link FtraceReader#lineNumber()} and
 * the format must not depend on where the blocks end, however the input arrives; a stack trace's
 * frames stay with it across a block's end; a pipe's events come out without waiting for more
 * input; and what is read ahead stays a few blocks, whatever the input's length.
 */
class FtraceBlocksTest {

    private static final String NIC = "0000:3b:00.0";
    private static final long T = 12_345_678_901_000L;

    /** A text of several MiB with stack traces, lone frames, lost events and bad lines, and what it must give. */
    private static final class Text {
        final StringBuilder s = new StringBuilder(HEADER);
        int lines = (int) HEADER.chars().filter(c -> c == '\n').count();
        long ns = T;
        int events;
        final List<String> stacks = new ArrayList<>();
        final List<Long> loneFrameTimes = new ArrayList<>();
        final List<Integer> badLines = new ArrayList<>();
        /** Offsets where a chunked input ends a read: inside and around the stack traces. */
        final TreeSet<Integer> cuts = new TreeSet<>();

        void line(String l) {
            s.append(l).append('\n');
            lines++;
        }

        void event() {
            ns += 1000;
            line(tracefs("ib_write_bw", 4242, 3, "d..1.", ns, "dma_map_page",
                    dmaMap(NIC, "TO_DEVICE", 0xfee0_0000L + ns, 4096, 0x1_0000_0000L + ns, "")));
            events++;
        }

        void stack(int i) {
            ns += 1000;
            int start = s.length();
            String head = String.format(Locale.ROOT, "%16s-%-7d [%03d] %s %5d.%06d: <stack trace>", "ib_write_bw", 4242,
                    3, "d..1.", ns / 1_000_000_000L, ns % 1_000_000_000L / 1000);
            line(head);
            int afterHead = s.length();
            int frames = 1 + i % 5;
            StringBuilder expected = new StringBuilder();
            int frameStart = 0;
            for (int f = 0; f < frames; f++) {
                frameStart = s.length();
                String name = "frame_" + i + "_" + f + "+0x10/0x20";
                line(" => " + name);
                expected.append(f > 0 ? " <- " : "").append(name);
            }
            stacks.add(expected.toString());
            events++;
            // where a read ends: before the stack trace, in its first line, after it, in a frame,
            // between frames, after a frame's leading space, after " =", after the last frame
            cuts.add(switch (i % 8) {
            case 0 -> start;
            case 1 -> start + head.length() / 2;
            case 2 -> afterHead;
            case 3 -> frameStart + 6;
            case 4 -> frameStart;
            case 5 -> frameStart + 1;
            case 6 -> frameStart + 2;
            default -> s.length();
            });
        }

        /**
         * A stack trace whose first line looks like a frame (its command begins with "=>"): after
         * an event line no stack trace takes it, so it is an event line, and its frames are its own.
         */
        void frameLikeStack(int i) {
            ns += 1000;
            line(String.format(Locale.ROOT, " => odd-%d [000] d..1. %d.%06d: <stack trace>", 1 + i,
                    ns / 1_000_000_000L, ns % 1_000_000_000L / 1000));
            int afterHead = s.length();
            line(" => odd_frame_" + i);
            cuts.add(afterHead);
            cuts.add(afterHead + 3);
            stacks.add("odd_frame_" + i);
            events++;
        }
    }

    private static Text text() {
        Text t = new Text();
        for (int i = 0; t.s.length() < 5 << 20; i++) {
            for (int k = 0; k < 40 + i % 23; k++) {
                t.event();
            }
            if (i % 19 == 11) {
                t.frameLikeStack(i);
            }
            t.stack(i);
            if (i % 7 == 3) {
                t.event();
                t.loneFrameTimes.add(t.ns); // a frame without its stack trace line: at the last event's time
                t.line(" => lone_frame_" + i);
                t.events++;
            }
            if (i % 11 == 5) {
                t.line("CPU:2 [LOST " + i + " EVENTS]");
                t.events++;
            }
            if (i % 13 == 7) {
                t.line("not ftrace at all " + i);
                t.badLines.add(t.lines);
            }
            if (i % 17 == 9) {
                t.line("");
            }
        }
        t.s.append(tracefs("ib_write_bw", 4242, 3, "d..1.", t.ns + 1000, "dma_map_page",
                dmaMap(NIC, "TO_DEVICE", 1, 4096, 2, ""))); // a last line without its newline
        t.lines++;
        t.events++;
        return t;
    }

    /** Every read: the event, or the error's message; then "end", the line number and the format. */
    private static List<String> readAll(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        try (FtraceReader r = new FtraceReader(in, "t.txt")) {
            for (;;) {
                try {
                    TraceEvent e = r.read();
                    if (e == null) {
                        break;
                    }
                    out.add(e + " @" + r.lineNumber());
                } catch (InputException e) {
                    out.add(e.getMessage() + " @" + r.lineNumber());
                }
            }
            out.add("end @" + r.lineNumber() + " " + r.format() + " " + r.tracer());
        }
        return out;
    }

    @Test
    void theEventsAndLinesDoNotDependOnWhereBlocksEnd(@TempDir Path dir) throws Exception {
        Text t = text();
        byte[] bytes = t.s.toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length > 5 << 20);
        List<String> whole = readAll(new ByteArrayInputStream(bytes));

        // what the text says
        assertEquals(t.events + t.badLines.size() + 1, whole.size());
        assertEquals("end @" + t.lines + " Optional[TRACEFS] nop", whole.get(whole.size() - 1));
        List<String> stacks = new ArrayList<>();
        List<Long> loneTimes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try (FtraceReader r = new FtraceReader(new ByteArrayInputStream(bytes), "t.txt")) {
            long lastLine = 0;
            for (;;) {
                TraceEvent e;
                try {
                    e = r.read();
                } catch (InputException bad) {
                    errors.add(bad.getMessage());
                    assertEquals(Long.parseLong(bad.getMessage().replaceAll("t.txt: line (\\d+),.*", "$1")),
                            r.lineNumber());
                    continue;
                }
                if (e == null) {
                    break;
                }
                // a stack trace's line number is the line after its frames, read to find its end
                assertTrue(r.lineNumber() >= lastLine, "line numbers never go back");
                lastLine = r.lineNumber();
                if (e instanceof GenericEvent g && g.name().equals("kernel_stack")) {
                    if (g.header().pid() == EventHeader.UNKNOWN) {
                        loneTimes.add(g.header().ts());
                        assertTrue(g.fields().get("frames").startsWith("lone_frame_"));
                    } else {
                        stacks.add(g.fields().get("frames"));
                    }
                }
            }
        }
        assertEquals(t.stacks, stacks, "every stack trace with all its frames");
        assertEquals(t.loneFrameTimes, loneTimes, "a lone frame at the time of the event line before it");
        List<String> expectedErrors = new ArrayList<>();
        for (int line : t.badLines) {
            expectedErrors.add("t.txt: line " + line + ", column 1: not an event line: expected COMM-PID [CPU] TIMESTAMP: EVENT: FIELDS");
        }
        assertEquals(expectedErrors, errors);

        // the same, however the input arrives: a file, reads that end inside stack traces (with and
        // without read-ahead), a few bytes a read
        Path file = dir.resolve("t.txt");
        Files.write(file, bytes);
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(whole, readAll(in), "a file");
        }
        assertEquals(whole, readAll(new Cuts(bytes, t.cuts, true)), "reads ending in stack traces, read ahead");
        assertEquals(whole, readAll(new Cuts(bytes, t.cuts, false)), "reads ending in stack traces, a pipe");
        assertEquals(whole, readAll(new Cuts(bytes, new TreeSet<>(), false) {
            private int n;

            @Override
            public int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + n++ % 97));
            }
        }), "a few bytes a read");
    }

    @Test
    void aFileThatEndsWhereABlockEnds() throws Exception {
        int block = 1 << 20; // FtraceReader's block: the first read takes that much
        StringBuilder s = new StringBuilder(HEADER);
        int n = 0;
        while (s.length() < block - 400) {
            s.append(tracefs("ib_write_bw", 4242, 3, "d..1.", T + 1000L * n++, "dma_map_page",
                    dmaMap(NIC, "TO_DEVICE", 0x1000, 4096, 0x2000, ""))).append('\n');
        }
        int pad = block - s.length() - 2;
        s.append('#').append(" ".repeat(pad)).append('\n'); // a comment to the block's end
        assertEquals(block, s.length());
        long lines = s.chars().filter(c -> c == '\n').count();
        List<String> r = readAll(new ByteArrayInputStream(s.toString().getBytes(StandardCharsets.US_ASCII)));
        assertEquals(n + 1, r.size());
        assertEquals("end @" + lines + " Optional[TRACEFS] nop", r.get(n));
        // one more line, without its newline, just after the block
        s.append(tracefs("ib_write_bw", 4242, 3, "d..1.", T + 1000L * n, "irq", "x=1"));
        r = readAll(new ByteArrayInputStream(s.toString().getBytes(StandardCharsets.US_ASCII)));
        assertEquals(n + 2, r.size());
        assertTrue(r.get(n).startsWith("GenericEvent[") && r.get(n).endsWith(" @" + (lines + 1)), r.get(n));
        assertEquals("end @" + (lines + 1) + " Optional[TRACEFS] nop", r.get(n + 1));
    }

    @Test
    void aPipesEventsComeOutBeforeMoreIsWritten() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream pipe = new PipedInputStream(writer, 1 << 16);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (FtraceReader r = new FtraceReader(pipe, "trace_pipe")) {
                writer.write(HEADER.getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 50; i++) {
                    String line = tracefs("ib_write_bw", 4242, 3, "d..1.", T + 1000L * i, "dma_map_page",
                            dmaMap(NIC, "TO_DEVICE", 0x1000 + i, 4096, 0x2000, "")) + "\n";
                    writer.write(line.getBytes(StandardCharsets.US_ASCII));
                    writer.flush();
                    DmaMapPage e = (DmaMapPage) r.read(); // would wait for ever if it waited for the next line
                    assertNotNull(e);
                    assertEquals(0x1000 + i, e.dmaAddr());
                }
                // a stack trace waits for the line after its frames, as read line by line
                writer.write(("          <idle>-0       [001] d.h1. 12345.800000: <stack trace>\n => a\n => b\n")
                        .getBytes(StandardCharsets.US_ASCII));
                writer.write(tracefs("ib_write_bw", 4242, 3, "d..1.", T, "irq", "x=1\n").getBytes(StandardCharsets.US_ASCII));
                writer.flush();
                GenericEvent stack = (GenericEvent) r.read();
                assertEquals("a <- b", stack.fields().get("frames"));
                assertEquals("irq", ((GenericEvent) r.read()).name());
                writer.close();
                assertEquals(null, r.read());
            }
        });
    }

    @Test
    void readsAheadOnlyAFewBlocksAndLeavesNoThreads() throws Exception {
        long lines = 200_000; // about 33 MB
        Path file = Files.createTempFile("dmascope-ftrace-", ".txt");
        try {
            SyntheticFtrace.write(file, lines, 7);
            long[] lineEnds = new long[(int) lines + 64];
            int k = 0;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] b = new byte[1 << 16];
                long off = 0;
                for (int n; (n = in.read(b)) > 0; off += n) {
                    for (int i = 0; i < n; i++) {
                        if (b[i] == '\n') {
                            lineEnds[k++] = off + i + 1;
                        }
                    }
                }
            }
            long[] taken = new long[1];
            InputStream counting = new java.io.FilterInputStream(Files.newInputStream(file)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    taken[0] += Math.max(n, 0);
                    return n;
                }
            };
            long maxAhead = 0;
            long events = 0;
            try (FtraceReader r = new FtraceReader(counting, file.toString())) {
                for (TraceEvent e = r.read(); e != null; e = r.read()) {
                    events++;
                    maxAhead = Math.max(maxAhead, taken[0] - lineEnds[(int) r.lineNumber() - 1]);
                }
                assertEquals(lines, events);
                // the window of blocks of 1 MiB (threads + 3), twice that while a worker is slow, the
                // block handed out and the one being filled
                long blocks = 2L * (FtraceReader.parsingThreads() + 3) + 2;
                assertTrue(maxAhead <= blocks << 20, "read ahead " + maxAhead + " bytes");
                assertTrue(workerThreads() > 0 || Runtime.getRuntime().availableProcessors() == 1,
                        "other cores parse ahead");
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (workerThreads() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, workerThreads(), "close() ends the reader's threads");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("ftrace import of ")).count();
    }

    /** An input whose reads end at the given offsets (and where the buffer ends); available() as told. */
    private static class Cuts extends InputStream {
        private final byte[] data;
        private final TreeSet<Integer> cuts;
        private final boolean tellsAvailable;
        private int pos;

        Cuts(byte[] data, TreeSet<Integer> cuts, boolean tellsAvailable) {
            this.data = data;
            this.cuts = cuts;
            this.tellsAvailable = tellsAvailable;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            Integer cut = cuts.higher(pos);
            int n = Math.min(len, (cut == null ? data.length : cut) - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return tellsAvailable ? data.length - pos : 0;
        }
    }
}
