package org.dmascope.ui.trace;

/**
 * One row of the Timeline: a process (its events), a device (the DMA, IOMMU, RDMA and
 * GPUDirect events naming it) or a memory backend (the events only its kind of memory has).
 *
 * @param kind  what the lane follows
 * @param pid   the process ID (process lanes), else -1
 * @param name  the command name of a process lane (the first one seen), the device name, or the
 *              backend's name
 */
public record Lane(Kind kind, int pid, String name) {

    /** What a lane follows. */
    public enum Kind {
        /** The events of one process. */
        PROCESS,
        /** The events naming one device. */
        DEVICE,
        /** The events of one memory backend ({@link EventFields#backend}). */
        BACKEND,
        /** Every event: the overview from the chunk headers, shown until the lanes are indexed. */
        ALL
    }

    /** The label the Timeline shows: "1234 ib_send_bw", "mlx5_0" or "backend: HMM". */
    public String label() {
        return kind == Kind.PROCESS ? pid + (name.isEmpty() ? "" : " " + name)
                : kind == Kind.BACKEND ? "backend: " + name : name;
    }
}
