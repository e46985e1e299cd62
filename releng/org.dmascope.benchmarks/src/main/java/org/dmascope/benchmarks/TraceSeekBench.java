package org.dmascope.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.TraceReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Seeking to a random time in a file of N SYNTHETIC events (100 M by default: about 1.5 GB,
 * written once into target/bench-data and kept): the time index's binary search and the decoding
 * of one chunk up to the first event at or after the time. Goal: under 10 ms. The heap is fixed
 * small (-Xmx256m) to show that reading does not grow with the trace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class TraceSeekBench {

    @Param("100000000")
    public long events;

    private TraceReader reader;
    private long first;
    private long span;
    private final SplittableRandom rnd = new SplittableRandom(7);

    @Setup
    public void setUp() throws IOException, InputException {
        Path f = SyntheticTrace.cached(events);
        reader = TraceReader.open(f);
        first = reader.firstTs();
        span = reader.lastTs() - first;
    }

    @TearDown
    public void tearDown() throws IOException {
        reader.close();
    }

    /** Seeks to a random time and reads the event found there. */
    @Benchmark
    public TraceEvent seek() {
        TraceReader.Cursor c = reader.seek(first + rnd.nextLong(span));
        return c.next();
    }
}
