package org.dmascope.trace.event;

/**
 * A mapping added to an address space ({@code mmap}; one line of {@code /proc/PID/maps}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param start  first address of the VMA
 * @param end    address after its last byte
 * @param perms  protection and sharing as in /proc/PID/maps, for example "rw-p"
 * @param offset offset into the mapped file in bytes (0 for anonymous memory)
 * @param path   the file, a pseudo name such as "[heap]" or "/dev/infiniband/uverbs0", or ""
 */
public record VmaMap(EventHeader header, @Hex long start, @Hex long end, String perms, long offset, String path) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.VMA_MAP;
    }
}
