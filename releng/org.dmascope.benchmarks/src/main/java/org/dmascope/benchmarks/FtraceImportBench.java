package org.dmascope.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.ftrace.FtraceReader;
import org.dmascope.trace.ftrace.SyntheticFtrace;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Importing a SYNTHETIC tracefs trace file of N event lines (SyntheticFtrace: the kernel's own
 * formats, a quarter of the lines generic events), every line parsed into its event. One
 * operation is the whole file: lines per second = N / (seconds per operation). Goal: 2 M lines/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class FtraceImportBench {

    @Param("1000000")
    public long lines;

    private Path file;

    @Setup
    public void setUp() throws IOException {
        Path dir = Path.of(System.getProperty("dmascope.bench.data", "target/bench-data"));
        Files.createDirectories(dir);
        file = dir.resolve("synthetic-ftrace-" + lines + ".txt");
        if (!Files.isRegularFile(file)) {
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            SyntheticFtrace.write(tmp, lines, 42);
            Files.move(tmp, file);
        }
    }

    /** Reads every line of the file into events. */
    @Benchmark
    public long importLines(Blackhole bh) throws IOException, InputException {
        long n = 0;
        try (FtraceReader r = FtraceReader.open(file)) {
            for (TraceEvent e = r.read(); e != null; e = r.read()) {
                bh.consume(e);
                n++;
            }
        }
        return n;
    }
}
