package org.dmascope.trace.event;

/**
 * An exporter told the importers of a dma-buf that its backing storage moves ({@code dma_buf_move_notify}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param inode    the dma-buf inode number (as in /sys/kernel/debug/dma_buf/bufinfo and fdinfo)
 * @param exporter the exporter name (exp_name), for example "amdgpu"
 * @param name     the buffer name set by DMA_BUF_SET_NAME, or ""
 * @param size     the buffer size in bytes
 */
public record DmaBufMoveNotify(EventHeader header, long inode, String exporter, String name, long size) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.DMABUF_MOVE_NOTIFY;
    }
}
