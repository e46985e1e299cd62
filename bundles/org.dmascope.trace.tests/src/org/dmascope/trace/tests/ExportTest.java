package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dmascope.trace.event.DmaMapSg;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.IommuMap;
import org.dmascope.trace.event.P2pTransfer;
import org.dmascope.trace.event.TopologyChange;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.export.CsvWriter;
import org.dmascope.trace.export.PerfettoJsonWriter;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The Perfetto (Chrome trace-event JSON) and CSV exporters. */
class ExportTest {

    private static String perfetto(List<? extends TraceEvent> events) throws IOException {
        StringWriter out = new StringWriter();
        try (PerfettoJsonWriter w = new PerfettoJsonWriter(out)) {
            for (TraceEvent e : events) {
                w.write(e);
            }
        }
        return out.toString();
    }

    private static String csv(List<? extends TraceEvent> events) throws IOException {
        StringWriter out = new StringWriter();
        try (CsvWriter w = new CsvWriter(out)) {
            for (TraceEvent e : events) {
                w.write(e);
            }
        }
        return out.toString();
    }

    @Test
    void perfettoHasEveryEventWithItsFieldsAndNamesEachProcess() throws Exception {
        List<TraceEvent> events = Events.oneOfEach();
        String text = perfetto(events);
        JsonObject doc = JsonParser.parseString(text).getAsJsonObject();
        assertEquals("ns", doc.get("displayTimeUnit").getAsString());
        JsonArray all = doc.getAsJsonArray("traceEvents");
        List<JsonObject> real = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (JsonElement e : all) {
            JsonObject o = e.getAsJsonObject();
            if (o.get("ph").getAsString().equals("M")) {
                names.put(o.get("name").getAsString() + ":" + o.get("pid").getAsInt(),
                        o.getAsJsonObject("args").get("name").getAsString());
            } else {
                real.add(o);
            }
        }
        assertEquals(events.size(), real.size());
        assertEquals(Map.of("process_name:4242", "ib_write_bw", "thread_name:4242", "ib_write_bw",
                "process_name:100", "bash", "thread_name:100", "bash"), names);
        // the exact microseconds, fraction and all, as text (a double would lose the last digits)
        assertTrue(text.contains("\"ts\":1700000000123456.789,"), text.substring(0, 300));
        JsonObject iommu = real.get(16);
        assertEquals("iommu_map", iommu.get("name").getAsString());
        assertEquals("iommu", iommu.get("cat").getAsString());
        assertEquals("i", iommu.get("ph").getAsString());
        assertEquals("t", iommu.get("s").getAsString());
        assertEquals(4242, iommu.get("pid").getAsInt());
        assertEquals(4242, iommu.get("tid").getAsInt());
        JsonObject args = iommu.getAsJsonObject("args");
        assertEquals(3, args.get("cpu").getAsInt());
        assertEquals("0xffff0000", args.get("iova").getAsString());
        assertEquals("0x800000000", args.get("paddr").getAsString());
        assertEquals(2097152, args.get("size").getAsLong());
        JsonObject sg = real.get(12);
        assertEquals("[\"0x1000\",\"0x2000\",\"0xfffffffffffff000\"]", sg.getAsJsonObject("args").get("phys_addrs").toString());
        assertEquals("[12288]", sg.getAsJsonObject("args").get("lengths").toString());
        JsonObject p2p = real.get(29);
        assertEquals("X", p2p.get("ph").getAsString());
        assertTrue(text.contains("\"ph\":\"X\",\"ts\":1700000000123456.789,\"dur\":45.000,"), text);
        JsonObject topo = real.get(30);
        assertEquals("g", topo.get("s").getAsString()); // no process: drawn across the trace
        JsonObject sched = real.get(34);
        assertEquals("sched_switch", sched.get("name").getAsString());
        assertEquals("sched", sched.get("cat").getAsString());
        assertEquals("ib_write_bw \"quoted\"", sched.getAsJsonObject("args").get("next_comm").getAsString());
        assertEquals(Set.of("cpu", "prev_comm", "prev_pid", "next_comm"), sched.getAsJsonObject("args").keySet());
    }

