package org.dmascope.trace.event;

/**
 * User pages unpinned ({@code unpin_user_pages} / {@code unpin_user_pages_dirty_lock}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param start   first user address of the pinned range
 * @param nrPages pages unpinned
 * @param dirty   whether the pages were marked dirty on release
 */
public record Unpin(EventHeader header, @Hex long start, long nrPages, boolean dirty) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.UNPIN;
    }
}
