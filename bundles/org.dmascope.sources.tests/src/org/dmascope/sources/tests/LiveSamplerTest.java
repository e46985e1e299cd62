package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.sources.live.LiveSampler;
import org.dmascope.sources.proc.ProcMemory;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.ProcessExit;
import org.dmascope.trace.event.ProcessStart;
import org.dmascope.trace.event.TopologySnapshot;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.event.VmaUnmap;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live sampler on a child JVM ({@link LiveChild}) that maps a file, touches its pages,
 * unmaps it and exits: the events say so, in that order, with the range, the PFNs this test
 * reads from pagemap itself, and the exit.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LiveSamplerTest {

    private static final int PAGES = 64;

    @TempDir
    Path temp;

    /** A running LiveChild. */
    static final class Child implements AutoCloseable {

        final Process process;
        final PrintWriter in;
        final BufferedReader out;
        final long address;
        final long bytes;
        final Path file;

        Child(Path temp, int pages) throws IOException {
            Path classes = temp.resolve("classes");
            Path classFile = classes.resolve(LiveChild.class.getName().replace('.', '/') + ".class");
            Files.createDirectories(classFile.getParent());
            try (InputStream s = LiveChild.class.getResourceAsStream("LiveChild.class")) {
                Files.copy(s, classFile);
            }
            file = temp.resolve("mapped.bin");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Path err = temp.resolve("child.err");
            process = new ProcessBuilder(java.toString(), "-Xmx32m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                    "-Xshare:auto", "--add-opens", "java.base/java.nio=ALL-UNNAMED", "-cp", classes.toString(),
                    LiveChild.class.getName(), file.toString(), Integer.toString(pages))
                    .redirectError(err.toFile()).start();
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null) {
                process.destroyForcibly();
                throw new AssertionError("the child JVM did not start: " + Files.readString(err));
            }
            String[] f = line.split(" ");
            address = Long.parseUnsignedLong(f[1], 16);
            bytes = Long.parseLong(f[2]);
        }

        int pid() {
            return (int) process.pid();
        }

        /** Sends a command and waits for its answer. */
        void command(String command, String answer) throws IOException {
            in.println(command);
            assertEquals(answer, out.readLine(), "the child's answer to " + command);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** PFNs of pages read from pagemap by this test (0 for a page not present or hidden). */
    static long[] pfns(int pid, long start, int pages) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(pages * 8).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(Path.of("/proc/" + pid + "/pagemap"))) {
            while (buf.hasRemaining() && ch.read(buf, (start >>> 12) * 8 + buf.position()) > 0) {
                // read on
            }
        }
        long[] out = new long[pages];
        buf.flip();
        for (int i = 0; i < pages; i++) {
            long e = buf.getLong();
            out[i] = e < 0 ? e & ((1L << 55) - 1) : 0;
        }
        return out;
    }

    /** The PFNs a pfns field lists ("0xPFN+COUNT ..."), page by page. */
    static List<Long> listed(String field) {
        List<Long> out = new ArrayList<>();
        for (String run : field.split(" ")) {
            String[] p = run.split("\\+");
            long first = Long.decode(p[0]);
            for (long i = 0; i < Long.parseLong(p[1]); i++) {
                out.add(first + i);
            }
        }
        return out;
    }

    static <T> List<T> ofType(List<TraceEvent> events, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (TraceEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    static List<GenericEvent> named(List<TraceEvent> events, String name) {
        List<GenericEvent> out = new ArrayList<>();
        for (GenericEvent g : ofType(events, GenericEvent.class)) {
            if (g.system().equals("live") && g.name().equals(name)) {
                out.add(g);
            }
        }
        return out;
    }

    /** The pages_faulted events inside [start, end). */
    static List<GenericEvent> faultedIn(List<TraceEvent> events, long start, long end) {
        List<GenericEvent> out = new ArrayList<>();
        for (GenericEvent g : named(events, "pages_faulted")) {
            long s = Long.decode(g.fields().get("start"));
            if (s >= start && s < end) {
                out.add(g);
            }
        }
        return out;
    }

    @Test
    void mapTouchUnmapExit() throws Exception {
        boolean root = new ProcMemory().readerHasSysAdmin();
        List<TraceEvent> events = new ArrayList<>();
        List<LiveSampler.Message> messages = new CopyOnWriteArrayList<>();
        try (Child child = new Child(temp, PAGES)) {
            LiveSampler sampler = new LiveSampler(child.pid(), LiveSampler.Options.DEFAULT, events::add);
            sampler.addListener(messages::add);
            long end = child.address + child.bytes;

            LiveSampler.Summary first = sampler.sampleOnce();
            assertTrue(first.alive());
            ProcessStart start = assertInstanceOf(ProcessStart.class, events.get(0));
            assertEquals(child.pid(), start.header().pid());
            assertEquals("java", start.header().comm());
            assertEquals(ProcessHandle.current().pid(), start.ppid());
            assertTrue(start.filename().endsWith("/bin/java"), start.filename());
            assertEquals(1, ofType(events, TopologySnapshot.class).size());
            VmaMap mapped = ofType(events, VmaMap.class).stream().filter(m -> m.start() == child.address)
                    .findFirst().orElseThrow(() -> new AssertionError("no VmaMap at the mapped address: " + events));
            assertEquals(end, mapped.end());
            assertEquals("rw-s", mapped.perms());
            assertEquals(child.file.toRealPath().toString(), mapped.path());
            assertEquals(0, mapped.offset());
            assertTrue(faultedIn(events, child.address, end).isEmpty(), "nothing touched yet");

            events.clear();
            child.command("touch", "touched");
            LiveSampler.Summary touched = sampler.sampleOnce();
            assertEquals(2, touched.number());
            long[] direct = pfns(child.pid(), child.address, PAGES);
            List<GenericEvent> faulted = faultedIn(events, child.address, end);
            assertEquals(1, faulted.size(), "one event for the pages touched at once: " + faulted);
            GenericEvent f = faulted.get(0);
            assertEquals(child.address, Long.decode(f.fields().get("start")));
            assertEquals(end, Long.decode(f.fields().get("end")));
            assertEquals(Integer.toString(PAGES), f.fields().get("pages"));
            if (root) {
                List<Long> listed = listed(f.fields().get("pfns"));
                assertEquals(PAGES, listed.size());
                for (int i = 0; i < PAGES; i++) {
                    assertTrue(direct[i] != 0, "page " + i + " present with a PFN");
                    assertEquals(direct[i], listed.get(i), "PFN of page " + i);
                }
            } else {
                assertEquals("hidden", f.fields().get("pfns"));
            }
            assertTrue(ofType(events, VmaMap.class).stream().noneMatch(m -> m.start() == child.address),
                    "the VMA is not mapped again");

            events.clear();
            assertEquals(0, faultedIn(events, child.address, end).size());
            sampler.sampleOnce();
            assertTrue(faultedIn(events, child.address, end).isEmpty(), "no change, no page event");

            events.clear();
            child.command("unmap", "unmapped");
            sampler.sampleOnce();
            List<VmaUnmap> unmaps = ofType(events, VmaUnmap.class);
            assertTrue(unmaps.stream().anyMatch(u -> u.start() == child.address && u.end() == end),
                    "the VMA removed: " + unmaps);
            assertTrue(named(events, "pages_unmapped").stream()
                    .noneMatch(g -> Long.decode(g.fields().get("start")) >= child.address
                            && Long.decode(g.fields().get("start")) < end),
                    "pages of a removed VMA go with it");

            events.clear();
            child.in.println("exit 3");
            assertTrue(child.process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(3, child.process.exitValue());
            LiveSampler.Summary last = sampler.sampleOnce();
            assertFalse(last.alive());
            assertTrue(sampler.isFinished());
            assertEquals(1, events.size(), "only the exit: " + events);
            ProcessExit exit = assertInstanceOf(ProcessExit.class, events.get(0));
            assertEquals(child.pid(), exit.header().pid());
            assertTrue(messages.stream().anyMatch(m -> m.kind() == LiveSampler.MessageKind.PROCESS_EXITED
                    && m.text().startsWith("process " + child.pid() + " (java) exited")), messages.toString());
            events.clear();
            sampler.sampleOnce();
            assertTrue(events.isEmpty(), "nothing after the exit");
        }
    }

    @Test
    void aProcessThatExitsWhileSampledEndsTheRecording() throws Exception {
        Path trace = temp.resolve("live.dmatrace");
        CountDownLatch exited = new CountDownLatch(1);
        List<LiveSampler.Message> messages = new CopyOnWriteArrayList<>();
        int pid;
        try (Child child = new Child(temp, 16); TraceWriter writer = TraceWriter.create(trace, TraceWriter.Options.DEFAULT)) {
            pid = child.pid();
            LiveSampler sampler = new LiveSampler(pid, LiveSampler.Options.DEFAULT.withRate(50)
                    .withTopologyInterval(Duration.ZERO), writer);
            sampler.addListener(m -> {
                messages.add(m);
                if (m.kind() == LiveSampler.MessageKind.PROCESS_EXITED) {
                    exited.countDown();
                }
            });
            sampler.start();
            // the growing file holds the start once a sample has been flushed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (sampler.samples() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            try (TraceReader growing = TraceReader.open(trace)) {
                assertTrue(growing.eventCount() > 0, "events visible while recording");
            }
            child.command("touch", "touched");
            Thread.sleep(200);
            child.in.println("exit 0");
            assertTrue(exited.await(30, TimeUnit.SECONDS), "the sampler saw the exit: " + messages);
            assertTrue(sampler.isFinished());
            long samples = sampler.samples();
            Thread.sleep(100);
            assertEquals(samples, sampler.samples(), "no sampling after the exit");
            sampler.stop();
        }
        try (TraceReader reader = TraceReader.open(trace)) {
            assertTrue(reader.problems().isEmpty(), reader.problems().toString());
            List<TraceEvent> all = new ArrayList<>();
            reader.events().forEachRemaining(all::add);
            assertEquals(EventType.PROCESS_START, all.get(0).type());
            assertEquals(EventType.PROCESS_EXIT, all.get(all.size() - 1).type());
            assertEquals(pid, all.get(all.size() - 1).header().pid());
            assertTrue(ofType(all, VmaMap.class).size() > 10, "the JVM's VMAs");
            assertTrue(!named(all, "pages_faulted").isEmpty());
            for (int i = 1; i < all.size(); i++) {
                assertTrue(all.get(i).ts() >= all.get(i - 1).ts(), "time stamps in order");
            }
            assertTrue(reader.stateAt(reader.lastTs()).processes().isEmpty(), "the process has exited in the state");
        }
    }

    @Test
    void aPidThatDoesNotExist() {
        int pid = 0x3fff_fff0;
        MemoryReadException e = assertThrows(MemoryReadException.class,
                () -> new LiveSampler(pid, LiveSampler.Options.DEFAULT, ev -> { }));
        assertEquals("process " + pid + " does not exist (no /proc/" + pid + ")", e.getMessage());
        assertThrows(MemoryReadException.class, () -> new LiveSampler(0, LiveSampler.Options.DEFAULT, ev -> { }));
    }

    @Test
    void rateIsCheckedAndChangedWhileRunning() throws Exception {
        // a small process (few VMAs): the samples are short and the rate is what is measured
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            LiveSampler sampler = new LiveSampler((int) sleeper.pid(), LiveSampler.Options.DEFAULT.withRate(200)
                    .withTopologyInterval(Duration.ZERO), e -> { });
            assertThrows(IllegalArgumentException.class, () -> sampler.setRate(0));
            assertThrows(IllegalArgumentException.class, () -> sampler.setRate(Double.NaN));
            sampler.start();
            Thread.sleep(500);
            sampler.pause();
            assertTrue(sampler.isPaused());
            Thread.sleep(50); // a sample in flight ends
            long held = sampler.samples();
            assertTrue(held >= 3, "sampled at 200 Hz: " + held);
            Thread.sleep(200);
            assertEquals(held, sampler.samples(), "paused");
            sampler.setRate(2);
            assertEquals(2.0, sampler.rate());
            sampler.resume();
            Thread.sleep(1200);
            long slow = sampler.samples() - held;
            assertTrue(slow >= 1 && slow <= 4, "about 2 Hz after the change: " + slow);
            sampler.stop();
            assertTrue(sampler.isFinished());
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
