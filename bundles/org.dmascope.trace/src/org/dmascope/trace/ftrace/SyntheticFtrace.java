package org.dmascope.trace.ftrace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * SYNTHETIC ftrace text for benchmarks and demonstrations, never presented as a recording: a
 * tracefs {@code trace} file with the nop tracer's header, then lines in the kernel's own
 * formats (trace_print_context with irq-info, the TP_printk formats of
 * include/trace/events/dma.h and iommu.h) in a mix like an RDMA registration under load:
 * dma_map_page and dma_unmap_page, iommu map and unmap, dma_map_sg of 4 to 16 entries, and
 * scheduler and interrupt events that become generic events. Deterministic for a seed.
 */
public final class SyntheticFtrace {

    private static final String[] DEVICES = { "0000:3b:00.0", "0000:3b:00.1", "0000:af:00.0", "0000:c1:00.0" };
    private static final String[] COMMS = { "ib_write_bw", "kworker/3:1H", "nccl-proxy", "<idle>", "python3",
            "irq/152-mlx5_comp" };

    private SyntheticFtrace() {
    }

    /** Writes a trace file of the given number of event lines (plus the 12-line header). */
    public static void write(Path file, long lines, long seed) throws IOException {
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
            StringBuilder b = new StringBuilder(1024);
            long iova = 0xffff_0000_0000L;
            for (long i = 0; i < lines; i++) {
                ns += 200 + random.nextInt(5000);
                int c = random.nextInt(COMMS.length);
                int cpu = random.nextInt(16);
                String dev = DEVICES[random.nextInt(DEVICES.length)];
                long phys = 0x1_0000_0000L + ((long) random.nextInt(1 << 24) << 12);
                int kind = random.nextInt(100);
                b.setLength(0);
                // trace_print_context with irq-info: "%16s-%-7d [%03d] " flags " %5lu.%06lu: "
                pad(b, COMMS[c], 16, true).append('-');
                pad(b, Integer.toString(1000 + c), 7, false).append(" [");
                pad0(b, cpu, 3).append("] ").append(kind < 5 ? "d.h1." : "....1").append(' ');
                pad(b, Long.toString(ns / 1_000_000_000L), 5, true).append('.');
                pad0(b, ns % 1_000_000_000L / 1000, 6).append(": ");
                if (kind < 30) {
                    // "%s dir=%s dma_addr=%llx size=%zu phys_addr=%llx attrs=%s"
                    b.append("dma_map_page: ").append(dev).append(" dir=BIDIRECTIONAL dma_addr=")
                            .append(Long.toHexString(iova)).append(" size=4096 phys_addr=").append(Long.toHexString(phys))
                            .append(" attrs=").append(kind < 5 ? "SKIP_CPU_SYNC" : "");
                } else if (kind < 55) {
                    // "%s dir=%s dma_addr=%llx size=%zu attrs=%s"
                    b.append("dma_unmap_page: ").append(dev).append(" dir=BIDIRECTIONAL dma_addr=")
                            .append(Long.toHexString(iova)).append(" size=4096 attrs=");
                } else if (kind < 65) {
                    // "IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=%zu"
                    b.append("map: IOMMU: iova=");
                    hex016(b, iova).append(" - ");
                    hex016(b, iova + 4096).append(" paddr=");
                    hex016(b, phys).append(" size=4096");
                } else if (kind < 72) {
                    // "IOMMU: iova=0x%016llx - 0x%016llx size=%zu unmapped_size=%zu"
                    b.append("unmap: IOMMU: iova=");
                    hex016(b, iova).append(" - ");
                    hex016(b, iova + 4096).append(" size=4096 unmapped_size=4096");
                } else if (kind < 77) {
                    // "%s dir=%s nents=%d/%d ents=%d/%d%s dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s"
                    int n = 4 + random.nextInt(13);
                    b.append("dma_map_sg: ").append(dev).append(" dir=FROM_DEVICE nents=").append(n).append('/').append(n)
                            .append(" ents=").append(n).append('/').append(n).append(" dma_addrs={");
                    for (int k = 0; k < n; k++) {
                        b.append(k > 0 ? ",0x" : "0x").append(Long.toHexString(iova + ((long) k << 12)));
                    }
                    b.append("} sizes={");
                    for (int k = 0; k < n; k++) {
                        b.append(k > 0 ? ",0x1000" : "0x1000");
                    }
                    b.append("} phys_addrs={");
                    for (int k = 0; k < n; k++) {
                        b.append(k > 0 ? ",0x" : "0x").append(Long.toHexString(phys + ((long) k << 12)));
                    }
                    b.append("} attrs=");
                } else if (kind < 90) {
                    b.append("sched_switch: prev_comm=").append(COMMS[c]).append(" prev_pid=").append(1000 + c)
                            .append(" prev_prio=120 prev_state=S ==> next_comm=swapper/").append(cpu)
                            .append(" next_pid=0 next_prio=120");
                } else {
                    b.append("irq_handler_entry: irq=").append(150 + cpu).append(" name=mlx5_comp").append(cpu)
                            .append("@pci:").append(dev);
                }
                iova += 4096;
                w.append(b).append('\n');
            }
        }
    }

    private static StringBuilder pad(StringBuilder b, String s, int width, boolean right) {
        if (!right) {
            b.append(s);
        }
        for (int k = s.length(); k < width; k++) {
            b.append(' ');
        }
        return right ? b.append(s) : b;
    }

    private static StringBuilder pad0(StringBuilder b, long v, int width) {
        String s = Long.toString(v);
        for (int k = s.length(); k < width; k++) {
            b.append('0');
        }
        return b.append(s);
    }

    private static StringBuilder hex016(StringBuilder b, long v) {
        String s = Long.toHexString(v);
        b.append("0x");
        for (int k = s.length(); k < 16; k++) {
            b.append('0');
        }
        return b.append(s);
    }
}
