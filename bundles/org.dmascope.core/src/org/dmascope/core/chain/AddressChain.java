package org.dmascope.core.chain;

import java.util.List;

import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.Vma;
import org.eclipse.jdt.annotation.Nullable;

/**
 * What {@code ib_umem_get()} made of a user pointer: the VMAs, the pinned pages, the scatter
 * list, the DMA segments, the MR page size, and every step with its rule. When a step refused,
 * {@link #error()} names the errno and the later parts are null.
 *
 * @param request     what was asked
 * @param vmas        the VMAs the range overlaps
 * @param backends    the backend that pinned each VMA's part, by VMA, in order ("" where none did)
 * @param pages       the pinned pages as runs, null when not kept or not reached
 * @param pin         what pinning did, null when not reached
 * @param sg          the CPU scatter list, null when not reached, and null too when the request keeps no
 *                    pages and the device maps through the IOMMU: its entries then stream into the DMA
 *                    segments and are not kept ({@link #sgCounts()} and {@link DmaSegments#phys} remain)
 * @param sgCounts    the scatter list's entry count and counters, null when not reached
 * @param dma         the DMA segments, null when not reached
 * @param iova        the IOVA allocation's start (IOMMU), 0 otherwise
 * @param pageSize    the MR page size ({@link BestPageSize}), 0 when none fits, -1 when unknown or not reached
 * @param dmaBlocks   the DMA blocks of that size, 0 when none
 * @param error       the errno ("EFAULT", "ENOMEM", ...), null when the chain is complete
 * @param steps       every step, in order
 */
public record AddressChain(UmemRequest request, List<Vma> vmas, List<String> backends, @Nullable PageRuns pages,
        @Nullable PinResult pin, @Nullable ScatterList sg, ScatterList.@Nullable Counts sgCounts,
        @Nullable DmaSegments dma, long iova, long pageSize, long dmaBlocks, @Nullable String error,
        List<ChainStep> steps) {

    /** Copies the lists. */
    public AddressChain {
        vmas = List.copyOf(vmas);
        backends = List.copyOf(backends);
        steps = List.copyOf(steps);
    }

    /** Whether every step succeeded. */
    public boolean ok() {
        return error == null;
    }

    /** The last step's rule: on failure, why it failed. */
    public String lastWhy() {
        return steps.isEmpty() ? "" : steps.get(steps.size() - 1).why();
    }
}
