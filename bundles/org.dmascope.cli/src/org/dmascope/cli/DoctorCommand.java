package org.dmascope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;

import org.dmascope.core.memory.Sizes;
import org.dmascope.core.source.InputException;
import org.dmascope.diagnose.doctor.Doctor;
import org.dmascope.diagnose.doctor.Finding;
import org.dmascope.diagnose.doctor.Verdict;
import org.dmascope.diagnose.machine.Machine;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.annotation.Nullable;

import com.google.gson.stream.JsonWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmascope doctor [SOURCE] [--json] [--mr-size BYTES]}: every check, with verdict, devices, evidence and fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check a machine for what stands in the way of peer-to-peer DMA and GPUDirect RDMA: ACS redirect"
                + " between GPUs, NICs and NVMe drives (with the pci=disable_acs_redir= parameter and the setpci"
                + " commands), the kernel's p2pdma refusals, the IOMMU mode and IOMMU faults, whether GPUDirect RDMA"
                + " can work and how (nvidia-peermem or dma-buf), RLIMIT_MEMLOCK, GPU BAR1, links trained below their"
                + " maximum, GPU-NIC NUMA locality, and virtual machines.",
            "SOURCE: a 'dmascope collect' archive (or its unpacked folder), a sysfs snapshot, or any topology 'topo'"
                    + " reads (then only the topology checks can say more than 'not known'). Default: this machine."},
        footer = {"", "JSON: {\"findings\":[{\"check\", \"verdict\" (ok, warn, fail), \"devices\":[...], \"evidence\":[...],"
                + " \"fix\"}]}.", "Exit status: 0 when no check fails, 1 when one fails, 2 for bad input."})
final class DoctorCommand implements Callable<Integer> {

    private final DmaScopeCli cli;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SOURCE", description = "The machine (default: this one).")
    private @Nullable String source;

    @Option(names = "--json", description = "Print JSON instead of text.")
    private boolean json;

    @Option(names = "--mr-size", paramLabel = "BYTES",
            description = "The memory region to register: checked against RLIMIT_MEMLOCK and GPU BAR1 (K, M, G suffixes, 0x...).")
    private @Nullable String mrSize;

    DoctorCommand(DmaScopeCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InputException {
        Long size = null;
        if (mrSize != null) {
            try {
                size = Sizes.parse(mrSize);
            } catch (IllegalArgumentException e) {
                throw new InputException("--mr-size", null, e.getMessage() + " (bytes, with K, M, G or 0x...)");
            }
            if (size <= 0) {
                throw new InputException("--mr-size", null, "must be at least 1 byte: " + mrSize);
            }
        }
        Machine machine = Machine.open(source, cli.sources(), new NullProgressMonitor());
        List<Finding> findings = new Doctor(machine, size).run();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            writeJson(findings, out);
        } else {
            writeText(machine, findings, out);
        }
        out.flush();
        return Doctor.failed(findings) ? DmaScopeCli.EXIT_FAILURE : DmaScopeCli.EXIT_OK;
    }

    static void writeText(Machine machine, List<Finding> findings, PrintWriter out) {
        out.println("dmascope doctor: " + machine.name());
        for (Finding f : findings) {
            out.println();
            out.println("[" + f.verdict().label() + "] " + f.check() + ": " + f.summary());
            if (!f.devices().isEmpty()) {
                out.println("  devices:  " + String.join(" ", f.devices()));
            }
            for (String e : f.evidence()) {
                out.println("  evidence: " + e);
            }
            out.println("  fix:      " + f.fix());
        }
        out.println();
        long ok = findings.stream().filter(f -> f.verdict() == Verdict.OK).count();
        long warn = findings.stream().filter(f -> f.verdict() == Verdict.WARN).count();
        long fail = findings.stream().filter(f -> f.verdict() == Verdict.FAIL).count();
        out.println(findings.size() + " findings: " + ok + " ok, " + warn + " warn, " + fail + " fail");
    }

    static void writeJson(List<Finding> findings, PrintWriter out) {
        try {
            JsonWriter w = new JsonWriter(out);
            w.setIndent("  ");
            w.beginObject();
            w.name("findings").beginArray();
            for (Finding f : findings) {
                w.beginObject();
                w.name("check").value(f.check());
                w.name("verdict").value(f.verdict().label());
                w.name("devices").beginArray();
                for (String d : f.devices()) {
                    w.value(d);
                }
                w.endArray();
                w.name("evidence").beginArray();
                for (String e : f.evidence()) {
                    w.value(e);
                }
                w.endArray();
                w.name("fix").value(f.fix());
                w.endObject();
            }
            w.endArray();
            w.endObject();
            w.flush();
            out.println();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
