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
        Scan scan = new Scan(address, length, virt, bitmap);
        dma.visit(scan);
        return scan.result();
    }

    /**
     * The kernel's loop over the segments (for_each_sgtable_dma_sg), one segment at a time: for
     * segments that come one by one (while a dma-direct list is built), with the same arguments
     * as {@link BestPageSize#find}. As a scatter list's entry sink it takes the entries as
     * dma-direct maps them: physical address plus the device's offset.
     *
     * <p>The scan's state is package-private: the scatter list's batch path
     * ({@link ScatterList#runs}) runs the common case of {@link #segment} in its own loop, with
     * this state in local variables, and leaves every other case to {@link #segment}.
     */
    static final class Scan implements DmaSegments.Visitor, ScatterList.EntrySink {
        private final long length;
        private final long virt;
        private final long bitmap;
        final long directOffset;
        long mask;
        // Which contribution to the mask set its lowest bit: that is what limits the page size.
        int limitBit;
        private String limit;
        long va;
        long pgoff;
        long currBase = -1;
        long currLen;
        int discontinuities;
        boolean unknown;

        Scan(long address, long length, long virt, long bitmap) {
            this(address, length, virt, bitmap, 0);
        }

        /** A scan of a dma-direct list's entries, mapped at physical address plus {@code directOffset}. */
        Scan(long address, long length, long virt, long bitmap, long directOffset) {
            this.directOffset = directOffset;
            this.length = length;
            this.virt = virt;
            this.bitmap = bitmap;
            int vaBits = bitsPer((length - 1 + virt) ^ virt);
            mask = vaBits >= 64 ? 0 : bitmap & (-1L << vaBits);
            limitBit = mask == 0 ? 64 : Long.numberOfTrailingZeros(mask);
            limit = String.format(Locale.ROOT, "the region's extent: %#x bytes at virtual address %#x span %d"
                    + " address bits", length, virt, vaBits);
            va = virt;
            pgoff = address & 0xfff;
        }

        @Override
        public void entry(int index, long phys, long offset, long len, int pgmap) {
            segment(index, phys < 0 ? -1 : phys + directOffset, len);
        }

        /** Whether the batch path may take segments: the first is done, and every address so far is known. */
        boolean batchable() {
            return pgoff == 0 && !unknown && currBase != -1;
        }

        /**
         * Segments together: those that continue the one before in DMA address (an IOVA range's
         * segments, but for a boundary's padding) only add to its length, in a loop with the
         * scan's state in local variables; every other goes through {@link #segment}.
         */
        @Override
        public boolean segments(int first, long[] addresses, int[] lengths, int n) {
            int j = 0;
            while (j < n) {
                if (batchable()) {
                    long base = currBase;
                    long len = currLen;
                    long v = va;
                    for (; j < n; j++) {
                        long a = addresses[j];
                        long end = base + len;
                        if (a != end || a == -1 || Long.compareUnsigned(end, base) < 0) {
                            break;
                        }
                        long l = Integer.toUnsignedLong(lengths[j]);
                        len += l;
                        v += l;
                    }
                    currLen = len;
                    va = v;
                    if (j == n) {
                        return true;
                    }
                }
                if (!segment(first + j, addresses[j], Integer.toUnsignedLong(lengths[j]))) {
                    return false;
                }
                j++;
            }
            return true;
        }

        @Override
        public boolean segment(int i, long a, long len) {
            if (a == -1 || unknown) {
                unknown = true;
                return false;
            }
            long end = currBase + currLen;
            if (end != a || Long.compareUnsigned(end, currBase) < 0) {
                restart(i, a);
            }
            currLen += len;
            va += len - pgoff;
            pgoff = 0;
            return true;
        }

        // A segment that does not continue the one before in DMA address.
        private void restart(int i, long a) {
            currBase = a;
            currLen = 0;
            long differ = (currBase + pgoff) ^ va;
            mask |= differ;
            if (differ != 0 && Long.numberOfTrailingZeros(differ) < limitBit) {
                limitedByAddress(i, differ);
            }
            if (i != 0) {
                mask |= va;
                discontinuities++;
                if (va != 0 && Long.numberOfTrailingZeros(va) < limitBit) {
                    limitedByStretch(i);
                }
            }
        }

        // The limit's text is made where the limit falls, at most 64 times: out of the loop's way.
        private void limitedByAddress(int i, long differ) {
            limitBit = Long.numberOfTrailingZeros(differ);
            limit = String.format(Locale.ROOT, "%s DMA address %#x and its virtual address %#x agree only in their low"
                    + " %d bits", i == 0 ? "the first" : "segment " + i + "'s", currBase + pgoff, va, limitBit);
        }

        private void limitedByStretch(int i) {
            limitBit = Long.numberOfTrailingZeros(va);
            limit = String.format(Locale.ROOT, "segment %d starts a new physically contiguous stretch at virtual address"
                    + " %#x, which is aligned to %s only", i, va, Sizes.human(Long.lowestOneBit(va)));
        }

        Result result() {
            if (unknown) {
                return new Result(-1, 0, 0, "ib_umem_find_best_pgsz: not known: the DMA addresses depend on pages the"
                        + " kernel would allocate or reveal at pin time (faulted, copied, or PFNs hidden)");
            }
            long allowed = bitmap;
            if (mask != 0) {
                int tz = Long.numberOfTrailingZeros(mask);
                allowed &= tz >= 63 ? -1L : (1L << (tz + 1)) - 1;
            }
            long size = allowed == 0 ? 0 : Long.highestOneBit(allowed);
            String why = limit;
            if (size == 0) {
                why = String.format(Locale.ROOT, "no page size of the bitmap %#x is at most %s, the largest that %s",
                        bitmap, Sizes.human(1L << Math.min(62, limitBit)), limit);
            } else if (mask == 0 || Long.highestOneBit(bitmap) == size && (limitBit >= 63 || size < 1L << limitBit)) {
                why = "the bitmap's largest size, which every constraint allows";
            }
            long blocks = size > 0 ? numDmaBlocks(virt, length, size) : 0;
            return new Result(size, blocks, mask, String.format(Locale.ROOT, "ib_umem_find_best_pgsz: %s → %s (bitmap"
                    + " %#x, %d physical discontinuities); limited by %s", size > 0 ? "page size " + Sizes.human(size)
                            : "none", size > 0 ? blocks + " DMA blocks" : "no blocks", bitmap, discontinuities, why));
        }
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
