package org.dmascope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.dmascope.core.source.InputException;
import org.dmascope.diagnose.collect.Collector;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.annotation.Nullable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmascope collect [OUT.tar.gz] [--nccl FILE]...}: what maintainers ask for, in one archive. */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {"Write one archive with what maintainers of NCCL, nv_peer_memory, gdrcopy and rdma-core ask for:"
                + " the PCI tree of sysfs with config space, /proc/cmdline, modules, iomem, cpuinfo, meminfo, the kernel"
                + " log (dmesg, /dev/kmsg or the journal, whichever is readable), IOMMU groups,"
                + " /sys/kernel/mm/memory_peers, /proc/driver/nvidia, RLIMIT_MEMLOCK, hugepage settings, the kernel"
                + " version and configuration, and the NCCL files named with --nccl.",
            "Works without root: MANIFEST.txt in the archive lists exactly what could not be read, and why.",
            "The archive is a SOURCE for topo, paths and doctor, read like this machine."},
        footer = {"", "Exit status: 0 when the archive is written, 2 when an --nccl file cannot be read or OUT cannot be"
                + " written."})
final class CollectCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "OUT.tar.gz",
            description = "The archive to write (default: dmascope-collect-HOST-YYYYMMDD-HHMMSS.tar.gz here).")
    private @Nullable Path out;

    @Option(names = "--nccl", paramLabel = "FILE",
            description = "An NCCL topology file (NCCL_TOPO_FILE, NCCL_TOPO_DUMP_FILE) or an NCCL_DEBUG=INFO log to add; repeatable.")
    private List<Path> nccl = new ArrayList<>();

    CollectCommand() {
    }

    @Override
    public Integer call() throws InputException {
        for (Path f : nccl) {
            if (!Files.isRegularFile(f)) {
                throw new InputException(f.toString(), null, Files.exists(f) ? "not a file" : "no such file or directory");
            }
            if (!Files.isReadable(f)) {
                throw new InputException(f.toString(), null, "permission denied");
            }
        }
        Path target = out == null ? Path.of(Collector.defaultName()) : out;
        if (Files.isDirectory(target)) {
            throw new InputException(target.toString(), null, "is a directory: name the archive to write");
        }
        Collector.Result r;
        try {
            r = Collector.live().collect(target, nccl, new NullProgressMonitor());
        } catch (IOException e) {
            throw new InputException(target.toString(), null, "cannot write: " + e.getMessage(), e);
        }
        PrintWriter o = spec.commandLine().getOut();
        int total = r.collected().values().stream().mapToInt(Integer::intValue).sum();
        o.println("wrote " + target + ": " + total + " files and links below " + r.top() + " (" + String.join(", ",
                r.collected().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()) + ")");
        if (r.missing().isEmpty()) {
            o.println("everything was readable");
        } else {
            o.println("could not read " + r.missing().size() + " (also in " + Collector.MANIFEST + "):");
            r.missing().forEach(m -> o.println("  " + m.path() + ": " + m.why()));
        }
        o.flush();
        return DmaScopeCli.EXIT_OK;
    }
}
