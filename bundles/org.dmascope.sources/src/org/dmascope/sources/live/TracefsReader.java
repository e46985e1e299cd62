package org.dmascope.sources.live;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.ftrace.FtraceReader;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads the kernel's iommu and dma tracepoints (include/trace/events/iommu.h,
 * include/trace/events/dma.h) from tracefs while a live session runs, parsed by
 * {@link FtraceReader} into the same event records an imported ftrace file gives.
 *
 * <p>tracefs is global kernel state: enabling an event enables it for everyone. So the reader
 * changes nothing unless {@link Options#enableEvents()} is set; then it writes "1" to the
 * {@code enable} file of every event of the chosen systems, "1" to {@code tracing_on}, and, with
 * {@link Options#monotonicClock()}, selects the "mono" trace clock (CLOCK_MONOTONIC, the clock
 * of {@link System#nanoTime()} and so of {@link LiveSampler}'s events) in {@code trace_clock}.
 * Every file it wrote is written back to what it held on {@link #stop()}. Without enabling, it
 * reads whatever someone else enabled, in whatever clock is selected (the default "local" clock
 * is not comparable with the sampler's time stamps; a message says so).
 *
 * <p>Events are read from {@code trace_pipe}, which consumes them: another reader of
 * trace_pipe at the same time (trace-cmd, perf) misses what this one took. Reading happens on a
 * daemon thread of its own; {@link #stop()} closes the pipe, which ends a read that waits.
 * A line that cannot be parsed is reported as a message and skipped.
 */
public final class TracefsReader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TracefsReader.class.getName());

    /** Where tracefs is mounted: its own mount point, then the old place under debugfs. */
    public static final List<Path> LOCATIONS = List.of(Path.of("/sys/kernel/tracing"),
            Path.of("/sys/kernel/debug/tracing"));
    /** The event systems read by default. */
    public static final List<String> SYSTEMS = List.of("iommu", "dma");

    /**
     * What to read and whether the reader may change tracefs.
     *
     * @param root            the tracefs folder
     * @param systems         the event systems, for example "iommu" and "dma"
     * @param enableEvents    whether to enable the systems' events (and tracing_on) for the
     *                        session, restored on stop
     * @param monotonicClock  whether to select the "mono" trace clock while enabled, restored on
     *                        stop (only with enableEvents)
     */
    public record Options(Path root, List<String> systems, boolean enableEvents, boolean monotonicClock) {

        /** Copies the systems. */
        public Options {
            Objects.requireNonNull(root);
            systems = List.copyOf(systems);
        }

        /** Read what is enabled at root, changing nothing. */
        public static Options readOnly(Path root) {
            return new Options(root, SYSTEMS, false, false);
        }

        /** Enable the iommu and dma events at root with the mono clock, restored on stop. */
        public static Options enabling(Path root) {
            return new Options(root, SYSTEMS, true, true);
        }
    }

    /**
     * Whether tracefs can be read at a place.
     *
     * @param root      the place
     * @param available whether trace_pipe can be read there
     * @param systems   the chosen systems this kernel has events for
     * @param message   in words: what is there, or why it cannot be used
     */
    public record Availability(Path root, boolean available, List<String> systems, String message) {
    }

    /** Where tracefs can be read: the first of {@link #LOCATIONS} that can, else why the first cannot. */
    public static Availability locate(List<String> systems) {
        Availability first = null;
        for (Path p : LOCATIONS) {
            Availability a = probe(p, systems);
            if (a.available()) {
                return a;
            }
            if (first == null) {
                first = a;
            }
        }
        return Objects.requireNonNull(first);
    }

    /** Whether tracefs can be read at root, and which of the systems it has events for. */
    public static Availability probe(Path root, List<String> systems) {
        Path pipe = root.resolve("trace_pipe");
        Path events = root.resolve("events");
        if (!Files.exists(pipe) || !Files.isDirectory(events)) {
            return new Availability(root, false, List.of(), "tracefs is not mounted at " + root
                    + " (no trace_pipe or events there; as root: mount -t tracefs nodev " + root
                    + "): live sampling goes on without iommu and dma events");
        }
        if (!Files.isReadable(pipe)) {
            return new Availability(root, false, List.of(), "tracefs at " + root
                    + " is not readable: permission denied (root or the tracefs group is needed): live sampling goes on"
                    + " without iommu and dma events");
        }
        List<String> have = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String s : systems) {
            (Files.isDirectory(events.resolve(s)) ? have : missing).add(s);
        }
        String msg = "tracefs at " + root + ": events of " + (have.isEmpty() ? "none of " + systems : have)
                + (missing.isEmpty() ? "" : "; this kernel has no " + missing + " events");
        return new Availability(root, !have.isEmpty(), have, msg);
    }

    private final Options options;
    private final Consumer<TraceEvent> sink;
    private final Consumer<String> messages;
    // files written, with what they held before, in the order written
    private final Map<Path, String> restore = new LinkedHashMap<>();
    private @Nullable FileChannel pipe;
    private @Nullable Thread thread;
    private volatile long events;
    private volatile boolean stopping;

    /**
     * A reader; nothing is read or changed before {@link #start()}.
     *
     * @param sink     receives the events, on the reader's thread
     * @param messages receives what the user should know, in words
     */
    public TracefsReader(Options options, Consumer<TraceEvent> sink, Consumer<String> messages) {
        this.options = options;
        this.sink = sink;
        this.messages = messages;
    }

    /** Events read so far. */
    public long events() {
        return events;
    }

    /** The files changed for the session, with what they held before (restored by {@link #stop()}). */
    public synchronized Map<Path, String> changed() {
        return Map.copyOf(restore);
    }

    /**
     * Enables the events when asked and starts reading trace_pipe.
     *
     * @return false, with one message, when tracefs cannot be used (absent, not permitted, no such
     *         events): the session goes on without it
     */
    public synchronized boolean start() {
        if (thread != null) {
            throw new IllegalStateException("the tracefs reader of " + options.root() + " is already started");
        }
        Availability a = probe(options.root(), options.systems());
        if (!a.available()) {
            messages.accept(a.message());
            return false;
        }
        try {
            if (options.enableEvents()) {
                enable(a.systems());
            } else {
                String clock = selectedClock();
                if (!clock.equals("mono")) {
                    messages.accept("tracefs at " + options.root() + ": trace clock \"" + clock
                            + "\", not \"mono\": its time stamps are not comparable with the sampler's");
                }
            }
            FileChannel ch = FileChannel.open(options.root().resolve("trace_pipe"), StandardOpenOption.READ);
            pipe = ch;
            Thread t = new Thread(() -> read(ch), "dmascope tracefs " + options.root());
            t.setDaemon(true);
            thread = t;
            t.start();
        } catch (IOException e) {
            String why = e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
            messages.accept("tracefs at " + options.root() + " cannot be used: " + why
                    + ": live sampling goes on without iommu and dma events");
            restore();
            return false;
        }
        return true;
    }

    private void enable(List<String> systems) throws IOException {
        Path events = options.root().resolve("events");
        for (String s : systems) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(events.resolve(s), Files::isDirectory)) {
                List<Path> dirs = new ArrayList<>();
                ds.forEach(dirs::add);
                dirs.sort(null);
                for (Path event : dirs) {
                    Path enable = event.resolve("enable");
                    if (Files.exists(enable)) {
                        write(enable, "1");
                    }
                }
            }
        }
        if (options.monotonicClock()) {
            String clock = selectedClock();
            if (!clock.equals("mono")) {
                Path f = options.root().resolve("trace_clock");
                String offered = Files.readString(f, StandardCharsets.US_ASCII);
                if (!(" " + offered.replace("[", "").replace("]", "") + " ").contains(" mono ")) {
                    messages.accept("tracefs at " + options.root() + ": this kernel offers no \"mono\" trace clock ("
                            + offered.strip() + "): time stamps are not comparable with the sampler's");
                } else {
                    restore.put(f, clock);
                    Files.writeString(f, "mono", StandardCharsets.US_ASCII);
                }
            }
        }
        write(options.root().resolve("tracing_on"), "1");
    }

    /** Writes value to a tracefs file, remembering what it held when that was different. */
    private void write(Path file, String value) throws IOException {
        String before = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!before.equals(value)) {
            restore.putIfAbsent(file, before);
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        }
    }

    /** The clock in brackets in trace_clock ("[local] global counter ... mono ..."). */
    private String selectedClock() throws IOException {
        String text = Files.readString(options.root().resolve("trace_clock"), StandardCharsets.US_ASCII);
        int open = text.indexOf('[');
        int close = text.indexOf(']', open + 1);
        return open >= 0 && close > open ? text.substring(open + 1, close) : text.strip();
    }

    private void read(FileChannel ch) {
        InputStream in = Channels.newInputStream(ch);
        try (FtraceReader reader = new FtraceReader(in, options.root().resolve("trace_pipe").toString())) {
            for (;;) {
                TraceEvent e;
                try {
                    e = reader.read();
                } catch (InputException bad) {
                    messages.accept(bad.getMessage());
                    continue;
                }
                if (e == null) {
                    break;
                }
                sink.accept(e);
                events++;
            }
        } catch (ClosedChannelException e) {
            // stop() closed the pipe
        } catch (IOException e) {
            if (!stopping) {
                messages.accept("reading " + options.root().resolve("trace_pipe") + " failed: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "reading tracefs failed", e);
            messages.accept("reading " + options.root().resolve("trace_pipe") + " failed: " + e);
        }
    }

    /** Stops reading and writes back every tracefs file this reader changed. */
    public void stop() {
        Thread t;
        synchronized (this) {
            stopping = true;
            t = thread;
            FileChannel ch = pipe;
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // closing a read-only pipe loses nothing
                }
            }
        }
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            restore();
        }
    }

    private void restore() {
        List<Map.Entry<Path, String>> entries = new ArrayList<>(restore.entrySet());
        // in reverse: tracing_on goes back first, so nothing more is recorded meanwhile
        for (int i = entries.size() - 1; i >= 0; i--) {
            Map.Entry<Path, String> e = entries.get(i);
            try {
                Files.writeString(e.getKey(), e.getValue(), StandardCharsets.US_ASCII);
            } catch (IOException x) {
                messages.accept("could not restore " + e.getKey() + " to \"" + e.getValue() + "\": " + x.getMessage());
            }
        }
        restore.clear();
    }

    @Override
    public void close() {
        stop();
    }
}
