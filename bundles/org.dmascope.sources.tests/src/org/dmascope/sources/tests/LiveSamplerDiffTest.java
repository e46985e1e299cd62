package org.dmascope.sources.tests;

import static org.dmascope.sources.tests.LiveSamplerTest.named;
import static org.dmascope.sources.tests.LiveSamplerTest.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dmascope.sources.live.LiveSampler;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.Migrate;
import org.dmascope.trace.event.ProcessExit;
import org.dmascope.trace.event.ProcessStart;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.event.VmaProtect;
import org.dmascope.trace.event.VmaUnmap;
import org.dmascope.trace.state.TraceState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler's diff on a folder laid out as /proc, changed by hand between samples: every kind
 * of VMA and page change, hidden PFNs, a VMA above the size cap, and a zombie's exit status.
 */
class LiveSamplerDiffTest {

    private static final int PID = 4321;
    private static final long PRESENT = 1L << 63;
    private static final long EXCLUSIVE = 1L << 56;
    private static final long A = 0x7f00_0000_0000L;
    private static final long HEAP = 0x5555_0000_0000L;
    private static final long FILE = 0x7f10_0000_0000L;
    private static final long RESERVE = 0x7e00_0000_0000L;
    private static final long ROOT_CAPS = 0x1ffffffffffL;

    @TempDir
    Path temp;

    private FakeProc proc;
    private final List<TraceEvent> events = new ArrayList<>();
    private final List<LiveSampler.Message> messages = new ArrayList<>();

    private static String stat(char state, int exitCode) {
        StringBuilder b = new StringBuilder().append(PID).append(" (app) ").append(state);
        for (int field = 4; field <= 52; field++) {
            b.append(' ').append(field == 4 ? 1 : field == 22 ? 777 : field == 52 ? exitCode : 0);
        }
        return b.append('\n').toString();
    }

    private static String line(long start, long end, String perms, long offset, String dev, long inode, String name) {
        return String.format("%x-%x %s %08x %s %d%s%n", start, end, perms, offset, dev, inode,
                name.isEmpty() ? " " : "                          " + name);
    }

    @BeforeEach
    void fake() throws Exception {
        proc = FakeProc.empty(temp, PID);
        proc.file("stat", stat('S', 0)).readerStatus(FakeProc.status("dmascope", 'R', 0, ROOT_CAPS));
        Files.createDirectories(temp.resolve("sys"));
    }

    private LiveSampler sampler() throws Exception {
        LiveSampler s = new LiveSampler(PID, LiveSampler.Options.DEFAULT.withRoots(proc.root(), temp.resolve("sys"))
                .withTopologyInterval(Duration.ZERO).withMaxVmaBytes(1L << 30), events::add);
        s.addListener(messages::add);
        return s;
    }

    private List<TraceEvent> sample(LiveSampler s) {
        events.clear();
        assertTrue(s.sampleOnce().alive());
        return new ArrayList<>(events);
    }

