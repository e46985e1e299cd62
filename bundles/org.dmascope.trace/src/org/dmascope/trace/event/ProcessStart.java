package org.dmascope.trace.event;

/**
 * A process started or executed a new program ({@code sched:sched_process_exec}; fork when filename is ""). The PID and command name are in the header.
 *
 * @param header time stamp, CPU, PID and command name
 * @param ppid     the parent PID, -1 when unknown
 * @param filename the program executed, or "" for a fork
 */
public record ProcessStart(EventHeader header, int ppid, String filename) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.PROCESS_START;
    }
}
