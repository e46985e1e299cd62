package org.dmascope.trace.event;

/**
 * The start of an MMU notifier invalidation of a range ({@code mmu_notifier_invalidate_range_start}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param start     first address invalidated
 * @param end       address after the last byte invalidated
 * @param event     the mmu_notifier_event name, for example "MMU_NOTIFY_UNMAP", "MMU_NOTIFY_CLEAR", "MMU_NOTIFY_MIGRATE"
 * @param blockable whether subscribers may sleep (false under MMU_NOTIFIER_RANGE_BLOCKABLE cleared)
 */
public record NotifierInvalidateBegin(EventHeader header, @Hex long start, @Hex long end, String event, boolean blockable) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.NOTIFIER_INVALIDATE_BEGIN;
    }
}