    @Test
    void everyKindOfChange() throws Exception {
        // sample 1: 16 anonymous pages (0-3 present, 4 the zero page, 5 shared), a heap, a file, a big reserve
        proc.file("maps", line(HEAP, HEAP + 0x21000, "rw-p", 0, "00:00", 0, "[heap]")
                + line(RESERVE, RESERVE + (64L << 30), "---p", 0, "00:00", 0, "")
                + line(A, A + 0x10000, "rw-p", 0, "00:00", 0, "")
                + line(FILE, FILE + 0x8000, "r--s", 0x4000, "08:01", 1234, "/data/file"));
        proc.pagemap(A, PRESENT | EXCLUSIVE | 0x1000, 4, 1);
        proc.pagemap(A + 0x4000, PRESENT | 0x2000, 1, 0);
        proc.pagemap(A + 0x5000, PRESENT | 0x3000, 1, 0);
        proc.kpageflags(0x1000, 0, 0x3000);
        proc.kpageflags(0x2000, 1L << 24, 1); // KPF_ZERO_PAGE
        LiveSampler s = sampler();
        List<TraceEvent> first = sample(s);
        ProcessStart start = assertInstanceOf(ProcessStart.class, first.get(0));
        assertEquals(1, start.ppid());
        assertEquals("app", start.header().comm());
        assertEquals(4, ofType(first, VmaMap.class).size());
        VmaMap file = ofType(first, VmaMap.class).get(3);
        assertEquals(List.of(FILE, FILE + 0x8000, 0x4000L, "/data/file", "r--s"),
                List.of(file.start(), file.end(), file.offset(), file.path(), file.perms()));
        List<GenericEvent> notSampled = named(first, "vma_not_sampled");
        assertEquals(1, notSampled.size());
        assertEquals("0x7e0000000000", notSampled.get(0).fields().get("start"));
        GenericEvent faulted = named(first, "pages_faulted").get(0);
        assertEquals(Map.of("start", "0x7f0000000000", "end", "0x7f0000006000", "pages", "6",
                "pfns", "0x1000+4 0x2000+1 0x3000+1", "thp_pages", "0", "hugetlb_pages", "0"), faulted.fields());
        assertTrue(messages.stream().anyMatch(m -> m.kind() == LiveSampler.MessageKind.NOTE
                && m.text().contains("0x7e0000000000")), messages.toString());

        // sample 2: mprotect of A's upper half, the heap grown by brk, the file unmapped;
        // pages 0-1 moved, 2 zapped, 4 (the zero page) written, 5 copied on write, 8-11 faulted
        proc.file("maps", line(HEAP, HEAP + 0x42000, "rw-p", 0, "00:00", 0, "[heap]")
                + line(RESERVE, RESERVE + (64L << 30), "---p", 0, "00:00", 0, "")
                + line(A, A + 0x8000, "rw-p", 0, "00:00", 0, "")
                + line(A + 0x8000, A + 0x10000, "r--p", 0, "00:00", 0, ""));
        proc.pagemap(A, PRESENT | EXCLUSIVE | 0x5000, 2, 1);
        proc.pagemap(A + 0x2000, 0, 1, 0);
        proc.pagemap(A + 0x4000, PRESENT | EXCLUSIVE | 0x6000, 1, 0);
        proc.pagemap(A + 0x5000, PRESENT | EXCLUSIVE | 0x7000, 1, 0);
        proc.pagemap(A + 0x8000, PRESENT | 0x9000, 2, 1);
        proc.pagemap(A + 0xa000, PRESENT | 0x8000, 2, 1);
        proc.kpageflags(0x5000, 0, 0x5000);
        List<TraceEvent> second = sample(s);
        assertFalse(second.stream().anyMatch(e -> e instanceof ProcessStart));
        VmaUnmap unmap = ofType(second, VmaUnmap.class).get(0);
        assertEquals(List.of(FILE, FILE + 0x8000), List.of(unmap.start(), unmap.end()));
        assertEquals(1, ofType(second, VmaUnmap.class).size(), "the split of A is not an unmap");
        VmaProtect protect = ofType(second, VmaProtect.class).get(0);
        assertEquals(List.of(A + 0x8000, A + 0x10000, "r--p"), List.of(protect.start(), protect.end(), protect.perms()));
        List<VmaMap> maps = ofType(second, VmaMap.class);
        assertEquals(1, maps.size(), maps.toString());
        assertEquals(List.of(HEAP + 0x21000, HEAP + 0x42000, "[heap]"),
                List.of(maps.get(0).start(), maps.get(0).end(), maps.get(0).path()));
        Migrate moved = ofType(second, Migrate.class).get(0);
        assertEquals(List.of(A, 2L, 2L, 0L), List.of(moved.start(), moved.nrPages(), moved.succeeded(), moved.failed()));
        // no memory blocks in this /sys: the nodes are not known
        assertEquals(List.of(-1, -1), List.of(moved.srcNode(), moved.dstNode()));
        GenericEvent zapped = named(second, "pages_unmapped").get(0);
        assertEquals("0x7f0000002000", zapped.fields().get("start"));
        assertEquals("0x1002+1", zapped.fields().get("pfns"));
        List<GenericEvent> replaced = named(second, "pages_replaced");
        assertEquals(2, replaced.size(), replaced.toString());
        assertEquals("zero_page", replaced.get(0).fields().get("cause"));
        assertEquals("0x2000+1", replaced.get(0).fields().get("old_pfns"));
        assertEquals("0x6000+1", replaced.get(0).fields().get("pfns"));
        assertEquals("cow", replaced.get(1).fields().get("cause"));
        GenericEvent newPages = named(second, "pages_faulted").get(0);
        assertEquals("0x7f0000008000", newPages.fields().get("start"));
        assertEquals("0x7f000000c000", newPages.fields().get("end"));
        assertEquals("0x9000+2 0x8000+2", newPages.fields().get("pfns"));
        // the events describe the address space as it is
        TraceState state = new TraceState();
        events.clear();
        List<TraceEvent> all = new ArrayList<>(first);
        all.addAll(second);
        all.forEach(state::apply);
        // (the grown heap as two adjacent mappings: the event says which part is new)
        assertEquals(List.of(HEAP, HEAP + 0x21000, RESERVE, A, A + 0x8000),
                state.mappings(PID).stream().map(TraceState.Mapping::start).toList());
        assertEquals(List.of(HEAP + 0x21000, HEAP + 0x42000, RESERVE + (64L << 30), A + 0x8000, A + 0x10000),
                state.mappings(PID).stream().map(TraceState.Mapping::end).toList());
        assertEquals("r--p", state.mappings(PID).get(4).perms());

        // sample 3: nothing changed
        assertTrue(sample(s).isEmpty());

        // sample 4: the reader lost CAP_SYS_ADMIN: PFNs read 0, presence only, said once
        proc.readerStatus(FakeProc.status("dmascope", 'R', 0, 0));
        proc.pagemap(A, PRESENT | EXCLUSIVE, 2, 0);
        proc.pagemap(A + 0x8000, PRESENT, 4, 0);
        proc.pagemap(A + 0xc000, PRESENT, 1, 0);
        List<TraceEvent> hidden = sample(s);
        assertEquals(2, hidden.size(), hidden.toString());
        GenericEvent one = named(hidden, "pages_faulted").get(0);
        assertEquals(List.of("0x7f000000c000", "hidden"), List.of(one.fields().get("start"), one.fields().get("pfns")));
        assertTrue(named(hidden, "note").get(0).fields().get("note").startsWith("PFNs hidden"));
        proc.pagemap(A + 0xd000, PRESENT, 1, 0);
        List<TraceEvent> again = sample(s);
        assertEquals(1, again.size(), "the note only once: " + again);

        // sample 5: a zombie
        proc.file("stat", stat('Z', 9 << 8));
        events.clear();
        assertFalse(s.sampleOnce().alive());
        ProcessExit exit = assertInstanceOf(ProcessExit.class, events.get(0));
        assertEquals(9 << 8, exit.exitCode());
        assertTrue(messages.get(messages.size() - 1).text().startsWith("process 4321 (app) exited with status 2304"));
    }

