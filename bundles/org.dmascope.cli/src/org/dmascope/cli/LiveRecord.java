package org.dmascope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.sources.live.LiveSampler;
import org.dmascope.sources.live.TracefsReader;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.eclipse.jdt.annotation.Nullable;

/**
 * {@code dmascope record --pid PID [--duration SECONDS] [--rate HZ] OUT.dmatrace}: records a live
 * process into a trace store with {@link LiveSampler} (its maps and pagemap, the sysfs PCI tree),
 * headless.
 */
public final class LiveRecord {

    private LiveRecord() {
    }

    /** Whether the recording also reads the iommu and dma tracepoints from tracefs. */
    public enum Tracefs {
        /** No tracefs (the default). */
        OFF,
        /** Read what is enabled already, changing nothing (trace_pipe is consumed, though). */
        READ,
        /** Enable the iommu and dma events and the mono clock for the recording, restored after. */
        ENABLE
    }

    /**
     * Records process pid into out, as {@link #recordPid(int, double, Double, Path, PrintWriter, PrintWriter)}
     * with errors on standard error.
     */
    public static int recordPid(int pid, double durationSeconds, @Nullable Double rateHz, Path out,
            PrintWriter outStream) {
        PrintWriter err = new PrintWriter(System.err, true);
        return recordPid(pid, durationSeconds, rateHz, out, outStream, err);
    }

    /**
     * Records process pid into out until the duration has elapsed, the process exits, or the
     * JVM is asked to stop (SIGINT, SIGTERM: a shutdown hook stops the sampler and closes the
     * store, so an interrupted recording is a readable file), then prints one line: the samples,
     * events, time span and file, and why it stopped. The store is flushed after every sample, so
     * a reader of the growing file sees each one.
     *
     * @param pid             the process to sample
     * @param durationSeconds how long to record; {@link Double#POSITIVE_INFINITY} for as long as
     *                        the process lives (the option {@code --duration SECONDS})
     * @param rateHz          samples per second (the option {@code --rate HZ}, above 0 and at
     *                        most 1000); null for the default, 10
     * @param out             the .dmatrace file to write (replaced if it exists)
     * @param outStream       where the summary line goes
     * @param err             where a problem's one line goes ("dmascope: ...")
     * @return 0 when recorded; 2 for a process that does not exist, a bad duration or rate, or an
     *         output that cannot be created; 1 when writing fails while recording
     */
    public static int recordPid(int pid, double durationSeconds, @Nullable Double rateHz, Path out,
            PrintWriter outStream, PrintWriter err) {
        return recordPid(pid, durationSeconds, rateHz, out, outStream, err, Tracefs.OFF);
    }

