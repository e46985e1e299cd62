package org.dmascope.scenario.mm;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated time of a scenario, in nanoseconds from its start: every event's time stamp
 * comes from it. An event takes {@link #EVENT_SPACING_NS} (so events of one step keep their
 * order and stay apart), and {@code wait} steps and the per-step gap of {@code pace} move it on.
 * The simulator paces its playback on it: one simulated second lasts one wall-clock second at
 * speed 1. Readable from any thread; advanced by the thread that runs the steps.
 */
public final class SimClock {

    /** How far the clock moves for each event: one microsecond. */
    public static final long EVENT_SPACING_NS = 1000;

    private final AtomicLong now = new AtomicLong();

    /** A clock at 0. */
    public SimClock() {
        // Starts at the scenario's start.
    }

    /** The current simulated time, in nanoseconds. */
    public long now() {
        return now.get();
    }

    /** Moves the clock on by one event's spacing and returns the event's time stamp. */
    public long nextEventTime() {
        return now.addAndGet(EVENT_SPACING_NS);
    }

    /**
     * Lets simulated time pass.
     *
     * @throws IllegalArgumentException for a negative duration
     */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time cannot go back (" + nanos + " ns)");
        }
        now.addAndGet(nanos);
    }
}