    @Test
    void aPidReusedByAnotherProcessIsAnExit() throws Exception {
        proc.file("maps", line(A, A + 0x1000, "rw-p", 0, "00:00", 0, "")).pagemap(A, 0, 1, 0);
        LiveSampler s = sampler();
        sample(s);
        proc.file("stat", stat('S', 0).replace(" 777 ", " 999 "));
        events.clear();
        assertFalse(s.sampleOnce().alive());
        assertEquals(-1, assertInstanceOf(ProcessExit.class, events.get(0)).exitCode());
    }

    @Test
    void aMapsFileThatIsNotMapsIsAReadFailure() throws Exception {
        proc.file("maps", line(A, A + 0x1000, "rw-p", 0, "00:00", 0, "")).pagemap(A, 0, 1, 0);
        LiveSampler s = sampler();
        sample(s);
        proc.file("maps", "garbage\n");
        assertTrue(sample(s).isEmpty());
        assertTrue(sample(s).isEmpty());
        List<LiveSampler.Message> failures = messages.stream()
                .filter(m -> m.kind() == LiveSampler.MessageKind.READ_FAILED).toList();
        assertEquals(1, failures.size(), "said once while it lasts: " + failures);
        assertTrue(failures.get(0).text().startsWith(proc.dir().resolve("maps") + ":1: "), failures.get(0).text());
    }

    /** Memory blocks of 0x8000 pages: node 0 has blocks 0 and 1, node 1 block 2, nothing beyond. */
    private void numaBlocks() throws Exception {
        Path system = temp.resolve("sys/devices/system");
        Files.createDirectories(system.resolve("memory"));
        Files.writeString(system.resolve("memory/block_size_bytes"), "8000000\n");
        for (String block : new String[] {"node0/memory0", "node0/memory1", "node1/memory2", "node1/memory_side_cache"}) {
            Files.createDirectories(system.resolve("node").resolve(block));
        }
    }

    @Test
    void movedPagesNameTheNumaNodesTheyLeftAndWentTo() throws Exception {
        numaBlocks();
        proc.file("maps", line(A, A + 0x10000, "rw-p", 0, "00:00", 0, ""));
        proc.pagemap(A, PRESENT | EXCLUSIVE | 0x1000, 6, 1);
        proc.kpageflags(0x1000, 0, 6);
        LiveSampler s = sampler();
        sample(s);
        // pages 0-1 to node 1, 2-3 within node 0, 4-5 to a frame of no memory block
        proc.pagemap(A, PRESENT | EXCLUSIVE | 0x10000, 2, 1);
        proc.pagemap(A + 0x2000, PRESENT | EXCLUSIVE | 0x9000, 2, 1);
        proc.pagemap(A + 0x4000, PRESENT | EXCLUSIVE | 0x20000, 2, 1);
        proc.kpageflags(0x10000, 0, 2);
        proc.kpageflags(0x9000, 0, 2);
        proc.kpageflags(0x20000, 0, 2);
        List<Migrate> moves = ofType(sample(s), Migrate.class);
        assertEquals(List.of(A, A + 0x2000, A + 0x4000), moves.stream().map(Migrate::start).toList());
        assertEquals(List.of(2L, 2L, 2L), moves.stream().map(Migrate::nrPages).toList());
        assertEquals(List.of(0, 0, 0), moves.stream().map(Migrate::srcNode).toList());
        assertEquals(List.of(1, 0, -1), moves.stream().map(Migrate::dstNode).toList());
    }
}