    @Test
    void perfettoGenericFieldsThatRepeatAHeaderKeyAreRenamed() throws Exception {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("cpu", "5");
        f.put("name", "eth0");
        String text = perfetto(List.of(new GenericEvent(new EventHeader(1, 2, 3, "c"), "", "irq_thing", f)));
        JsonObject e = JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("traceEvents").get(0).getAsJsonObject();
        assertEquals("irq_thing", e.get("name").getAsString());
        assertEquals("generic", e.get("cat").getAsString());
        assertEquals("{\"cpu\":2,\"cpu#2\":\"5\",\"name\":\"eth0\"}", e.getAsJsonObject("args").toString());
    }

    @Test
    void perfettoOfNoEventsIsAValidEmptyTrace() throws Exception {
        assertEquals("{\"traceEvents\":[],\"displayTimeUnit\":\"ns\"}", perfetto(List.of()));
    }

    @Test
    void perfettoTimesAreExact() throws Exception {
        EventHeader h = new EventHeader(5, 0, 1, "a");
        String text = perfetto(List.of(new IommuMap(h, 1, 2, 3),
                new P2pTransfer(new EventHeader(1_000_000_007L, 0, 1, "a"), "0000:01:00.0", "0000:02:00.0", 0, 64, "READ", 1)));
        assertTrue(text.contains("\"ts\":0.005,"), text);
        assertTrue(text.contains("\"ts\":1000000.007,\"dur\":0.001,"), text);
    }

    @Test
    void csvExactRows() throws Exception {
        EventHeader h = new EventHeader(1_700_000_000_123_456_789L, 3, 4242, "ib_write_bw");
        Map<String, String> f = new LinkedHashMap<>();
        f.put("prev_comm", "Web Content");
        f.put("next_comm", "a,\"b\"");
        f.put("empty", "");
        String text = csv(List.of(new IommuMap(h, 0xffff_0000L, 0x8_0000_0000L, 4096),
                new DmaMapSg(h, "0000:3b:00.0", 2, 1, false, new long[] { 0x1000, 0x2000 }, new long[] { 0xfee00000L },
                        new long[] { 8192 }, "TO_DEVICE", "WEAK_ORDERING|NO_WARN"),
                new GenericEvent(new EventHeader(7, -1, -1, "x,y"), "sched", "sched_switch", f),
                new TopologyChange(EventHeader.at(8), "LINK", "0000:3b:00.0", "speed 16GT/s\nwidth x8")));
        String[] rows = text.split("\r\n", -1);
        assertEquals("ts,cpu,pid,comm,type,system,name,fields", rows[0]);
        assertEquals("1700000000123456789,3,4242,ib_write_bw,iommu_map,,,iova=0xffff0000 paddr=0x800000000 size=4096",
                rows[1]);
        // the commas of an array make the cell quoted
        assertEquals("1700000000123456789,3,4242,ib_write_bw,dma_map_sg,,,\"device=0000:3b:00.0 nents=2 ents=1 "
                + "truncated=false phys_addrs=[0x1000,0x2000] dma_addrs=[0xfee00000] lengths=[8192] dir=TO_DEVICE "
                + "attrs=WEAK_ORDERING|NO_WARN\"", rows[2]);
        assertEquals("7,-1,-1,\"x,y\",generic,sched,sched_switch,\"prev_comm=\"\"Web Content\"\" "
                + "next_comm=\"\"a,\\\"\"b\\\"\"\"\" empty=\"\"\"\"\"", rows[3]);
        assertEquals("8,-1,-1,,topology_change,,,\"change=LINK device=0000:3b:00.0 detail=\"\"speed 16GT/s\\nwidth x8\"\"\"",
                rows[4]);
        assertEquals("", rows[5]);
        assertEquals(6, rows.length);
        assertFalse(text.contains("\n\n"));
    }
}
