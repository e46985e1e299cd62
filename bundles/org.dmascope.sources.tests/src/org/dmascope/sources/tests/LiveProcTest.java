package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.dmascope.sources.proc.LiveProcess;
import org.dmascope.sources.proc.ProcMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader on a live process: a child JVM ({@link ProcChild}) that allocates and touches a
 * direct buffer and maps a file it never touches. Every page of the buffer is checked against
 * this test's own read of /proc/PID/pagemap; the PMD-mapped THPs of the child's heap against
 * smaps' AnonHugePages; and a walk after the child is killed must fail naming it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LiveProcTest {

    private static final int BUFFER = 8 << 20;
    private static final long MAPPED = 1L << 30;

    @TempDir
    Path temp;

    /** A running ProcChild. */
    private static final class Child implements AutoCloseable {

        final Process process;
        final long buffer;
        final long mapped;

        Child(Path temp) throws IOException {
            Path classes = temp.resolve("classes");
            Path classFile = classes.resolve(ProcChild.class.getName().replace('.', '/') + ".class");
            Files.createDirectories(classFile.getParent());
            try (InputStream in = ProcChild.class.getResourceAsStream("ProcChild.class")) {
                Files.copy(in, classFile);
            }
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> command = new ArrayList<>(List.of(java.toString(), "-Xms64m", "-Xmx64m", "-XX:+UseSerialGC",
                    "-XX:+UseTransparentHugePages", "-XX:+AlwaysPreTouch", "-XX:-UsePerfData",
                    "--add-opens", "java.base/java.nio=ALL-UNNAMED", "-cp", classes.toString(), ProcChild.class.getName(),
                    Integer.toString(BUFFER), temp.resolve("mapped.bin").toString(), Long.toString(MAPPED)));
            Path err = temp.resolve("child.err");
            process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String b = out.readLine();
            String m = out.readLine();
            if (b == null || m == null) {
                process.destroyForcibly();
                throw new AssertionError("the child JVM did not start: " + Files.readString(err));
            }
            buffer = Long.parseUnsignedLong(b.split(" ")[1], 16);
            mapped = Long.parseUnsignedLong(m.split(" ")[1], 16);
        }

        int pid() {
            return (int) process.pid();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the child ended");
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    /** This test's own read of pagemap: one entry per page. */
    private static long[] pagemap(int pid, long start, int pages) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(pages * 8).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(Path.of("/proc/" + pid + "/pagemap"))) {
            while (buf.hasRemaining() && ch.read(buf, (start >>> 12) * 8 + buf.position()) > 0) {
                // read on
            }
        }
        long[] out = new long[pages];
        buf.flip().asLongBuffer().get(out);
        return out;
    }

    private static RunList walk(AddressSpace space, long start, long end) throws MemoryReadException {
        RunList runs = new RunList();
        space.pageTable().walk(start, end, runs);
        assertEquals((end - start) >>> 12, runs.pages());
        return runs;
    }

    @Test
    void everyPageOfATouchedBufferAndAnUntouchedMapping() throws Exception {
        ProcMemory proc = new ProcMemory();
        boolean root = proc.readerHasSysAdmin();
        int pid;
        AddressSpace space;
        long start;
        long end;
        try (Child child = new Child(temp)) {
            pid = child.pid();
            LiveProcess live = proc.open(pid);
            space = live.addressSpace();
            assertEquals(pid, space.pid());
            assertEquals("java", space.command());
            assertTrue(live.smapsRead());

            Vma vma = space.vma(child.buffer).orElseThrow();
            assertEquals("rw-p", vma.permissions());
            assertTrue(vma.isAnonymous(), vma.mapsLine());
            start = child.buffer & ~0xfffL;
            end = (child.buffer + BUFFER + 0xfff) & ~0xfffL;
            assertTrue(vma.contains(end - 1), vma.mapsLine());
            int pages = (int) ((end - start) >>> 12);
            RunList runs = walk(space, start, end);
            long[] direct = pagemap(pid, start, pages);
            for (int i = 0; i < pages; i++) {
                long address = start + ((long) i << 12);
                RunList.Run r = runs.at(address);
                assertTrue(direct[i] < 0, "the child touched every page of its buffer");
                assertTrue(r.present(), r::toString);
                if (root) {
                    long pfn = direct[i] & ((1L << 55) - 1);
                    assertNotEquals(0, pfn);
                    assertEquals(pfn, runs.pfnAt(address), () -> "PFN at " + Long.toHexString(address));
                } else {
                    assertTrue((r.flags() & PageFlags.PFN_HIDDEN) != 0, r::toString);
                    assertEquals(RunSink.NO_PFN, r.pfn());
                }
            }
            assertEquals(pages, runs.presentPages());
            assertEquals(root, live.pfnsVisible());

            // 1 GiB mapped and never touched: one run, not present.
            Vma mapped = space.vma(child.mapped).orElseThrow();
            assertEquals(MAPPED, mapped.length());
            assertEquals("rw-s", mapped.permissions());
            assertEquals(temp.resolve("mapped.bin").toString(), mapped.name());
            RunList untouched = walk(space, mapped.start(), mapped.end());
            assertEquals(1, untouched.runs.size(), untouched.toString());
            assertEquals(0, untouched.presentPages());

            // The whole address space up to the stack: every VMA read, the gaps between them not.
            Vma stack = space.vmas().stream().filter(v -> v.name().equals("[stack]")).findFirst().orElseThrow();
            RunList all = walk(space, space.vmas().get(0).start(), stack.end());
            assertTrue(all.runs.size() < 20_000, all.runs.size() + " runs");
            assertTrue(all.presentPages() >= pages);
        }
        // Killed and reaped: the page table read before fails naming the process, the file and the address.
        MemoryReadException e = assertThrows(MemoryReadException.class, () -> walk(space, start, end));
        assertEquals("process " + pid + " exited while reading /proc/" + pid + "/pagemap at 0x" + Long.toHexString(start),
                e.getMessage());
        assertEquals("process " + pid + " does not exist (no /proc/" + pid + ")",
                assertThrows(MemoryReadException.class, () -> proc.read(pid)).getMessage());
    }

    /** The bytes smaps counts as PMD-mapped anonymous THPs, summed over the VMAs. */
    private static long anonHugePages(int pid) throws IOException {
        long kb = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
            if (line.startsWith("AnonHugePages:")) {
                kb += Long.parseLong(line.substring(14).replace("kB", "").trim());
            }
        }
        return kb * 1024;
    }

    @Test
    void pmdMappedThpsAsSmapsCountsThem() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/kpageflags")),
                "needs root: /proc/kpageflags tells THPs (CI runs as root)");
        Path enabled = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        assumeTrue(Files.exists(enabled), "this kernel has no transparent huge pages");
        assumeFalse(Files.readString(enabled).contains("[never]"), "transparent huge pages are off here");
        try (Child child = new Child(temp)) {
            AddressSpace space = new ProcMemory().read(child.pid());
            long before;
            long after;
            long walked;
            int attempts = 0;
            do {
                before = anonHugePages(child.pid());
                walked = 0;
                for (Vma v : space.vmas()) {
                    if (v.has(VmFlag.HUGETLB) || v.name().equals("[vsyscall]")) {
                        continue;
                    }
                    for (RunList.Run r : walk(space, v.start(), v.end()).runs) {
                        if (r.pageShift() == 21) {
                            assertTrue((r.flags() & PageFlags.THP) != 0, r.toString());
                            assertEquals(0, r.vaddr() & 0x1fffff, r.toString());
                            assertEquals(0, r.pages() % 512, r.toString());
                            walked += r.pages() << 12;
                        }
                    }
                }
                after = anonHugePages(child.pid());
            } while (before != after && ++attempts < 3);
            assumeTrue(before > 0, "the child's heap got no THP (-XX:+UseTransparentHugePages, memory fragmented?)");
            assertEquals(before, walked, "bytes in PMD-mapped THPs");
        }
    }
}
