package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.dmascope.sources.live.TracefsReader;
import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.IommuMap;
import org.dmascope.trace.event.IommuUnmap;
import org.dmascope.trace.event.TraceEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracefs reader on a folder laid out as tracefs whose trace_pipe is a named pipe fed with
 * lines in the kernel's formats (this machine has no tracefs mounted): what it enables and
 * restores, and the events it parses.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TracefsReaderTest {

    private static final String LINES = """
                 ib_write_bw-4242    [003] ..... 12345.678901: map: IOMMU: iova=0x00000000ffff0000 - 0x00000000ffff1000 paddr=0x0000000812345000 size=4096
                 ib_write_bw-4242    [003] ..... 12345.678950: dma_map_page: 0000:3b:00.0 dir=BIDIRECTIONAL dma_addr=ffff0000 size=4096 phys_addr=812345000 attrs=
                 this is not an ftrace line
                 ib_write_bw-4242    [003] ..... 12345.679100: unmap: IOMMU: iova=0x00000000ffff0000 - 0x00000000ffff1000 size=4096 unmapped_size=4096
                 kworker/1:2-77      [001] ..... 12345.679200: io_page_fault_other: device=0000:3b:00.0 reason=x
            """;

    @TempDir
    Path temp;

    private Path tracefs() throws IOException, InterruptedException {
        Path root = temp.resolve("tracing");
        for (String e : new String[] {"iommu/map", "iommu/unmap", "dma/dma_map_page"}) {
            Files.createDirectories(root.resolve("events").resolve(e));
        }
        Files.writeString(root.resolve("events/iommu/map/enable"), "0\n");
        Files.writeString(root.resolve("events/iommu/unmap/enable"), "0\n");
        Files.writeString(root.resolve("events/dma/dma_map_page/enable"), "1\n");
        Files.writeString(root.resolve("trace_clock"), "[local] global counter uptime perf mono mono_raw boot\n");
        Files.writeString(root.resolve("tracing_on"), "0\n");
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("trace_pipe").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        return root;
    }

    /** Opens the pipe's writing end (which waits for the reader) and writes the lines. */
    private static CompletableFuture<Void> feed(Path root, String text) {
        return CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(root.resolve("trace_pipe"))) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void enablesReadsParsesAndRestores() throws Exception {
        Path root = tracefs();
        List<TraceEvent> events = new CopyOnWriteArrayList<>();
        List<String> messages = new CopyOnWriteArrayList<>();
        TracefsReader reader = new TracefsReader(TracefsReader.Options.enabling(root), events::add, messages::add);
        CompletableFuture<Void> fed = feed(root, LINES);
        assertTrue(reader.start(), messages.toString());
        assertEquals("1", Files.readString(root.resolve("events/iommu/map/enable")));
        assertEquals("1", Files.readString(root.resolve("events/iommu/unmap/enable")));
        assertEquals("mono", Files.readString(root.resolve("trace_clock")));
        assertEquals("1", Files.readString(root.resolve("tracing_on")));
        assertEquals(4, reader.changed().size(), "dma_map_page was on already: " + reader.changed());
        fed.get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reader.events() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        reader.stop();
        assertEquals(4, events.size(), events.toString());
        IommuMap map = assertInstanceOf(IommuMap.class, events.get(0));
        assertEquals(12345_678901_000L, map.ts());
        assertEquals(4242, map.header().pid());
        assertEquals(0xffff0000L, map.iova());
        assertEquals(0x812345000L, map.paddr());
        assertEquals(4096, map.size());
        DmaMapPage page = assertInstanceOf(DmaMapPage.class, events.get(1));
        assertEquals("0000:3b:00.0", page.device());
        assertInstanceOf(IommuUnmap.class, events.get(2));
        GenericEvent other = assertInstanceOf(GenericEvent.class, events.get(3));
        assertEquals("io_page_fault_other", other.name());
        assertEquals(1, messages.size(), "the bad line: " + messages);
        assertTrue(messages.get(0).contains("trace_pipe") && messages.get(0).contains("line 3"), messages.get(0));
        // everything written back
        assertEquals("0", Files.readString(root.resolve("events/iommu/map/enable")));
        assertEquals("0", Files.readString(root.resolve("events/iommu/unmap/enable")));
        assertEquals("1\n", Files.readString(root.resolve("events/dma/dma_map_page/enable")));
        assertEquals("local", Files.readString(root.resolve("trace_clock")));
        assertEquals("0", Files.readString(root.resolve("tracing_on")));
        assertTrue(reader.changed().isEmpty());
    }

    @Test
    void readOnlyChangesNothingAndSaysTheClockDiffers() throws Exception {
        Path root = tracefs();
        List<TraceEvent> events = new CopyOnWriteArrayList<>();
        List<String> messages = new CopyOnWriteArrayList<>();
        TracefsReader reader = new TracefsReader(TracefsReader.Options.readOnly(root), events::add, messages::add);
        CompletableFuture<Void> fed = feed(root, "");
        assertTrue(reader.start());
        fed.get(10, TimeUnit.SECONDS);
        reader.stop();
        assertTrue(reader.changed().isEmpty());
        assertEquals("0\n", Files.readString(root.resolve("events/iommu/map/enable")));
        assertEquals("0\n", Files.readString(root.resolve("tracing_on")));
        assertEquals(List.of("tracefs at " + root + ": trace clock \"local\", not \"mono\": its time stamps are not "
                + "comparable with the sampler's"), messages);
    }

    @Test
    void stopEndsAReadThatWaits() throws Exception {
        Path root = tracefs();
        TracefsReader reader = new TracefsReader(TracefsReader.Options.enabling(root), e -> { }, m -> { });
        // a writer that keeps the pipe open and writes nothing: the reader waits in read()
        CompletableFuture<OutputStream> writer = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.newOutputStream(root.resolve("trace_pipe"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(reader.start());
        try (OutputStream open = writer.get(10, TimeUnit.SECONDS)) {
            Thread.sleep(100);
            long t0 = System.nanoTime();
            reader.stop();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4), "stop did not wait for the pipe");
            assertEquals("0", Files.readString(root.resolve("tracing_on")));
        }
    }

    @Test
    void absentTracefsIsOneMessageAndNoStart() throws Exception {
        List<String> messages = new CopyOnWriteArrayList<>();
        Path root = temp.resolve("no-tracing");
        Files.createDirectories(root);
        TracefsReader reader = new TracefsReader(TracefsReader.Options.enabling(root), e -> { }, messages::add);
        assertFalse(reader.start());
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).startsWith("tracefs is not mounted at " + root), messages.get(0));
        assertTrue(reader.changed().isEmpty());
        reader.stop();
    }

    @Test
    void thisMachine() {
        TracefsReader.Availability a = TracefsReader.locate(TracefsReader.SYSTEMS);
        assumeFalse(a.available(), "tracefs is mounted here: " + a.message());
        assertEquals(Path.of("/sys/kernel/tracing"), a.root());
        assertTrue(a.message().contains("/sys/kernel/tracing"), a.message());
    }
}
