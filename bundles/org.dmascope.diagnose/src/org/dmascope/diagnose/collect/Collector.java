package org.dmascope.diagnose.collect;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.dmascope.diagnose.machine.KernelLogCapture;
import org.dmascope.diagnose.machine.Machine;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Writes one archive with what maintainers ask for: the PCI tree of sysfs with config space,
 * /proc/cmdline, modules, iomem, cpuinfo, meminfo, the kernel log, IOMMU groups,
 * /sys/kernel/mm/memory_peers, /proc/driver/nvidia, RLIMIT_MEMLOCK (this process's limits),
 * hugepage settings, the kernel version and configuration, and the NCCL files named. It lays them
 * out as on the machine below one top folder, so that the archive opens as a sysfs snapshot
 * wherever a SOURCE is read, and writes MANIFEST.txt: what was collected and exactly what could
 * not be read, and why.
 */
public final class Collector {

    /** The manifest's name in the archive. */
    public static final String MANIFEST = "MANIFEST.txt";

    // The function attributes the sysfs importer and the doctor read.
    private static final List<String> ATTRIBUTES = List.of("vendor", "device", "subsystem_vendor", "subsystem_device",
            "class", "revision", "secondary_bus_number", "subordinate_bus_number", "resource", "current_link_speed",
            "current_link_width", "max_link_speed", "max_link_width", "numa_node", "local_cpulist", "config");
    private static final List<String> LINKS = List.of("driver", "iommu_group");
    private static final Path SYS = Path.of("/sys");
    private static final Path PROC = Path.of("/proc");

    /** One thing that could not be read, and why. */
    public record Missing(String path, String why) {
    }

    /**
     * What a collection wrote.
     *
     * @param archive   the archive
     * @param top       its top folder
     * @param collected how many files and links it holds, by area
     * @param missing   what could not be read
     */
    public record Result(Path archive, String top, Map<String, Integer> collected, List<Missing> missing) {
        /** Copies the collections. */
        public Result {
            collected = Map.copyOf(collected);
            missing = List.copyOf(missing);
        }
    }

    private final FileAccess access;
    private final Path root;
    private final List<Missing> missing = new ArrayList<>();
    private final Map<String, Integer> collected = new LinkedHashMap<>();
    private final Set<String> written = new LinkedHashSet<>();
    private TarArchiveOutputStream tar;
    private String top = "";

    /**
     * @param access how files are read
     * @param root   the machine's root: "/" (tests may give another folder)
     */
    public Collector(FileAccess access, Path root) {
        this.access = access;
        this.root = root;
    }

    /** A collector of the live machine. */
    public static Collector live() {
        return new Collector(FileAccess.LIVE, Path.of("/"));
    }

    /** The default archive name: dmascope-collect-HOST-YYYYMMDD-HHMMSS.tar.gz. */
    public static String defaultName() {
        return topFolder() + ".tar.gz";
    }

    private static String topFolder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "host";
        }
        host = host.replaceAll("[^A-Za-z0-9._-]", "_");
        return "dmascope-collect-" + host + "-"
                + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    }

    /**
     * Collects into an archive.
     *
     * @param out        the archive to write (tar.gz)
     * @param ncclFiles  NCCL topology or log files to add
     * @throws IOException when the archive cannot be written
     */
    public Result collect(Path out, List<Path> ncclFiles, IProgressMonitor monitor) throws IOException {
        SubMonitor progress = SubMonitor.convert(monitor, "Collecting", 10);
        top = topFolder() + "/";
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream file = Files.newOutputStream(out);
                TarArchiveOutputStream t = new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
            tar = t;
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            pciTree();
            progress.split(4);
            machine();
            progress.split(1);
            kernelFiles();
            progress.split(1);
            kernelLog();
            progress.split(2);
            nccl(ncclFiles);
            progress.split(1);
            manifest();
            progress.split(1);
        }
        return new Result(out, top, collected, missing);
    }

    // ------------------------------------------------------------------ areas

    private void pciTree() throws IOException {
        Path devices = SYS.resolve("bus/pci/devices");
        List<String> entries = listOrMiss(devices, "the PCI devices");
        for (String e : entries) {
            Path entry = devices.resolve(e);
            Path target = access.readLink(at(entry));
            if (target == null) {
                missing.add(new Missing(entry.toString(), "not a link to the device's directory"));
                continue;
            }
            link(entry, target, "pci");
            Path dir = entry.getParent().resolve(target).normalize();
            for (String a : ATTRIBUTES) {
                Path p = dir.resolve(a);
                if (!access.exists(at(p))) {
                    continue; // not every function has every attribute (bridges' bus numbers, links)
                }
                byte[] data = file(p, "pci");
                if (data != null && a.equals("config")) {
                    long size = safeSize(p);
                    if (data.length < size) {
                        missing.add(new Missing(p.toString(), "read " + data.length + " of " + size + " bytes: beyond the"
                                + " first 64 bytes config space needs root (CAP_SYS_ADMIN); ACS and the other extended"
                                + " capabilities are missing"));
                    }
                }
            }
            for (String l : LINKS) {
                Path p = dir.resolve(l);
                Path t = access.readLink(at(p));
                if (t != null) {
                    link(p, t, "pci");
                }
            }
            Path p2p = dir.resolve("p2pmem");
            if (access.isDirectory(at(p2p))) {
                for (String a : List.of("size", "available", "published")) {
                    file(p2p.resolve(a), "pci");
                }
            }
        }
        for (String n : listQuiet(SYS.resolve("devices/system/node"))) {
            if (n.matches("node\\d+")) {
                Path cpulist = SYS.resolve("devices/system/node/" + n + "/cpulist");
                byte[] cpus = file(cpulist, "numa");
                if (cpus != null) {
                    String first = new String(cpus, StandardCharsets.UTF_8).trim().split("[,-]")[0];
                    if (!first.isEmpty()) {
                        file(SYS.resolve("devices/system/cpu/cpu" + first + "/topology/physical_package_id"), "numa");
                    }
                }
            }
        }
    }

    private void machine() throws IOException {
        Path groups = SYS.resolve("kernel/iommu_groups");
        List<String> list = listOrMiss(groups, "IOMMU groups");
        if (list.isEmpty()) {
            missing.add(new Missing(groups.toString(), "no IOMMU group: no IOMMU is active (off in the firmware or on the"
                    + " command line, or a virtual machine without a virtual IOMMU)"));
        }
        for (String g : list) {
            file(groups.resolve(g + "/type"), "iommu");
            file(groups.resolve(g + "/reserved_regions"), "iommu");
            for (String d : listQuiet(groups.resolve(g + "/devices"))) {
                Path p = groups.resolve(g + "/devices/" + d);
                Path t = access.readLink(at(p));
                if (t != null) {
                    link(p, t, "iommu");
                }
            }
        }
        Path peers = SYS.resolve("kernel/mm/memory_peers");
        if (access.isDirectory(at(peers))) {
            tree(peers, "memory_peers", 4);
        } else {
            missing.add(new Missing(peers.toString(), "not present: no peer memory client (nvidia-peermem, nv_peer_mem) is"
                    + " registered, or ib_core has no peer memory API (only MLNX_OFED's has it)"));
        }
        for (String f : List.of("cmdline", "modules", "iomem", "cpuinfo", "meminfo", "version", "sys/kernel/osrelease",
                "sys/kernel/arch", "self/limits")) {
            if (f.equals("modules") && !access.exists(at(PROC.resolve(f)))) {
                missing.add(new Missing("/proc/modules", "not present: a kernel without loadable modules"
                        + " (CONFIG_MODULES off); the drivers are built in"));
                continue;
            }
            byte[] data = file(PROC.resolve(f), "proc");
            if (f.equals("iomem") && data != null && !access.privileged()
                    && new String(data, StandardCharsets.US_ASCII).matches("(?s)(\\s*0+-0+ : [^\\n]*\\n)*\\s*")) {
                missing.add(new Missing("/proc/iomem", "the addresses read as 0 without root (CAP_SYS_ADMIN)"));
            }
        }
        Path nvidia = PROC.resolve("driver/nvidia");
        if (access.isDirectory(at(nvidia))) {
            file(nvidia.resolve("version"), "nvidia");
            file(nvidia.resolve("params"), "nvidia");
            for (String g : listQuiet(nvidia.resolve("gpus"))) {
                file(nvidia.resolve("gpus/" + g + "/information"), "nvidia");
            }
        } else {
            missing.add(new Missing(nvidia.toString(), "not present: the NVIDIA driver is not loaded"));
        }
        Path thp = SYS.resolve("kernel/mm/transparent_hugepage");
        file(thp.resolve("enabled"), "hugepages");
        file(thp.resolve("defrag"), "hugepages");
        for (String h : listQuiet(SYS.resolve("kernel/mm/hugepages"))) {
            file(SYS.resolve("kernel/mm/hugepages/" + h + "/nr_hugepages"), "hugepages");
            file(SYS.resolve("kernel/mm/hugepages/" + h + "/free_hugepages"), "hugepages");
        }
        Path dmi = SYS.resolve("class/dmi/id");
        if (access.isDirectory(at(dmi))) {
            file(dmi.resolve("sys_vendor"), "dmi");
            file(dmi.resolve("product_name"), "dmi");
        }
        for (String cls : List.of("infiniband", "net")) {
            for (String n : listQuiet(SYS.resolve("class/" + cls))) {
                Path p = SYS.resolve("class/" + cls + "/" + n);
                Path t = access.readLink(at(p));
                if (t != null) {
                    link(p, t, "class");
                }
            }
        }
    }

    private void kernelFiles() throws IOException {
        Path gz = PROC.resolve("config.gz");
        byte[] config = null;
        String from = null;
        try {
            byte[] data = access.read(at(gz));
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
                config = in.readAllBytes();
                from = gz.toString();
            }
        } catch (NoSuchFileException e) {
            missing.add(new Missing(gz.toString(), "not present (a kernel without CONFIG_IKCONFIG_PROC)"));
        } catch (IOException e) {
            missing.add(new Missing(gz.toString(), reason(e)));
        }
        if (config == null) {
            String release = null;
            try {
                release = new String(access.read(at(PROC.resolve("sys/kernel/osrelease"))), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                // Already listed among the /proc files.
            }
            if (release != null) {
                Path boot = Path.of("/boot/config-" + release);
                try {
                    config = access.read(at(boot));
                    from = boot.toString();
                } catch (IOException e) {
                    missing.add(new Missing(boot.toString(), reason(e)));
                }
            }
        }
        if (config != null) {
            put("kernel/config", config, "kernel");
            put("kernel/config.from", (from + "\n").getBytes(StandardCharsets.UTF_8), "kernel");
        }
    }

    private void kernelLog() throws IOException {
        KernelLogCapture.Result log = access.kernelLog();
        for (KernelLogCapture.Attempt a : log.attempts()) {
            if (!a.ok()) {
                missing.add(new Missing("kernel log: " + a.how(), a.why()));
            }
        }
        if (log.text() != null && log.fileName() != null) {
            put("kernel/" + log.fileName(), log.text().getBytes(StandardCharsets.UTF_8), "kernel log");
            put("kernel/log.from", (log.how() + "\n").getBytes(StandardCharsets.UTF_8), "kernel log");
        }
    }

    private void nccl(List<Path> files) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Path f : files) {
            String base = f.getFileName() == null ? "file" : f.getFileName().toString();
            String name = base;
            for (int i = 2; !names.add(name); i++) {
                name = i + "-" + base;
            }
            try {
                put(Machine.NCCL_FOLDER + "/" + name, Files.readAllBytes(f), "nccl");
            } catch (IOException e) {
                missing.add(new Missing(f.toString(), reason(e)));
            }
        }
    }

    private void manifest() throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("dmascope collect\n");
        sb.append("top folder: ").append(top).append('\n');
        sb.append("collected as: ").append(access.privileged() ? "root" : "an unprivileged user (not root)")
                .append('\n');
        sb.append("written: ").append(ZonedDateTime.now(ZoneOffset.UTC)).append("\n\n");
        sb.append("collected (files and links by area):\n");
        collected.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
        sb.append("\ncould not read (").append(missing.size()).append("):\n");
        for (Missing m : missing) {
            sb.append("  ").append(m.path()).append(": ").append(m.why()).append('\n');
        }
        put(MANIFEST, sb.toString().getBytes(StandardCharsets.UTF_8), "manifest");
    }

    // ------------------------------------------------------------------ helpers

    private Path at(Path absolute) {
        return root.resolve(absolute.toString().substring(1));
    }

    private @Nullable byte[] file(Path absolute, String area) throws IOException {
        byte[] data;
        try {
            data = access.read(at(absolute));
        } catch (IOException e) {
            missing.add(new Missing(absolute.toString(), reason(e)));
            return null;
        }
        put(absolute.toString().substring(1), data, area);
        return data;
    }

    private long safeSize(Path absolute) {
        try {
            return access.size(at(absolute));
        } catch (IOException e) {
            return -1;
        }
    }

    private void tree(Path dir, String area, int depth) throws IOException {
        if (depth < 0) {
            return;
        }
        for (String n : listOrMiss(dir, area)) {
            Path p = dir.resolve(n);
            Path t = access.readLink(at(p));
            if (t != null) {
                link(p, t, area);
            } else if (access.isDirectory(at(p))) {
                tree(p, area, depth - 1);
            } else {
                file(p, area);
            }
        }
    }

    private List<String> listOrMiss(Path dir, String what) {
        try {
            return access.list(at(dir));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            missing.add(new Missing(dir.toString(), reason(e) + " (" + what + ")"));
            return List.of();
        }
    }

    private List<String> listQuiet(Path dir) {
        try {
            return access.list(at(dir));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (readable by root only)";
        }
        if (e instanceof NoSuchFileException) {
            return "not present";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private void put(String path, byte[] data, String area) throws IOException {
        if (!written.add(path)) {
            return;
        }
        TarArchiveEntry e = new TarArchiveEntry(top + path);
        e.setSize(data.length);
        e.setMode(0644);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
        collected.merge(area, 1, Integer::sum);
    }

    private void link(Path absolute, Path target, String area) throws IOException {
        String path = absolute.toString().substring(1);
        if (!written.add(path)) {
            return;
        }
        TarArchiveEntry e = new TarArchiveEntry(top + path, TarArchiveEntry.LF_SYMLINK);
        e.setLinkName(target.toString());
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        collected.merge(area, 1, Integer::sum);
    }
}
