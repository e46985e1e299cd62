package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input to {@code dmascope topo}, in every importer's format: exit status 2, nothing on
 * standard output, and one line on standard error that names the input and the place in it.
 */
class TopoBadInputTest {

    @TempDir
    Path temp;

    private static CliRun badInput(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.status(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nonexistent/topology.xml", "/nonexistent/sysfs/", "/nonexistent/snapshot.tar.gz"})
    void aMissingSourceIsNamed(String source) {
        for (String json : new String[] {"--json", "-n"}) {
            CliRun r = badInput("topo", json, source);
            assertEquals("dmascope: " + source + ": no such file or directory\n", r.err());
        }
    }

    /** XML cut short: the parser stops at the end of the file, which is the place named. */
    @ParameterizedTest
    @CsvSource({"nccl-topo/aws-p4d-24xl-topo.xml, 3000", "nccl-topo/azure-ncv4-topo.xml, 700",
        "hwloc-xml/nvidiaDGX2.xml, 5000", "sysfs/expected-hwloc2/fakepcilocalities.xml, 4000"})
    void truncatedXmlNamesTheLineAndColumnWhereItEnds(String file, int bytes) throws IOException {
        byte[] cut = Arrays.copyOf(Files.readAllBytes(TestData.path(file)), bytes);
        Path input = Files.write(temp.resolve(Path.of(file).getFileName()), cut);
        String text = new String(cut, StandardCharsets.UTF_8);
        int line = (int) text.chars().filter(c -> c == '\n').count() + 1;
        int column = text.length() - text.lastIndexOf('\n');
        CliRun r = badInput("topo", "--json", input.toString());
        assertTrue(r.err().startsWith("dmascope: " + input + ": line " + line + ":column " + column
                + ": malformed XML: "), r.err());
    }

    static Stream<Arguments> malformedXml() {
        return Stream.of(
                // Well-formed up to an attribute list that never ends.
                Arguments.of("<system version=\"1\">\n  <cpu numaid=\"0\">\n"
                        + "    <pci busid=\"0000:01:00.0\" <gpu/></pci></cpu></system>\n", "line 3:column 31: malformed XML"),
                // An end tag that closes nothing.
                Arguments.of("<system version=\"1\">\n  <cpu numaid=\"0\"></pci></cpu>\n</system>\n",
                        "line 2:column 21: malformed XML"),
                // Well-formed, but a bus ID that is not one.
                Arguments.of("<system version=\"1\">\n  <cpu numaid=\"0\">\n    <pci busid=\"0000:zz:00.0\"/>\n"
                        + "  </cpu>\n</system>\n", "line 3:column 32: <pci> busid '0000:zz:00.0' is not a PCI address"),
                // hwloc: an attribute without its closing quote, below the Machine object.
                Arguments.of("<?xml version=\"1.0\"?>\n<topology version=\"2.0\">\n"
                        + "  <object type=\"Machine\" os_index=\"0\">\n"
                        + "    <object type=\"Package os_index=\"0\"/>\n  </object>\n</topology>\n",
                        "line 4:column 37: malformed XML"));
    }

    @ParameterizedTest
    @MethodSource("malformedXml")
    void malformedXmlNamesTheLineAndColumn(String document, String place) throws IOException {
        Path input = Files.writeString(temp.resolve("bad.xml"), document);
        CliRun r = badInput("topo", input.toString());
        assertTrue(r.err().startsWith("dmascope: " + input + ": " + place), r.err());
    }

    @ParameterizedTest
    @ValueSource(ints = {2010, 5003, 150_000})
    void aHexDumpCutInsideAByteNamesTheLineAndColumn(int bytes) throws IOException {
        // Cut so that the last hex byte is half there: lines are "OFF: XX XX ...".
        byte[] whole = Files.readAllBytes(TestData.path("lspci-dumps/tree-asus-p6t6"));
        int at = bytes;
        while (!(isHex(whole[at - 1]) && isHex(whole[at]) && whole[at - 2] == ' ' && inHexLine(whole, at))) {
            at++;
        }
        byte[] cut = Arrays.copyOf(whole, at);
        Path input = Files.write(temp.resolve("dump"), cut);
        String text = new String(cut, StandardCharsets.ISO_8859_1);
        int line = (int) text.chars().filter(c -> c == '\n').count() + 1;
        int column = text.length() - text.lastIndexOf('\n') - 1;
        CliRun r = badInput("topo", input.toString());
        assertEquals("dmascope: " + input + ": line " + line + ":column " + column + ": '"
                + (char) whole[at - 1] + "' is not a hex byte\n", r.err());
    }

    @Test
    void aHexDumpCutInsideTheFirstHeaderSaysItIsTruncated() throws IOException {
        byte[] whole = Files.readAllBytes(TestData.path("lspci-dumps/tree-asus-p6t6"));
        // The device line and the first 48 bytes of its config header.
        String head = new String(whole, 0, 400, StandardCharsets.ISO_8859_1);
        int end = 0;
        for (int i = 0; i < 4; i++) {
            end = head.indexOf('\n', end) + 1;
        }
        Path input = Files.write(temp.resolve("dump"), Arrays.copyOf(whole, end));
        CliRun r = badInput("topo", "--json", input.toString());
        assertEquals("dmascope: " + input + ": line 1: no function has at least 64 bytes of config space: the dump "
                + "is truncated\n", r.err());
    }

    @Test
    void aTruncatedGzipSnapshotNamesTheByte() throws IOException {
        byte[] tar;
        try (var in = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream(
                Files.newInputStream(TestData.path("sysfs/fakepcilocalities.tar.bz2")))) {
            tar = in.readAllBytes();
        }
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var o = new java.util.zip.GZIPOutputStream(gz)) {
            o.write(tar);
        }
        Path input = Files.write(temp.resolve("snapshot.tar.gz"), Arrays.copyOf(gz.toByteArray(), 30_000));
        CliRun r = badInput("topo", input.toString());
        assertTrue(r.err().startsWith("dmascope: " + input + ": byte 30000 (after entry "), r.err());
    }

    @Test
    void somethingNoImporterReadsListsWhatIsRead() throws IOException {
        Path input = Files.writeString(temp.resolve("notes.txt"), "GPU0 is in slot 3\n");
        CliRun r = badInput("topo", input.toString());
        assertTrue(r.err().startsWith("dmascope: " + input + ": not a topology DMA Scope can read (it reads: "), r.err());
        for (String format : new String[] {"sysfs tree", "lspci hex dump", "lspci text", "hwloc XML", "NCCL topology XML"}) {
            assertTrue(r.err().contains(format), format + " in " + r.err());
        }
    }

    private static boolean inHexLine(byte[] text, int at) {
        int start = at;
        while (start > 0 && text[start - 1] != '\n') {
            start--;
        }
        return new String(text, start, at - start, StandardCharsets.ISO_8859_1).matches("[0-9a-f]{2,3}: .*");
    }

    private static boolean isHex(byte b) {
        return Character.digit(b, 16) >= 0;
    }
}
