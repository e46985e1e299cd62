package org.dmascope.diagnose.tests;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A SYNTHETIC two-socket GPU node laid out as 'dmascope collect' lays out a machine: a Tesla T4
 * (10de:1eb8, 256 MiB BAR1, the card of nv_peer_memory#101) below a root port on NUMA node 0,
 * idling at 2.5 GT/s; a ConnectX-6 (15b3:101b) below a root port on node 1; identity IOMMU
 * groups; the kernel log of {@link KernelLogReaderTest#DMESG}; nvidia_peermem loaded but not
 * registered; the proprietary driver; RLIMIT_MEMLOCK 8 MiB. Made up for the doctor's tests.
 */
final class GpuNodeFixture {

    static final String GPU = "0000:01:00.0";
    static final String NIC = "0000:81:00.0";

    private GpuNodeFixture() {
    }

    /** Writes the machine below root (a folder holding sys/, proc/ and kernel/). */
    static Path write(Path root) throws IOException {
        String rp0 = "sys/devices/pci0000:00/0000:00:01.0";
        String rp1 = "sys/devices/pci0000:80/0000:80:01.0";
        function(root, rp0, "0x8086", "0x2030", "0x060400", 0, "16.0 GT/s PCIe", 16, "16.0 GT/s PCIe", 16, List.of());
        Files.writeString(root.resolve(rp0 + "/secondary_bus_number"), "1\n");
        Files.writeString(root.resolve(rp0 + "/subordinate_bus_number"), "1\n");
        function(root, rp1, "0x8086", "0x2030", "0x060400", 1, "16.0 GT/s PCIe", 16, "16.0 GT/s PCIe", 16, List.of());
        Files.writeString(root.resolve(rp1 + "/secondary_bus_number"), "129\n");
        Files.writeString(root.resolve(rp1 + "/subordinate_bus_number"), "129\n");
        String gpu = rp0 + "/" + GPU;
        function(root, gpu, "0x10de", "0x1eb8", "0x030200", 0, "2.5 GT/s PCIe", 16, "8.0 GT/s PCIe", 16, List.of(
                "0x00000000d2000000 0x00000000d2ffffff 0x0000000000040200",
                "0x0000380000000000 0x000038000fffffff 0x000000000014220c",
                "0x0000000000000000 0x0000000000000000 0x0000000000000000",
                "0x0000380010000000 0x0000380011ffffff 0x000000000014220c"));
        String nic = rp1 + "/" + NIC;
        function(root, nic, "0x15b3", "0x101b", "0x020700", 1, "16.0 GT/s PCIe", 16, "16.0 GT/s PCIe", 16, List.of(
                "0x00000000e0000000 0x00000000e1ffffff 0x000000000014220c"));
        for (String[] f : new String[][] {{"0000:00:01.0", rp0}, {"0000:80:01.0", rp1}, {GPU, gpu}, {NIC, nic}}) {
            Path link = root.resolve("sys/bus/pci/devices/" + f[0]);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of("../../../" + f[1].substring("sys/".length())));
        }
        int group = 1;
        for (String[] f : new String[][] {{GPU, gpu}, {NIC, nic}}) {
            Path g = root.resolve("sys/kernel/iommu_groups/" + group);
            Files.createDirectories(g.resolve("devices"));
            Files.writeString(g.resolve("type"), "identity\n");
            Files.createSymbolicLink(g.resolve("devices/" + f[0]), Path.of("../../../../devices/"
                    + f[1].substring("sys/devices/".length())));
            Files.createSymbolicLink(root.resolve(f[1] + "/iommu_group"), root.resolve(f[1]).relativize(g));
            group++;
        }
        Path ib = root.resolve("sys/class/infiniband/mlx5_0");
        Files.createDirectories(ib.getParent());
        Files.createSymbolicLink(ib, Path.of("../../devices/pci0000:80/0000:80:01.0/" + NIC + "/infiniband/mlx5_0"));
        // NCCL 2.18 on this node: GPU 0000:01:00.0 (bus ID 0x1000) and mlx5_0 are across the sockets.
        write(root, "nccl/nccl-rank0.log", "node1:7001:7001 [0] NCCL INFO NCCL version 2.18.3+cuda12.2\n"
                + "node1:7001:7050 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB eth0:10.0.0.1<0>\n"
                + "node1:7001:7050 [0] NCCL INFO GPU Direct RDMA Disabled for GPU 1000 / HCA 0 (distance 7 > 4)\n");
        write(root, "sys/devices/system/node/node0/cpulist", "0-15\n");
        write(root, "sys/devices/system/node/node1/cpulist", "16-31\n");
        write(root, "proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
                + "model name\t: SYNTHETIC Intel Xeon\nflags\t\t: fpu vme de pse tsc msr pae mce\n\n");
        write(root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz-5.15.0-91-generic root=/dev/sda1 ro iommu=pt pcie_acs_override=downstream\n");
        write(root, "proc/modules", "nvidia_peermem 16384 0 - Live 0x0000000000000000 (POE)\n"
                + "nvidia 56213504 3 nvidia_peermem, Live 0x0000000000000000 (POE)\n"
                + "ib_core 450560 8 rdma_ucm,ib_uverbs,mlx5_ib, Live 0x0000000000000000\n");
        write(root, "proc/sys/kernel/osrelease", "5.15.0-91-generic\n");
        write(root, "proc/driver/nvidia/version",
                "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\n"
                        + "GCC version:  gcc version 11.4.0\n");
        write(root, "proc/self/limits", "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max cpu time              unlimited            unlimited            seconds   \n"
                + "Max locked memory         8388608              8388608              bytes     \n");
        write(root, "kernel/config", "#\n# Linux/x86 5.15.0 Kernel Configuration\n#\nCONFIG_HMM_MIRROR=y\n"
                + "CONFIG_PCI_P2PDMA=y\nCONFIG_DMABUF_MOVE_NOTIFY=y\n");
        write(root, "kernel/dmesg.txt", KernelLogReaderTest.DMESG);
        return root;
    }

    private static void function(Path root, String dir, String vendor, String device, String cls, int numa, String speed,
            int width, String maxSpeed, int maxWidth, List<String> resource) throws IOException {
        write(root, dir + "/vendor", vendor + "\n");
        write(root, dir + "/device", device + "\n");
        write(root, dir + "/class", cls + "\n");
        write(root, dir + "/numa_node", numa + "\n");
        write(root, dir + "/current_link_speed", speed + "\n");
        write(root, dir + "/current_link_width", width + "\n");
        write(root, dir + "/max_link_speed", maxSpeed + "\n");
        write(root, dir + "/max_link_width", maxWidth + "\n");
        if (!resource.isEmpty()) {
            write(root, dir + "/resource", String.join("\n", resource) + "\n");
        }
    }

    private static void write(Path root, String path, String text) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** Packs a folder as a tar.gz below a top folder named after it, keeping links. */
    static Path pack(Path folder, Path archive) throws IOException {
        try (OutputStream out = Files.newOutputStream(archive);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            String top = folder.getFileName() + "/";
            try (Stream<Path> all = Files.walk(folder)) {
                for (Path p : all.sorted().toList()) {
                    String name = top + folder.relativize(p).toString().replace('\\', '/');
                    if (Files.isSymbolicLink(p)) {
                        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                        e.setLinkName(Files.readSymbolicLink(p).toString());
                        tar.putArchiveEntry(e);
                        tar.closeArchiveEntry();
                    } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        tar.putArchiveEntry(new TarArchiveEntry(name + "/"));
                        tar.closeArchiveEntry();
                    } else {
                        byte[] data = Files.readAllBytes(p);
                        TarArchiveEntry e = new TarArchiveEntry(name);
                        e.setSize(data.length);
                        tar.putArchiveEntry(e);
                        tar.write(data);
                        tar.closeArchiveEntry();
                    }
                }
            }
        }
        return archive;
    }

    static String text(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }
}
