package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.dmascope.core.source.InputException;
import org.dmascope.core.source.TopologyImporter;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.TopologySources;
import org.dmascope.sources.hwloc.HwlocXmlImporter;
import org.dmascope.sources.sysfs.SysfsTreeImporter;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which inputs the hwloc XML importer claims, by their content. */
class HwlocRecogniseTest {

    private final HwlocXmlImporter importer = new HwlocXmlImporter();

    static Stream<Path> hwlocFiles() throws IOException {
        return Stream.of("hwloc-xml", "sysfs/expected-hwloc", "sysfs/expected-hwloc2")
                .flatMap(folder -> files(folder).filter(p -> p.toString().endsWith(".xml")));
    }

    static Stream<Path> otherFiles() throws IOException {
        Stream<Path> snapshots = files("sysfs").filter(p -> !p.toString().endsWith(".xml"));
        return Stream.of(files("nccl-topo"), files("lspci-dumps"), snapshots, Stream.of(TestData.path("README.md")))
                .flatMap(s -> s);
    }

    @ParameterizedTest
    @MethodSource("hwlocFiles")
    void hwlocFilesAreRecognised(Path file) {
        assertEquals(100, importer.recognise(file), file.toString());
    }

    @ParameterizedTest
    @MethodSource("otherFiles")
    void otherFilesAreNot(Path file) {
        assertEquals(0, importer.recognise(file), file.toString());
    }

    @Test
    void foldersMissingEmptyAndBinaryFilesAreNot(@TempDir Path dir) throws IOException {
        assertEquals(0, importer.recognise(dir));
        assertEquals(0, importer.recognise(dir.resolve("missing.xml")));
        assertEquals(0, importer.recognise(Files.createFile(dir.resolve("empty.xml"))));
        assertEquals(0, importer.recognise(Files.write(dir.resolve("noise.xml"), new byte[] {0, (byte) 0xff, 3, '<'})));
    }

    @Test
    void theRootAloneTellsAnHwlocFile(@TempDir Path dir) throws Exception {
        // What lies below the root is the reader's business: it names the place of what is wrong.
        Path odd = Files.writeString(dir.resolve("odd.xml"),
                "<?xml version=\"1.0\"?>\n<topology version=\"2.0\"><node/></topology>");
        assertEquals(100, importer.recognise(odd));
        InputException e = assertThrows(InputException.class,
                () -> TopologySources.builtIn().open(odd, "odd.xml", new NullProgressMonitor()));
        assertEquals("odd.xml: line 2:column 25: the topology has no root <object>", e.getMessage());
        Path v1 = Files.writeString(dir.resolve("v1.xml"), "<topology>\n<object type=\"Machine\" <info/>");
        assertEquals(60, importer.recognise(v1));
        assertEquals(0, importer.recognise(Files.writeString(dir.resolve("system.xml"), "<system version=\"1\"/>")));
    }

    @Test
    void theRegistryPicksTheImporterByContent() throws Exception {
        TopologySources sources = new TopologySources(List.of(new SysfsTreeImporter(), importer));
        Path xml = TestData.path("sysfs/expected-hwloc/fakepcilocalities.xml");
        Path tarball = TestData.path("sysfs/fakepcilocalities.tar.bz2");
        assertSame(importer, sources.importerFor(xml).orElseThrow());
        TopologyImporter sysfs = sources.importerFor(tarball).orElseThrow();
        assertEquals("sysfs", sysfs.id());
        PciTopology fromXml = sources.open(xml, "fakepcilocalities.xml", new NullProgressMonitor());
        assertEquals(30, fromXml.size());
        assertFalse(sources.importerFor(TestData.path("nccl-topo/aws-p4d-24xl-topo.xml")).isPresent());
        assertEquals(HwlocXmlImporter.ID, importer.id());
    }

    private static Stream<Path> files(String folder) {
        try (Stream<Path> walk = Files.walk(TestData.path(folder))) {
            return walk.filter(Files::isRegularFile).sorted().toList().stream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
