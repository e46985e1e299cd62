package org.dmascope.diagnose.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.diagnose.collect.Collector;
import org.dmascope.diagnose.collect.FileAccess;
import org.dmascope.diagnose.doctor.Doctor;
import org.dmascope.diagnose.doctor.Finding;
import org.dmascope.diagnose.doctor.Verdict;
import org.dmascope.diagnose.machine.KernelLogCapture;
import org.dmascope.diagnose.machine.Machine;
import org.dmascope.sources.TopologySources;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.annotation.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** collect on this machine, as root and as an unprivileged user, and the archive read back as a SOURCE. */
class CollectTest {

    @TempDir
    Path tmp;

    private static final TopologySources SOURCES = TopologySources.builtIn();

    private static String manifest(Path archive) throws InputException {
        Machine m = Machine.open(archive.toString(), SOURCES, new NullProgressMonitor());
        return m.files().text(Collector.MANIFEST).orElseThrow();
    }

    @Test
    void collectThenDoctorRoundTripOnThisVirtualMachine() throws IOException, InputException {
        Path log = tmp.resolve("nccl.log");
        Files.writeString(log, "h:1:1 [0] NCCL INFO NCCL version 2.18.3+cuda12.2\n"
                + "h:1:1 [0] NCCL INFO GPU Direct RDMA Disabled for GPU 3000 / HCA 0 (distance 7 > 4)\n");
        Path archive = tmp.resolve("out/collect.tar.gz");
        Collector.Result r = Collector.live().collect(archive, List.of(log,
                TestData.path("nccl-topo/aws-p4d-24xl-topo.xml")), new NullProgressMonitor());
        assertTrue(Files.size(archive) > 0);
        assertTrue(r.collected().get("pci") > 0, r.collected().toString());

        // The archive opens like the live machine.
        PciTopology live = SOURCES.live(new NullProgressMonitor());
        Machine m = Machine.open(archive.toString(), SOURCES, new NullProgressMonitor());
        assertEquals(live.functions().stream().map(PciFunction::address).toList(),
                m.topology().functions().stream().map(PciFunction::address).toList());
        for (PciFunction f : live.functions()) {
            PciFunction g = m.topology().function(f.address()).orElseThrow();
            assertEquals(f.idPair(), g.idPair());
            assertEquals(f.bars(), g.bars());
            assertEquals(f.numaNode(), g.numaNode());
            assertEquals(f.driver(), g.driver());
            assertEquals(f.configBytes(), g.configBytes());
        }
        assertEquals(live.cpu(), m.topology().cpu());
        assertTrue(m.kernelLog() != null && m.kernelLog().entries().size() > 10);
        assertEquals(1, m.ncclLogs().size(), "the log is read; the topology file is kept but is no log");
        assertTrue(m.files().exists("nccl/aws-p4d-24xl-topo.xml"));
        assertTrue(m.files().text("proc/cmdline").isPresent());
        assertTrue(m.files().text("proc/self/limits").orElseThrow().contains("Max locked memory"));

        String manifest = m.files().text(Collector.MANIFEST).orElseThrow();
        assumeTrue("root".equals(System.getProperty("user.name")), "collected as root only when run as root");
        assertTrue(manifest.contains("collected as: root"), manifest);
        // What follows is this machine: a KVM guest without a virtual IOMMU.
        assumeTrue(DoctorLiveTest.virtualMachineWithoutIommuGroups(), "not a virtual machine without IOMMU groups");
        assertTrue(manifest.contains("/sys/kernel/iommu_groups: no IOMMU group"), manifest);

        List<Finding> findings = new Doctor(m, null).run();
        Finding iommu = findings.stream().filter(f -> f.check().equals("iommu-mode")).findFirst().orElseThrow();
        assertTrue(iommu.summary().startsWith("off: no IOMMU groups (a virtual machine without a virtual IOMMU)"),
                iommu.summary());
        assertTrue(iommu.evidence().contains(archive + ": " + r.top() + "sys/kernel/iommu_groups: no IOMMU group"),
                iommu.evidence().toString());
        Finding vm = findings.stream().filter(f -> f.check().equals("virtual-machine")).findFirst().orElseThrow();
        assertEquals(Verdict.WARN, vm.verdict());
        assertTrue(vm.evidence().stream().anyMatch(e -> e.contains("'hypervisor'")), vm.evidence().toString());
    }

    /** The live machine as a user without CAP_SYS_ADMIN and CAP_SYSLOG sees it (as the kernel serves it). */
    private static final class Unprivileged implements FileAccess {
        @Override
        public byte[] read(Path file) throws IOException {
            byte[] data = LIVE.read(file);
            String name = file.toString();
            if (name.endsWith("/config") && name.startsWith("/sys/")) {
                return Arrays.copyOf(data, Math.min(data.length, 64)); // pci_read_config() without CAP_SYS_ADMIN
            }
            if (name.equals("/proc/iomem")) {
                return new String(data, StandardCharsets.US_ASCII).replaceAll("(?m)^(\\s*)[0-9a-f]+-[0-9a-f]+",
                        "$100000000-00000000").getBytes(StandardCharsets.US_ASCII);
            }
            if (name.startsWith("/proc/config.gz")) {
                throw new AccessDeniedException(name);
            }
            return data;
        }

