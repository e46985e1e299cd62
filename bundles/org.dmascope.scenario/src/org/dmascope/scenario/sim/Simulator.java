package org.dmascope.scenario.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.dmascope.scenario.Scenario;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.Step;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.mm.SimClock;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.TraceWriter;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Plays a scenario step by step on one simulated machine, in real time, faster, as fast as
 * possible, paused or one step at a time, appending every event to a trace store as it happens:
 * a live session is also a recording.
 *
 * <p>Time: every event's time stamp comes from the scenario's simulated clock ({@link SimClock}:
 * one microsecond per event, plus what {@code wait} and {@code pace} let pass). Playing at speed
 * 1, a step runs when the wall clock has caught up with the simulated time it starts at, so one
 * simulated second lasts one second; at speed 10 a tenth of it; at
 * {@link Double#POSITIVE_INFINITY} no time at all.
 *
 * <p>Threads: {@link #play()} runs the steps on a thread of its own; {@link #step()} runs one on
 * the caller's thread when not playing. Only one step runs at a time. Listeners are called on the
 * thread that ran the step (the play thread, or the caller of {@link #step()} or
 * {@link #pause()}): a UI hands the call over to its own thread. The other methods may be called
 * from any thread.
 *
 * <p>The events are flushed to the file after each step when playing paced or stepping, and at
 * pause, end and failure, so readers of the growing file see them; at full speed the writer's own
 * flush interval applies until then.
 */
public final class Simulator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Simulator.class.getName());

    /** Where a simulator stands. */
    public enum State {
        /** Nothing ran yet. */
        READY,
        /** The play thread runs the steps. */
        PLAYING,
        /** Stopped between two steps; play or step go on. */
        PAUSED,
        /** Every step ran. */
        FINISHED,
        /** A step could not run as written ({@link Simulator#failure()}); what was recorded stays. */
        FAILED
    }

    /** Told of each step and each change of state, on the thread that ran the step. */
    public interface Listener {
        /**
         * A step ran.
         *
         * @param outcome what it did
         * @param timeNs  the simulated time at which it ended, in nanoseconds
         */
        void stepDone(StepOutcome outcome, long timeNs);

        /** The state changed. */
        void stateChanged(State state);
    }

    private final ScenarioRunner.Run run;
    private final @Nullable TraceWriter out;
    private final SimClock clock;
    private final Object lock = new Object();
    private final ReentrantLock stepLock = new ReentrantLock();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong events = new AtomicLong();

    // Guarded by lock.
    private State state = State.READY;
    private double speed = 1.0;
    private long wallAnchor;
    private long simAnchor;
    private int generation;
    private @Nullable Thread player;
    private boolean closed;
    private @Nullable ScenarioException failure;

    /**
     * A simulator at the start of the scenario, on a fresh simulated machine.
     *
     * @param runner   the step kinds, topology loader, backends and (optionally) an event sink
     *                 that also gets every event
     * @param scenario the parsed scenario
     * @param baseDir  the folder its relative paths are resolved against
     * @param out      the trace store the events are appended to, or null for none; closed by
     *                 {@link #close()}
     */
    public Simulator(ScenarioRunner runner, Scenario scenario, Path baseDir, @Nullable TraceWriter out) {
        this.out = out;
        this.run = runner.start(scenario, baseDir, this::record);
        this.clock = run.context().clock();
    }

    private void record(TraceEvent event) {
        events.incrementAndGet();
        TraceWriter w = out;
        if (w != null) {
            try {
                w.append(event);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Adds a listener. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** The scenario played. */
    public Scenario scenario() {
        return run.scenario();
    }

    /** The state now. */
    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    /** The speed factor: 1 real time, 10 ten times faster, {@link Double#POSITIVE_INFINITY} as fast as possible. */
    public double speed() {
        synchronized (lock) {
            return speed;
        }
    }

    /**
     * Sets the speed; while playing, the steps to come are paced at the new speed from now on.
     *
     * @param factor greater than 0; {@link Double#POSITIVE_INFINITY} for as fast as possible
     * @throws IllegalArgumentException for 0, a negative factor or NaN
     */
    public void setSpeed(double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("speed must be greater than 0, not " + factor);
        }
        synchronized (lock) {
            long now = System.nanoTime();
            simAnchor = playbackPosition(now);
            wallAnchor = now;
            speed = factor;
            lock.notifyAll();
        }
    }

    /** Where playback stands in simulated time at a wall-clock instant: never past the clock. */
    private long playbackPosition(long wallNow) {
        if (state != State.PLAYING || Double.isInfinite(speed)) {
            return clock.now();
        }
        double advanced = (wallNow - wallAnchor) * speed;
        return (long) Math.min(clock.now(), simAnchor + advanced);
    }

    /** The index of the next step to run (the number of steps that ran). */
    public int stepIndex() {
        return run.index();
    }

    /** The number of steps of the scenario. */
    public int stepCount() {
        return run.size();
    }

    /** The next step to run, or null at the end or after a failure. */
    public @Nullable Step nextStep() {
        stepLock.lock();
        try {
            return run.peek();
        } finally {
            stepLock.unlock();
        }
    }

    /** The outcomes of the steps that ran, in order (a copy). */
    public List<StepOutcome> outcomes() {
        stepLock.lock();
        try {
            return run.outcomes();
        } finally {
            stepLock.unlock();
        }
    }

    /** The simulated time now, in nanoseconds from the start of the scenario. */
    public long simulatedTime() {
        return clock.now();
    }

    /** The number of events the steps emitted so far (all of them appended to the trace store when there is one). */
    public long eventCount() {
        return events.get();
    }

    /** The trace store written, or null. */
    public @Nullable TraceWriter trace() {
        return out;
    }

    /** Why the simulator FAILED (the file, the line and the problem), or null. */
    public @Nullable ScenarioException failure() {
        synchronized (lock) {
            return failure;
        }
    }

    /**
     * Plays the remaining steps on a thread of its own, paced at {@link #speed()}. Does nothing
     * when playing, finished, failed or closed.
     */
    public void play() {
        Thread t;
        synchronized (lock) {
            if (closed || (state != State.READY && state != State.PAUSED)) {
                return;
            }
            state = State.PLAYING;
            wallAnchor = System.nanoTime();
            simAnchor = clock.now();
            int mine = ++generation;
            t = new Thread(() -> playLoop(mine), "dmascope simulator " + run.scenario().name());
            t.setDaemon(true);
            player = t;
        }
        // Listeners hear PLAYING before the first step the thread runs.
        fireState(State.PLAYING);
        t.start();
    }

    /**
     * Stops playing after the step that runs now, and returns once it is done (its events
     * flushed). Does nothing unless playing.
     */
    public void pause() {
        Thread t;
        synchronized (lock) {
            if (state != State.PLAYING) {
                return;
            }
            state = State.PAUSED;
            generation++;
            t = player;
            player = null;
            lock.notifyAll();
        }
        joinUnlessSelf(t);
        flushQuietly();
        fireState(State.PAUSED);
    }

    private static void joinUnlessSelf(@Nullable Thread t) {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs exactly the next step now, on this thread (pausing first when playing).
     *
     * @return its outcome, or null when no step remains, the simulator failed or is closed
     *         (a step that cannot run as written returns null and sets {@link State#FAILED})
     */
    public @Nullable StepOutcome step() {
        pause();
        synchronized (lock) {
            if (closed || state == State.FINISHED || state == State.FAILED) {
                return null;
            }
        }
        return runOne(-1, true);
    }

    /**
     * Runs steps now, on this thread and as fast as possible (the events reach the file when the
     * writer's flush interval says, and when this returns), while simulated time is before
     * {@code untilNs} (each step runs whole: the last may end after it) and steps remain.
     * Pauses first when playing.
     *
     * @return the number of steps that ran
     */
    public int runUntil(long untilNs) {
        pause();
        int n = 0;
        while (clock.now() < untilNs) {
            synchronized (lock) {
                if (closed || state == State.FINISHED || state == State.FAILED) {
                    break;
                }
            }
            if (runOne(-1, false) == null) {
                break;
            }
            n++;
        }
        flushQuietly();
        return n;
    }

    private void playLoop(int mine) {
        while (true) {
            synchronized (lock) {
                if (!waitForDue(mine)) {
                    return;
                }
            }
            boolean paced;
            synchronized (lock) {
                paced = !Double.isInfinite(speed);
            }
            if (runOne(mine, paced) == null) {
                return;
            }
        }
    }

    /** Waits (holding lock) until the wall clock reaches the simulated time of the next step; false when no longer playing. */
    private boolean waitForDue(int mine) {
        while (true) {
            if (generation != mine || state != State.PLAYING) {
                return false;
            }
            if (Double.isInfinite(speed)) {
                return true;
            }
            long due = wallAnchor + (long) ((clock.now() - simAnchor) / speed);
            long left = due - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                lock.wait(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Runs the next step; null at the end or on failure. mine: the play thread's generation, -1
     * for a caller's step; flush: whether its events are flushed to the file at once.
     */
    private @Nullable StepOutcome runOne(int mine, boolean flush) {
        stepLock.lock();
        StepOutcome outcome = null;
        State changed = null;
        long time = 0;
        try {
            synchronized (lock) {
                if (closed || (mine >= 0 && (generation != mine || state != State.PLAYING))) {
                    return null;
                }
            }
            if (!run.hasNext()) {
                changed = finish();
                return null;
            }
            Step step = run.peek();
            try {
                outcome = run.next();
                time = run.lastStepEnd();
                if (flush && out != null) {
                    out.flush();
                }
            } catch (ScenarioException e) {
                changed = fail(e);
                return null;
            } catch (IOException | UncheckedIOException e) {
                String msg = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
                String where = out == null ? "the trace" : String.valueOf(out.file());
                changed = fail(step == null ? new ScenarioException(run.scenario().file(), 0, "cannot write " + where
                        + ": " + msg) : step.error("cannot write " + where + ": " + msg));
                return null;
            } catch (RuntimeException e) {
                // A fault of a step kind's code: the session stops as FAILED rather than a dead thread.
                LOG.log(System.Logger.Level.ERROR, "a scenario step failed unexpectedly", e);
                String what = "internal error: " + e;
                changed = fail(step == null ? new ScenarioException(run.scenario().file(), 0, what)
                        : step.error(step.kind() + ": " + what));
                return null;
            }
            if (!run.hasNext()) {
                changed = finish();
            } else {
                synchronized (lock) {
                    if (state == State.READY) {
                        state = State.PAUSED;
                        changed = State.PAUSED;
                    }
                }
            }
        } finally {
            stepLock.unlock();
            if (outcome != null) {
                fireStep(outcome, time);
            }
            if (changed != null) {
                fireState(changed);
            }
        }
        return outcome;
    }

    private State finish() {
        flushQuietly();
        synchronized (lock) {
            state = State.FINISHED;
            player = null;
        }
        return State.FINISHED;
    }

    private State fail(ScenarioException e) {
        flushQuietly();
        synchronized (lock) {
            failure = e;
            state = State.FAILED;
            player = null;
        }
        return State.FAILED;
    }

    private void flushQuietly() {
        TraceWriter w = out;
        if (w == null) {
            return;
        }
        try {
            w.flush();
        } catch (IOException | IllegalStateException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot flush " + w.file() + ": " + e.getMessage());
        }
    }

    private void fireStep(StepOutcome outcome, long time) {
        for (Listener l : listeners) {
            try {
                l.stepDone(outcome, time);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a simulator listener failed", e);
            }
        }
    }

    private void fireState(State s) {
        for (Listener l : listeners) {
            try {
                l.stateChanged(s);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a simulator listener failed", e);
            }
        }
    }

    /**
     * Stops the play thread (after the step that runs now) and closes the trace store. The
     * simulator runs nothing afterwards.
     *
     * @throws IOException when the trace store cannot be written
     */
    @Override
    public void close() throws IOException {
        pause();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stepLock.lock();
        try {
            if (out != null) {
                out.close();
            }
        } finally {
            stepLock.unlock();
        }
    }
}
