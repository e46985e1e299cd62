package org.dmascope.core.chain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Where a fresh IOMMU DMA domain puts one allocation, as {@code iommu_dma_alloc_iova()} and
 * {@code alloc_iova_fast()} do it (drivers/iommu/dma-iommu.c, drivers/iommu/iova.c): sizes
 * below 32 granules are rounded up to a power of two; the allocation is aligned to its size
 * rounded up to a power of two; the search runs top-down from the limit through the gaps
 * between the domain's reserved ranges; PCI devices try below 4 GiB first.
 *
 * <p>The domain is assumed fresh: only its reserved ranges are taken. A domain in use places a
 * new allocation below what it already holds, so real addresses differ while the layout (the
 * segments, their lengths and merges) does not.
 */
public final class IovaAllocator {

    /** The IOVA address width DMA domains usually have (4-level page tables: 48 bits). */
    public static final long APERTURE_END = (1L << 48) - 1;
    // IOVA_RANGE_CACHE_MAX_SIZE is 6: sizes below 1 << 5 granules are rounded to powers of two.
    private static final long RCACHE_LIMIT = 1L << 5;
    private static final long LIMIT_32 = 0xffffffffL;

    /**
     * The outcome.
     *
     * @param iova    the first IOVA, 0 when nothing could be allocated (the kernel's -ENOMEM)
     * @param granules the granules taken (after rounding)
     * @param why     which rule placed it
     */
    public record Allocation(long iova, long granules, String why) {
    }

    private IovaAllocator() {
    }

    /** Allocates {@code bytes} (a multiple of the granule) for a device in a fresh domain. */
    public static Allocation allocate(long bytes, DmaDevice device) {
        int shift = device.granuleShift();
        long size = bytes >>> shift;
        String rounded = "";
        if (size < RCACHE_LIMIT) {
            long r = roundUpPow2(size);
            if (r != size) {
                rounded = String.format(Locale.ROOT, ", rounded up to %d granules (alloc_iova_fast rounds sizes below 32"
                        + " granules to a power of two)", r);
            }
            size = r;
        }
        List<long[]> reserved = new ArrayList<>();
        for (DmaDevice.IovaRange r : device.reservedIova()) {
            reserved.add(new long[] {r.first() >>> shift, r.last() >>> shift});
        }
        reserved.add(new long[] {0, 0}); // iovad->start_pfn is 1: pfn 0 is never handed out
        reserved.sort(Comparator.comparingLong(a -> a[0]));
        long dmaLimit = Long.compareUnsigned(device.dmaMask(), APERTURE_END) < 0 ? device.dmaMask() : APERTURE_END;
        String head = String.format(Locale.ROOT, "%d granules of %d bytes%s", size, 1L << shift, rounded);
        if (Long.compareUnsigned(dmaLimit, LIMIT_32) > 0 && device.pci32BitFirst()) {
            long pfn = topDown(size, (LIMIT_32 >>> shift) + 1, reserved);
            if (pfn > 0) {
                return new Allocation(pfn << shift, size, head + String.format(Locale.ROOT,
                        "; below 4 GiB first for a PCI device (pci_32bit_workaround), top-down, aligned to %#x: IOVA %#x",
                        roundUpPow2(size) << shift, pfn << shift));
            }
            head += "; no room below 4 GiB, so the device now gets 64-bit IOVAs (\"Using 48-bit DMA addresses\")";
        }
        long pfn = topDown(size, (dmaLimit >>> shift) + 1, reserved);
        if (pfn <= 0) {
            return new Allocation(0, size, head + String.format(Locale.ROOT,
                    "; no gap below the limit %#x holds it: -ENOMEM", dmaLimit));
        }
        return new Allocation(pfn << shift, size, head + String.format(Locale.ROOT,
                "; top-down below the limit %#x, aligned to %#x: IOVA %#x", dmaLimit, roundUpPow2(size) << shift,
                pfn << shift));
    }

    // __alloc_and_insert_iova_range(): walk the taken ranges downwards from the limit; each one
    // lowers the ceiling; stop at the first aligned position that is clear of the next lower range.
    private static long topDown(long size, long highPfn, List<long[]> taken) {
        long alignMask = -roundUpPow2(size);
        long high = highPfn;
        int i = taken.size() - 1;
        while (i >= 0 && Long.compareUnsigned(taken.get(i)[0], high) >= 0) {
            i--;
        }
        while (true) {
            if (Long.compareUnsigned(high, size) < 0) {
                return -1;
            }
            long candidate = (high - size) & alignMask;
            if (i < 0) {
                return candidate;
            }
            long[] below = taken.get(i);
            if (Long.compareUnsigned(candidate, below[1]) > 0) {
                return candidate;
            }
            high = Long.compareUnsigned(below[0], high) < 0 ? below[0] : high;
            i--;
        }
    }

    static long roundUpPow2(long n) {
        return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
    }
}
