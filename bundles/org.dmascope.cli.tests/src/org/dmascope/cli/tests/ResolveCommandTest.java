package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

import org.dmascope.testing.NativeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * {@code dmascope resolve} on this test's own process: a buffer it allocates outside the Java
 * heap and touches page by page, resolved through the installed struct page backend and
 * compared with a direct reading of /proc/self/pagemap; and the exit statuses for bad input.
 */
class ResolveCommandTest {

    private static final long SIZE = 4L << 20;
    private static NativeBuffer nativeBuffer;
    private static long buffer;
    private static long pid = ProcessHandle.current().pid();

    @BeforeAll
    static void allocate() {
        nativeBuffer = NativeBuffer.touched(SIZE);
        buffer = nativeBuffer.address();
    }

    @AfterAll
    static void free() {
        nativeBuffer.close();
    }

    private static String hex(long v) {
        return String.format(Locale.ROOT, "%#x", v);
    }

    @Test
    void resolvesATouchedBufferOfThisProcessPageByPage() throws IOException {
        CliRun run = CliRun.of("resolve", "--pid", Long.toString(pid), "--addr", hex(buffer), "--len", "4M", "--json");
        assertEquals(0, run.status(), run.err());
        JsonObject doc = run.json();
        assertEquals(pid, doc.get("pid").getAsLong());
        assertTrue(doc.get("error").isJsonNull());
        JsonObject vma = doc.getAsJsonArray("vmas").get(0).getAsJsonObject();
        long start = Long.decode(vma.get("start").getAsString());
        long end = Long.decode(vma.get("end").getAsString());
        assertTrue(start <= buffer && buffer < end, "the first VMA holds the buffer");
        assertEquals("rw-p", vma.get("perms").getAsString());
        assertEquals("structpage", vma.get("backend").getAsString());
        long first = buffer & ~0xfffL;
        long pages = ((buffer + SIZE + 0xfff & ~0xfffL) - first) >>> 12;
        boolean root = pfnsVisible();
        // Every run as the pagemap says, page by page: present, and (as root) the same PFN.
        long expectVaddr = first;
        long total = 0;
        try (FileChannel pagemap = FileChannel.open(Path.of("/proc/self/pagemap"), StandardOpenOption.READ)) {
            for (JsonElement e : doc.getAsJsonArray("pages")) {
                JsonObject r = e.getAsJsonObject();
                long vaddr = Long.decode(r.get("vaddr").getAsString());
                long count = r.get("count").getAsLong();
                assertEquals(expectVaddr, vaddr, "runs follow each other");
                String flags = r.get("flags").getAsString();
                assertTrue(flags.contains("present"), flags);
                for (long i = 0; i < count; i++) {
                    long entry = read(pagemap, vaddr + (i << 12));
                    assertTrue(entry < 0, "bit 63: present at " + hex(vaddr + (i << 12)));
                    if (root) {
                        assertEquals(entry & ((1L << 55) - 1), r.get("pfn").getAsLong() + i, "PFN at " + hex(vaddr + (i << 12)));
                    }
                }
                expectVaddr = vaddr + (count << 12);
                total += count;
            }
        }
        assertEquals(pages, total);
        JsonArray sg = doc.getAsJsonArray("sg");
        long bytes = 0;
        for (JsonElement e : sg) {
            bytes += e.getAsJsonObject().get("len").getAsLong();
            if (root) {
                // Without an IOMMU the DMA address is the physical address.
                assertEquals(e.getAsJsonObject().get("phys").getAsString(), e.getAsJsonObject().get("dma").getAsString());
            }
        }
        assertEquals(pages << 12, bytes, "the DMA segments cover the pinned pages");
        List<String> steps = doc.getAsJsonArray("steps").asList().stream()
                .map(s -> s.getAsJsonObject().get("step").getAsString()).toList();
        assertEquals(List.of("range", "memlock", "pin", "sg", "dma-map", "page-size"), steps);
        if (root) {
            long pgsz = doc.get("bestPageSize").getAsLong();
            assertTrue(pgsz >= 4096 && Long.bitCount(pgsz) == 1, "a power of two: " + pgsz);
            assertEquals((((buffer + SIZE + pgsz - 1) & -pgsz) - (buffer & -pgsz)) / pgsz, doc.get("dmaBlocks").getAsLong());
        }
    }

