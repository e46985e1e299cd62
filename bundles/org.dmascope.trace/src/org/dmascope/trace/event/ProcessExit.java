package org.dmascope.trace.event;

/**
 * A process exited ({@code sched:sched_process_exit}). The PID and command name are in the header.
 *
 * @param header time stamp, CPU, PID and command name
 * @param exitCode the exit status as wait(2) reports it, -1 when unknown
 */
public record ProcessExit(EventHeader header, int exitCode) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.PROCESS_EXIT;
    }
}
