package org.dmascope.core.chain;

import java.util.Locale;

/**
 * The page size an RDMA memory region uses, as {@code ib_umem_find_best_pgsz()}
 * (drivers/infiniband/core/umem.c, v6.16) chooses it from the mapped DMA segments, and the
 * number of DMA blocks ({@code ib_umem_num_dma_blocks()}) the device's page table then needs.
 */
public final class BestPageSize {

    /**
     * The outcome.
     *
     * @param pageSize  the page size, 0 when no size in the bitmap works (the driver fails the MR,
     *                  typically with -EINVAL), -1 when DMA addresses are not known
     * @param dmaBlocks the blocks of that size covering the region, 0 when none
     * @param mask      the bits in which virtual and DMA addresses disagree, as the kernel accumulates them
     * @param why       which constraint limited the size
     */
    public record Result(long pageSize, long dmaBlocks, long mask, String why) {
    }

    private BestPageSize() {
    }

    /**
     * Computes the page size.
     *
     * @param dma     the mapped segments (sgt.nents of them)
     * @param address the user address of the region (umem->address)
     * @param length  its length in bytes (umem->length)
     * @param virt    the IOVA the MR is registered with (usually the user address)
     * @param bitmap  the device's supported page sizes
     */
    public static Result find(DmaSegments dma, long address, long length, long virt, long bitmap) {
        for (int i = 0; i < dma.size(); i++) {
            if (dma.address(i) == -1) {
                return new Result(-1, 0, 0, "ib_umem_find_best_pgsz: not known: the DMA addresses depend on pages the"
                        + " kernel would allocate or reveal at pin time (faulted, copied, or PFNs hidden)");
            }
        }
        int vaBits = bitsPer((length - 1 + virt) ^ virt);
        long mask = vaBits >= 64 ? 0 : bitmap & (-1L << vaBits);
        long fromLength = mask;
        String firstLimit = null;
        long va = virt;
        long pgoff = address & 0xfff;
        long currBase = -1;
        long currLen = 0;
        int discontinuities = 0;
        for (int i = 0; i < dma.size(); i++) {
            long a = dma.address(i);
            long end = currBase + currLen;
            boolean overflow = Long.compareUnsigned(end, currBase) < 0;
            if (overflow || end != a) {
                currBase = a;
                currLen = 0;
                long before = mask;
                mask |= (currBase + pgoff) ^ va;
                if (i != 0) {
                    mask |= va;
                    discontinuities++;
                }
                if (firstLimit == null && lowest(mask) < lowest(before)) {
                    firstLimit = i == 0
                            ? String.format(Locale.ROOT, "the first DMA address %#x and the virtual address %#x agree"
                                    + " only in their low %d bits", currBase + pgoff, va, Long.numberOfTrailingZeros(mask))
                            : String.format(Locale.ROOT, "segment %d starts a new physically contiguous stretch at"
                                    + " virtual address %#x, which is aligned to %#x only", i, va, Long.lowestOneBit(mask));
                }
            }
            currLen += dma.length(i);
            va += dma.length(i) - pgoff;
            pgoff = 0;
        }
        long allowed = bitmap;
        if (mask != 0) {
            int tz = Long.numberOfTrailingZeros(mask);
            allowed &= tz >= 63 ? -1L : (1L << (tz + 1)) - 1;
        }
        long size = allowed == 0 ? 0 : Long.highestOneBit(allowed);
        String limit;
        if (size == 0) {
            limit = String.format(Locale.ROOT, "no page size of the bitmap %#x fits: the driver cannot build the MR", bitmap);
        } else if (mask != 0 && mask == fromLength) {
            limit = String.format(Locale.ROOT, "limited by the region's extent: the length %#x at virtual address %#x"
                    + " spans %d address bits, so a single page of the largest supported size covers it", length, virt,
                    vaBits);
        } else if (mask == 0) {
            limit = "limited by the bitmap only: the largest supported size";
        } else {
            limit = "limited because " + (firstLimit != null ? firstLimit : "of the region's extent");
        }
        long blocks = size > 0 ? numDmaBlocks(virt, length, size) : 0;
        String why = String.format(Locale.ROOT, "ib_umem_find_best_pgsz: %s → %s (bitmap %#x, %d discontinuities)%s",
                size > 0 ? "page size " + human(size) : "none", size > 0 ? blocks + " DMA blocks" : "no blocks", bitmap,
                discontinuities, "; " + limit);
        return new Result(size, blocks, mask, why);
    }

    /** {@code ib_umem_num_dma_blocks()}: the blocks of {@code pgsz} that cover [iova, iova + length). */
    public static long numDmaBlocks(long iova, long length, long pgsz) {
        long end = (iova + length + pgsz - 1) & -pgsz;
        long start = iova & -pgsz;
        return Long.divideUnsigned(end - start, pgsz);
    }

    // The kernel's bits_per(): 1 for 0 and 1, else the index of the highest set bit plus one.
    static int bitsPer(long n) {
        return Long.compareUnsigned(n, 2) < 0 ? 1 : 64 - Long.numberOfLeadingZeros(n);
    }

    private static long lowest(long mask) {
        return mask == 0 ? Long.MAX_VALUE : Long.lowestOneBit(mask) & Long.MAX_VALUE;
    }

    /** "4 KiB", "2 MiB", "1 GiB". */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        long v = bytes;
        int u = 0;
        while (u < units.length - 1 && v >= 1024 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return v + " " + units[u];
    }
}
