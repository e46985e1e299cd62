package org.dmascope.core.topology;

/**
 * What a topology file says about a GPU beyond its PCI function (NCCL's {@code <gpu>}).
 *
 * @param index  the CUDA device index, -1 when unknown
 * @param sm     the compute capability times ten (70 Volta, 80 Ampere, 90 Hopper), -1 when unknown
 * @param rank   the NCCL rank, -1 when unknown
 * @param gdr    whether GPUDirect RDMA is supported, as the file says
 */
public record GpuInfo(int index, int sm, int rank, boolean gdr) {
}
