package org.dmascope.trace.event;

/**
 * User pages pinned ({@code pin_user_pages} / {@code pin_user_pages_fast}, or {@code get_user_pages}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param start    first user address asked for
 * @param nrPages  pages asked for
 * @param gupFlags the FOLL_ flags as "|"-joined names, for example "FOLL_WRITE|FOLL_LONGTERM"
 * @param pinned   pages actually pinned (may be fewer than asked)
 * @param error    the errno name when the call failed (for example "EFAULT"), else ""
 */
public record Pin(EventHeader header, @Hex long start, long nrPages, String gupFlags, long pinned, String error) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.PIN;
    }
}
