package org.dmascope.trace.tests;

import java.util.Locale;

/**
 * Ftrace text written with the kernel's own format strings: the context columns of
 * kernel/trace/trace_output.c (trace_print_context, lat_print_generic, lat_print_timestamp,
 * trace_print_time) and the TP_printk formats of include/trace/events/iommu.h and dma.h,
 * turned into Java format strings (%llx and %zu become %x and %d).
 */
final class FtraceLines {

    private FtraceLines() {
    }

    /** trace_print_context with irq-info: "%16s-%-7d [%03d] " + flags + " %5lu.%06lu: name: ". */
    static String tracefs(String comm, int pid, int cpu, String flags, long ns, String name, String fields) {
        return String.format(Locale.ROOT, "%16s-%-7d [%03d] %s %5d.%06d: %s: %s", comm, pid, cpu, flags,
                ns / 1_000_000_000L, ns % 1_000_000_000L / 1000, name, fields);
    }

    /** The same without the irq-info column and with the tgid column "(%7d) ". */
    static String tracefsTgid(String comm, int pid, int tgid, int cpu, long ns, String name, String fields) {
        return String.format(Locale.ROOT, "%16s-%-7d (%7d) [%03d]  %5d.%06d: %s: %s", comm, pid, tgid, cpu,
                ns / 1_000_000_000L, ns % 1_000_000_000L / 1000, name, fields);
    }

    /** Kernels before 5.13 (pid "%-5d", four flag characters). */
    static String tracefsOld(String comm, int pid, int cpu, String flags, long ns, String name, String fields) {
        return String.format(Locale.ROOT, "%16s-%-5d [%03d] %s %5d.%06d: %s: %s", comm, pid, cpu, flags,
                ns / 1_000_000_000L, ns % 1_000_000_000L / 1000, name, fields);
    }

    /** A clock that is not in ns (trace_print_time: " %12llu"). */
    static String tracefsCounter(String comm, int pid, int cpu, String flags, long count, String name, String fields) {
        return String.format(Locale.ROOT, "%16s-%-7d [%03d] %s %12d: %s: %s", comm, pid, cpu, flags, count, name,
                fields);
    }

    /** options/latency-format: "%8.8s-%-7d %3d" + flags, then " %4lldus%c: ". */
    static String latency(String comm, int pid, int cpu, String flags, long usecs, char mark, String name,
            String fields) {
        return String.format(Locale.ROOT, "%8.8s-%-7d %3d%s %4dus%c: %s: %s", comm, pid, cpu, flags, usecs, mark, name,
                fields);
    }

    /**
     * trace-cmd report (tracecmd/trace-read.c, print_event): "%16s-%-5d [%03d]", the time
     * " %6.1000d:", then print_event_name's " %s: " and spaces up to 20 characters of name.
     */
    static String traceCmd(String comm, int pid, int cpu, long ns, String name, String fields) {
        return String.format(Locale.ROOT, "%16s-%-5d [%03d] %6d.%06d: %s: %s%s", comm, pid, cpu,
                ns / 1_000_000_000L, ns % 1_000_000_000L / 1000, name, " ".repeat(Math.max(0, 20 - name.length())),
                fields);
    }

    /** trace-cmd report -l -t: "%8.8s-%-5d %3d", the time " %9.1d:" (nanoseconds). */
    static String traceCmdLatNs(String comm, int pid, int cpu, long ns, String name, String fields) {
        return String.format(Locale.ROOT, "%8.8s-%-5d %3d %d.%09d: %s: %s%s", comm, pid, cpu,
                ns / 1_000_000_000L, ns % 1_000_000_000L, name, " ".repeat(Math.max(0, 20 - name.length())), fields);
    }

    // include/trace/events/iommu.h

    static String iommuMap(long iova, long paddr, long size) {
        return String.format(Locale.ROOT, "IOMMU: iova=0x%016x - 0x%016x paddr=0x%016x size=%d", iova, iova + size,
                paddr, size);
    }

