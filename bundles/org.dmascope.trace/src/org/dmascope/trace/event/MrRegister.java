package org.dmascope.trace.event;

/**
 * An RDMA memory region registered ({@code ib_reg_user_mr} / {@code ibv_reg_mr}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param device the RDMA device name, for example "mlx5_0"
 * @param addr   the user virtual address of the region
 * @param length its length in bytes
 * @param iova   the I/O virtual address the region is addressed by (equal to addr unless given)
 * @param access the IB_ACCESS_ flags as "|"-joined names, for example "LOCAL_WRITE|REMOTE_READ|ON_DEMAND"
 * @param lkey   the local key (u32), 0 on failure
 * @param rkey   the remote key (u32), 0 on failure
 * @param error  the errno name on failure, else ""
 */
public record MrRegister(EventHeader header, String device, @Hex long addr, long length, @Hex long iova, String access, long lkey, long rkey, String error) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.MR_REGISTER;
    }
}
