/**
 * The GPUDirect RDMA memory backend: GPU memory mapped into a process with no struct page behind
 * it, made reachable for a peer device by NVIDIA's P2P API (kernel-open/nvidia/nv-p2p.c,
 * nv-p2p.h) through the peer-memory client nvidia-peermem (kernel-open/nvidia-peermem/
 * nvidia-peermem.c) and MLNX_OFED's peer-memory core (drivers/infiniband/core/peer_mem.c), with
 * the free callback that invalidates a registered MR; and the dma-buf alternative
 * (drivers/infiniband/core/umem_dmabuf.c, drivers/dma-buf/dma-buf.c) with dynamic and pinned
 * attachments. {@link org.dmascope.backend.gpudirect.GpuDirectEngine} is the stateful model a
 * scenario drives step by step; {@link org.dmascope.backend.gpudirect.GpuDirectBackend} is the
 * Declarative Services component providing {@link org.dmascope.core.backend.MemoryBackend}.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.backend.gpudirect;
