package org.dmascope.trace.event;

/**
 * GPU pages released by their user ({@code nvidia_p2p_put_pages}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param gpu            the GPU as a PCI BDF, or ""
 * @param virtualAddress the GPU virtual address of the range
 * @param length         its length in bytes
 * @param error          the errno name on failure, else ""
 */
public record GpuDirectPutPages(EventHeader header, String gpu, @Hex long virtualAddress, long length, String error) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.GPUDIRECT_PUT_PAGES;
    }
}
