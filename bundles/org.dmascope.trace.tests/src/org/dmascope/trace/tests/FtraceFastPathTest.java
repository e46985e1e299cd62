package org.dmascope.trace.tests;

import static org.dmascope.trace.tests.FtraceLines.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.DmaMapSg;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.IommuMap;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.ftrace.FtraceReader;
import org.junit.jupiter.api.Test;

/**
 * The importer's quicker readings (dma_map_sg in one pass, the event name and its kind from one
 * cache lookup, the columns before the event, generic events built from arrays) give the same
 * events as the kernel's lines say, for every spelling, and the same errors.
 */
class FtraceFastPathTest {

    private static final String NIC = "0000:3b:00.0";
    private static final long T = 12_345_678_901_000L;

    private static List<TraceEvent> read(String text) throws IOException, InputException {
        return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<TraceEvent> read(InputStream in) throws IOException, InputException {
        List<TraceEvent> events = new ArrayList<>();
        try (FtraceReader r = new FtraceReader(in, "trace.txt")) {
            r.forEach(events::add);
        }
        return events;
    }

    private static TraceEvent one(String line) throws Exception {
        List<TraceEvent> events = read(HEADER + line + "\n");
        assertEquals(1, events.size(), () -> "events of " + line + ": " + events);
        return events.get(0);
    }

    private static EventHeader h() {
        return new EventHeader(T, 3, 4242, "ib_write_bw");
    }

    private static String line(String name, String fields) {
        return tracefs("ib_write_bw", 4242, 3, "d..1.", T, name, fields);
    }

    private static long[] seq(int n, long base, long step) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = base + i * step;
        }
        return a;
    }

    @Test
    void dmaMapSgInEverySpellingGivesTheSameEvent() throws Exception {
        long[] phys = { 0x1000, 0x2000, 0x3000 };
        long[] dma = { 0xfee0_0000L, 0xfee1_0000L };
        long[] sizes = { 0x2000, 0x1000 };
        DmaMapSg expected = new DmaMapSg(h(), NIC, 3, 2, false, phys, dma, sizes, "TO_DEVICE", "WEAK_ORDERING");
        for (String fields : new String[] {
                dmaMapSg(NIC, "TO_DEVICE", 3, 2, dma, sizes, phys, "WEAK_ORDERING"),
                dmaMapSg612(NIC, "TO_DEVICE", dma, sizes, phys, "WEAK_ORDERING"),
                // hex without 0x, upper-case 0X and digits, more spaces, trailing spaces
                NIC + " dir=TO_DEVICE nents=3/3 ents=2/2 dma_addrs={fee00000,0XFEE10000} sizes={0x2000,0x1000} "
                        + "phys_addrs={0x1000,0X2000,3000} attrs=WEAK_ORDERING",
                "  " + NIC + "  dir=TO_DEVICE  nents=3/3 ents=2/2 dma_addrs={0xfee00000,0xfee10000}   sizes={0x2000,0x1000} "
                        + "phys_addrs={0x1000,0x2000,0x3000} attrs=WEAK_ORDERING   ",
                // another order, an unknown field
                NIC + " dir=TO_DEVICE phys_addrs={0x1000,0x2000,0x3000} ents=2/2 nents=3/3 sizes={0x2000,0x1000} "
                        + "dma_addrs={0xfee00000,0xfee10000} attrs=WEAK_ORDERING",
                NIC + " dir=TO_DEVICE nents=3/3 ents=2/2 dma_addrs={0xfee00000,0xfee10000} sizes={0x2000,0x1000} "
                        + "phys_addrs={0x1000,0x2000,0x3000} attrs=WEAK_ORDERING extra=1",
                // only nents, not ents: ents is what was traced
                NIC + " dir=TO_DEVICE nents=3/3 dma_addrs={0xfee00000,0xfee10000} sizes={0x2000,0x1000} "
                        + "phys_addrs={0x1000,0x2000,0x3000} attrs=WEAK_ORDERING" }) {
            assertEquals(expected, one(line("dma_map_sg", fields)), fields);
        }
        // empty arrays
        assertEquals(new DmaMapSg(h(), NIC, 0, 0, false, new long[0], new long[0], new long[0], "NONE", ""),
                one(line("dma_map_sg", dmaMapSg612(NIC, "NONE", new long[0], new long[0], new long[0], ""))));
        // the largest entries, 16 hex digits
        long[] big = { -1L, 0x8000_0000_0000_0000L };
        DmaMapSg sg = (DmaMapSg) one(line("dma_map_sg", dmaMapSg612(NIC, "NONE", big, new long[] { 1, 2 }, big, "")));
        assertArrayEquals(big, sg.physAddrs());
        assertArrayEquals(big, sg.dmaAddrs());
    }

    @Test
    void dmaMapSgTruncatedAndLongerThanTheKernelTraces() throws Exception {
        long[] phys = seq(128, 0x10_0000_0000L, 0x1000);
        long[] dma = seq(100, 0xf000_0000L, 0x1000);
        long[] sizes = seq(100, 0x1000, 0);
        DmaMapSg sg = (DmaMapSg) one(line("dma_map_sg", dmaMapSg(NIC, "BIDIRECTIONAL", 300, 100, dma, sizes, phys, "")));
        assertEquals(new DmaMapSg(h(), NIC, 300, 100, true, phys, dma, sizes, "BIDIRECTIONAL", ""), sg);
        // a full count above what was traced without the mark is still truncated
        String noMark = dmaMapSg(NIC, "BIDIRECTIONAL", 300, 100, dma, sizes, phys, "").replace(" [TRUNCATED]", "");
        assertEquals(sg, one(line("dma_map_sg", noMark)));
        // v6.12 printed every entry: a list of 1,000 entries (more than any scratch array starts with)
        long[] p1000 = seq(1000, 0x20_0000_0000L, 0x1000);
        long[] d1000 = seq(1000, 0x1_0000_0000L, 0x1000);
        long[] s1000 = seq(1000, 0x1000, 0);
        String text = HEADER + line("dma_map_sg", dmaMapSg612(NIC, "FROM_DEVICE", d1000, s1000, p1000, "")) + "\n"
                + line("dma_map_sg", dmaMapSg612(NIC, "FROM_DEVICE", dma, sizes, phys, "")) + "\n"
                + line("dma_map_sg", dmaMapSg612(NIC, "FROM_DEVICE", d1000, s1000, p1000, "")) + "\n";
        List<TraceEvent> events = read(text);
        DmaMapSg first = new DmaMapSg(h(), NIC, 1000, 1000, false, p1000, d1000, s1000, "FROM_DEVICE", "");
        assertEquals(first, events.get(0));
        assertEquals(new DmaMapSg(h(), NIC, 128, 100, false, phys, dma, sizes, "FROM_DEVICE", ""), events.get(1));
        assertEquals(first, events.get(2));
    }

    @Test
    void dmaMapSgThatDoesNotReadGivesTheGeneralReadingsError() throws Exception {
        String ok = dmaMapSg(NIC, "NONE", 2, 2, new long[] { 1, 2 }, new long[] { 3, 4 }, new long[] { 5, 6 }, "");
        String[][] cases = {
                { ok.replace("dma_addrs={0x1,0x2}", "dma_addrs={0x1,,0x2}"), "entry 1 of dma_addrs" },
                { ok.replace("sizes={0x3,0x4}", "sizes={0x3,0xq}"), "entry 1 of sizes" },
                { ok.replace("phys_addrs={0x5,0x6}", "phys_addrs={0x5,0x12345678123456789}"), "entry 1 of phys_addrs" },
                { ok.replace("phys_addrs={0x5,0x6}", "phys_addrs={0x5,0x6"), "expected {0x..,0x..} for phys_addrs=" },
                { ok.replace("phys_addrs={0x5,0x6}", "phys_addrs={0x5,0x}"), "entry 1 of phys_addrs" },
                { ok.replace("sizes={0x3,0x4}", "sizes={0x3}"), "1 sizes for 2 dma_addrs" },
                { ok.replace("nents=2/2", "nents=3/3"), "nents=3/3 does not match the 2 entries traced" },
                { ok.replace(" ents=2/2", " ents=2/1"), " ents=2/1 does not match" },
                { ok.replace("nents=2/2", "nents=2"), "nents must be TRACED/FULL" },
                { ok.replace(" sizes={0x3,0x4}", ""), "missing field sizes=" } };
        for (String[] c : cases) {
            String bad = line("dma_map_sg", c[0]);
            InputException e = assertThrows(InputException.class, () -> read(bad + "\n"), c[0]);
            assertTrue(e.problem().contains(c[1]), () -> c[0] + ": " + e.problem());
            assertTrue(e.place().startsWith("line 1, column "), e.place());
        }
        // the column of a bad entry: its first byte
        String bad = line("dma_map_sg", ok.replace("sizes={0x3,0x4}", "sizes={0x3,zz}"));
        InputException e = assertThrows(InputException.class, () -> read(bad + "\n"));
        assertEquals("line 1, column " + (bad.indexOf("sizes={0x3,zz}") + "sizes={0x3,".length() + 1), e.place());
    }

    @Test
    void eventNamesAndTheirKinds() throws Exception {
        // a kprobe's name with a '.', a name as long as the kernel allows, a name seen after it
        GenericEvent kp = (GenericEvent) one(line("my_probe.isra.0", "(ib_umem_get+0x0/0x480) arg1=0x1000"));
        assertEquals("my_probe.isra.0", kp.name());
        assertEquals(Map.of("text", "(ib_umem_get+0x0/0x480)", "arg1", "0x1000"), kp.fields());
        String longName = "a_very_long_tracepoint_name_that_is_longer_than_the_name_cache_keeps_x";
        assertTrue(longName.length() > 64);
        GenericEvent lg = (GenericEvent) one(line(longName, "x=1"));
        assertEquals(longName, lg.name());
        // a ':' after something that is not a name: not an event name, the function tracer's text
        String prefix = tracefs("cat", 300, 1, ".....", T, "x", "").replace("x: ", "");
        List<TraceEvent> events = read(prefix + "ip-1: not a name\n" + prefix + "ip-1: not a name\n" + prefix
                + "sys_read(fd: 3, buf: 7ffd, count: 10)\n" + prefix + "dma_map_page:no-space\n" + prefix + ": x\n"
                + prefix + "caf\u00e9: x=1\n");
        assertEquals(6, events.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(new GenericEvent(new EventHeader(T, 1, 300, "cat"), "ftrace", "text",
                    Map.of("text", "ip-1: not a name")), events.get(i));
        }
        assertEquals(new GenericEvent(new EventHeader(T, 1, 300, "cat"), "syscalls", "sys_read",
                Map.of("args", "fd: 3, buf: 7ffd, count: 10")), events.get(2));
        assertEquals(Map.of("ip", "dma_map_page:no-space"), ((GenericEvent) events.get(3)).fields());
        assertEquals(Map.of("text", ": x"), ((GenericEvent) events.get(4)).fields());
        assertEquals(Map.of("text", "caf\u00e9: x=1"), ((GenericEvent) events.get(5)).fields());
        // a recognised name is recognised whatever came before it
        assertEquals(EventType.IOMMU_MAP, one(line("map", iommuMap(0x1000, 0x2000, 4096))).type());
    }

    /** More distinct names than the caches hold: evicted entries are read again, never mixed up. */
    @Test
    void moreDistinctNamesThanTheCachesHold() throws Exception {
        StringBuilder text = new StringBuilder(HEADER);
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            String comm = "task" + i;
            String dev = String.format("0000:%02x:%02x.%d", i >> 8 & 0xff, i & 0x1f, i % 8);
            text.append(tracefs(comm, 1000 + i, i % 64, ".....", T + i * 1000L, "ev_" + i, "k" + i + "=v" + i)).append('\n');
            text.append(tracefs(comm, 1000 + i, i % 64, ".....", T + i * 1000L, "dma_map_page",
                    dmaMap(dev, i % 2 == 0 ? "TO_DEVICE" : "DIR" + i, i, 4096, i * 2L, "A" + i))).append('\n');
        }
        List<TraceEvent> events = read(text.toString());
        assertEquals(2 * n, events.size());
        for (int i = 0; i < n; i++) {
            String comm = "task" + i;
            EventHeader h = new EventHeader(T + i * 1000L, i % 64, 1000 + i, comm);
            assertEquals(new GenericEvent(h, "", "ev_" + i, Map.of("k" + i, "v" + i)), events.get(2 * i));
            String dev = String.format("0000:%02x:%02x.%d", i >> 8 & 0xff, i & 0x1f, i % 8);
            assertEquals(new DmaMapPage(h, dev, i * 2L, i, 4096, i % 2 == 0 ? "TO_DEVICE" : "DIR" + i, "A" + i),
                    events.get(2 * i + 1));
        }
    }

    @Test
    void genericFieldsKeepTheirOrderAndRepeatedKeysAreNumbered() throws Exception {
        GenericEvent g = (GenericEvent) one(line("custom", "lead text a=1 b=2 a=3 text=4 a=5 a#2=6"));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("text", "lead text");
        expected.put("a", "1");
        expected.put("b", "2");
        expected.put("a#2", "3");
        expected.put("text#2", "4");
        expected.put("a#3", "5 a#2=6"); // '#' is no key character: the text joins the value
        assertEquals(expected, g.fields());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(g.fields().keySet()));
        assertEquals(new GenericEvent(h(), "", "custom", expected), g);
        // the dma events the vocabulary has no kind for: the device first, under "device"
        GenericEvent sync = (GenericEvent) one(line("dma_sync_sg_for_device", NIC + " dir=TO_DEVICE device=x"));
        assertEquals(List.of("device", "dir", "device#2"), List.copyOf(sync.fields().keySet()));
        assertEquals("dma", sync.system());
        assertThrows(UnsupportedOperationException.class, () -> sync.fields().put("x", "y"));
    }

    @Test
    void contextColumns() throws Exception {
        String f = iommuMap(0x1000, 0x2000, 4096);
        // command names with spaces, dashes and digits after a dash; the pid is after the last dash
        assertEquals(new EventHeader(T, 5, 31337, "a-b-c 1-2"),
                one(tracefs("a-b-c 1-2", 31337, 5, "dNh2.", T, "map", f)).header());
        assertEquals(new EventHeader(T, 5, 9, "-"), one(tracefs("-", 9, 5, ".....", T, "map", f)).header());
        // spaces that start a name cannot be told from the padding of %16s
        assertEquals(new EventHeader(T, 5, 9, "spaces  in"), one(tracefs("  spaces  in", 9, 5, ".....", T, "map", f))
                .header());
        // no padding before the command (a 16-character name), the widest pid
        assertEquals(new EventHeader(T, 127, 2147483647, "sixteen_chars_xx"),
                one(tracefs("sixteen_chars_xx", 2147483647, 127, ".....", T, "map", f)).header());
        // no irq-info column (older format or options/irq-info off), one or more spaces
        String noFlags = tracefs("ib_write_bw", 4242, 3, "d..1.", T, "map", f).replace("] d..1. ", "] ");
        assertEquals(new IommuMap(h(), 0x1000, 0x2000, 4096), one(noFlags));
        assertEquals(new IommuMap(h(), 0x1000, 0x2000, 4096), one(noFlags.replace("] ", "]     ")));
        // four flag characters (before 6.1), a CPU of four digits, nanoseconds printed as 9 digits
        assertEquals(new EventHeader(T, 1023, 4242, "ib_write_bw"),
                one(tracefsOld("ib_write_bw", 4242, 1023, "d..1", T, "map", f)).header());
        String nine = tracefs("ib_write_bw", 4242, 3, "d..1.", T, "map", f).replace(".678901:", ".678901234:");
        assertEquals(new EventHeader(T + 234, 3, 4242, "ib_write_bw"), one(nine).header());
        // trace-cmd report's columns
        assertEquals(new EventHeader(T, 3, 4242, "ib_write_bw"), one(traceCmd("ib_write_bw", 4242, 3, T, "map", f)).header());
        // a pid too large, a pid missing
        InputException e = assertThrows(InputException.class,
                () -> read(tracefs("x", 0, 3, ".....", T, "map", f).replace("x-0 ", "x-99999999999 ") + "\n"));
        assertTrue(e.problem().contains("pid"), e.problem());
        e = assertThrows(InputException.class,
                () -> read(tracefs("x", 0, 3, ".....", T, "map", f).replace("x-0 ", "x-  ") + "\n"));
        assertTrue(e.problem().contains("COMM-PID"), e.problem());
    }

    /** An input that hands out chunks of every size from 1 byte on, so lines are cut everywhere. */
    private static final class Chunks extends InputStream {
        private final byte[] data;
        private int pos;
        private int next = 1;

        Chunks(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, next), data.length - pos);
            next = next % 211 + 1;
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    @Test
    void linesCutAtEveryPlaceReadAlike() throws Exception {
        StringBuilder text = new StringBuilder(HEADER);
        long[] phys = seq(16, 0x1_0000_0000L, 0x1000);
        for (int i = 0; i < 300; i++) {
            text.append(line("dma_map_sg", dmaMapSg(NIC, "FROM_DEVICE", 16, 16, seq(16, 0xf000_0000L + i, 0x1000),
                    seq(16, 0x1000, 0), phys, ""))).append('\n');
            text.append(tracefs("Web Content", 77 + i, i % 8, ".....", T + i, "sched_switch",
                    "prev_comm=Web Content prev_pid=77 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120"))
                    .append(i % 3 == 0 ? "\r\n" : "\n");
            text.append(line("dma_unmap_page", dmaUnmap(NIC, "TO_DEVICE", 0x1000L * i, 4096, ""))).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        List<TraceEvent> whole = read(new ByteArrayInputStream(bytes));
        assertEquals(900, whole.size());
        assertEquals(whole, read(new Chunks(bytes)));
        GenericEvent sw = (GenericEvent) whole.get(1);
        assertEquals("S ==>", sw.fields().get("prev_state"));
        assertEquals("Web Content", sw.fields().get("prev_comm"));
        assertFalse(sw.fields().containsKey("text"));
        assertInstanceOf(DmaMapSg.class, whole.get(897));
    }
}
