package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.Bar;
import org.dmascope.core.topology.Capability;
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.LinkSpeed;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.core.topology.PortType;
import org.dmascope.sources.lspci.LspciDumpImporter;
import org.dmascope.sources.lspci.LspciTextDevice;
import org.dmascope.sources.lspci.LspciTextImporter;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the importers make of details the reference dumps lack: capabilities no one has named,
 * lspci {@code -v} text, and text from a live machine read as root (driver, NUMA node, IOMMU
 * group, resources with sizes).
 */
class LspciDetailsTest {

    @TempDir
    Path temp;

    private Path write(String text) throws Exception {
        Path file = Files.createTempFile(temp, "lspci", ".txt");
        Files.writeString(file, text);
        return file;
    }

    // Config space of a switch downstream port whose lists hold IDs no specification defines.
    private static byte[] configWithUnknownCapabilities() {
        byte[] c = new byte[4096];
        put16(c, 0x00, 0x1234);
        put16(c, 0x02, 0x5678);
        put16(c, 0x06, 0x0010); // capability list
        c[0x0a] = 0x04;
        c[0x0b] = 0x06;
        c[0x0e] = 0x01;
        c[0x18] = 0x01;
        c[0x19] = 0x02;
        c[0x1a] = 0x02;
        c[0x34] = 0x40;
        c[0x40] = 0x77; // unknown standard ID, next at 0x60
        c[0x41] = 0x60;
        c[0x60] = 0x10; // PCI Express, version 2, downstream port
        put16(c, 0x62, 0x0062);
        put32(c, 0x6c, 0x00000043); // LnkCap: 8 GT/s x4
        put16(c, 0x72, 0x0042); // LnkSta: 5 GT/s x4
        put32(c, 0x100, 0x1101_0fff); // unknown extended ID, version 1, next at 0x110
        put32(c, 0x110, 0x0001_000d); // ACS, last
        put16(c, 0x114, 0x001f);
        put16(c, 0x116, 0x0015);
        return c;
    }

    private static void put16(byte[] c, int at, int value) {
        c[at] = (byte) value;
        c[at + 1] = (byte) (value >> 8);
    }

    private static void put32(byte[] c, int at, int value) {
        put16(c, at, value & 0xffff);
        put16(c, at + 2, value >>> 16);
    }

