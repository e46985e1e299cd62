package org.dmascope.core.chain;

import java.util.Locale;

import org.dmascope.core.memory.Sizes;

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
        int vaBits = bitsPer((length - 1 + virt) ^ virt);
        long mask = vaBits >= 64 ? 0 : bitmap & (-1L << vaBits);
        // Which contribution to the mask set its lowest bit: that is what limits the page size.
        int limitBit = mask == 0 ? 64 : Long.numberOfTrailingZeros(mask);
        String limit = String.format(Locale.ROOT, "the region's extent: %#x bytes at virtual address %#x span %d"
                + " address bits", length, virt, vaBits);
        long va = virt;
        long pgoff = address & 0xfff;
        long currBase = -1;
        long currLen = 0;
        int discontinuities = 0;
        for (int i = 0; i < dma.size(); i++) {
            long a = dma.address(i);
            if (a == -1) {
                return new Result(-1, 0, 0, "ib_umem_find_best_pgsz: not known: the DMA addresses depend on pages the"
                        + " kernel would allocate or reveal at pin time (faulted, copied, or PFNs hidden)");
            }
            long end = currBase + currLen;
            boolean overflow = Long.compareUnsigned(end, currBase) < 0;
            if (overflow || end != a) {
                currBase = a;
                currLen = 0;
                long differ = (currBase + pgoff) ^ va;
                mask |= differ;
                if (differ != 0 && Long.numberOfTrailingZeros(differ) < limitBit) {
                    limitBit = Long.numberOfTrailingZeros(differ);
                    limit = String.format(Locale.ROOT, "%s DMA address %#x and its virtual address %#x agree only in"
                            + " their low %d bits", i == 0 ? "the first" : "segment " + i + "'s", currBase + pgoff, va,
                            limitBit);
                }
                if (i != 0) {
                    mask |= va;
                    discontinuities++;
                    if (va != 0 && Long.numberOfTrailingZeros(va) < limitBit) {
                        limitBit = Long.numberOfTrailingZeros(va);
                        limit = String.format(Locale.ROOT, "segment %d starts a new physically contiguous stretch at"
                                + " virtual address %#x, which is aligned to %s only", i, va,
                                Sizes.human(Long.lowestOneBit(va)));
                    }
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
        if (size == 0) {
            limit = String.format(Locale.ROOT, "no page size of the bitmap %#x is at most %s, the largest that %s",
                    bitmap, Sizes.human(1L << Math.min(62, limitBit)), limit);
        } else if (mask == 0 || Long.highestOneBit(bitmap) == size && (limitBit >= 63 || size < 1L << limitBit)) {
            limit = "the bitmap's largest size, which every constraint allows";
        }
        long blocks = size > 0 ? numDmaBlocks(virt, length, size) : 0;
        String why = String.format(Locale.ROOT, "ib_umem_find_best_pgsz: %s → %s (bitmap %#x, %d physical"
                + " discontinuities); limited by %s", size > 0 ? "page size " + Sizes.human(size) : "none",
                size > 0 ? blocks + " DMA blocks" : "no blocks", bitmap, discontinuities, limit);
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
}
