package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.TopologySources;
import org.dmascope.testing.TestData;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshot archives cut short, as a copy that stopped or a download that broke leaves them:
 * plain, gzip and bzip2 alike are refused with the byte where the tar stream stops and the last
 * entry read, and a compressed stream missing its last bytes is refused too. The damaged
 * archives are made here from fakepcilocalities.tar.bz2, whose tar stream is 4,556,800 bytes:
 * its entries end at byte 4,550,656, then come the two zero blocks and the padding.
 */
class SysfsArchiveEndTest {

    private static final int ENTRIES_END = 4_550_656;
    // The header of .../devices/0000:80:01.0 starts at 4,499,968; the entry before it is a link.
    private static final String BEFORE_4500000 = "fakepcilocalities/sys/bus/pci/devices/0000:00:06.0";
    // The header of .../qib0/board_id starts at 4,399,616.
    private static final String BEFORE_4400000 = "fakepcilocalities/sys/devices/pci0000:80/0000:80:03.0/0000:43:00.0"
            + "/infiniband/qib0/qib0/device";
    // proc/cpuinfo: header at 4,506,112, 33,930 bytes of data.
    private static final int INSIDE_CPUINFO = 4_506_112 + 512 + 1000;

    private static byte[] tar;
    private static int functions;

    @TempDir
    Path temp;

    @BeforeAll
    static void unpack() throws Exception {
        try (InputStream in = new BZip2CompressorInputStream(
                Files.newInputStream(TestData.path("sysfs/fakepcilocalities.tar.bz2")))) {
            tar = in.readAllBytes();
        }
        functions = open(TestData.path("sysfs/fakepcilocalities.tar.bz2")).size();
    }

    private static PciTopology open(Path archive) throws InputException {
        return TopologySources.builtIn().open(archive, archive.getFileName().toString(), new NullProgressMonitor());
    }

    private static InputException refused(Path archive) {
        return assertThrows(InputException.class, () -> open(archive));
    }

    // The tar bytes as a file of the format: "tar", "tar.gz" or "tar.bz2".
    private Path write(String format, byte[] bytes) throws IOException {
        Path file = temp.resolve("snapshot." + format);
        try (OutputStream out = switch (format) {
            case "tar.gz" -> new GZIPOutputStream(Files.newOutputStream(file));
            case "tar.bz2" -> new BZip2CompressorOutputStream(Files.newOutputStream(file));
            default -> Files.newOutputStream(file);
        }) {
            out.write(bytes);
        }
        return file;
    }

