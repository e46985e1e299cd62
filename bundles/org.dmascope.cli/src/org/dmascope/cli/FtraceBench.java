package org.dmascope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.ftrace.FtraceReader;
import org.dmascope.trace.ftrace.SyntheticFtrace;

/**
 * {@code dmascope bench ftrace}: how many lines per second the ftrace text importer reads, on a
 * SYNTHETIC tracefs {@code trace} file written to a temporary file first: the nop tracer's
 * header, then lines in the kernel's own formats (trace_print_context with irq-info, the
 * TP_printk formats of include/trace/events/dma.h and iommu.h) in a mix like an RDMA
 * registration under load: dma_map_page and dma_unmap_page, iommu map and unmap, dma_map_sg
 * of 4 to 16 entries, and scheduler and interrupt events that become generic events.
 */
final class FtraceBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private FtraceBench() {
    }

    /** The CPU time of the reader's workers (threads "ftrace import of FILE", alive until the reader is closed). */
    private static long workersCpu(Path file) {
        String name = "ftrace import of " + file;
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                sum += Math.max(0, THREADS.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    static int run(long lines, int repeat, PrintWriter out) throws IOException, InputException {
        Path file = Files.createTempFile("dmascope-bench-", ".trace");
        try {
            long g0 = System.nanoTime();
            SyntheticFtrace.write(file, lines, 42);
            out.println(String.format(Locale.ROOT, "generated: SYNTHETIC tracefs trace, %,d event lines, %,d bytes in "
                    + "%d ms (%s)", lines, Files.size(file), (System.nanoTime() - g0) / 1_000_000, file));
            double best = 0;
            double bestCpu = 0;
            out.println(String.format(Locale.ROOT, "parsed on %d threads (the reading thread and a worker per other "
                    + "core)", FtraceReader.parsingThreads()));
            for (int run = 1; run <= repeat; run++) {
                BenchCommand.resetPeaks();
                long[] perType = new long[EventType.values().length];
                long t0 = System.nanoTime();
                long c0 = THREADS.getCurrentThreadCpuTime();
                long n;
                long workers;
                try (FtraceReader r = FtraceReader.open(file)) {
                    n = 0;
                    for (TraceEvent e = r.read(); e != null; e = r.read()) {
                        perType[e.type().ordinal()]++;
                        n++;
                    }
                    workers = workersCpu(file); // a new reader's workers: all their time is this run's
                }
                long t = System.nanoTime() - t0;
                long cpu = THREADS.getCurrentThreadCpuTime() - c0;
                long all = cpu + workers;
                double rate = lines / (t / 1e9);
                double cpuRate = all > 0 ? lines / (all / 1e9) : 0;
                best = Math.max(best, rate);
                bestCpu = Math.max(bestCpu, cpuRate);
                out.println(String.format(Locale.ROOT, "run %d: %,d events in %d ms: %,.0f lines/s (%.0f ns per line); "
                        + "CPU time %d ms in the reading thread, %d ms with the workers (%,.0f lines per CPU second); "
                        + "%,d generic, peak heap %d MiB", run, n, t / 1_000_000, rate, t / (double) lines, cpu / 1_000_000,
                        all / 1_000_000, cpuRate, perType[EventType.GENERIC.ordinal()], BenchCommand.peakHeap() >> 20));
            }
            out.println(String.format(Locale.ROOT, "best: %,.0f lines/s, %,.0f lines per CPU second of the parsing threads "
                    + "(goal 2,000,000 lines/s; the workers need free cores: on a loaded machine the wall-clock "
                    + "figure depends on the load, the CPU figure less)", best, bestCpu));
            out.flush();
            return DmaScopeCli.EXIT_OK;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
