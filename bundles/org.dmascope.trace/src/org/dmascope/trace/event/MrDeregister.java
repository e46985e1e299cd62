package org.dmascope.trace.event;

/**
 * An RDMA memory region deregistered ({@code ib_dereg_mr_user} / {@code ibv_dereg_mr}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param device the RDMA device name
 * @param lkey   the local key of the region (u32)
 * @param error  the errno name on failure, else ""
 */
public record MrDeregister(EventHeader header, String device, long lkey, String error) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.MR_DEREGISTER;
    }
}
