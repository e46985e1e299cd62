package org.dmascope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.PeerAnalysis;
import org.dmascope.core.peer.PeerMatrix;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.MemoryBackends;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.annotation.Nullable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dmascope bench paths}: how long importing a large machine and classifying every pair
 * of its endpoints takes, on a generated sysfs snapshot.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks. 'bench paths' generates a sysfs snapshot of a machine with N endpoints "
                + "(SYNTHETIC: two sockets, a PCIe switch per host bridge, GPUs, NICs and NVMe drives), imports "
                + "it and classifies every ordered pair (NCCL type, nvidia-smi class, the kernel's map type), "
                + "R times, and prints each time and the best. 'bench resolve' runs the address chain of a G GiB "
                + "memory region (SYNTHETIC page tables: contiguous huge pages and fragmented 4 KiB pages) through "
                + "the installed backends, with and without an IOMMU, and prints ns per page and the peak heap. "
                + "'bench ftrace' writes a SYNTHETIC tracefs trace file of N lines (dma, iommu, scheduler and "
                + "interrupt events in the kernel's formats) to a temporary file and imports it R times, printing "
                + "lines per second."})
final class BenchCommand implements Callable<Integer> {

    private final DmaScopeCli cli;

    @Spec
    private CommandSpec spec;

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "WHAT", description = "paths, resolve or ftrace")
    private String what = "paths";

    @Option(names = "--endpoints", paramLabel = "N", description = "Endpoints in the machine (default 1000).")
    private int endpoints = 1000;

    @Option(names = "--repeat", paramLabel = "R", description = "How many runs (default 5; the first is cold).")
    private int repeat = 5;

    @Option(names = "--gib", paramLabel = "G", description = "resolve: the region's size in GiB (default 64).")
    private long gib = 64;

    @Option(names = "--lines", paramLabel = "N", description = "ftrace: event lines in the trace (default 1000000).")
    private long lines = 1_000_000;

    @Option(names = "--keep", paramLabel = "FILE", description = "Also write the generated snapshot to FILE.")
    private @Nullable Path keep;

    BenchCommand(DmaScopeCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws IOException, InputException {
        PrintWriter out = spec.commandLine().getOut();
        if ("resolve".equals(what)) {
            if (gib < 1 || gib > 1024 || repeat < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--gib must be 1 to 1024 and "
                        + "--repeat at least 1");
            }
            List<MemoryBackend> backends = MemoryBackends.installed();
            if (backends.isEmpty()) {
                throw new InputException("bench resolve", null, "no memory backend is installed (the struct page "
                        + "backend bundle org.dmascope.backend.structpage is missing or not started)");
            }
            try {
                return ResolveBench.run(backends, gib, repeat, out);
            } catch (MemoryReadException e) {
                throw new IllegalStateException(e);
            }
        }
        if ("ftrace".equals(what)) {
            if (lines < 1 || lines > 100_000_000 || repeat < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--lines must be 1 to 100000000 "
                        + "and --repeat at least 1");
            }
            return FtraceBench.run(lines, repeat, out);
        }
        if (!"paths".equals(what)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown benchmark '" + what
                    + "' (known: paths, resolve, ftrace)");
        }
        if (endpoints < 2 || repeat < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--endpoints must be at least 2 and "
                    + "--repeat at least 1");
        }
        SyntheticMachine machine = new SyntheticMachine(endpoints);
        Path file = keep != null ? keep : Files.createTempFile("dmascope-bench-", ".tar.gz");
        long g0 = System.nanoTime();
        try (OutputStream o = Files.newOutputStream(file)) {
            machine.write(o);
        }
        long generated = System.nanoTime() - g0;
        out.println(String.format(Locale.ROOT, "generated: SYNTHETIC machine, %d endpoints below %d switches, "
                + "sysfs snapshot of %,d bytes in %d ms (%s)", endpoints, machine.switches(), Files.size(file),
                generated / 1_000_000, file));
        long best = Long.MAX_VALUE;
        for (int run = 1; run <= repeat; run++) {
            resetPeaks();
            long t0 = System.nanoTime();
            PciTopology topology = cli.sources().open(file, file.getFileName().toString(), new NullProgressMonitor());
            long t1 = System.nanoTime();
            PeerAnalysis analysis = new PeerAnalysis(topology, KernelRules.DEFAULT, null,
                    PeerAnalysis.endpoints(topology, false));
            PeerMatrix matrix = analysis.matrix();
            long t2 = System.nanoTime();
            long pairs = (long) matrix.size() * (matrix.size() - 1);
            long total = t2 - t0;
            best = Math.min(best, total);
            out.println(String.format(Locale.ROOT, "run %d: import %d ms (%d functions), all pairs %d ms (%,d ordered "
                    + "pairs, %.0f ns per pair), total %d ms, peak heap %d MiB", run, (t1 - t0) / 1_000_000,
                    topology.size(), (t2 - t1) / 1_000_000, pairs, (double) (t2 - t1) / pairs, total / 1_000_000,
                    peakHeap() >> 20));
        }
        out.println(String.format(Locale.ROOT, "best: import plus all pairs %d ms (goal under 1000 ms)", best / 1_000_000));
        if (keep == null) {
            Files.deleteIfExists(file);
        }
        out.flush();
        return DmaScopeCli.EXIT_OK;
    }

    /** Collects garbage and resets the heap pools' peaks. */
    static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The heap pools' peak use since the last reset, in bytes. */
    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