    @Test
    void throughAnIommuTheBufferIsOneSegment() {
        CliRun run = CliRun.of("resolve", "--pid", Long.toString(pid), "--addr", hex(buffer), "--len", "4M", "--iommu",
                "on", "--max-seg", "2G", "--json");
        assertEquals(0, run.status(), run.err());
        JsonArray sg = run.json().getAsJsonArray("sg");
        assertEquals(1, sg.size(), "one IOVA range merges every entry");
        long iova = Long.decode(sg.get(0).getAsJsonObject().get("dma").getAsString());
        assertTrue(iova < 1L << 32, "a PCI device gets 32-bit IOVAs first: " + hex(iova));
        assertNotNull(run.json().get("iova"));
    }

    @Test
    void aDeviceOfThisMachineNamesItselfAndItsIommu() throws IOException {
        // The first PCI function that is not a bridge, as sysfs lists it.
        String bdf = null;
        try (var dirs = Files.list(Path.of("/sys/bus/pci/devices"))) {
            for (Path d : dirs.sorted().toList()) {
                if (!Files.readString(d.resolve("class")).strip().startsWith("0x06")) {
                    bdf = d.getFileName().toString();
                    break;
                }
            }
        }
        assertNotNull(bdf, "a PCI endpoint on this machine");
        CliRun run = CliRun.of("resolve", "--pid", Long.toString(pid), "--addr", hex(buffer), "--len", "64K", "--device",
                bdf, "--json");
        assertEquals(0, run.status(), run.err());
        JsonObject device = run.json().getAsJsonObject("device");
        assertEquals(bdf, device.get("bdf").getAsString());
        boolean group = Files.exists(Path.of("/sys/bus/pci/devices", bdf, "iommu_group"));
        if (!group) {
            assertFalse(device.get("iommu").getAsBoolean(), "no IOMMU group: dma-direct");
        }
        assertBad(CliRun.of("resolve", "--pid", Long.toString(pid), "--addr", hex(buffer), "--len", "4096", "--device",
                "7f:1f.7"), "no such PCI function");
    }

    @Test
    void textFormShowsTheStepsAndTheRules() {
        CliRun run = CliRun.of("resolve", "--pid", Long.toString(pid), "--addr", hex(buffer), "--len", "64K");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("sg_alloc_append_table_from_pages"), run.out());
        assertTrue(run.out().contains("ib_umem_find_best_pgsz"), run.out());
        assertTrue(run.out().contains("MR page size"), run.out());
    }

    @Test
    void badInputExitsWithTwoAndOneLine() throws IOException {
        assertBad(CliRun.of("resolve", "--pid", "999999999", "--addr", "0x1000", "--len", "4096"), "does not exist");
        assertBad(CliRun.of("resolve", "--pid", Long.toString(pid), "--addr", "0x1000", "--len", "4096"),
                "outside every VMA");
        assertBad(CliRun.of("resolve", "--pid", Long.toString(pid), "--addr", hex(buffer), "--len", "four"),
                "--len: not a number");
        assertBad(CliRun.of("resolve", "--pid", Long.toString(pid), "--addr", hex(buffer), "--len", "4096", "--iommu",
                "maybe"), "expected off or on");
        String none = protNone();
        // A JVM reserves its heap's address range as PROT_NONE: there is always one.
        assertNotNull(none, "a ---p mapping in /proc/self/maps");
        assertBad(CliRun.of("resolve", "--pid", Long.toString(pid), "--addr", none, "--len", "4096"), "PROT_NONE");
    }

    private static void assertBad(CliRun run, String text) {
        assertEquals(2, run.status(), run.out() + run.err());
        assertTrue(run.err().contains(text), run.err());
        assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    // A ---p mapping of this JVM (reserved heap, guard pages).
    private static String protNone() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.split("\\s+");
            if (f[1].equals("---p")) {
                return "0x" + f[0].substring(0, f[0].indexOf('-'));
            }
        }
        return null;
    }

    private static boolean pfnsVisible() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1L << 21) != 0;
            }
        }
        return false;
    }

    private static long read(FileChannel pagemap, long vaddr) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        pagemap.read(b, (vaddr >>> 12) * 8);
        return b.getLong(0);
    }
}
