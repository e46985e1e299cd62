package org.dmascope.sources.tests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

import org.dmascope.testing.TestData;

/**
 * A folder laid out as /proc, for the /proc reader: a process's text files, its pagemap and
 * /proc/kpageflags as sparse files, /proc/self/status (the reader) and /proc/iomem. Built from a
 * capture in testdata/proc (see testdata/README.md) or by hand.
 */
final class FakeProc {

    /** The captured privileged process (root, PFNs visible, hugetlb and THP mappings). */
    static final String ROOT = "root";
    /** The captured unprivileged process (uid nobody, PFNs hidden). */
    static final String NOBODY = "nobody";

    private final Path root;
    private final int pid;

    private FakeProc(Path root, int pid) throws IOException {
        this.root = root;
        this.pid = pid;
        Files.createDirectories(dir());
        Files.createDirectories(root.resolve("self"));
    }

    /** An empty process folder, to fill by hand. */
    static FakeProc empty(Path temp, int pid) throws IOException {
        return new FakeProc(temp.resolve("proc"), pid);
    }

    /**
     * The captured process of a sample, read by the captured reader of another (or the same)
     * sample: its status becomes /proc/self/status.
     */
    static FakeProc captured(Path temp, String sample, String readerSample) throws IOException {
        Path from = sample(sample);
        int pid = Integer.parseInt(Files.readString(from.resolve("pid")).trim());
        FakeProc p = new FakeProc(temp.resolve("proc"), pid);
        for (String name : new String[] {"maps", "smaps", "status", "limits", "comm", "stat"}) {
            Files.copy(from.resolve(name), p.dir().resolve(name));
        }
        Files.copy(sample(readerSample).resolve("status"), p.root.resolve("self/status"));
        Files.copy(from.resolve("iomem"), p.root.resolve("iomem"));
        for (Map.Entry<Long, long[]> e : pagemapRuns(sample).entrySet()) {
            p.pagemap(e.getKey(), e.getValue()[0], e.getValue()[1], 1);
        }
        Path kpf = from.resolve("kpageflags.txt");
        if (Files.exists(kpf)) {
            for (String line : Files.readAllLines(kpf)) {
                String[] f = line.split(" ");
                p.kpageflags(Long.parseUnsignedLong(f[0], 16), Long.parseUnsignedLong(f[1], 16), Long.parseLong(f[2]));
            }
        }
        return p;
    }

    /** A sample's folder in testdata/proc. */
    static Path sample(String name) {
        return TestData.path("proc").resolve(name);
    }

    /** A sample's pagemap.txt: first page address to {first entry, pages}; page i holds entry + i. */
    static TreeMap<Long, long[]> pagemapRuns(String sample) throws IOException {
        TreeMap<Long, long[]> runs = new TreeMap<>(Long::compareUnsigned);
        for (String line : Files.readAllLines(sample(sample).resolve("pagemap.txt"))) {
            String[] f = line.split(" ");
            runs.put(Long.parseUnsignedLong(f[0], 16),
                    new long[] {Long.parseUnsignedLong(f[1], 16), Long.parseLong(f[2])});
        }
        return runs;
    }

    /** The pagemap entry a sample's capture holds for a page (0 when none). */
    static long entryAt(TreeMap<Long, long[]> runs, long address) {
        Map.Entry<Long, long[]> e = runs.floorEntry(address);
        if (e == null) {
            return 0;
        }
        long index = (address - e.getKey()) >>> 12;
        return Long.compareUnsigned(index, e.getValue()[1]) < 0 ? e.getValue()[0] + index : 0;
    }

    Path root() {
        return root;
    }

    int pid() {
        return pid;
    }

    Path dir() {
        return root.resolve(Integer.toString(pid));
    }

    FakeProc file(String name, String text) throws IOException {
        Files.writeString(dir().resolve(name), text);
        return this;
    }

    FakeProc readerStatus(String text) throws IOException {
        Files.writeString(root.resolve("self/status"), text);
        return this;
    }

    /** Writes count entries from a page: entry + i * step for page i. */
    FakeProc pagemap(long address, long entry, long count, long step) throws IOException {
        write(dir().resolve("pagemap"), (address >>> 12) * 8, entry, count, step);
        return this;
    }

    /** Writes count kpageflags entries, all the same, from a PFN. */
    FakeProc kpageflags(long pfn, long flags, long count) throws IOException {
        write(root.resolve("kpageflags"), pfn * 8, flags, count, 0);
        return this;
    }

    private static void write(Path file, long position, long first, long count, long step) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            long at = position;
            for (long i = 0; i < count; i++) {
                buf.putLong(first + i * step);
                if (!buf.hasRemaining()) {
                    at += flush(ch, buf, at);
                }
            }
            flush(ch, buf, at);
        }
    }

    private static int flush(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        buf.flip();
        int n = buf.remaining();
        while (buf.hasRemaining()) {
            ch.write(buf, at + n - buf.remaining());
        }
        buf.clear();
        return n;
    }

    /** A status file with these VmPin (kB) and CapEff values. */
    static String status(String name, char state, long vmPinKb, long capEff) {
        return String.format("Name:\t%s%nState:\t%c (x)%nVmLck:\t       0 kB%nVmPin:\t%8d kB%nCapEff:\t%016x%n", name,
                state, vmPinKb, capEff);
    }

    /** A stat line with this state and start time. */
    static String stat(int pid, String comm, char state, long startTime) {
        StringBuilder b = new StringBuilder().append(pid).append(" (").append(comm).append(") ").append(state);
        for (int field = 4; field <= 52; field++) {
            b.append(' ').append(field == 22 ? startTime : 0);
        }
        return b.append('\n').toString();
    }

    static final String LIMITS = """
            Limit                     Soft Limit           Hard Limit           Units
            Max locked memory         65536                65536                bytes
            """;
}
