package org.dmascope.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.dmascope.backend.structpage.StructPageBackend;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.chain.PeerMapping;
import org.dmascope.core.chain.UmemRequest;
import org.dmascope.core.chain.UmemResolver;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.SyntheticPageTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The address chain of a 64 GiB memory region (16 Mi pages of 4 KiB) through the struct page
 * backend, as {@code dmascope bench resolve} runs it, but each case in a JVM of its own (JMH's
 * fork per parameter set), so that no case runs on code the compiler shaped for another. JMH
 * reports nanoseconds per page (one operation = one page). SYNTHETIC page tables: physically
 * contiguous THPs, or fully fragmented 4 KiB pages (every other frame, one run per page). Goal:
 * at most 10 ns per page; {@code -prof gc} shows the allocation per page.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class ResolveBench {

    /** 64 GiB in 4 KiB pages. */
    private static final int PAGES = 1 << 24;

    /** How the region's pages lie in physical memory. */
    @Param({"fragmented", "contiguous"})
    public String layout;

    /** The DMA device: dma-direct with 64 KiB segments, the IOMMU with 64 KiB segments, or with mlx5's 2 GiB. */
    @Param({"direct-64k", "iommu-64k", "iommu-2g"})
    public String device;

    private UmemResolver resolver;
    private UmemRequest request;

    @Setup
    public void setUp() throws MemoryReadException {
        SyntheticPageTable table = new SyntheticPageTable(PAGES, layout.equals("fragmented"));
        AddressSpace space = new AddressSpace(0, "bench", List.of(table.vma()), table, AddressSpace.UNLIMITED, 0,
                false);
        DmaDevice plain = DmaDevice.plain();
        DmaDevice dev = switch (device) {
            case "direct-64k" -> plain;
            case "iommu-64k" -> plain.withIommu(true);
            case "iommu-2g" -> plain.withIommu(true).withMaxSegmentSize(0x80000000L);
            default -> throw new IllegalArgumentException("device " + device + ": direct-64k, iommu-64k or iommu-2g");
        };
        resolver = new UmemResolver(List.of(new StructPageBackend()));
        request = new UmemRequest(space, PhysicalMemoryMap.systemRamOnly(), SyntheticPageTable.VA, (long) PAGES << 12,
                IbAccess.LOCAL_WRITE | IbAccess.REMOTE_WRITE | IbAccess.REMOTE_READ, dev, PeerMapping.NONE,
                SyntheticPageTable.VA, false);
        AddressChain chain = resolver.resolve(request);
        if (chain.error() != null) {
            throw new IllegalStateException("the bench's region is refused: " + chain.lastWhy());
        }
    }

    /** Pins, builds the scatter list, maps it and finds the best page size; per page. */
    @Benchmark
    @OperationsPerInvocation(PAGES)
    public AddressChain resolve() throws MemoryReadException {
        return resolver.resolve(request);
    }
}
