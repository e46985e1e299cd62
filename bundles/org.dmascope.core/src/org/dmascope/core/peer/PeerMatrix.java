package org.dmascope.core.peer;

import java.util.List;

import org.dmascope.core.topology.PciFunction;

/**
 * The classes of every pair of endpoints, compactly: NCCL's type and bandwidth, nvidia-smi's
 * class, and the kernel's map type and distance with the row as provider. Entries on the
 * diagonal are the device itself (LOC, X, BUS_ADDR at distance 0).
 *
 * @param endpoints      the functions, in row and column order
 * @param nccl           NCCL's path type from row to column
 * @param ncclBandwidth  NCCL's bandwidth from row to column
 * @param smi            nvidia-smi's class
 * @param kernel         the kernel's decision with the row as provider and the column as client
 */
public record PeerMatrix(List<PciFunction> endpoints, NcclPathType[][] nccl, double[][] ncclBandwidth,
        SmiClassifier.Result[][] smi, KernelP2pEngine.Decision[][] kernel) {

    /** The number of endpoints. */
    public int size() {
        return endpoints.size();
    }
}