    /**
     * As {@link #recordPid(int, double, Double, Path, PrintWriter, PrintWriter)}, also reading
     * tracefs's iommu and dma events into the same store ({@link TracefsReader}) when asked.
     * Where tracefs is absent or not permitted, one line on err says so and the recording goes
     * on without it.
     */
    public static int recordPid(int pid, double durationSeconds, @Nullable Double rateHz, Path out,
            PrintWriter outStream, PrintWriter err, Tracefs tracefs) {
        if (Double.isNaN(durationSeconds) || durationSeconds <= 0) {
            err.println("dmascope: --duration " + number(durationSeconds) + ": not a positive number of seconds");
            return DmaScopeCli.EXIT_USAGE;
        }
        double rate = rateHz == null ? LiveSampler.Options.DEFAULT.rateHz() : rateHz;
        if (!(rate > 0) || rate > 1000) {
            err.println("dmascope: --rate " + number(rate) + ": not a sampling rate above 0 and at most 1000 Hz");
            return DmaScopeCli.EXIT_USAGE;
        }
        LiveSampler.Options options = LiveSampler.Options.DEFAULT.withRate(rate);
        try {
            // the process first, so that a wrong PID leaves an existing OUT as it was
            new LiveSampler(pid, options, e -> { });
        } catch (MemoryReadException e) {
            err.println("dmascope: --pid " + pid + ": " + e.getMessage());
            return DmaScopeCli.EXIT_USAGE;
        }
        TraceWriter writer;
        try {
            writer = TraceWriter.create(out, TraceWriter.Options.DEFAULT);
        } catch (IOException e) {
            err.println("dmascope: " + out + ": cannot create: " + e.getMessage());
            return DmaScopeCli.EXIT_USAGE;
        }
        LiveSampler sampler;
        try {
            sampler = new LiveSampler(pid, options, writer);
        } catch (MemoryReadException e) {
            closeQuietly(writer);
            deleteQuietly(out);
            err.println("dmascope: --pid " + pid + ": " + e.getMessage());
            return DmaScopeCli.EXIT_USAGE;
        }
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<String> why = new AtomicReference<>();
        AtomicReference<String> failure = new AtomicReference<>();
        sampler.addListener(m -> {
            switch (m.kind()) {
                case PROCESS_EXITED -> {
                    why.compareAndSet(null, "the process exited");
                    done.countDown();
                }
                case WRITE_FAILED, FAILED -> {
                    failure.compareAndSet(null, m.text());
                    done.countDown();
                }
                case READ_FAILED, NOTE -> err.println("dmascope: " + m.text());
            }
        });
        TracefsReader kernel = null;
        if (tracefs != Tracefs.OFF) {
            TracefsReader.Availability a = TracefsReader.locate(TracefsReader.SYSTEMS);
            if (!a.available()) {
                err.println("dmascope: " + a.message());
            } else {
                AtomicReference<String> said = new AtomicReference<>();
                kernel = new TracefsReader(tracefs == Tracefs.ENABLE ? TracefsReader.Options.enabling(a.root())
                        : TracefsReader.Options.readOnly(a.root()), e -> {
                            try {
                                writer.append(e);
                            } catch (IOException x) {
                                if (said.compareAndSet(null, x.getMessage())) {
                                    err.println("dmascope: " + out + ": cannot write a tracefs event: " + x.getMessage());
                                }
                            }
                        }, m -> err.println("dmascope: " + m));
                if (!kernel.start()) {
                    kernel = null;
                }
            }
        }
        Finisher finisher = new Finisher(sampler, kernel, writer, out, outStream, err, why);
        Thread hook = new Thread(() -> {
            why.compareAndSet(null, "interrupted");
            finisher.finish();
        }, "dmascope record shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        sampler.start();
        try {
            if (Double.isInfinite(durationSeconds)) {
                done.await();
            } else if (!done.await(Math.round(durationSeconds * 1e9), TimeUnit.NANOSECONDS)) {
                why.compareAndSet(null, "the duration of " + number(durationSeconds) + " s elapsed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why.compareAndSet(null, "interrupted");
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook finishes
        }
        boolean ok = finisher.finish();
        String failed = failure.get();
        if (failed != null) {
            err.println("dmascope: " + failed);
            return DmaScopeCli.EXIT_FAILURE;
        }
        return ok ? DmaScopeCli.EXIT_OK : DmaScopeCli.EXIT_FAILURE;
    }

    /** Stops, closes and reports once, from the main thread or the shutdown hook. */
    private static final class Finisher {
        private final LiveSampler sampler;
        private final @Nullable TracefsReader kernel;
        private final TraceWriter writer;
        private final Path out;
        private final PrintWriter outStream;
        private final PrintWriter err;
        private final AtomicReference<String> why;
        private @Nullable Boolean result;

        Finisher(LiveSampler sampler, @Nullable TracefsReader kernel, TraceWriter writer, Path out,
                PrintWriter outStream, PrintWriter err, AtomicReference<String> why) {
            this.sampler = sampler;
            this.kernel = kernel;
            this.writer = writer;
            this.out = out;
            this.outStream = outStream;
            this.err = err;
            this.why = why;
        }

        synchronized boolean finish() {
            Boolean r = result;
            if (r != null) {
                return r;
            }
            sampler.stop();
            TracefsReader k = kernel;
            if (k != null) {
                k.stop();
            }
            boolean ok = true;
            try {
                writer.close();
            } catch (IOException e) {
                err.println("dmascope: " + out + ": cannot write: " + e.getMessage());
                ok = false;
            }
            String span = "no events";
            try (TraceReader reader = TraceReader.open(out)) {
                if (reader.eventCount() > 0) {
                    span = String.format(Locale.ROOT, "%.3f s", (reader.lastTs() - reader.firstTs()) / 1e9);
                }
            } catch (Exception e) {
                span = "span unknown (" + e.getMessage() + ")";
            }
            outStream.println("recorded process " + sampler.pid() + " (" + sampler.comm() + "): " + sampler.samples()
                    + " samples, " + sampler.eventsEmitted() + " events"
                    + (k == null ? "" : " and " + k.events() + " tracefs events") + ", span " + span + ", file " + out + "; "
                    + (why.get() == null ? "stopped" : why.get()));
            outStream.flush();
            err.flush();
            result = ok;
            return ok;
        }
    }

    private static String number(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static void closeQuietly(TraceWriter w) {
        try {
            w.close();
        } catch (IOException e) {
            // the file is removed next
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            java.nio.file.Files.deleteIfExists(p);
        } catch (IOException e) {
            // nothing was recorded into it
        }
    }
}
