/**
 * The address chain: what {@code ib_umem_get()} makes of a user pointer, step by step. Pinning
 * (through the backend of each VMA), the scatter list ({@code sg_alloc_append_table_from_pages()}),
 * DMA mapping (dma-direct, or the IOMMU's {@code iommu_dma_map_sg()}), and the page size an RDMA
 * memory region would use ({@code ib_umem_find_best_pgsz()}), as Linux v6.16 does them.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.core.chain;
