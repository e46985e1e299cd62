package org.dmascope.trace.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An imported event of a kind the vocabulary does not model (another tracepoint, an unknown
 * JSON Lines type): kept with its fields as text, never dropped.
 *
 * @param header time stamp, CPU, PID and command name
 * @param system the trace system, for example "sched" or "kvm", or "" when unknown
 * @param name   the event name within the system, for example "sched_switch"
 * @param fields the event's fields as text, in their original order (copied, unmodifiable)
 */
public record GenericEvent(EventHeader header, String system, String name, Map<String, String> fields)
        implements TraceEvent {

    /** Copies the fields, keeping their order. */
    public GenericEvent {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public EventType type() {
        return EventType.GENERIC;
    }
}
