package org.dmascope.core.topology;

import org.eclipse.jdt.annotation.Nullable;

/**
 * A name the operating system gives to a function: a network interface (eth0), an RDMA device
 * (mlx5_0), a block device (nvme0n1), a GPU (card0, cuda0).
 *
 * @param name      the name
 * @param kind      what sort of device it is
 * @param speedMbps the port speed for network devices, -1 when unknown
 * @param port      the port number for network devices, -1 when unknown
 * @param guid      the port or node GUID for RDMA devices, null when unknown
 */
public record OsDevice(String name, Kind kind, int speedMbps, int port, @Nullable String guid) {

    /** Sorts of OS devices (hwloc's osdev types). */
    public enum Kind {
        /** A block device. */
        BLOCK,
        /** A GPU (DRM card, CUDA or NVML device). */
        GPU,
        /** A network interface. */
        NETWORK,
        /** An RDMA device (InfiniBand, RoCE, EFA): OpenFabrics in hwloc. */
        OPENFABRICS,
        /** A DMA engine. */
        DMA,
        /** A co-processor (CUDA, OpenCL, Xeon Phi). */
        COPROCESSOR,
        /** Anything else. */
        OTHER
    }

    /** A device known only by name. */
    public static OsDevice named(String name, Kind kind) {
        return new OsDevice(name, kind, -1, -1, null);
    }
}
