package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.dmascope.core.source.TopologyImporter;
import org.dmascope.sources.TopologySources;
import org.dmascope.sources.lspci.LspciDumpImporter;
import org.dmascope.sources.lspci.LspciTextImporter;
import org.dmascope.sources.sysfs.SysfsTreeImporter;
import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recognition by content over every file in testdata: each lspci importer claims its own
 * files, and nothing else (XML topologies, sysfs tarballs, trees, notes).
 */
class LspciRecogniseTest {

    private final LspciDumpImporter dump = new LspciDumpImporter();
    private final LspciTextImporter text = new LspciTextImporter();

    private static List<Path> testdataFiles() throws Exception {
        try (Stream<Path> files = Files.walk(TestData.path(""))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void eachImporterClaimsItsOwnFilesOnly() throws Exception {
        List<Path> files = testdataFiles();
        int dumps = 0;
        int texts = 0;
        int others = 0;
        for (Path f : files) {
            String name = TestData.path("").relativize(f).toString();
            int d = dump.recognise(f);
            int t = text.recognise(f);
            if (name.startsWith("lspci-dumps/expected/") && (name.endsWith(".vvv.txt") || name.endsWith(".n.txt"))) {
                assertTrue(t > 0, name + ": lspci text, text importer scored " + t);
                assertEquals(0, d, name + ": no hex, dump importer");
                texts++;
            } else if (name.startsWith("lspci-dumps/") && !name.startsWith("lspci-dumps/expected/")) {
                assertTrue(d > 0, name + ": a dump, dump importer scored " + d);
                assertTrue(d > t, name + ": the hex is read rather than the text (" + d + " vs " + t + ")");
                dumps++;
            } else {
                assertEquals(0, d, name + ": dump importer");
                assertEquals(0, t, name + ": text importer");
                others++;
            }
        }
        assertEquals(10, dumps);
        assertEquals(6, texts);
        assertTrue(others > 20, "XML, tarballs, trees and notes: " + others);
    }

    @Test
    void theRegistryPicksTheImporterByContent() throws Exception {
        TopologySources sources = new TopologySources(List.of(new SysfsTreeImporter(), dump, text));
        assertEquals("lspci-dump", id(sources, LspciOracles.dump("tree-asus-p6t6")));
        assertEquals("lspci-dump", id(sources, LspciOracles.dump("cap-aer-root")));
        assertEquals("lspci-text", id(sources, LspciOracles.dump("expected/tree-asus-p6t6.vvv.txt")));
        assertEquals("sysfs", id(sources, TestData.path("sysfs/fakepcilocalities.tar.bz2")));
        assertEquals("none", id(sources, TestData.path("nccl-topo/azure-ndv4-topo.xml")));
    }

    @Test
    void missingFilesAndDirectoriesAreNotRecognised(@TempDir Path temp) throws Exception {
        assertEquals(0, dump.recognise(temp));
        assertEquals(0, text.recognise(temp));
        assertEquals(0, dump.recognise(temp.resolve("missing")));
        assertEquals(0, text.recognise(temp.resolve("missing")));
        Path empty = Files.createFile(temp.resolve("empty"));
        assertEquals(0, dump.recognise(empty));
        assertEquals(0, text.recognise(empty));
    }

    private static String id(TopologySources sources, Path input) {
        return sources.importerFor(input).map(TopologyImporter::id).orElse("none");
    }
}
