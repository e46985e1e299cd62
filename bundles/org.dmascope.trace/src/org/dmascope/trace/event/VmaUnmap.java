package org.dmascope.trace.event;

/**
 * A range removed from an address space ({@code munmap}, or the unmap part of {@code mremap}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param start first address removed
 * @param end   address after the last byte removed
 */
public record VmaUnmap(EventHeader header, @Hex long start, @Hex long end) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.VMA_UNMAP;
    }
}