    private static String hex(byte[] config) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < config.length; i++) {
            if (i % 16 == 0) {
                sb.append(String.format(Locale.ROOT, "%02x:", i));
            }
            sb.append(String.format(Locale.ROOT, " %02x", config[i] & 0xff));
            if (i % 16 == 15) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void unknownCapabilityIdsAreKeptAndDoNotStopTheWalk() throws Exception {
        Path file = write("0000:01:00.0 PCI bridge: Device 1234:5678\n" + hex(configWithUnknownCapabilities()));
        PciTopology t = new LspciDumpImporter().read(file, "crafted", new NullProgressMonitor());
        PciFunction f = t.functions().get(0);
        assertEquals(List.of(new Capability(0x77, 0x40, false, 0), new Capability(0x10, 0x60, false, 0),
                new Capability(0x0fff, 0x100, true, 1), new Capability(0x0d, 0x110, true, 1)), f.capabilities());
        assertEquals("unknown capability (0x77)", f.capabilities().get(0).name());
        assertEquals("unknown extended capability (0x0fff)", f.capabilities().get(2).name());
        assertEquals(PortType.DOWNSTREAM_PORT, f.portType());
        assertEquals(new PcieLink(LinkSpeed.GT_5, 4, LinkSpeed.GT_8, 4), f.link());
        assertEquals(new Acs(0x110, 0x1f, 0x15), f.acs());
        assertEquals(4096, f.configBytes());
    }

    @Test
    void unknownCapabilityNamesInTextKeepAnUnknownId() throws Exception {
        Path file = write("""
                0000:01:00.0 PCI bridge [0604]: Device [1234:5678]
                \tBus: primary=01, secondary=02, subordinate=02, sec-latency=0
                \tCapabilities: [40] Capability ID 0x77 [0000]
                \tCapabilities: [48] #16 [0000]
                \tCapabilities: [50] Frobnication Engine v9
                \tCapabilities: [60] Express (v2) Downstream Port (Slot+), MSI 00
                \t\tLnkCap:\tPort #0, Speed 8GT/s, Width x4, ASPM L1, Exit Latency L1 <4us
                \t\tLnkSta:\tSpeed 5GT/s, Width x4
                \tCapabilities: [100 v1] Extended Capability ID 0xfff
                \tCapabilities: [110 v1] Access Control Services
                \t\tACSCap:\tSrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl+ DirectTrans-
                \t\tACSCtl:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir- UpstreamFwd+ EgressCtrl- DirectTrans-
                \tCapabilities: [200 v1] Teleportation Control
                """);
        PciFunction f = new LspciTextImporter().read(file, "crafted", new NullProgressMonitor()).functions().get(0);
        assertEquals(List.of(new Capability(0x77, 0x40, false, 0), new Capability(0x16, 0x48, false, 0),
                new Capability(-1, 0x50, false, 0), new Capability(0x10, 0x60, false, 0),
                new Capability(0x0fff, 0x100, true, 1), new Capability(0x0d, 0x110, true, 1),
                new Capability(-1, 0x200, true, 1)), f.capabilities());
        assertTrue(f.capabilities().get(2).name().startsWith("unknown"), f.capabilities().get(2).name());
        assertEquals(PortType.DOWNSTREAM_PORT, f.portType());
        assertEquals(new PcieLink(LinkSpeed.GT_5, 4, LinkSpeed.GT_8, 4), f.link());
        assertEquals(new Acs(0x110, 0x3f, 0x15), f.acs());
        assertEquals(2, f.secondaryBus());
        assertEquals(1, f.headerType());
    }

    // lspci -F tree-fsl-p2020 -v -nn, as lspci 3.9.0 printed it (the first two functions).
    private static final String FSL_V = """
            0000:04:00.0 PCI bridge [0604]: Freescale Semiconductor Inc P2020E [1957:0070] (rev 21) (prog-if 00 [Normal decode])
            \tFlags: bus master, fast devsel, latency 0
            \tMemory at fff00000 (32-bit, non-prefetchable)
            \tBus: primary=00, secondary=05, subordinate=05, sec-latency=0
            \tI/O behind bridge: 0000-0fff [size=4K] [16-bit]
            \tMemory behind bridge: 80000000-9fffffff [size=512M] [32-bit]
            \tPrefetchable memory behind bridge: [disabled] [64-bit]
            \tCapabilities: [44] Power Management version 2
            \tCapabilities: [4c] Express Root Port (Slot-), MSI 00
            \tCapabilities: [100] Advanced Error Reporting

            0000:05:00.0 Network controller [0280]: Qualcomm Atheros QCA986x/988x 802.11ac Wireless Network Adapter [168c:003c]
            \tFlags: bus master, fast devsel, latency 0, IRQ 255
            \tMemory at 80000000 (64-bit, non-prefetchable)
            \tCapabilities: [40] Power Management version 2
            \tCapabilities: [50] MSI: Enable+ Count=1/8 Maskable+ 64bit-
            \tCapabilities: [70] Express Endpoint, MSI 00
            \tCapabilities: [100] Advanced Error Reporting
            \tCapabilities: [140] Virtual Channel
            \tCapabilities: [160] Device Serial Number 00-00-00-00-00-00-00-00

            """;

    @Test
    void singleVerboseTextGivesTheHierarchyButNoLinkDetails() throws Exception {
        PciTopology text = new LspciTextImporter().read(write(FSL_V), "fsl -v", new NullProgressMonitor());
        PciTopology hex = new LspciDumpImporter().read(LspciOracles.dump("tree-fsl-p2020"), "fsl",
                new NullProgressMonitor());
        assertTrue(text.warnings().isEmpty(), text.warnings().toString());
        for (PciFunction t : text.functions()) {
            PciFunction d = hex.function(t.address()).orElseThrow();
            assertEquals(d.classCode(), t.classCode());
            assertEquals(d.idPair(), t.idPair());
            assertEquals(d.revision(), t.revision());
            assertEquals(d.headerType(), t.headerType());
            assertEquals(d.parent(), t.parent());
            assertEquals(d.rootBus(), t.rootBus());
            assertEquals(d.portType(), t.portType());
            // -v prints extended capabilities without their version.
            assertEquals(d.capabilities().stream().map(c -> c.id() + "@" + c.offset()).toList(),
                    t.capabilities().stream().map(c -> c.id() + "@" + c.offset()).toList());
            assertNull(t.link(), "LnkSta needs -vv");
        }
        assertEquals(PciAddress.parse("0000:04:00.0"), text.functions().get(1).parent());
        assertEquals(FunctionRole.ROOT_PORT, text.functions().get(0).role());
        // "I/O behind bridge: 0000-0fff [size=4K] [16-bit]"
        assertEquals(List.of(new Bar(Bar.Kind.BRIDGE_WINDOW, 0, 0, 0xfff, Bar.IORESOURCE_IO),
                new Bar(Bar.Kind.BRIDGE_WINDOW, 1, 0x80000000L, 0x9fffffffL, Bar.IORESOURCE_MEM)),
                text.functions().get(0).bars());
    }

    // As lspci -vvv -nn prints an NVIDIA GPU on a live machine when run as root.
    private static final String LIVE = """
            0000:3b:00.0 3D controller [0302]: NVIDIA Corporation GA100 [A100 PCIe 40GB] [10de:20f1] (rev a1)
            \tSubsystem: NVIDIA Corporation Device [10de:145f]
            \tPhysical Slot: 2
            \tControl: I/O- Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr+ Stepping- SERR+ FastB2B- DisINTx+
            \tStatus: Cap+ 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast >TAbort- <TAbort- <MAbort- >SERR- <PERR- INTx-
            \tLatency: 0
            \tInterrupt: pin A routed to IRQ 146
            \tNUMA node: 1
            \tIOMMU group: 44
            \tRegion 0: Memory at b8000000 (32-bit, non-prefetchable) [size=16M]
            \tRegion 1: Memory at 38bfc0000000 (64-bit, prefetchable) [size=64G]
            \tRegion 3: Memory at 38bff0000000 (64-bit, prefetchable) [size=32M]
            \tCapabilities: [60] Power Management version 3
            \tCapabilities: [68] Null
            \tCapabilities: [78] Express (v2) Endpoint, MSI 00
            \t\tLnkCap:\tPort #0, Speed 16GT/s, Width x16, ASPM not supported
            \t\tLnkSta:\tSpeed 16GT/s (ok), Width x16 (ok)
            \tCapabilities: [c8] MSI-X: Enable+ Count=6 Masked-
            \tCapabilities: [100 v1] Virtual Channel
            \tCapabilities: [bb0 v1] Physical Resizable BAR
            \tCapabilities: [bcc v1] Single Root I/O Virtualization (SR-IOV)
            \t\tRegion 0: Memory at b9000000 (32-bit, non-prefetchable)
            \tCapabilities: [c14 v1] Alternative Routing-ID Interpretation (ARI)
            \tKernel driver in use: nvidia
            \tKernel modules: nvidiafb, nouveau, nvidia_drm, nvidia

            """;

    @Test
    void liveTextGivesDriverLocalityAndResources() throws Exception {
        List<LspciTextDevice> devices = LspciTextImporter.devices(write(LIVE), "live", new NullProgressMonitor());
        assertEquals(1, devices.size());
        // Taken with 2>&1, the file starts with what lspci wrote to stderr.
        Path file = write("lspci: Unable to load libkmod resources: error -2\n" + LIVE);
        assertEquals(80, new LspciTextImporter().recognise(file));
        PciTopology t = new LspciTextImporter().read(file, "live", new NullProgressMonitor());
        assertEquals(List.of("line 1: lspci: Unable to load libkmod resources: error -2"), t.warnings());
        PciFunction gpu = t.functions().get(0);
        assertEquals(0x030200, gpu.classCode());
        assertEquals("10de:20f1", gpu.idPair());
        assertEquals(0xa1, gpu.revision());
        assertEquals(0x10de, gpu.subsystemVendorId());
        assertEquals(0x145f, gpu.subsystemDeviceId());
        assertEquals("nvidia", gpu.driver());
        assertEquals(1, gpu.numaNode());
        assertEquals(44, gpu.iommuGroup());
        assertEquals(PortType.ENDPOINT, gpu.portType());
        assertEquals(new PcieLink(LinkSpeed.GT_16, 16, LinkSpeed.GT_16, 16), gpu.link());
        assertEquals(List.of(0x01, 0x00, 0x10, 0x11, 0x02, 0x15, 0x10, 0x0e),
                gpu.capabilities().stream().map(Capability::id).toList());
        // The SR-IOV capability's own "Region 0" is a VF BAR, not the function's BAR 0.
        assertEquals(List.of(new Bar(Bar.Kind.BAR, 0, 0xb8000000L, 0xb8ffffffL, Bar.IORESOURCE_MEM),
                new Bar(Bar.Kind.BAR, 1, 0x38bfc0000000L, 0x38bfc0000000L + (64L << 30) - 1,
                        Bar.IORESOURCE_MEM | Bar.IORESOURCE_MEM_64 | Bar.IORESOURCE_PREFETCH),
                new Bar(Bar.Kind.BAR, 3, 0x38bff0000000L, 0x38bff0000000L + (32L << 20) - 1,
                        Bar.IORESOURCE_MEM | Bar.IORESOURCE_MEM_64 | Bar.IORESOURCE_PREFETCH)), gpu.bars());
    }

    @Test
    void singleVerboseFlagsCarryTheLocality() throws Exception {
        PciFunction nic = new LspciTextImporter().read(write("""
                41:00.0 Ethernet controller [0200]: Mellanox Technologies MT28908 Family [ConnectX-6] [15b3:101b]
                \tSubsystem: Mellanox Technologies Device [15b3:0007]
                \tFlags: bus master, fast devsel, latency 0, IRQ 118, NUMA node 3, IOMMU group 27
                \tMemory at 2bffe000000 (64-bit, prefetchable) [size=32M]
                \tExpansion ROM at c5b00000 [disabled] [size=1M]
                \tCapabilities: [60] Express Endpoint, MSI 00
                \tKernel driver in use: mlx5_core

                """), "nic", new NullProgressMonitor()).functions().get(0);
        assertEquals(3, nic.numaNode());
        assertEquals(27, nic.iommuGroup());
        assertEquals("mlx5_core", nic.driver());
        assertEquals(0, nic.headerType());
        assertEquals(List.of(new Bar(Bar.Kind.BAR, 0, 0x2bffe000000L, 0x2bffe000000L + (32L << 20) - 1,
                Bar.IORESOURCE_MEM | Bar.IORESOURCE_MEM_64 | Bar.IORESOURCE_PREFETCH),
                new Bar(Bar.Kind.ROM, 0, 0xc5b00000L, 0xc5bfffffL, Bar.IORESOURCE_MEM | Bar.IORESOURCE_READONLY)),
                nic.bars());
    }
}