    private static String ofTar(String format) {
        return format.equals("tar") ? "" : " of the decompressed tar stream";
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar", "tar.gz", "tar.bz2"})
    void aWholeArchiveIsReadWithoutWarnings(String format) throws Exception {
        PciTopology t = open(write(format, tar));
        assertEquals(functions, t.size());
        assertEquals(List.of(), t.warnings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar", "tar.gz", "tar.bz2"})
    void anArchiveCutInsideAHeaderIsTruncated(String format) throws Exception {
        // Cut here, commons-compress took the partial header for the end: 22 of 25 lines.
        InputException e = refused(write(format, Arrays.copyOf(tar, 4_500_000)));
        assertEquals("byte 4500000" + ofTar(format) + " (after entry " + BEFORE_4500000 + ")", e.place());
        assertEquals("truncated archive: the data stops inside a 512-byte header block, without the end-of-archive"
                + " marker (two 512-byte zero blocks)", e.problem());
        assertTrue(e.getMessage().startsWith("snapshot." + format + ": byte 4500000"), e.getMessage());
        // Cut here, before any entry of bus/pci/devices: "holds no sysfs tree".
        e = refused(write(format, Arrays.copyOf(tar, 4_400_000)));
        assertEquals("byte 4400000" + ofTar(format) + " (after entry " + BEFORE_4400000 + ")", e.place());
        assertTrue(e.problem().startsWith("truncated archive: "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar", "tar.gz", "tar.bz2"})
    void anArchiveWithoutTheEndMarkerIsTruncated(String format) throws Exception {
        InputException e = refused(write(format, Arrays.copyOf(tar, ENTRIES_END)));
        assertEquals("byte " + ENTRIES_END + ofTar(format) + " (after entry fakepcilocalities/proc/stat)", e.place());
        assertEquals("truncated archive: the data stops after this entry, without the end-of-archive marker"
                + " (two 512-byte zero blocks)", e.problem());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar", "tar.gz", "tar.bz2"})
    void anArchiveCutInsideAnEntryNamesIt(String format) throws Exception {
        InputException e = refused(write(format, Arrays.copyOf(tar, INSIDE_CPUINFO)));
        assertEquals("byte " + INSIDE_CPUINFO + ofTar(format) + " (in entry fakepcilocalities/proc/cpuinfo)", e.place());
        assertEquals("truncated archive: the data stops inside this entry", e.problem());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar", "tar.gz", "tar.bz2"})
    void aLoneZeroBlockIsTheEndWithAWarning(String format) throws Exception {
        // GNU tar 1.34 reads it, saying "A lone zero block at 8889".
        PciTopology t = open(write(format, Arrays.copyOf(tar, ENTRIES_END + 512)));
        assertEquals(functions, t.size());
        assertEquals(List.of("byte " + ENTRIES_END + ofTar(format) + " (after entry fakepcilocalities/proc/stat):"
                + " the archive ends with one 512-byte zero block instead of two; read up to it, as GNU tar does"
                + " ('A lone zero block')"), t.warnings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.bz2"})
    void membersOneAfterAnotherAreOneArchive(String format) throws Exception {
        // pigz, pbzip2 and "cat a.gz b.gz" write several members; the tar runs across them.
        byte[] head = Files.readAllBytes(write(format, Arrays.copyOf(tar, 1_000_000)));
        byte[] rest = Files.readAllBytes(write(format, Arrays.copyOfRange(tar, 1_000_000, tar.length)));
        Path joined = Files.write(temp.resolve("joined." + format), head);
        Files.write(joined, rest, StandardOpenOption.APPEND);
        PciTopology t = open(joined);
        assertEquals(functions, t.size());
        assertEquals(List.of(), t.warnings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar.gz", "tar.bz2"})
    void bytesAfterTheCompressedDataAreReadOverWithAWarning(String format) throws Exception {
        // gzip ignores trailing zeros; GNU tar reads a .tar.bz2 followed by them.
        Path file = write(format, tar);
        Files.write(file, new byte[1024], StandardOpenOption.APPEND);
        PciTopology t = open(file);
        assertEquals(functions, t.size());
        assertEquals(List.of("the compressed data is followed by bytes that are not part of it (padding or garbage);"
                + " they are not read, as gzip and bzip2 leave them"), t.warnings());
    }

    @Test
    void aBzip2StreamMissingItsLastBytesIsRefused() throws Exception {
        // The tar inside is whole; only the end of the bzip2 stream (its checksum) is missing.
        byte[] whole = Files.readAllBytes(TestData.path("sysfs/fakepcilocalities.tar.bz2"));
        Path cut = Files.write(temp.resolve("cut.tar.bz2"), Arrays.copyOf(whole, whole.length - 10));
        InputException e = refused(cut);
        assertTrue(e.place() != null && e.place().startsWith("byte " + (whole.length - 10) + " (after entry "),
                e.getMessage());
        assertTrue(e.problem().startsWith("damaged or truncated archive: "), e.getMessage());
    }

    @Test
    void aGzipStreamCutShortSaysSoInWords() throws Exception {
        byte[] gz = Files.readAllBytes(write("tar.gz", tar));
        // Cut in the middle: the inflater runs out of input and says nothing ("null" before).
        Path middle = Files.write(temp.resolve("middle.tar.gz"), Arrays.copyOf(gz, 30_000));
        InputException e = refused(middle);
        assertTrue(e.place() != null && e.place().startsWith("byte 30000 (after entry "), e.getMessage());
        assertEquals("damaged or truncated archive: unexpected end of compressed data", e.problem());
        // Without its last 4 bytes (the length in the gzip trailer), the tar inside is whole.
        Path trailer = Files.write(temp.resolve("trailer.tar.gz"), Arrays.copyOf(gz, gz.length - 4));
        e = refused(trailer);
        assertEquals("byte " + (gz.length - 4) + " (after entry fakepcilocalities/proc/stat)", e.place());
        assertEquals("damaged or truncated archive: unexpected end of compressed data", e.problem());
    }
}
