package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.dmascope.core.pciids.PciIds;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.TopologySources;
import org.dmascope.sources.pciids.PciIdsLocator;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sysfs reader on trees written by the test: hierarchy, damage, bad input, cancellation. */
class SysfsReaderTest {

    @TempDir
    Path temp;

    private FakeSysfs switchTree() throws IOException {
        FakeSysfs sys = new FakeSysfs(temp.resolve("sys"));
        sys.function("pci0000:00/0000:00:00.0", 0x8086, 0x2020, 0x060000, 0, 0, 0);
        sys.function("pci0000:00/0000:00:01.0", 0x8086, 0x2030, 0x060400, 1, 1, 3);
        sys.function("pci0000:00/0000:00:01.0/0000:01:00.0", 0x10b5, 0x9797, 0x060400, 1, 2, 3);
        sys.function("pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0", 0x10b5, 0x9797, 0x060400, 1, 3, 3);
        sys.function("pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0/0000:03:00.0", 0x10de, 0x20b0, 0x030200, 0,
                0, 0);
        sys.function("pci0000:80/0000:80:00.0", 0x15b3, 0x101b, 0x020700, 0, 0, 0);
        return sys;
    }

    @Test
    void hierarchyFromTheDeviceDirectories() throws Exception {
        PciTopology t = TopologySources.builtIn().open(switchTree().root(), "fake", new NullProgressMonitor());
        assertEquals(6, t.size());
        assertEquals(2, t.hostBridges().size());
        PciFunction gpu = fn(t, "0000:03:00.0");
        assertEquals("0000:02:00.0", gpu.parent().toString());
        assertEquals(FunctionRole.SWITCH_DOWNSTREAM_PORT, fn(t, "0000:02:00.0").role());
        assertEquals(FunctionRole.SWITCH_UPSTREAM_PORT, fn(t, "0000:01:00.0").role());
        assertEquals(FunctionRole.ROOT_PORT, fn(t, "0000:00:01.0").role());
        assertEquals(FunctionRole.HOST_BRIDGE_FUNCTION, fn(t, "0000:00:00.0").role());
        assertEquals("0000:80", fn(t, "0000:80:00.0").rootBus().toString());
        assertEquals(3, t.upstreamBridges(gpu).size());
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
    }

    @Test
    void aRootHoldingSysIsASnapshot() throws Exception {
        switchTree();
        PciTopology t = TopologySources.builtIn().open(temp, "snapshot root", new NullProgressMonitor());
        assertEquals(6, t.size());
    }

    @Test
    void aFunctionThatVanishedIsSkippedWithAWarning() throws Exception {
        FakeSysfs sys = switchTree();
        sys.link("0000:05:00.0", "../../../devices/pci0000:00/0000:00:05.0/0000:05:00.0");
        PciTopology t = TopologySources.builtIn().open(sys.root(), "fake", new NullProgressMonitor());
        assertEquals(6, t.size(), "what was there is kept");
        assertEquals(1, t.warnings().size());
        assertTrue(t.warnings().get(0).contains("0000:05:00.0") && t.warnings().get(0).contains("disappeared"),
                t.warnings().get(0));
    }

    @Test
    void aDamagedResourceFileSkipsOnlyThatFunction() throws Exception {
        FakeSysfs sys = switchTree();
        FakeSysfs.write(sys.root().resolve("devices/pci0000:80/0000:80:00.0"), "resource", "0x1 not-a-number 0x2");
        PciTopology t = TopologySources.builtIn().open(sys.root(), "fake", new NullProgressMonitor());
        assertEquals(5, t.size());
        assertTrue(t.warnings().get(0).startsWith("0000:80:00.0: resource: resource line 1"), t.warnings().get(0));
    }

    @Test
    void notASysfsTreeIsNamedInTheMessage() throws Exception {
        Files.writeString(temp.resolve("notes.txt"), "hello");
        InputException e = assertThrows(InputException.class,
                () -> TopologySources.builtIn().open(temp, "my-folder", new NullProgressMonitor()));
        assertTrue(e.getMessage().startsWith("my-folder: not a topology DMA Scope can read"), e.getMessage());
        InputException missing = assertThrows(InputException.class, () -> TopologySources.builtIn()
                .open(temp.resolve("nope"), "nope", new NullProgressMonitor()));
        assertEquals("nope: no such file or directory", missing.getMessage());
    }

    @Test
    void aTruncatedSnapshotArchiveNamesTheByteWhereItEnds() throws Exception {
        byte[] whole = Files.readAllBytes(TestData.path("sysfs/fakepcilocalities.tar.bz2"));
        Path cut = temp.resolve("cut.tar.bz2");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        InputException e = assertThrows(InputException.class,
                () -> TopologySources.builtIn().open(cut, "cut.tar.bz2", new NullProgressMonitor()));
        assertTrue(e.getMessage().startsWith("cut.tar.bz2: byte "), e.getMessage());
        assertTrue(e.getMessage().contains("damaged or truncated archive"), e.getMessage());
    }

    @Test
    void anArchiveWithoutSysfsIsRefused() throws Exception {
        Path gz = temp.resolve("other.tar.gz");
        byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(gz)))) {
            TarArchiveEntry entry = new TarArchiveEntry("notes/hello.txt");
            entry.setSize(hello.length);
            tar.putArchiveEntry(entry);
            tar.write(hello);
            tar.closeArchiveEntry();
        }
        InputException e = assertThrows(InputException.class,
                () -> TopologySources.builtIn().open(gz, "other.tar.gz", new NullProgressMonitor()));
        assertEquals("other.tar.gz: the archive holds no sysfs tree (no entry below */sys/bus/pci/devices/)",
                e.getMessage());
    }

    @Test
    void aCancelledReadStops() throws Exception {
        FakeSysfs sys = switchTree();
        NullProgressMonitor cancelled = new NullProgressMonitor();
        cancelled.setCanceled(true);
        assertThrows(OperationCanceledException.class,
                () -> TopologySources.builtIn().open(sys.root(), "fake", cancelled));
    }

    @Test
    void pciIdsFromAPlainOrCompressedFile() throws Exception {
        String text = "10de  NVIDIA Corporation\n\t20b0  GA100 [A100 SXM4 40GB]\n";
        Path plain = temp.resolve("pci.ids");
        Files.writeString(plain, text);
        Path gz = temp.resolve("pci.ids.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        for (Path p : new Path[] {plain, gz}) {
            PciIds ids = PciIdsLocator.read(p);
            assertEquals("GA100 [A100 SXM4 40GB]", ids.device(0x10de, 0x20b0).orElseThrow());
        }
        InputException e = assertThrows(InputException.class, () -> PciIdsLocator.read(temp.resolve("missing.ids")));
        assertTrue(e.getMessage().startsWith(temp.resolve("missing.ids") + ": cannot read the PCI ID database"));
    }

    private static PciFunction fn(PciTopology t, String bdf) {
        return t.function(PciAddress.parse(bdf)).orElseThrow();
    }
}
