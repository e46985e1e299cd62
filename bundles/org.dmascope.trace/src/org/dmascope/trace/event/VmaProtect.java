package org.dmascope.trace.event;

/**
 * The protection of a range changed ({@code mprotect}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param start first address changed
 * @param end   address after the last byte changed
 * @param perms the new protection as in /proc/PID/maps, for example "r--p"
 */
public record VmaProtect(EventHeader header, @Hex long start, @Hex long end, String perms) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.VMA_PROTECT;
    }
}
