package org.dmascope.ui.trace;

/**
 * One row of the Timeline: a process (its events) or a device (the DMA, IOMMU, RDMA and
 * GPUDirect events naming it).
 *
 * @param kind  what the lane follows
 * @param pid   the process ID (process lanes), else -1
 * @param name  the command name of a process lane (the first one seen), or the device name
 */
public record Lane(Kind kind, int pid, String name) {

    /** What a lane follows. */
    public enum Kind {
        /** The events of one process. */
        PROCESS,
        /** The events naming one device. */
        DEVICE,
        /** Every event: the overview from the chunk headers, shown until the lanes are indexed. */
        ALL
    }

    /** The label the Timeline shows: "1234 ib_send_bw" or "mlx5_0". */
    public String label() {
        return kind == Kind.PROCESS ? pid + (name.isEmpty() ? "" : " " + name) : name;
    }
}
