package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.dmascope.trace.event.*;
import org.dmascope.trace.state.TraceState;
import org.dmascope.trace.state.TraceState.Mapping;
import org.dmascope.trace.store.ChunkInfo;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State at a time: the rules of each kind, and the replay from checkpoints. */
class StateTest {

    @TempDir
    Path dir;

    static EventHeader at(long ts, int pid) {
        return new EventHeader(ts, 0, pid, "p" + pid);
    }

    @Test
    void munmapAndMprotectSplitMappingsAsTheKernelDoes() {
        TraceState s = new TraceState();
        s.apply(new VmaMap(at(1, 10), 0x10000, 0x20000, "rw-p", 0x3000, "/dev/shm/x"));
        s.apply(new VmaUnmap(at(2, 10), 0x14000, 0x15000));
        s.apply(new VmaProtect(at(3, 10), 0x18000, 0x1a000, "r--p"));
        assertEquals(List.of(new Mapping(0x10000, 0x14000, "rw-p", 0x3000, "/dev/shm/x"),
                new Mapping(0x15000, 0x18000, "rw-p", 0x8000, "/dev/shm/x"),
                new Mapping(0x18000, 0x1a000, "r--p", 0xb000, "/dev/shm/x"),
                new Mapping(0x1a000, 0x20000, "rw-p", 0xd000, "/dev/shm/x")), s.mappings(10));
        s.apply(new VmaMap(at(4, 10), 0x12000, 0x19000, "rw-s", 0, "[anon]"));
        assertEquals(List.of(new Mapping(0x10000, 0x12000, "rw-p", 0x3000, "/dev/shm/x"),
                new Mapping(0x12000, 0x19000, "rw-s", 0, "[anon]"),
                new Mapping(0x19000, 0x1a000, "r--p", 0xc000, "/dev/shm/x"),
                new Mapping(0x1a000, 0x20000, "rw-p", 0xd000, "/dev/shm/x")), s.mappings(10),
                "MAP_FIXED over existing mappings replaces the overlap");
        s.apply(new ProcessExit(at(5, 10), 0));
        assertEquals(List.of(), s.mappings(10));
    }

    @Test
    void anEmptyOrInvertedRangeChangesNothing() {
        // mprotect / munmap of such a range fail with EINVAL; a damaged trace can hold one (found by fuzzing)
        TraceState s = new TraceState();
        s.apply(new VmaMap(at(1, 10), 0x10000, 0x20000, "rw-p", 0, ""));
        s.apply(new VmaProtect(at(2, 10), 0x18000, 0x12000, "r--p"));
        s.apply(new VmaUnmap(at(3, 10), 0x19000, 0x11000));
        s.apply(new VmaProtect(at(4, 10), 0x14000, 0x14000, "---p"));
        assertEquals(List.of(new Mapping(0x10000, 0x20000, "rw-p", 0, "")), s.mappings(10));
    }

    @Test
    void theFreeCallbackInvalidatesTheRegionsOverItsRange() {
        TraceState s = new TraceState();
        long gpuVa = 0x7f00_0000_0000L;
        s.apply(new MrRegister(at(1, 20), "mlx5_0", gpuVa, 1 << 21, gpuVa, "LOCAL_WRITE", 0x100, 0x100, ""));
        s.apply(new MrRegister(at(2, 20), "mlx5_0", gpuVa + (4 << 20), 1 << 21, gpuVa, "LOCAL_WRITE", 0x200, 0x200, ""));
        s.apply(new MrRegister(at(3, 20), "mlx5_0", 0x1000, 4096, 0x1000, "", 0, 0, "EFAULT"));
        s.apply(new GpuDirectFreeCallback(at(4, 20), "0000:c1:00.0", gpuVa + 0x10000, 0x10000));
        List<TraceState.MemoryRegion> mrs = List.copyOf(s.memoryRegions());
        assertEquals(2, mrs.size(), "a failed registration is no region");
        assertTrue(mrs.get(0).invalidated());
        assertEquals("0000:c1:00.0", mrs.get(0).invalidatedBy());
        assertEquals(4, mrs.get(0).invalidatedTs());
        assertFalse(mrs.get(1).invalidated());
        s.apply(new MrDeregister(at(5, 20), "mlx5_0", 0x100, ""));
        assertEquals(1, s.memoryRegions().size());
    }

    @Test
    void dmaMappingsComeAndGoByTheirKeys() {
        TraceState s = new TraceState();
        s.apply(new DmaMapPage(at(1, 1), "0000:3b:00.0", 0x1000, 0xfff0_0000L, 4096, "TO_DEVICE", ""));
        s.apply(new DmaMapSg(at(2, 1), "0000:3b:00.0", 3, 1, false, new long[] { 0x8000, 0x9000, 0xa000 },
                new long[] { 0xffe0_0000L }, new long[] { 12288 }, "FROM_DEVICE", ""));
        assertEquals(4096 + 12288, s.dmaMappedBytes("0000:3b:00.0"));
        s.apply(new DmaUnmapSg(at(3, 1), "0000:3b:00.0", new long[] { 0x8000, 0x9000, 0xa000 }, "FROM_DEVICE", ""));
        s.apply(new DmaUnmapPage(at(4, 1), "0000:3b:00.0", 0xfff0_0000L, 4096, "TO_DEVICE", ""));
        assertEquals(0, s.dmaMappedBytes("0000:3b:00.0"));
    }

