package org.dmascope.sources.sysfs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
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
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads the PCI hierarchy from a sysfs tree: the live {@code /sys} of this machine, or a copy
 * of one (a directory holding {@code bus/pci/devices}, or a root holding {@code sys/}).
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
        return "sysfs tree (live /sys or a copy of one)";
    }

    @Override
    public int recognise(Path input) {
        return locate(input).isPresent() ? 100 : 0;
    }

    /**
     * The sysfs root inside an input: the input itself when it holds {@code bus/pci/devices},
     * its {@code sys/} directory, or that of its only subdirectory (an unpacked snapshot).
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
        Path sys = locate(input).orElseThrow(() -> new InputException(name, null,
                "not a sysfs tree: found no " + DEVICES + " below it"));
        Path devices = sys.resolve(DEVICES);
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(devices)) {
            dir.forEach(entries::add);
        } catch (AccessDeniedException e) {
            throw new InputException(name, DEVICES, "permission denied", e);
        } catch (IOException e) {
            throw new InputException(name, DEVICES, "cannot list: " + e.getMessage(), e);
        }
        entries.sort(null);
        SubMonitor progress = SubMonitor.convert(monitor, "Reading PCI devices of " + name, entries.size() + 1);
        PciTopology.Builder topology = PciTopology.builder(name).parentsObserved(true);
        Map<PciBus, Integer> rootBusNuma = new TreeMap<>();
        for (PciBus bus : hostBridgeDirectories(sys.resolve("devices"))) {
            rootBusNuma.put(bus, -1);
        }
        Map<String, Path> copiedDirectories = new HashMap<>();
        for (Path entry : entries) {
            progress.split(1);
            String entryName = entry.getFileName().toString();
            if (!PciAddress.isAddress(entryName)) {
                topology.warn(DEVICES + "/" + entryName + " is not a PCI address; skipped");
                continue;
            }
            PciAddress address = PciAddress.parse(entryName);
            Path dir = deviceDirectory(sys, entry, copiedDirectories);
            try {
                PciFunction.Builder function = readFunction(sys, dir, address);
                topology.function(function);
                if (function.parent() == null) {
                    Integer numa = readInt(dir.resolve("numa_node"));
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
        progress.split(1);
        return topology.build();
    }

    private static List<PciBus> hostBridgeDirectories(Path devicesDir) {
        List<PciBus> buses = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(devicesDir, "pci*")) {
            for (Path p : dir) {
                PciBus bus = hostBridgeBus(p.getFileName().toString());
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
    private static Path deviceDirectory(Path sys, Path entry, Map<String, Path> copied) {
        if (Files.isSymbolicLink(entry)) {
            try {
                return entry.getParent().resolve(Files.readSymbolicLink(entry)).normalize();
            } catch (IOException e) {
                return entry;
            }
        }
        if (copied.isEmpty()) {
            try (Stream<Path> walk = Files.walk(sys.resolve("devices"))) {
                walk.filter(p -> PciAddress.isAddress(p.getFileName().toString()) && Files.isDirectory(p))
                        .forEach(p -> copied.putIfAbsent(p.getFileName().toString(), p));
            } catch (IOException e) {
                return entry;
            }
        }
        return copied.getOrDefault(entry.getFileName().toString(), entry);
    }

    private static PciFunction.Builder readFunction(Path sys, Path dir, PciAddress address) throws IOException {
        PciBus rootBus = address.pciBus();
        PciAddress parent = null;
        Path relative = dir.startsWith(sys) ? sys.relativize(dir) : dir;
        // Walk up from the function: the nearest PCI address above it is its bridge, unless a
        // host bridge directory (pciDDDD:BB) comes first.
        boolean parentSettled = false;
        for (int i = relative.getNameCount() - 2; i >= 0; i--) {
            String segment = relative.getName(i).toString();
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
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
        PciFunction.Builder b = PciFunction.builder(address, rootBus).parent(parent);
        byte[] config = readBytes(dir.resolve("config"));
        boolean haveConfig = config != null && config.length >= ConfigSpace.HEADER_SIZE;
        if (haveConfig) {
            b.config(ConfigSpace.of(config));
        }
        // The kernel's attributes win over raw config space: they include its quirks.
        Integer vendor = readHex(dir.resolve("vendor"));
        Integer device = readHex(dir.resolve("device"));
        if (vendor != null && device != null) {
            b.ids(vendor, device);
        } else if (!haveConfig) {
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString());
            }
            throw new IOException("neither vendor/device attributes nor config space could be read");
        }
        Integer subVendor = readHex(dir.resolve("subsystem_vendor"));
        Integer subDevice = readHex(dir.resolve("subsystem_device"));
        if (subVendor != null && subDevice != null) {
            b.subsystem(subVendor, subDevice);
        }
        Integer clazz = readHex(dir.resolve("class"));
        if (clazz != null) {
            b.classCode(clazz);
        }
        Integer revision = readHex(dir.resolve("revision"));
        if (revision != null) {
            b.revision(revision);
        }
        Integer secondary = readInt(dir.resolve("secondary_bus_number"));
        Integer subordinate = readInt(dir.resolve("subordinate_bus_number"));
        if (secondary != null && subordinate != null) {
            b.busRange(secondary, subordinate);
        }
        List<String> resource = readLines(dir.resolve("resource"));
        if (resource != null) {
            try {
                b.bars(Bar.parseResourceFile(resource));
            } catch (IllegalArgumentException e) {
                throw new IOException("resource: " + e.getMessage(), e);
            }
        }
        PcieLink link = readLink(dir);
        if (link != null) {
            b.link(link);
        }
        Integer numa = readInt(dir.resolve("numa_node"));
        if (numa != null) {
            b.numaNode(numa);
        }
        b.localCpus(readString(dir.resolve("local_cpulist")));
        b.driver(linkName(dir.resolve("driver")));
        String group = linkName(dir.resolve("iommu_group"));
        if (group != null) {
            try {
                b.iommuGroup(Integer.valueOf(group));
            } catch (NumberFormatException e) {
                // Not a group number: leave the group unknown.
            }
        }
        return b;
    }

    // current_link_speed and friends exist for PCIe functions since Linux 4.13; "Unknown" and
    // width 0 mean the link is down or not PCIe.
    private static @Nullable PcieLink readLink(Path dir) throws IOException {
        String speed = readString(dir.resolve("current_link_speed"));
        String width = readString(dir.resolve("current_link_width"));
        String maxSpeed = readString(dir.resolve("max_link_speed"));
        String maxWidth = readString(dir.resolve("max_link_width"));
        if (speed == null || width == null || maxSpeed == null || maxWidth == null) {
            return null;
        }
        LinkSpeed now = LinkSpeed.fromSysfs(speed);
        LinkSpeed max = LinkSpeed.fromSysfs(maxSpeed);
        int w = parseIntOr(width, 0);
        int mw = parseIntOr(maxWidth, 0);
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

    private static int parseHex(String text, String what) throws IOException {
        String t = text.trim();
        try {
            return Integer.parseInt(t.startsWith("0x") ? t.substring(2) : t, 16);
        } catch (NumberFormatException e) {
            throw new IOException(what + " is not a hexadecimal number: '" + t + "'", e);
        }
    }

    private static @Nullable String readString(Path file) throws IOException {
        try {
            return Files.readString(file).trim();
        } catch (NoSuchFileException | AccessDeniedException e) {
            return null;
        } catch (IOException e) {
            // Some attributes return EIO or ENODEV when the device is in a low-power state.
            return null;
        }
    }

    private static @Nullable List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static byte @Nullable [] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static @Nullable Integer readHex(Path file) throws IOException {
        String s = readString(file);
        return s == null || s.isEmpty() ? null : parseHex(s, file.getFileName().toString());
    }

    private static @Nullable Integer readInt(Path file) throws IOException {
        String s = readString(file);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static @Nullable String linkName(Path link) {
        try {
            return Files.readSymbolicLink(link).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
