package org.dmascope.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.ftrace.FtraceReader;

/**
 * {@code dmascope bench ftrace}: how many lines per second the ftrace text importer reads, on a
 * SYNTHETIC tracefs {@code trace} file written to a temporary file first: the nop tracer's
 * header, then lines in the kernel's own formats (trace_print_context with irq-info, the
 * TP_printk formats of include/trace/events/dma.h and iommu.h) in a mix like an RDMA
 * registration under load: dma_map_page and dma_unmap_page, iommu map and unmap, dma_map_sg
 * of 4 to 16 entries, and scheduler and interrupt events that become generic events.
 */
final class FtraceBench {

    private static final String[] DEVICES = { "0000:3b:00.0", "0000:3b:00.1", "0000:af:00.0", "0000:c1:00.0" };
    private static final String[] COMMS = { "ib_write_bw", "kworker/3:1H", "nccl-proxy", "<idle>", "python3",
            "irq/152-mlx5_comp" };

    private FtraceBench() {
    }

    /** Writes a trace file of the given number of event lines (plus the 12-line header). */
    static void generate(Path file, long lines, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long ns = 1_000_000_000_000L;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            w.write("# tracer: nop\n#\n# entries-in-buffer/entries-written: " + lines + "/" + lines + "   #P:16\n#\n"
                    + "#                                _-----=> irqs-off/BH-disabled\n"
                    + "#                               / _----=> need-resched\n"
                    + "#                              | / _---=> hardirq/softirq\n"
                    + "#                              || / _--=> preempt-depth\n"
                    + "#                              ||| / _-=> migrate-disable\n"
                    + "#                              |||| /     delay\n"
                    + "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
                    + "#              | |         |   |||||     |         |\n");
            StringBuilder b = new StringBuilder(512);
            long iova = 0xffff_0000_0000L;
            for (long i = 0; i < lines; i++) {
                ns += 200 + random.nextInt(5000);
                int c = random.nextInt(COMMS.length);
                int cpu = random.nextInt(16);
                String dev = DEVICES[random.nextInt(DEVICES.length)];
                long phys = 0x1_0000_0000L + ((long) random.nextInt(1 << 24) << 12);
                b.setLength(0);
                int kind = random.nextInt(100);
                String name;
                String fields;
                if (kind < 30) {
                    name = "dma_map_page";
                    fields = String.format(Locale.ROOT, "%s dir=%s dma_addr=%x size=%d phys_addr=%x attrs=%s", dev,
                            "BIDIRECTIONAL", iova, 4096, phys, kind < 5 ? "SKIP_CPU_SYNC" : "");
                } else if (kind < 55) {
                    name = "dma_unmap_page";
                    fields = String.format(Locale.ROOT, "%s dir=%s dma_addr=%x size=%d attrs=%s", dev, "BIDIRECTIONAL",
                            iova, 4096, "");
                } else if (kind < 65) {
                    name = "map";
                    fields = String.format(Locale.ROOT, "IOMMU: iova=0x%016x - 0x%016x paddr=0x%016x size=%d", iova,
                            iova + 4096, phys, 4096);
                } else if (kind < 72) {
                    name = "unmap";
                    fields = String.format(Locale.ROOT, "IOMMU: iova=0x%016x - 0x%016x size=%d unmapped_size=%d", iova,
                            iova + 4096, 4096, 4096);
                } else if (kind < 77) {
                    int n = 4 + random.nextInt(13);
                    StringBuilder dma = new StringBuilder("{");
                    StringBuilder sizes = new StringBuilder("{");
                    StringBuilder ph = new StringBuilder("{");
                    for (int k = 0; k < n; k++) {
                        String sep = k > 0 ? "," : "";
                        dma.append(sep).append("0x").append(Long.toHexString(iova + ((long) k << 12)));
                        sizes.append(sep).append("0x1000");
                        ph.append(sep).append("0x").append(Long.toHexString(phys + ((long) k << 12)));
                    }
                    name = "dma_map_sg";
                    fields = String.format(Locale.ROOT, "%s dir=%s nents=%d/%d ents=%d/%d dma_addrs=%s sizes=%s "
                            + "phys_addrs=%s attrs=%s", dev, "FROM_DEVICE", n, n, n, n, dma.append('}'),
                            sizes.append('}'), ph.append('}'), "");
                } else if (kind < 90) {
                    name = "sched_switch";
                    fields = "prev_comm=" + COMMS[c] + " prev_pid=" + (1000 + c) + " prev_prio=120 prev_state=S ==> "
                            + "next_comm=swapper/" + cpu + " next_pid=0 next_prio=120";
                } else {
                    name = "irq_handler_entry";
                    fields = "irq=" + (150 + cpu) + " name=mlx5_comp" + cpu + "@pci:" + dev;
                }
                iova += 4096;
                b.append(String.format(Locale.ROOT, "%16s-%-7d [%03d] %s %5d.%06d: %s: %s\n", COMMS[c], 1000 + c, cpu,
                        kind < 5 ? "d.h1." : "....1", ns / 1_000_000_000L, ns % 1_000_000_000L / 1000, name, fields));
                w.append(b);
            }
        }
    }

    static int run(long lines, int repeat, PrintWriter out) throws IOException, InputException {
        Path file = Files.createTempFile("dmascope-bench-", ".trace");
        try {
            long g0 = System.nanoTime();
            generate(file, lines, 42);
            out.println(String.format(Locale.ROOT, "generated: SYNTHETIC tracefs trace, %,d event lines, %,d bytes in "
                    + "%d ms (%s)", lines, Files.size(file), (System.nanoTime() - g0) / 1_000_000, file));
            double best = 0;
            for (int run = 1; run <= repeat; run++) {
                BenchCommand.resetPeaks();
                long[] perType = new long[EventType.values().length];
                long t0 = System.nanoTime();
                long n;
                try (FtraceReader r = FtraceReader.open(file)) {
                    n = 0;
                    for (TraceEvent e = r.read(); e != null; e = r.read()) {
                        perType[e.type().ordinal()]++;
                        n++;
                    }
                }
                long t = System.nanoTime() - t0;
                double rate = lines / (t / 1e9);
                best = Math.max(best, rate);
                out.println(String.format(Locale.ROOT, "run %d: %,d events in %d ms: %,.0f lines/s (%.0f ns per line), "
                        + "%,d generic, peak heap %d MiB", run, n, t / 1_000_000, rate, t / (double) lines,
                        perType[EventType.GENERIC.ordinal()], BenchCommand.peakHeap() >> 20));
            }
            out.println(String.format(Locale.ROOT, "best: %,.0f lines/s (goal 2,000,000)", best));
            out.flush();
            return DmaScopeCli.EXIT_OK;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