    /** A random but plausible life of a few processes. */
    static List<TraceEvent> life(int n, long seed) {
        Random rnd = new Random(seed);
        List<TraceEvent> out = new ArrayList<>();
        long ts = 100;
        for (int pid = 1; pid <= 4; pid++) {
            out.add(new ProcessStart(at(ts++, pid), 1, "/usr/bin/app" + pid));
        }
        while (out.size() < n) {
            ts += 1 + rnd.nextInt(50);
            int pid = 1 + rnd.nextInt(4);
            long base = 0x7f00_0000_0000L + (rnd.nextInt(64) << 16);
            long len = (1 + rnd.nextInt(16)) << 12;
            switch (rnd.nextInt(12)) {
                case 0, 1, 2 -> out.add(new VmaMap(at(ts, pid), base, base + len, rnd.nextBoolean() ? "rw-p" : "r--s",
                        rnd.nextInt(8) << 12, rnd.nextBoolean() ? "" : "/dev/nvidia0"));
                case 3 -> out.add(new VmaUnmap(at(ts, pid), base, base + len));
                case 4 -> out.add(new VmaProtect(at(ts, pid), base, base + len, "r--p"));
                case 5 -> out.add(new Pin(at(ts, pid), base, len >> 12, "FOLL_LONGTERM", len >> 12, ""));
                case 6 -> out.add(new Unpin(at(ts, pid), base, 1, true));
                case 7 -> out.add(new MrRegister(at(ts, pid), "mlx5_" + (pid % 2), base, len, base, "LOCAL_WRITE",
                        rnd.nextInt(32), rnd.nextInt(32), ""));
                case 8 -> out.add(new MrDeregister(at(ts, pid), "mlx5_" + (pid % 2), rnd.nextInt(32), ""));
                case 9 -> out.add(new GpuDirectFreeCallback(at(ts, pid), "0000:c1:00.0", base, len));
                case 10 -> out.add(new DmaMapPage(at(ts, pid), "0000:3b:00.0", base, base ^ 0xff00, len, "TO_DEVICE", ""));
                default -> out.add(new TopologyChange(at(ts, pid), "LINK", "0000:3b:00." + rnd.nextInt(2),
                        "width x" + (1 << rnd.nextInt(5))));
            }
            if (rnd.nextInt(400) == 0) {
                out.add(new ProcessExit(at(ts, pid), 0));
                out.add(new ProcessStart(at(ts + 1, pid), 1, "/usr/bin/again"));
            }
        }
        return out;
    }

    @Test
    void stateAtAnyTimeEqualsTheReplayFromTheStart() throws Exception {
        List<TraceEvent> ev = life(20_000, 7);
        Path f = dir.resolve("life.dmatrace");
        try (TraceWriter w = TraceWriter.createUnflushed(f,
                TraceWriter.Options.DEFAULT.withChunkBytes(2048).withCheckpointEvery(1000))) {
            w.appendAll(ev);
        }
        try (TraceReader r = TraceReader.open(f)) {
            long checkpoints = r.chunks().stream().filter(ChunkInfo::checkpoint).count();
            assertTrue(checkpoints >= 15, "checkpoints " + checkpoints);
            Random rnd = new Random(3);
            for (int k = 0; k < 40; k++) {
                int i = rnd.nextInt(ev.size());
                long t = ev.get(i).ts();
                TraceState expected = new TraceState();
                for (TraceEvent e : ev) {
                    if (e.ts() > t) {
                        break;
                    }
                    expected.apply(e);
                }
                TraceState got = r.stateAt(t);
                assertEquals(expected, got, "state at " + t);
                assertEquals(t, got.time());
            }
            assertEquals(new TraceState(), r.stateAt(0));
        }
    }

    @Test
    void aDamagedCheckpointFallsBackToAnEarlierOne() throws Exception {
        List<TraceEvent> ev = life(5000, 11);
        Path f = dir.resolve("ck.dmatrace");
        try (TraceWriter w = TraceWriter.createUnflushed(f,
                TraceWriter.Options.DEFAULT.withChunkBytes(2048).withCheckpointEvery(1000))) {
            w.appendAll(ev);
        }
        ChunkInfo last;
        try (TraceReader r = TraceReader.open(f)) {
            List<ChunkInfo> cks = r.chunks().stream().filter(ChunkInfo::checkpoint).toList();
            last = cks.get(cks.size() - 1);
        }
        StoreTest.flip(f, last.offset() + 56 + last.payloadBytes() / 2);
        TraceState expected = new TraceState();
        ev.forEach(expected::apply);
        try (TraceReader r = TraceReader.open(f)) {
            assertEquals(expected, r.stateAt(Long.MAX_VALUE));
            assertEquals(1, r.damage().size());
            assertTrue(r.damage().get(0).problem().contains("chunk " + last.sequence()), r.damage().toString());
        }
    }
}