    static String iommuUnmap(long iova, long size, long unmapped) {
        return String.format(Locale.ROOT, "IOMMU: iova=0x%016x - 0x%016x size=%d unmapped_size=%d", iova, iova + size,
                size, unmapped);
    }

    static String ioPageFault(String driver, String device, long iova, int flags) {
        return String.format(Locale.ROOT, "IOMMU:%s %s iova=0x%016x flags=0x%04x", driver, device, iova, flags);
    }

    static String groupEvent(int group, String device) {
        return String.format(Locale.ROOT, "IOMMU: groupID=%d device=%s", group, device);
    }

    static String deviceEvent(String device) {
        return String.format(Locale.ROOT, "IOMMU: device=%s", device);
    }

    // include/trace/events/dma.h

    static String dmaMap(String dev, String dir, long dma, long size, long phys, String attrs) {
        return String.format(Locale.ROOT, "%s dir=%s dma_addr=%x size=%d phys_addr=%x attrs=%s", dev, dir, dma, size,
                phys, attrs);
    }

    static String dmaUnmap(String dev, String dir, long dma, long size, String attrs) {
        return String.format(Locale.ROOT, "%s dir=%s dma_addr=%x size=%d attrs=%s", dev, dir, dma, size, attrs);
    }

    static String dmaAlloc(String dev, String dir, long dma, long size, String virt, String flags, String attrs) {
        return String.format(Locale.ROOT, "%s dir=%s dma_addr=%x size=%d virt_addr=%s flags=%s attrs=%s", dev, dir, dma,
                size, virt, flags, attrs);
    }

    static String dmaFree(String dev, String dir, long dma, long size, String virt, String attrs) {
        return String.format(Locale.ROOT, "%s dir=%s dma_addr=%x size=%d virt_addr=%s attrs=%s", dev, dir, dma, size,
                virt, attrs);
    }

    /** v6.12 dma_map_sg. */
    static String dmaMapSg612(String dev, String dir, long[] dma, long[] sizes, long[] phys, String attrs) {
        return String.format(Locale.ROOT, "%s dir=%s dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s", dev, dir,
                array(dma), array(sizes), array(phys), attrs);
    }

    /** Newer dma_map_sg: "nents=%d/%d ents=%d/%d%s", the arrays capped at 128. */
    static String dmaMapSg(String dev, String dir, int fullNents, int fullEnts, long[] dma, long[] sizes, long[] phys,
            String attrs) {
        boolean truncated = fullNents > 128 || fullEnts > 128;
        return String.format(Locale.ROOT, "%s dir=%s nents=%d/%d ents=%d/%d%s dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s",
                dev, dir, Math.min(fullNents, 128), fullNents, Math.min(fullEnts, 128), fullEnts,
                truncated ? " [TRUNCATED]" : "", array(dma), array(sizes), array(phys), attrs);
    }

    static String dmaUnmapSg(String dev, String dir, long[] phys, String attrs) {
        return String.format(Locale.ROOT, "%s dir=%s phys_addrs=%s attrs=%s", dev, dir, array(phys), attrs);
    }

    static String dmaSyncSingle(String dev, String dir, long dma, long size) {
        return String.format(Locale.ROOT, "%s dir=%s dma_addr=%x size=%d", dev, dir, dma, size);
    }

    /** trace_print_array_seq: "{0x%llx,...}". */
    static String array(long[] a) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < a.length; i++) {
            b.append(i > 0 ? "," : "").append("0x").append(Long.toHexString(a[i]));
        }
        return b.append('}').toString();
    }

    /** The "# tracer: nop" header of the trace file with irq-info (print_func_help_header_irq). */
    static final String HEADER = String.join("\n",
            "# tracer: nop",
            "#",
            "# entries-in-buffer/entries-written: 20/20   #P:8",
            "#",
            "#                                _-----=> irqs-off/BH-disabled",
            "#                               / _----=> need-resched",
            "#                              | / _---=> hardirq/softirq",
            "#                              || / _--=> preempt-depth",
            "#                              ||| / _-=> migrate-disable",
            "#                              |||| /     delay",
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
            "#              | |         |   |||||     |         |") + "\n";
}
