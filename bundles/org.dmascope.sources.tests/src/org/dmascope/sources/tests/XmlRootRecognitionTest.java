package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.dmascope.core.source.InputException;
import org.dmascope.sources.TopologySources;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * XML topology files are claimed by their root element ({@code <system version="1">} for NCCL,
 * {@code <topology version="2.0">} for hwloc), so that a file malformed just below its root is
 * refused with the line and column, as the importers name them, not as "not a topology";
 * documents with external entities, entity expansion or an external DTD are still refused.
 */
class XmlRootRecognitionTest {

    @TempDir
    Path temp;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(temp.resolve(name), text);
    }

    private static InputException refused(Path file) {
        return assertThrows(InputException.class, () -> TopologySources.builtIn().open(file,
                file.getFileName().toString(), new NullProgressMonitor()));
    }

    @Test
    void anNcclFileMalformedOnItsSecondLineNamesTheLineAndColumn() throws Exception {
        Path file = write("nccl.xml", "<system version=\"1\">\n  <cpu numaid=\"0\" <pci/></cpu>\n</system>\n");
        assertEquals("nccl", TopologySources.builtIn().importerFor(file).orElseThrow().id());
        InputException e = refused(file);
        assertEquals("line 2:column 19", e.place());
        assertTrue(e.problem().startsWith("malformed XML: "), e.getMessage());
        assertTrue(e.getMessage().startsWith("nccl.xml: line 2:column 19: malformed XML: "), e.getMessage());
    }

    @Test
    void anHwlocFileMalformedOnItsSecondLineNamesTheLineAndColumn() throws Exception {
        Path file = write("hwloc.xml", "<topology version=\"2.0\">\n  <object type=\"Machine os_index=\"0\"/>\n"
                + "</topology>\n");
        assertEquals("hwloc-xml", TopologySources.builtIn().importerFor(file).orElseThrow().id());
        InputException e = refused(file);
        assertEquals("line 2:column 35", e.place());
        assertTrue(e.getMessage().startsWith("hwloc.xml: line 2:column 35: malformed XML: "), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"system, 'version=\"1\"', cpu, numaid", "topology, 'version=\"2.0\"', object, type"})
    void anExternalEntityIsNotRead(String root, String version, String child, String attribute) throws Exception {
        Path secret = write("secret.txt", "TOP-SECRET-4711");
        Path file = write("xxe.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE " + root + " [ <!ENTITY leak SYSTEM \""
                + secret.toUri() + "\"> ]>\n<" + root + " " + version + ">\n  <" + child + " " + attribute
                + "=\"&leak;\"/>\n</" + root + ">\n");
        InputException e = refused(file);
        assertTrue(e.place() != null && e.place().startsWith("line 4:column "), e.getMessage());
        assertTrue(e.problem().contains("leak"), e.getMessage());
        assertFalse(e.getMessage().contains("TOP-SECRET"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"system, 'version=\"1\"', cpu, numaid", "topology, 'version=\"2.0\"', object, type"})
    void entityExpansionIsRefusedAtOnce(String root, String version, String child, String attribute) throws Exception {
        StringBuilder doc = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE " + root + " [\n <!ENTITY lol0 \"lol\">\n");
        for (int i = 1; i < 10; i++) {
            doc.append(" <!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        doc.append("]>\n<").append(root).append(' ').append(version).append(">\n  <").append(child).append(' ')
                .append(attribute).append("=\"&lol9;\"/>\n</").append(root).append(">\n");
        Path file = write("laughs.xml", doc.toString());
        InputException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refused(file));
        assertTrue(e.place() != null && e.place().startsWith("line 15:column "), e.getMessage());
        assertFalse(e.getMessage().contains("lollol"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"system, 'version=\"1\"', cpu, numaid", "topology, 'version=\"2.0\"', object, type"})
    void anExternalDtdIsNotLoaded(String root, String version, String child, String attribute) throws Exception {
        Path secret = write("secret.txt", "TOP-SECRET-4711");
        Path dtd = write("evil.dtd", "<!ENTITY leak SYSTEM \"" + secret.toUri() + "\">\n");
        Path file = write("dtd.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE " + root + " SYSTEM \"" + dtd.toUri()
                + "\">\n<" + root + " " + version + ">\n  <" + child + " " + attribute + "=\"&leak;\"/>\n</" + root
                + ">\n");
        InputException e = refused(file);
        // Without the DTD the entity is undeclared.
        assertTrue(e.place() != null && e.place().startsWith("line 4:column "), e.getMessage());
        assertFalse(e.getMessage().contains("TOP-SECRET"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"nccl-topo/aws-p4d-24xl-topo.xml, 3000", "nccl-topo/azure-ncv4-topo.xml, 700",
        "hwloc-xml/nvidiaDGX2.xml, 5000", "sysfs/expected-hwloc2/fakepcilocalities.xml, 4000"})
    void aFileCutShortNamesWhereItEnds(String file, int bytes) throws Exception {
        byte[] cut = Arrays.copyOf(Files.readAllBytes(TestData.path(file)), bytes);
        String text = new String(cut, StandardCharsets.UTF_8);
        int line = (int) text.chars().filter(c -> c == '\n').count() + 1;
        int column = text.length() - text.lastIndexOf('\n');
        InputException e = refused(Files.write(temp.resolve("cut.xml"), cut));
        assertEquals("line " + line + ":column " + column, e.place());
        assertTrue(e.problem().startsWith("malformed XML: "), e.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreNamedByLineAndColumn() throws Exception {
        // The recogniser looks past them; reading names where they are, not "start of file".
        Path hwloc = Files.write(temp.resolve("latin1.xml"), ("<topology version=\"2.0\">\n"
                + "  <object type=\"Machine\" name=\"caf\u00e9\"/>\n</topology>\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        // The JDK parser prints "[Fatal Error]" lines for decoding errors it reports itself.
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream before = System.err;
        InputException e;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            e = refused(hwloc);
        } finally {
            System.setErr(before);
        }
        assertEquals("latin1.xml: line 2:column 35: not UTF-8 text: byte 0xe9 is not UTF-8", e.getMessage());
        assertEquals("", stderr.toString(StandardCharsets.UTF_8));
        // Far below the root, after CR LF line ends.
        StringBuilder nccl = new StringBuilder("<system version=\"1\">\r\n  <cpu numaid=\"0\">\r\n");
        for (int i = 0; i < 400; i++) {
            nccl.append("    <pci busid=\"0000:").append(String.format("%02x", i % 256)).append(":00.0\"/>\r\n");
        }
        byte[] bytes = (nccl + "    <nic name=\"x\"/>\r\n  </cpu>\r\n</system>\r\n").getBytes(StandardCharsets.US_ASCII);
        bytes[bytes.length - 27] = (byte) 0xc3; // the 'x', now a lead byte before '"'
        e = refused(Files.write(temp.resolve("nccl.xml"), bytes));
        assertEquals("line 403:column 16", e.place());
        assertEquals("not UTF-8 text: byte 0xc3 is not UTF-8", e.problem());
    }

    @Test
    void aRootWhoseStartTagCannotBeReadIsNotClaimed() throws Exception {
        // Only what the root's start tag says tells the format: one that is itself malformed says nothing.
        Path file = write("broken-root.xml", "<system version=\"1>\n  <cpu numaid=\"0\"/>\n</system>\n");
        InputException e = refused(file);
        assertTrue(e.problem().startsWith("not a topology DMA Scope can read"), e.getMessage());
    }
}
