package org.dmascope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a generated machine as a sysfs snapshot archive (tar.gz), for benchmarks: two Intel
 * sockets, host bridges with a root port each, a PCIe switch below each root port with eight
 * downstream ports, and one endpoint (GPU, NIC or NVMe drive, in turn) per downstream port.
 * Every function has the attributes and the 4096 bytes of config space the live reader reads;
 * the downstream ports have ACS Request and Completion Redirect on, as the kernel sets them when
 * an IOMMU is active. The machine is made up: its archive's top folder says SYNTHETIC.
 */
final class SyntheticMachine {

    private static final int PORTS_PER_SWITCH = 8;
    private static final String ROOT = "SYNTHETIC-machine/";

    private final int endpoints;

    /** A machine with this many endpoints (rounded up to whole switches). */
    SyntheticMachine(int endpoints) {
        this.endpoints = endpoints;
    }

    /** Switches needed. */
    int switches() {
        return (endpoints + PORTS_PER_SWITCH - 1) / PORTS_PER_SWITCH;
    }

    /** Writes the snapshot. */
    void write(OutputStream target) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(target, 1 << 16))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            file(tar, "proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
                    + "model name\t: SYNTHETIC Intel Xeon (Sapphire Rapids)\n\n");
            int switches = switches();
            int perSocket = (switches + 1) / 2;
            for (int node = 0; node < 2; node++) {
                file(tar, "sys/devices/system/node/node" + node + "/cpulist", node == 0 ? "0-55" : "56-111");
                file(tar, "sys/devices/system/cpu/cpu" + (node * 56) + "/topology/physical_package_id",
                        Integer.toString(node));
            }
            int made = 0;
            for (int s = 0; s < switches; s++) {
                int node = s < perSocket ? 0 : 1;
                // One host bridge per switch, 16 buses each: 15 per domain, then the next domain.
                int domain = s / 15;
                int rootBus = (s % 15) * 16;
                String host = String.format(Locale.ROOT, "sys/devices/pci%04x:%02x", domain, rootBus);
                String rp = addr(domain, rootBus, 1, 0);
                String rpDir = host + "/" + rp;
                function(tar, rpDir, rp, 0x8086, 0x352a, 0x060400, 1, rootBus + 1, rootBus + 10, PORT_ROOT, node, 0);
                String usp = addr(domain, rootBus + 1, 0, 0);
                String uspDir = rpDir + "/" + usp;
                function(tar, uspDir, usp, 0x1000, 0xc030, 0x060400, 1, rootBus + 2, rootBus + 10, PORT_UPSTREAM, node, 0);
                for (int p = 0; p < PORTS_PER_SWITCH && made < endpoints; p++) {
                    String dsp = addr(domain, rootBus + 2, p, 0);
                    String dspDir = uspDir + "/" + dsp;
                    int endpointBus = rootBus + 3 + p;
                    function(tar, dspDir, dsp, 0x1000, 0xc030, 0x060400, 1, endpointBus, endpointBus, PORT_DOWNSTREAM,
                            node, ACS_RR_CR);
                    String ep = addr(domain, endpointBus, 0, 0);
                    int kind = made % 3;
                    int[] id = kind == 0 ? new int[] {0x10de, 0x2330, 0x030200}
                            : kind == 1 ? new int[] {0x15b3, 0x1021, 0x020700} : new int[] {0x144d, 0xa80a, 0x010802};
                    function(tar, dspDir + "/" + ep, ep, id[0], id[1], id[2], 0, -1, -1, PORT_ENDPOINT, node, 0);
                    made++;
                }
            }
        }
    }

    private static final int PORT_ENDPOINT = 0x0;
    private static final int PORT_ROOT = 0x4;
    private static final int PORT_UPSTREAM = 0x5;
    private static final int PORT_DOWNSTREAM = 0x6;
    private static final int ACS_RR_CR = 0x0c;

    private static String addr(int domain, int bus, int device, int function) {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, device, function);
    }

    private static void function(TarArchiveOutputStream tar, String dir, String bdf, int vendor, int device, int cls,
            int header, int secondary, int subordinate, int portType, int node, int acsControl) throws IOException {
        file(tar, dir + "/vendor", String.format(Locale.ROOT, "0x%04x", vendor));
        file(tar, dir + "/device", String.format(Locale.ROOT, "0x%04x", device));
        file(tar, dir + "/class", String.format(Locale.ROOT, "0x%06x", cls));
        file(tar, dir + "/revision", "0x01");
        file(tar, dir + "/numa_node", Integer.toString(node));
        file(tar, dir + "/local_cpulist", node == 0 ? "0-55" : "56-111");
        file(tar, dir + "/current_link_speed", "32.0 GT/s PCIe");
        file(tar, dir + "/current_link_width", "16");
        file(tar, dir + "/max_link_speed", "32.0 GT/s PCIe");
        file(tar, dir + "/max_link_width", "16");
        List<String> resource = new ArrayList<>();
        for (int i = 0; i < (header == 1 ? 11 : 7); i++) {
            resource.add(i == 0 && header == 0 ? "0x0000200000000000 0x00002000ffffffff 0x000000000014220c"
                    : "0x0000000000000000 0x0000000000000000 0x0000000000000000");
        }
        file(tar, dir + "/resource", String.join("\n", resource) + "\n");
        tar.putArchiveEntry(entry(dir + "/config", 4096));
        tar.write(config(vendor, device, cls, header, secondary, subordinate, portType, acsControl));
        tar.closeArchiveEntry();
        TarArchiveEntry link = new TarArchiveEntry("" + ROOT + "sys/bus/pci/devices/" + bdf, TarArchiveEntry.LF_SYMLINK);
        link.setLinkName("../../../" + dir.substring("sys/".length()));
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
    }

    // Header, a PCI Express capability at 0x40 (port type, link 32 GT/s x16) and, for ports,
    // an ACS extended capability at 0x100.
    private static byte[] config(int vendor, int device, int cls, int header, int secondary, int subordinate,
            int portType, int acsControl) {
        byte[] c = new byte[4096];
        le16(c, 0x00, vendor);
        le16(c, 0x02, device);
        le16(c, 0x06, 0x0010);
        c[0x08] = 0x01;
        c[0x09] = (byte) cls;
        c[0x0a] = (byte) (cls >> 8);
        c[0x0b] = (byte) (cls >> 16);
        c[0x0e] = (byte) header;
        if (header == 1) {
            c[0x19] = (byte) secondary;
            c[0x1a] = (byte) subordinate;
        }
        c[0x34] = 0x40;
        c[0x40] = 0x10;
        le16(c, 0x42, 0x0002 | portType << 4);
        le32(c, 0x4c, 0x5 | 16 << 4);
        le16(c, 0x52, 0x5 | 16 << 4);
        if (portType != PORT_ENDPOINT) {
            le32(c, 0x100, 0x000d | 1 << 16);
            le16(c, 0x104, 0x5f);
            le16(c, 0x106, acsControl);
        }
        return c;
    }

    private static void le16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
    }

    private static void le32(byte[] b, int at, int v) {
        le16(b, at, v);
        le16(b, at + 2, v >> 16);
    }

    private static TarArchiveEntry entry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(ROOT + name);
        e.setSize(size);
        return e;
    }

    private static void file(TarArchiveOutputStream tar, String name, String text) throws IOException {
        byte[] data = (text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.UTF_8);
        tar.putArchiveEntry(entry(name, data.length));
        tar.write(data);
        tar.closeArchiveEntry();
    }
}
