package org.dmascope.trace.event;

/**
 * GPU memory pinned for third-party peer-to-peer DMA ({@code nvidia_p2p_get_pages}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param gpu            the GPU as a PCI BDF, or "" when unknown
 * @param virtualAddress the GPU virtual address of the range (64 KiB aligned)
 * @param length         bytes asked for
 * @param pageSize       the GPU page size of the returned page table in bytes (usually 65536)
 * @param entries        pages in the returned page table
 * @param error          the errno name on failure (for example "EINVAL"), else ""
 */
public record GpuDirectGetPages(EventHeader header, String gpu, @Hex long virtualAddress, long length, long pageSize, int entries, String error) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.GPUDIRECT_GET_PAGES;
    }
}
