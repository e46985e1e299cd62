package org.dmascope.trace.event;

/**
 * The end of an MMU notifier invalidation of a range ({@code mmu_notifier_invalidate_range_end}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param start first address invalidated
 * @param end   address after the last byte invalidated
 */
public record NotifierInvalidateEnd(EventHeader header, @Hex long start, @Hex long end) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.NOTIFIER_INVALIDATE_END;
    }
}
