/**
 * The trace event vocabulary: one sealed set of records for everything DMA Scope records,
 * imports and replays (VMA changes, faults, pinning, migration, HMM, RDMA memory regions, the
 * DMA API, the IOMMU, MMU notifiers, GPUDirect, dma-buf, peer-to-peer transfers, topology and
 * processes), plus {@link org.dmascope.trace.event.GenericEvent} for imported events of any
 * other kind. Addresses are unsigned 64-bit values held in {@code long}.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.trace.event;