        @Override
        public long size(Path file) throws IOException {
            return LIVE.size(file);
        }

        @Override
        public List<String> list(Path directory) throws IOException {
            return LIVE.list(directory);
        }

        @Override
        public @Nullable Path readLink(Path path) {
            return LIVE.readLink(path);
        }

        @Override
        public boolean isDirectory(Path path) {
            return LIVE.isDirectory(path);
        }

        @Override
        public boolean exists(Path path) {
            return LIVE.exists(path);
        }

        @Override
        public KernelLogCapture.Result kernelLog() {
            return new KernelLogCapture.Result(null, null, null, List.of(
                    new KernelLogCapture.Attempt("dmesg", false,
                            "dmesg: read kernel buffer failed: Operation not permitted (exit status 1)"),
                    new KernelLogCapture.Attempt("dd if=/dev/kmsg iflag=nonblock bs=16384 status=none", false,
                            "dd: failed to open '/dev/kmsg': Operation not permitted (exit status 1)"),
                    new KernelLogCapture.Attempt("journalctl -k -b -o short-monotonic --no-pager -q", false,
                            "no output (exit status 0)")));
        }

        @Override
        public boolean privileged() {
            return false;
        }
    }

    @Test
    void withoutRootTheManifestListsWhatItMissedAndTheArchiveStillOpens() throws IOException, InputException {
        Path archive = tmp.resolve("user.tar.gz");
        Collector.Result r = new Collector(new Unprivileged(), Path.of("/")).collect(archive, List.of(),
                new NullProgressMonitor());
        List<String> missed = r.missing().stream().map(x -> x.path() + ": " + x.why()).toList();
        PciTopology live = SOURCES.live(new NullProgressMonitor());
        for (PciFunction f : live.functions()) {
            assertTrue(missed.stream().anyMatch(x -> x.contains("/" + f.address() + "/config: read 64 of ")), f.address()
                    + " " + missed);
        }
        assertTrue(missed.contains("/proc/iomem: the addresses read as 0 without root (CAP_SYS_ADMIN)"), missed.toString());
        assertTrue(missed.contains("/proc/config.gz: permission denied (readable by root only)"), missed.toString());
        assertTrue(missed.contains("kernel log: dmesg: dmesg: read kernel buffer failed: Operation not permitted (exit status 1)"),
                missed.toString());
        String manifest = manifest(archive);
        assertTrue(manifest.contains("collected as: an unprivileged user (not root)"), manifest);
        for (String line : missed) {
            assertTrue(manifest.contains("  " + line + "\n"), line);
        }
        // The doctor still runs on it, and says what the archive lacks.
        Machine m = Machine.open(archive.toString(), SOURCES, new NullProgressMonitor());
        List<Finding> findings = new Doctor(m, null).run();
        Finding noLog = findings.stream().filter(f -> f.check().equals("p2pdma-log")).findFirst().orElseThrow();
        assertEquals("not checked: no kernel log", noLog.summary());
        assertTrue(noLog.evidence().contains("kernel log: dmesg: dmesg: read kernel buffer failed: Operation not permitted"
                + " (exit status 1)"), "the manifest's reason is cited: " + noLog.evidence());
    }

    @Test
    void asTheNobodyUserForReal() throws IOException, InterruptedException, InputException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is needed");
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can become nobody");
        // A folder nobody can read and write: the classes and jars of this JVM's bundles, and the output.
        Path work = Files.createDirectories(tmp.resolve("nobody"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> classpath = new ArrayList<>();
        int n = 0;
        for (Class<?> c : List.of(UnprivilegedCollectMain.class, Collector.class, PciTopology.class, TopologySources.class,
                org.apache.commons.compress.archivers.tar.TarArchiveEntry.class, org.apache.commons.io.IOUtils.class,
                org.apache.commons.lang3.StringUtils.class, NullProgressMonitor.class, org.osgi.framework.Bundle.class)) {
            Path from = Path.of(c.getProtectionDomain().getCodeSource().getLocation().getPath());
            Path to = work.resolve("cp" + n++ + (Files.isDirectory(from) ? "" : ".jar"));
            copy(from, to);
            classpath.add(to.toString());
        }
        Path out = work.resolve("nobody.tar.gz");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java,
                "-cp", String.join(File.pathSeparator, classpath), UnprivilegedCollectMain.class.getName(), out.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("run.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(work.resolve("run.txt")));
        String manifest = manifest(out);
        assertTrue(manifest.contains("collected as: an unprivileged user (not root)"), manifest);
        assertTrue(manifest.contains("/config: read 64 of "), manifest);
        if (Files.readString(Path.of("/proc/sys/kernel/dmesg_restrict")).trim().equals("1")) {
            assertTrue(manifest.contains("kernel log: dmesg: dmesg: read kernel buffer failed: Operation not permitted"),
                    manifest);
        }
        // What root collects has none of these.
        Path asRoot = tmp.resolve("root.tar.gz");
        Collector.live().collect(asRoot, List.of(), new NullProgressMonitor());
        assertFalse(manifest(asRoot).contains("/config: read 64 of "));
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to);
            return;
        }
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        try (Stream<Path> all = Files.walk(to)) {
            for (Path p : all.toList()) {
                p.toFile().setReadable(true, false);
                p.toFile().setExecutable(true, false);
            }
        }
    }
}
