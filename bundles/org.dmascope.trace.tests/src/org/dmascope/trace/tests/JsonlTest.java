package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.DmaMapSg;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.IommuMap;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.jsonl.JsonlReader;
import org.dmascope.trace.jsonl.JsonlWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON Lines schema: round trips, the exact text, bad input and unknown kinds. */
class JsonlTest {

    private static String write(List<? extends TraceEvent> events) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonlWriter w = new JsonlWriter(out)) {
            for (TraceEvent e : events) {
                w.write(e);
            }
        }
        return out.toString();
    }

    private static List<TraceEvent> readAll(String text) throws IOException, InputException {
        List<TraceEvent> events = new ArrayList<>();
        try (JsonlReader r = new JsonlReader(new StringReader(text), "test.jsonl")) {
            r.forEach(events::add);
        }
        return events;
    }

    @Test
    void everyKindRoundTrips() throws Exception {
        List<TraceEvent> events = Events.oneOfEach();
        String text = write(events);
        assertEquals(events.size(), text.lines().count());
        List<TraceEvent> back = readAll(text);
        assertEquals(events, back);
        Set<EventType> kinds = EnumSet.noneOf(EventType.class);
        back.forEach(e -> kinds.add(e.type()));
        assertEquals(EnumSet.allOf(EventType.class), kinds);
        assertEquals(text, write(back));
    }

    @Test
    void typeNamesAreStableAndUnique() {
        Set<String> ids = new java.util.HashSet<>();
        for (EventType t : EventType.values()) {
            assertTrue(t.id().matches("[a-z0-9]+(_[a-z0-9]+)*"), t.id());
            assertTrue(ids.add(t.id()), t.id());
            assertEquals(t, EventType.forId(t.id()).orElseThrow());
        }
        assertEquals("dma_map_sg", EventType.DMA_MAP_SG.id());
        assertEquals("iommu_fault", EventType.IOMMU_FAULT.id());
    }

    @Test
    void exactText() throws Exception {
        EventHeader h = new EventHeader(1000, 2, 4242, "ib_write_bw");
        String text = write(List.of(
                new IommuMap(h, 0xfffff000L, 0x8_0000_0000L, 4096),
                new DmaMapSg(EventHeader.at(2000), "0000:3b:00.0", 2, 1, false, new long[] { 0x100000, 0xffff_8000_0000_0000L },
                        new long[] { 0xffff0000L }, new long[] { 8192 }, "FROM_DEVICE", ""),
                new VmaMap(h, 0x7f00_0000_0000L, 0x7f00_0020_0000L, "rw-s", 4096, "/dev/nvidia0"),
                new GenericEvent(new EventHeader(3, 1, 7, "kworker/1:0"), "sched", "sched_switch",
                        Map.of("next_pid", "12"))));
        assertEquals("""
                {"ts":1000,"cpu":2,"pid":4242,"comm":"ib_write_bw","type":"iommu_map","iova":"0xfffff000","paddr":"0x800000000","size":4096}
                {"ts":2000,"cpu":-1,"pid":-1,"comm":"","type":"dma_map_sg","device":"0000:3b:00.0","nents":2,"ents":1,"truncated":false,"phys_addrs":["0x100000","0xffff800000000000"],"dma_addrs":["0xffff0000"],"lengths":[8192],"dir":"FROM_DEVICE","attrs":""}
                {"ts":1000,"cpu":2,"pid":4242,"comm":"ib_write_bw","type":"vma_map","start":"0x7f0000000000","end":"0x7f0000200000","perms":"rw-s","offset":4096,"path":"/dev/nvidia0"}
                {"ts":3,"cpu":1,"pid":7,"comm":"kworker/1:0","type":"generic","system":"sched","name":"sched_switch","fields":{"next_pid":"12"}}
                """, text);
    }

    private static final String GOOD = """
            {"ts":1,"cpu":0,"pid":1,"comm":"a","type":"iommu_map","iova":"0x1000","paddr":"0x2000","size":4096}

            {"ts":2,"cpu":0,"pid":1,"comm":"a","type":"iommu_unmap","iova":"0x1000","size":4096,"unmapped_size":4096}
            """;

    /** A bad fourth line (the third is blank): the two events before it are kept. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"ts\":3,\"cpu\":0,\"pid\":1,\"comm\":\"a\",\"type\":\"iommu_map\",\"iova\":\"0x1000\",\"pad | truncated | line 4, column",
            "{\"ts\":3,\"type\":\"iommu_map\",\"iova\":\"0xZZ\",\"paddr\":\"0x2000\",\"size\":1} | bad hex | line 4, column 35, field \"iova\"",
            "{\"ts\":3,\"type\":\"iommu_map\",\"iova\":4096,\"paddr\":\"0x2000\",\"size\":1} | hex as number | line 4, column 35, field \"iova\"",
            "{\"cpu\":0,\"type\":\"iommu_map\",\"iova\":\"0x1\",\"paddr\":\"0x2000\",\"size\":1} | missing ts | line 4, field \"ts\"",
            "{\"ts\":3,\"type\":\"iommu_map\",\"iova\":\"0x1\",\"paddr\":\"0x2000\",\"size\":\"big\"} | wrong type | line 4, column 65, field \"size\"",
            "{\"ts\":3,\"type\":\"iommu_map\",\"iova\":\"0x1\",\"size\":1} | missing field | line 4, field \"paddr\"",
            "{\"ts\":\"3\",\"type\":\"iommu_map\"} | ts as string | line 4, column 7, field \"ts\"",
            "{\"ts\":3,\"type\":\"iommu_map\",\"iova\":\"0x10000000000000000\",\"paddr\":\"0x1\",\"size\":1} | hex over 64 bits | line 4, column 35, field \"iova\"",
            "[1,2] | not an object | line 4, column 1",
    })
    void badLineNamesSourceLineAndFieldAndKeepsTheEventsBefore(String bad, String what, String place) throws Exception {
        List<TraceEvent> kept = new ArrayList<>();
        InputException e;
        try (JsonlReader r = new JsonlReader(new StringReader(GOOD + bad), "run7.jsonl")) {
            e = assertThrows(InputException.class, () -> r.forEach(kept::add), what);
            assertEquals(4, r.lineNumber());
            assertNull(r.read(), "nothing after the bad last line");
        }
        assertEquals(2, kept.size(), what);
        assertEquals(2, kept.get(1).ts());
        assertEquals("run7.jsonl", e.input());
        assertTrue(e.getMessage().startsWith("run7.jsonl: " + place), what + ": " + e.getMessage());
    }

    @Test
    void readingGoesOnAfterABadLine() throws Exception {
        String text = GOOD + "{\"ts\":3,\"type\":\"iommu_map\",\"iova\":\"0xq\",\"paddr\":\"0x1\",\"size\":1}\n"
                + "{\"ts\":4,\"type\":\"iommu_attach_device\",\"device\":\"0000:01:00.0\"}\n";
        try (JsonlReader r = new JsonlReader(new StringReader(text), "x")) {
            assertEquals(1, r.read().ts());
            assertEquals(2, r.read().ts());
            InputException e = assertThrows(InputException.class, r::read);
            assertTrue(e.getMessage().contains("bad hex address \"0xq\""), e.getMessage());
            TraceEvent next = r.read();
            assertEquals(4, next.ts());
            assertEquals(new EventHeader(4, -1, -1, ""), next.header());
            assertNull(r.read());
            assertEquals(5, r.lineNumber());
        }
    }

    @Test
    void unknownTypeIsKeptAsGenericEvent() throws Exception {
        List<TraceEvent> events = readAll("""
                {"ts":9,"cpu":1,"pid":2,"comm":"x","type":"kvm_exit","reason":"EPT_VIOLATION","rip":"0xffffffff81000000","n":17,"ok":true,"deep":{"a":[1,2]}}
                """);
        GenericEvent g = assertInstanceOf(GenericEvent.class, events.get(0));
        assertEquals(new EventHeader(9, 1, 2, "x"), g.header());
        assertEquals("", g.system());
        assertEquals("kvm_exit", g.name());
        assertEquals(List.of("reason", "rip", "n", "ok", "deep"), new ArrayList<>(g.fields().keySet()));
        assertEquals("EPT_VIOLATION", g.fields().get("reason"));
        assertEquals("17", g.fields().get("n"));
        assertEquals("true", g.fields().get("ok"));
        assertEquals("{\"a\":[1,2]}", g.fields().get("deep"));
    }

    @Test
    void fieldOrderAndExtraFieldsDoNotMatter() throws Exception {
        List<TraceEvent> events = readAll("""
                {"size":4096,"iova":"0X1000","comment":"by hand","type":"iommu_map","paddr":"0x2000","ts":5}
                """);
        assertEquals(List.of(new IommuMap(EventHeader.at(5), 0x1000, 0x2000, 4096)), events);
    }

    @Test
    void emptyInputIsNoEvents() throws Exception {
        assertEquals("", write(List.of()));
        assertEquals(List.of(), readAll(""));
        assertEquals(List.of(), readAll("\n  \n"));
    }

    @Test
    void bytesThatAreNotUtf8CostTheirLineOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad-utf8.jsonl");
        byte[] good = "{\"ts\":1,\"type\":\"process_exit\",\"exit_code\":0}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = { '{', '"', 't', 's', '"', ':', '2', ',', (byte) 0xC3, (byte) 0x28, '}', '\n' };
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        all.write(good);
        all.write(bad);
        all.write(good);
        Files.write(file, all.toByteArray());
        try (JsonlReader r = JsonlReader.open(file)) {
            assertEquals(1, r.read().ts());
            InputException e = assertThrows(InputException.class, r::read);
            assertEquals(file + ": line 2: bytes that are not UTF-8", e.getMessage());
            assertEquals(1, r.read().ts(), "reading goes on with the next line");
            assertEquals(3, r.lineNumber());
            assertNull(r.read());
        }
    }

    @Test
    void millionEventsRoundTripThroughAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.jsonl");
        List<TraceEvent> kinds = Events.oneOfEach();
        int n = 1_000_000;
        long[] written = new long[EventType.values().length];
        try (JsonlWriter w = JsonlWriter.open(file)) {
            for (int i = 0; i < n; i++) {
                TraceEvent e = i % 2 == 0 ? new IommuMap(EventHeader.at(i), 0xffff_0000_0000L + i * 4096L, i * 4096L, 4096)
                        : kinds.get(i % kinds.size());
                w.write(e);
                written[e.type().ordinal()]++;
            }
            assertEquals(n, w.count());
        }
        long[] read = new long[written.length];
        long lastMapTs = -2;
        long count = 0;
        try (JsonlReader r = JsonlReader.open(file)) {
            for (TraceEvent e = r.read(); e != null; e = r.read()) {
                read[e.type().ordinal()]++;
                if (e instanceof IommuMap m && m.header().pid() == EventHeader.UNKNOWN) {
                    assertEquals(lastMapTs + 2, m.ts());
                    assertEquals(m.ts() * 4096L, m.paddr());
                    lastMapTs = m.ts();
                }
                count++;
            }
            assertEquals(n, r.lineNumber());
        }
        assertEquals(n, count);
        assertTrue(java.util.Arrays.equals(written, read), "counts per kind");
        assertTrue(Files.size(file) > 50L * n);
    }
}
