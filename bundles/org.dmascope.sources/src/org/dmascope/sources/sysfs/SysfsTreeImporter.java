package org.dmascope.sources.sysfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.dmascope.core.source.InputException;
import org.dmascope.core.source.TopologyImporter;
import org.dmascope.core.topology.Bar;
import org.dmascope.core.topology.ConfigSpace;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.LinkSpeed;
import org.dmascope.core.topology.NumaNode;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads the PCI hierarchy from a sysfs tree: the live {@code /sys} of this machine, a copy of
 * one in a directory (holding {@code bus/pci/devices}, or a root holding {@code sys/}), or a
 * snapshot archive (tar, tar.gz, tar.bz2) read in memory.
 *
 * <p>Each entry of {@code bus/pci/devices} links to the function's directory under
 * {@code devices/pciDDDD:BB/...}; the directories above it are its bridges, and the
 * {@code pciDDDD:BB} directory is its host bridge. Identity, resources, link, NUMA node,
 * IOMMU group and driver come from the function's attributes; port type, ACS and capabilities
 * from {@code config} (the first 64 bytes for an unprivileged reader, all of it for root).
 */
public final class SysfsTreeImporter implements TopologyImporter {

    /** This machine's sysfs. */
    public static final Path LIVE_ROOT = Path.of("/sys");

    private static final Pattern HOST_BRIDGE_DIR = Pattern.compile("pci([0-9a-fA-F]{4,8}):([0-9a-fA-F]{2})");
    private static final String DEVICES = "bus/pci/devices";

    @Override
    public String id() {
        return "sysfs";
    }

    @Override
    public String label() {
        return "sysfs tree (live /sys, a copy of one, or a tar/tar.gz/tar.bz2 snapshot)";
    }

    @Override
    public int recognise(Path input) {
        if (locate(input).isPresent()) {
            return 100;
        }
        // An archive may hold a sysfs tree; only reading it tells.
        return Files.isRegularFile(input) && ArchiveSysfsTree.sniff(input) != ArchiveSysfsTree.Format.OTHER ? 50 : 0;
    }

