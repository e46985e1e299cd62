package org.dmascope.core.topology;

import org.eclipse.jdt.annotation.Nullable;

/**
 * A NUMA node: a set of CPUs and their memory; PCI host bridges hang off one. NCCL's "CPU"
 * nodes are NUMA nodes, and a path between two of them crosses the inter-socket link (SYS).
 *
 * @param id      the node number
 * @param cpus    the CPU list or affinity mask as the source gives it, null when unknown
 * @param socket  the CPU package (socket) the node belongs to, -1 when unknown
 */
public record NumaNode(int id, @Nullable String cpus, int socket) {
}
