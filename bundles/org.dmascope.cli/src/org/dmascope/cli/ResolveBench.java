package org.dmascope.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.memory.Sizes;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.chain.UmemRequest;
import org.dmascope.core.chain.UmemResolver;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.SyntheticPageTable;
import org.dmascope.core.memory.Vma;

/**
 * {@code dmascope bench resolve}: the address chain of a large memory region (64 GiB by
 * default, 16 M pages) through the installed backends, on SYNTHETIC page tables: physically
 * contiguous transparent huge pages, and fully fragmented 4 KiB pages (every other frame), for
 * dma-direct with 64 KiB segments, the IOMMU with 64 KiB segments, and the IOMMU with mlx5's
 * 2 GiB segments. Prints nanoseconds per page and the peak heap of each case: the best wall
 * time of the repeats, and the best CPU time of the resolving thread (which leaves out the
 * garbage collector's threads and, on a shared machine, the time other processes took); the
 * peak heap of one more run, after a collection.
 */
final class ResolveBench {

    private static final long VA = SyntheticPageTable.VA;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private ResolveBench() {
    }

    static int run(List<MemoryBackend> backends, long gib, int repeat, PrintWriter out) throws MemoryReadException {
        long pages = gib << 18;
        out.printf(Locale.ROOT, "SYNTHETIC page tables: %d GiB = %,d pages at %#x; backends: %s%n", gib, pages, VA,
                backends.stream().map(MemoryBackend::id).toList());
        UmemResolver resolver = new UmemResolver(backends);
        Vma vma = new SyntheticPageTable(pages, false).vma();
        DmaDevice plain = DmaDevice.plain();
        DmaDevice[] devices = {plain, plain.withIommu(true), plain.withIommu(true).withMaxSegmentSize(0x80000000L)};
        String[] deviceNames = {"dma-direct, 64 KiB segments", "IOMMU, 64 KiB segments", "IOMMU, 2 GiB segments (mlx5)"};
        double worst = 0;
        for (boolean fragmented : new boolean[] {false, true}) {
            AddressSpace space = new AddressSpace(0, "bench", List.of(vma), new SyntheticPageTable(pages, fragmented),
                    AddressSpace.UNLIMITED, 0, false);
            for (int d = 0; d < devices.length; d++) {
                long best = Long.MAX_VALUE;
                long bestCpu = Long.MAX_VALUE;
                long peak;
                UmemRequest request = new UmemRequest(space, PhysicalMemoryMap.systemRamOnly(), VA, pages << 12,
                        IbAccess.LOCAL_WRITE | IbAccess.REMOTE_WRITE | IbAccess.REMOTE_READ, devices[d],
                        org.dmascope.core.chain.PeerMapping.NONE, VA, false);
                AddressChain chain = null;
                // Timed runs one after the other, as a session resolves: no collection forced between
                // them (a full collection shrinks the heap, and the next run would time its growth).
                for (int r = 0; r < repeat; r++) {
                    chain = null;
                    long c0 = CPU.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    chain = resolver.resolve(request);
                    best = Math.min(best, System.nanoTime() - t0);
                    bestCpu = Math.min(bestCpu, CPU.getCurrentThreadCpuTime() - c0);
                }
                // The peak heap of one more run, from a collected heap.
                chain = null;
                BenchCommand.resetPeaks();
                chain = resolver.resolve(request);
                peak = BenchCommand.peakHeap();
                if (chain.error() != null) {
                    out.printf(Locale.ROOT, "%s, %s: refused: -%s: %s%n", fragmented ? "fragmented" : "contiguous",
                            deviceNames[d], chain.error(), chain.lastWhy());
                    return DmaScopeCli.EXIT_FAILURE;
                }
                double perPage = (double) best / pages;
                worst = Math.max(worst, perPage);
                out.printf(Locale.ROOT, "%-28s %-30s best %6d ms  %5.2f ns/page (CPU %5.2f)  %,10d sg entries  %,9d DMA"
                        + " segments  page size %-7s  peak heap %,d MiB%n",
                        fragmented ? "fragmented 4 KiB pages" : "contiguous THP", deviceNames[d], best / 1_000_000,
                        perPage, (double) bestCpu / pages, chain.sgCounts().entries(), chain.dma().size(),
                        Sizes.human(chain.pageSize()), peak >> 20);
            }
        }
        out.printf(Locale.ROOT, "worst: %.2f ns/page (goal at most 10 ns/page)%n", worst);
        out.flush();
        return DmaScopeCli.EXIT_OK;
    }
}