    /**
     * The sysfs root inside a directory: the directory itself when it holds
     * {@code bus/pci/devices}, its {@code sys/} directory, or that of its only subdirectory
     * (an unpacked snapshot).
     */
    public static Optional<Path> locate(Path input) {
        if (!Files.isDirectory(input)) {
            return Optional.empty();
        }
        if (Files.isDirectory(input.resolve(DEVICES))) {
            return Optional.of(input);
        }
        if (Files.isDirectory(input.resolve("sys").resolve(DEVICES))) {
            return Optional.of(input.resolve("sys"));
        }
        try (Stream<Path> children = Files.list(input)) {
            List<Path> dirs = children.filter(Files::isDirectory).toList();
            if (dirs.size() == 1 && Files.isDirectory(dirs.get(0).resolve("sys").resolve(DEVICES))) {
                return Optional.of(dirs.get(0).resolve("sys"));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    @Override
    public PciTopology read(Path input, String name, IProgressMonitor monitor) throws InputException {
        if (!Files.exists(input)) {
            throw new InputException(name, null, "no such file or directory");
        }
        SubMonitor progress = SubMonitor.convert(monitor, "Reading PCI devices of " + name, 10);
        SysfsTree tree;
        List<String> notes = List.of();
        if (Files.isDirectory(input)) {
            Path sys = locate(input).orElseThrow(() -> new InputException(name, null,
                    "not a sysfs tree: found no " + DEVICES + " below it"));
            tree = new DirectorySysfsTree(sys);
            progress.split(1);
        } else {
            ArchiveSysfsTree archive = ArchiveSysfsTree.load(input, name, progress.split(1));
            notes = archive.warnings();
            tree = archive;
        }
        boolean live = Files.isDirectory(input) && locate(input).map(p -> p.toAbsolutePath().normalize())
                .filter(LIVE_ROOT::equals).isPresent();
        return read(tree, name, live, notes, progress.split(9));
    }

    private static PciTopology read(SysfsTree tree, String name, boolean live, List<String> notes,
            IProgressMonitor monitor) throws InputException {
        List<String> entries;
        try {
            entries = new ArrayList<>(tree.list(DEVICES));
        } catch (AccessDeniedException e) {
            throw new InputException(name, DEVICES, "permission denied", e);
        } catch (IOException e) {
            throw new InputException(name, DEVICES, "cannot list: " + e.getMessage(), e);
        }
        entries.sort(null);
        SubMonitor progress = SubMonitor.convert(monitor, "Reading PCI devices of " + name, entries.size() + 1);
        PciTopology.Builder topology = PciTopology.builder(name).parentsObserved(true);
        notes.forEach(topology::warn);
        Map<PciBus, Integer> rootBusNuma = new TreeMap<>();
        for (PciBus bus : hostBridgeDirectories(tree)) {
            rootBusNuma.put(bus, -1);
        }
        Map<String, String> copiedDirectories = new HashMap<>();
        for (String entryName : entries) {
            progress.split(1);
            if (!PciAddress.isAddress(entryName)) {
                topology.warn(DEVICES + "/" + entryName + " is not a PCI address; skipped");
                continue;
            }
            PciAddress address = PciAddress.parse(entryName);
            String dir = deviceDirectory(tree, SysfsTree.child(DEVICES, entryName), copiedDirectories);
            try {
                PciFunction.Builder function = readFunction(tree, dir, address);
                topology.function(function);
                if (function.parent() == null) {
                    Integer numa = readInt(tree, SysfsTree.child(dir, "numa_node"));
                    rootBusNuma.merge(function.rootBus(), numa == null ? -1 : numa, (a, b) -> a >= 0 ? a : b);
                }
            } catch (NoSuchFileException e) {
                // Hot-unplugged (or removed through sysfs) between listing and reading.
                topology.warn(address + " disappeared while it was being read; skipped");
            } catch (IOException e) {
                topology.warn(address + ": " + e.getMessage() + "; skipped");
            }
        }
        rootBusNuma.forEach((bus, numa) -> topology.hostBridge(new HostBridge(bus, numa)));
        readMachine(tree, live, topology);
        progress.split(1);
        return topology.build();
    }

    // NUMA nodes from devices/system/node, their sockets from the first CPU's package id, and
    // the CPU from proc/cpuinfo beside the tree (the architecture only for the live machine).
    private static void readMachine(SysfsTree tree, boolean live, PciTopology.Builder topology) {
        String nodes = "devices/system/node";
        try {
            for (String n : tree.list(nodes)) {
                if (!n.matches("node\\d+")) {
                    continue;
                }
                String cpus = readString(tree, SysfsTree.child(SysfsTree.child(nodes, n), "cpulist"));
                int socket = -1;
                if (cpus != null && !cpus.isEmpty()) {
                    String firstCpu = cpus.split("[,-]")[0];
                    Integer pkg = readInt(tree, "devices/system/cpu/cpu" + firstCpu + "/topology/physical_package_id");
                    socket = pkg == null ? -1 : pkg;
                }
                topology.numaNode(new NumaNode(Integer.parseInt(n.substring(4)), cpus, socket));
            }
        } catch (IOException e) {
            // No NUMA information in this tree (a kernel without CONFIG_NUMA, or a partial copy).
        }
        byte[] cpuinfo = tree.readBeside("proc/cpuinfo");
        if (cpuinfo != null) {
            // A snapshot states its architecture only if it kept proc/sys/kernel/arch (dmascope collect does).
            byte[] kernelArch = live ? null : tree.readBeside("proc/sys/kernel/arch");
            String arch = live ? System.getProperty("os.arch", "").replace("amd64", "x86_64")
                    : kernelArch == null ? "" : new String(kernelArch, StandardCharsets.UTF_8).trim();
            topology.cpu(ProcCpuInfo.parse(new String(cpuinfo, StandardCharsets.UTF_8), arch));
        }
    }

    private static List<PciBus> hostBridgeDirectories(SysfsTree tree) {
        List<PciBus> buses = new ArrayList<>();
        try {
            for (String n : tree.list("devices")) {
                PciBus bus = hostBridgeBus(n);
                if (bus != null) {
                    buses.add(bus);
                }
            }
        } catch (IOException e) {
            // Without the devices directory, root buses come from the functions alone.
        }
        return buses;
    }

    private static @Nullable PciBus hostBridgeBus(String segment) {
        Matcher m = HOST_BRIDGE_DIR.matcher(segment);
        if (!m.matches()) {
            return null;
        }
        return new PciBus((int) Long.parseLong(m.group(1), 16), Integer.parseInt(m.group(2), 16));
    }

    // The function's own directory: the target of the bus/pci/devices link, or, in copies that
    // did not keep links, the directory of that name under devices/.
    private static String deviceDirectory(SysfsTree tree, String entry, Map<String, String> copied) {
        String target = tree.linkTarget(entry);
        if (target != null) {
            String resolved = SysfsTree.resolveLink(entry, target);
            return resolved == null ? entry : resolved;
        }
        if (copied.isEmpty()) {
            indexDeviceDirectories(tree, "devices", copied, 0);
        }
        return copied.getOrDefault(SysfsTree.name(entry), entry);
    }

    private static void indexDeviceDirectories(SysfsTree tree, String dir, Map<String, String> index, int depth) {
        if (depth > 32) {
            return;
        }
        List<String> names;
        try {
            names = tree.list(dir);
        } catch (IOException e) {
            return;
        }
        for (String n : names) {
            String path = SysfsTree.child(dir, n);
            boolean pciDir = PciAddress.isAddress(n) || hostBridgeBus(n) != null;
            if (pciDir && tree.linkTarget(path) == null && tree.isDirectory(path)) {
                if (PciAddress.isAddress(n)) {
                    index.putIfAbsent(n, path);
                }
                indexDeviceDirectories(tree, path, index, depth + 1);
            }
        }
    }

    private static PciFunction.Builder readFunction(SysfsTree tree, String dir, PciAddress address) throws IOException {
        if (!tree.isDirectory(dir)) {
            throw new NoSuchFileException(dir);
        }
        PciBus rootBus = address.pciBus();
        PciAddress parent = null;
        // Walk up from the function: the nearest PCI address above it is its bridge, unless a
        // host bridge directory (pciDDDD:BB) comes first.
        boolean parentSettled = false;
        for (String up = SysfsTree.parent(dir); !up.isEmpty(); up = SysfsTree.parent(up)) {
            String segment = SysfsTree.name(up);
            PciBus hostBus = hostBridgeBus(segment);
            if (hostBus != null) {
                rootBus = hostBus;
                break;
            }
            if (!parentSettled && PciAddress.isAddress(segment)) {
                parent = PciAddress.parse(segment);
                parentSettled = true;
            }
        }
        PciFunction.Builder b = PciFunction.builder(address, rootBus).parent(parent);
        byte[] config = tree.read(SysfsTree.child(dir, "config"));
        boolean haveConfig = config != null && config.length >= ConfigSpace.HEADER_SIZE;
        if (haveConfig) {
            b.config(ConfigSpace.of(config));
        }
        // The kernel's attributes win over raw config space: they include its quirks.
        Integer vendor = readHex(tree, SysfsTree.child(dir, "vendor"));
        Integer device = readHex(tree, SysfsTree.child(dir, "device"));
        if (vendor != null && device != null) {
            b.ids(vendor, device);
        } else if (!haveConfig) {
            if (!tree.isDirectory(dir)) {
                throw new NoSuchFileException(dir);
            }
            throw new IOException("neither vendor/device attributes nor config space could be read");
        }
        Integer subVendor = readHex(tree, SysfsTree.child(dir, "subsystem_vendor"));
        Integer subDevice = readHex(tree, SysfsTree.child(dir, "subsystem_device"));
        if (subVendor != null && subDevice != null) {
            b.subsystem(subVendor, subDevice);
        }
        Integer clazz = readHex(tree, SysfsTree.child(dir, "class"));
        if (clazz != null) {
            b.classCode(clazz);
        }
        Integer revision = readHex(tree, SysfsTree.child(dir, "revision"));
        if (revision != null) {
            b.revision(revision);
        }
        Integer secondary = readInt(tree, SysfsTree.child(dir, "secondary_bus_number"));
        Integer subordinate = readInt(tree, SysfsTree.child(dir, "subordinate_bus_number"));
        if (secondary != null && subordinate != null) {
            b.busRange(secondary, subordinate);
        }
        String resource = readString(tree, SysfsTree.child(dir, "resource"));
        if (resource != null) {
            try {
                b.bars(Bar.parseResourceFile(resource.lines().toList()));
            } catch (IllegalArgumentException e) {
                throw new IOException("resource: " + e.getMessage(), e);
            }
        }
        PcieLink link = readLink(tree, dir);
        if (link != null) {
            b.link(link);
        }
        Integer numa = readInt(tree, SysfsTree.child(dir, "numa_node"));
        if (numa != null) {
            b.numaNode(numa);
        }
        b.localCpus(readString(tree, SysfsTree.child(dir, "local_cpulist")));
        b.driver(linkName(tree, SysfsTree.child(dir, "driver")));
        String group = linkName(tree, SysfsTree.child(dir, "iommu_group"));
        if (group != null) {
            try {
                b.iommuGroup(Integer.valueOf(group));
            } catch (NumberFormatException e) {
                // Not a group number: leave the group unknown.
            }
        }
        return b;
    }

    // current_link_speed and friends exist for PCIe functions (max_* since Linux 4.13);
    // "Unknown" and width 0 mean the link is down or not PCIe.
    private static @Nullable PcieLink readLink(SysfsTree tree, String dir) {
        String speed = readString(tree, SysfsTree.child(dir, "current_link_speed"));
        String width = readString(tree, SysfsTree.child(dir, "current_link_width"));
        if (speed == null || width == null) {
            return null;
        }
        String maxSpeed = readString(tree, SysfsTree.child(dir, "max_link_speed"));
        String maxWidth = readString(tree, SysfsTree.child(dir, "max_link_width"));
        LinkSpeed now = LinkSpeed.fromSysfs(speed);
        LinkSpeed max = maxSpeed == null ? LinkSpeed.UNKNOWN : LinkSpeed.fromSysfs(maxSpeed);
        int w = parseIntOr(width, 0);
        int mw = maxWidth == null ? 0 : parseIntOr(maxWidth, 0);
        if (now == LinkSpeed.UNKNOWN && max == LinkSpeed.UNKNOWN && w == 0 && mw == 0) {
            return null;
        }
        return new PcieLink(now, w, max, mw);
    }

    private static int parseIntOr(String s, int fallback) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static @Nullable String readString(SysfsTree tree, String path) {
        byte[] data = tree.read(path);
        return data == null ? null : new String(data, StandardCharsets.UTF_8).trim();
    }

    private static @Nullable Integer readHex(SysfsTree tree, String path) throws IOException {
        String s = readString(tree, path);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(s.startsWith("0x") ? s.substring(2) : s, 16);
        } catch (NumberFormatException e) {
            throw new IOException(SysfsTree.name(path) + " is not a hexadecimal number: '" + s + "'", e);
        }
    }

    private static @Nullable Integer readInt(SysfsTree tree, String path) {
        String s = readString(tree, path);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static @Nullable String linkName(SysfsTree tree, String path) {
        String target = tree.linkTarget(path);
        return target == null ? null : SysfsTree.name(target.endsWith("/") ? target.substring(0, target.length() - 1)
                : target);
    }
}
