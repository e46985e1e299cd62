/**
 * NCCL's topology XML ({@code NCCL_TOPO_FILE}, {@code NCCL_TOPO_DUMP_FILE}): CPUs as NUMA
 * nodes, the PCI tree below them, GPUs, NVLinks and network devices.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.sources.nccl;
