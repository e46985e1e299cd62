package org.dmascope.sources.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small sysfs trees for tests: devices/pciDDDD:BB/... directories and bus/pci/devices links. */
final class FakeSysfs {

    private final Path sys;

    FakeSysfs(Path root) throws IOException {
        this.sys = root;
        Files.createDirectories(sys.resolve("bus/pci/devices"));
        Files.createDirectories(sys.resolve("devices"));
    }

    Path root() {
        return sys;
    }

    /**
     * Adds a function at a devices/ path such as {@code pci0000:00/0000:00:01.0/0000:01:00.0},
     * with its attributes and a 64-byte config header.
     */
    Path function(String devicesPath, int vendor, int device, int classCode, int headerType, int secondary,
            int subordinate) throws IOException {
        Path dir = sys.resolve("devices").resolve(devicesPath);
        Files.createDirectories(dir);
        write(dir, "vendor", String.format("0x%04x", vendor));
        write(dir, "device", String.format("0x%04x", device));
        write(dir, "class", String.format("0x%06x", classCode));
        write(dir, "numa_node", "0");
        byte[] config = new byte[64];
        config[0] = (byte) vendor;
        config[1] = (byte) (vendor >> 8);
        config[2] = (byte) device;
        config[3] = (byte) (device >> 8);
        config[0x09] = (byte) classCode;
        config[0x0a] = (byte) (classCode >> 8);
        config[0x0b] = (byte) (classCode >> 16);
        config[0x0e] = (byte) headerType;
        config[0x06] = 0x10; // a capability list, beyond the 64 bytes
        config[0x34] = 0x40;
        if (headerType == 1) {
            config[0x19] = (byte) secondary;
            config[0x1a] = (byte) subordinate;
        }
        Files.write(dir.resolve("config"), config);
        String name = dir.getFileName().toString();
        link(name, "../../../devices/" + devicesPath);
        return dir;
    }

    void link(String name, String target) throws IOException {
        Files.createSymbolicLink(sys.resolve("bus/pci/devices").resolve(name), Path.of(target));
    }

    static void write(Path dir, String attribute, String value) throws IOException {
        Files.writeString(dir.resolve(attribute), value + "\n");
    }
}
