package org.dmascope.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.DmaUnmapPage;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.IommuMap;
import org.dmascope.trace.event.IommuUnmap;
import org.dmascope.trace.event.PageFault;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.event.VmaUnmap;
import org.dmascope.trace.store.TraceWriter;

/**
 * SYNTHETIC traces for the benchmarks: the mix a recording of an RDMA or GPU workload holds
 * (page faults, streaming DMA mappings with their IOMMU maps and unmaps, now and then a new
 * mapping), with time stamps a few hundred ns apart on 8 CPUs. Deterministic for a seed.
 */
final class SyntheticTrace {

    private final SplittableRandom rnd;
    private long ts = 1_700_000_000_000_000_000L;
    private long n;
    /** DMA addresses mapped and not yet unmapped, oldest first: unmaps undo earlier maps. */
    private final long[] mapped = new long[256];
    private int mappedHead;
    private int mappedCount;
    private long region;

    SyntheticTrace(long seed) {
        rnd = new SplittableRandom(seed);
    }

    TraceEvent next() {
        ts += 50 + rnd.nextInt(400);
        int cpu = rnd.nextInt(8);
        int pid = 4000 + rnd.nextInt(4);
        EventHeader h = new EventHeader(ts, cpu, pid, pid == 4000 ? "ib_write_bw" : "python3");
        long page = rnd.nextLong(1L << 24) << 12;
        long k = n++;
        return switch ((int) (k % 16)) {
            case 0, 1, 2, 3, 4, 5 -> new PageFault(h, 0x7f00_0000_0000L + page, 0x5555_5555_0000L + rnd.nextInt(1 << 16), 6,
                    "");
            case 6, 7 -> {
                long dma = 0xffff_0000_0000L - page;
                mapped[(mappedHead + mappedCount++) % mapped.length] = dma;
                yield new DmaMapPage(h, "0000:3b:00.0", 0x1_0000_0000L + page, dma, 4096, "BIDIRECTIONAL", "");
            }
            case 8, 9 -> {
                long dma = mappedCount == 0 ? 0xffff_0000_0000L - page : mapped[mappedHead];
                if (mappedCount > 0) {
                    mappedHead = (mappedHead + 1) % mapped.length;
                    mappedCount--;
                }
                yield new DmaUnmapPage(h, "0000:3b:00.0", dma, 4096, "BIDIRECTIONAL", "");
            }
            case 10, 11, 12 -> new IommuMap(h, 0xffff_0000_0000L - page, 0x1_0000_0000L + page, 4096);
            case 13, 14 -> new IommuUnmap(h, 0xffff_0000_0000L - page, 4096, 4096);
            default -> {
                // a 2 MiB buffer mapped, and the one before it unmapped: a few live mappings per process
                long start = 0x7e00_0000_0000L + ((region++ % 64) << 21);
                yield (region & 1) == 0 ? new VmaMap(h, start, start + (1 << 21), "rw-p", 0, "")
                        : new VmaUnmap(h, start - (1 << 21), start);
            }
        };
    }

    /** Writes n events to a new file. */
    static void write(Path file, long n, long seed) throws IOException {
        SyntheticTrace t = new SyntheticTrace(seed);
        try (TraceWriter w = TraceWriter.createUnflushed(file, TraceWriter.Options.DEFAULT)) {
            for (long i = 0; i < n; i++) {
                w.append(t.next());
            }
        }
    }

    /**
     * A file of n events in the benchmark data folder, written once and kept for later runs; its
     * name carries the format version, so that a file of an older writer is never measured as
     * the current format.
     */
    static Path cached(long n) throws IOException {
        Path dir = Path.of(System.getProperty("dmascope.bench.data", "target/bench-data"));
        Files.createDirectories(dir);
        Path f = dir.resolve("synthetic-" + n + "-format1.2.dmatrace");
        if (!Files.isRegularFile(f)) {
            Path tmp = dir.resolve(f.getFileName() + ".tmp");
            write(tmp, n, 42);
            Files.move(tmp, f);
        }
        return f;
    }
}
