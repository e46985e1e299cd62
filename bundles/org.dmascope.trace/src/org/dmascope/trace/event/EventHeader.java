package org.dmascope.trace.event;

import java.util.Objects;

/**
 * What every event carries: when it happened and, where known, on which CPU and in which
 * process.
 *
 * @param ts   time stamp in nanoseconds (trace clock; monotonic within one trace)
 * @param cpu  the CPU the event was recorded on, or {@link #UNKNOWN}
 * @param pid  the process (thread group) it belongs to, or {@link #UNKNOWN}
 * @param comm the command name of the task ({@code comm}), or "" when unknown
 */
public record EventHeader(long ts, int cpu, int pid, String comm) {

    /** The value of {@link #cpu()} and {@link #pid()} when not known. */
    public static final int UNKNOWN = -1;

    /** Checks the command name. */
    public EventHeader {
        Objects.requireNonNull(comm, "comm");
    }

    /** A header with only a time stamp: CPU, PID and command name unknown. */
    public static EventHeader at(long ts) {
        return new EventHeader(ts, UNKNOWN, UNKNOWN, "");
    }
}
