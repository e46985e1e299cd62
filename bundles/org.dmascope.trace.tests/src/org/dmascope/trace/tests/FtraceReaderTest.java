package org.dmascope.trace.tests;

import static org.dmascope.trace.tests.FtraceLines.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.DmaAlloc;
import org.dmascope.trace.event.DmaFree;
import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.DmaMapSg;
import org.dmascope.trace.event.DmaUnmapPage;
import org.dmascope.trace.event.DmaUnmapSg;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.IommuAddDeviceToGroup;
import org.dmascope.trace.event.IommuAttachDevice;
import org.dmascope.trace.event.IommuDetachDevice;
import org.dmascope.trace.event.IommuFault;
import org.dmascope.trace.event.IommuMap;
import org.dmascope.trace.event.IommuRemoveDeviceFromGroup;
import org.dmascope.trace.event.IommuUnmap;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.ftrace.FtraceFormat;
import org.dmascope.trace.ftrace.FtraceReader;
import org.junit.jupiter.api.Test;

/** The ftrace text importer, on lines written with the kernel's own format strings. */
class FtraceReaderTest {

    private static final String NIC = "0000:3b:00.0";
    private static final long T = 12_345_678_901_000L; // 12345.678901 s

    static List<TraceEvent> read(String text) throws IOException, InputException {
        return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    static List<TraceEvent> read(InputStream in) throws IOException, InputException {
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

    private static EventHeader h(long ts) {
        return new EventHeader(ts, 3, 4242, "ib_write_bw");
    }

    private static String line(String name, String fields) {
        return tracefs("ib_write_bw", 4242, 3, "d..1.", T, name, fields);
    }

    @Test
    void iommuEventsOfIncludeTraceEventsIommuH() throws Exception {
        assertEquals(new IommuMap(h(T), 0xffff_f000L, 0x8_0000_0000L, 2 << 20),
                one(line("map", iommuMap(0xffff_f000L, 0x8_0000_0000L, 2 << 20))));
        assertEquals(new IommuUnmap(h(T), 0xffff_f000L, 8192, 4096),
                one(line("unmap", iommuUnmap(0xffff_f000L, 8192, 4096))));
        assertEquals(new IommuFault(h(T), NIC, "mlx5_core", 0xdead_b000L, 1),
                one(line("io_page_fault", ioPageFault("mlx5_core", NIC, 0xdead_b000L, 1))));
        assertEquals(new IommuFault(h(T), NIC, "", 0x1000L, 0), one(line("io_page_fault", ioPageFault("", NIC, 0x1000L, 0))));
        assertEquals(new IommuAttachDevice(h(T), NIC), one(line("attach_device_to_domain", deviceEvent(NIC))));
        assertEquals(new IommuDetachDevice(h(T), NIC), one(line("detach_device_from_domain", deviceEvent(NIC))));
        assertEquals(new IommuAddDeviceToGroup(h(T), 17, NIC), one(line("add_device_to_group", groupEvent(17, NIC))));
        assertEquals(new IommuRemoveDeviceFromGroup(h(T), 17, NIC),
                one(line("remove_device_from_group", groupEvent(17, NIC))));
    }

    @Test
    void dmaEventsOfV612() throws Exception {
        assertEquals(new DmaMapPage(h(T), NIC, 0x1_2345_6000L, 0xffff_f000L, 4096, "BIDIRECTIONAL", "SKIP_CPU_SYNC"),
                one(line("dma_map_page", dmaMap(NIC, "BIDIRECTIONAL", 0xffff_f000L, 4096, 0x1_2345_6000L, "SKIP_CPU_SYNC"))));
        assertEquals(new DmaUnmapPage(h(T), NIC, 0xffff_f000L, 4096, "TO_DEVICE", ""),
                one(line("dma_unmap_page", dmaUnmap(NIC, "TO_DEVICE", 0xffff_f000L, 4096, ""))));
        // dma_map_resource maps MMIO (a peer's BAR); newer kernels trace it as dma_map_phys with MMIO
        assertEquals(new DmaMapPage(h(T), NIC, 0x3800_0000_0000L, 0xf000_0000L, 1 << 20, "FROM_DEVICE", "MMIO"),
                one(line("dma_map_resource", dmaMap(NIC, "FROM_DEVICE", 0xf000_0000L, 1 << 20, 0x3800_0000_0000L, ""))));
        assertEquals(new DmaUnmapPage(h(T), NIC, 0xf000_0000L, 1 << 20, "FROM_DEVICE", "NO_WARN|MMIO"),
                one(line("dma_unmap_resource", dmaUnmap(NIC, "FROM_DEVICE", 0xf000_0000L, 1 << 20, "NO_WARN"))));
        assertEquals(new DmaAlloc(h(T), "0000:af:00.0", 0x0000_0000_c0ff_ee12L, 0xf000_0000L, 65536, "BIDIRECTIONAL",
                "GFP_KERNEL|__GFP_ZERO", ""), one(line("dma_alloc", dmaAlloc("0000:af:00.0", "BIDIRECTIONAL",
                        0xf000_0000L, 65536, "00000000c0ffee12", "GFP_KERNEL|__GFP_ZERO", ""))));
        // a failed allocation: virt_addr is NULL, which %p prints unhashed (ptr_to_id), and dma_addr 0
        DmaAlloc failed = new DmaAlloc(h(T), "0000:af:00.0", 0, 0, 1L << 30, "BIDIRECTIONAL", "GFP_KERNEL", "NO_WARN");
        assertEquals(failed, one(line("dma_alloc_pages", dmaAlloc("0000:af:00.0", "BIDIRECTIONAL", 0, 1L << 30,
                "0000000000000000", "GFP_KERNEL", "NO_WARN"))));
        assertEquals(failed, one(line("dma_alloc_pages", dmaAlloc("0000:af:00.0", "BIDIRECTIONAL", 0, 1L << 30, "(null)",
                "GFP_KERNEL", "NO_WARN"))));
        assertEquals(new DmaFree(h(T), "0000:af:00.0", 0xc0ff_ee12L, 0xf000_0000L, 65536, "BIDIRECTIONAL", ""),
                one(line("dma_free", dmaFree("0000:af:00.0", "BIDIRECTIONAL", 0xf000_0000L, 65536, "00000000c0ffee12", ""))));
        long[] phys = { 0x1000, 0x2000, 0x3000 };
        long[] dma = { 0xfee0_0000L };
        long[] sizes = { 0x3000 };
        assertEquals(new DmaMapSg(h(T), NIC, 3, 1, false, phys, dma, sizes, "FROM_DEVICE", "WEAK_ORDERING|NO_WARN"),
                one(line("dma_map_sg", dmaMapSg612(NIC, "FROM_DEVICE", dma, sizes, phys, "WEAK_ORDERING|NO_WARN"))));
        assertEquals(new DmaUnmapSg(h(T), NIC, phys, "FROM_DEVICE", ""),
                one(line("dma_unmap_sg", dmaUnmapSg(NIC, "FROM_DEVICE", phys, ""))));
    }

    @Test
    void dmaEventsOfNewerKernels() throws Exception {
        assertEquals(new DmaMapPage(h(T), NIC, 0x1_2345_6000L, 0xffff_f000L, 4096, "BIDIRECTIONAL", "MMIO"),
                one(line("dma_map_phys", dmaMap(NIC, "BIDIRECTIONAL", 0xffff_f000L, 4096, 0x1_2345_6000L, "MMIO"))));
        assertEquals(new DmaUnmapPage(h(T), NIC, 0xffff_f000L, 4096, "BIDIRECTIONAL", ""),
                one(line("dma_unmap_phys", dmaUnmap(NIC, "BIDIRECTIONAL", 0xffff_f000L, 4096, ""))));
        long[] phys = { 0x1000, 0x2000 };
        long[] dma = { 0xfee0_0000L, 0xfee1_0000L };
        long[] sizes = { 0x1000, 0x1000 };
        assertEquals(new DmaMapSg(h(T), NIC, 2, 2, false, phys, dma, sizes, "TO_DEVICE", ""),
                one(line("dma_map_sg", dmaMapSg(NIC, "TO_DEVICE", 2, 2, dma, sizes, phys, ""))));
    }

    @Test
    void dmaMapSgTruncatedAt128EntriesKeepsTheFullCounts() throws Exception {
        long[] phys = new long[128];
        long[] dma = new long[128];
        long[] sizes = new long[128];
        for (int i = 0; i < 128; i++) {
            phys[i] = 0x10_0000_0000L + (i << 12);
            dma[i] = 0xf000_0000L + (i << 12);
            sizes[i] = 4096;
        }
        DmaMapSg sg = (DmaMapSg) one(line("dma_map_sg", dmaMapSg(NIC, "BIDIRECTIONAL", 300, 200, dma, sizes, phys, "")));
        assertEquals(300, sg.nents());
        assertEquals(200, sg.ents());
        assertTrue(sg.truncated());
        assertEquals(128, sg.physAddrs().length);
        assertArrayEquals(dma, sg.dmaAddrs());
        assertEquals(4096, sg.lengths()[127]);
    }

    @Test
    void otherDmaEventsAreGenericWithTheirDeviceAndFields() throws Exception {
        GenericEvent g = (GenericEvent) one(line("dma_sync_single_for_cpu",
                dmaSyncSingle(NIC, "FROM_DEVICE", 0xffff_f000L, 4096)));
        assertEquals("dma", g.system());
        assertEquals("dma_sync_single_for_cpu", g.name());
        assertEquals(Map.of("device", NIC, "dir", "FROM_DEVICE", "dma_addr", "fffff000", "size", "4096"), g.fields());
    }

    @Test
    void columnVariants() throws Exception {
        IommuMap expected = new IommuMap(h(T), 0x1000, 0x2000, 4096);
        String f = iommuMap(0x1000, 0x2000, 4096);
        // tgid column, no irq-info: the header's pid is the thread group
        assertEquals(new IommuMap(new EventHeader(T, 3, 4200, "ib_write_bw"), 0x1000, 0x2000, 4096),
                one(tracefsTgid("ib_write_bw", 4242, 4200, 3, T, "map", f)));
        assertEquals(new IommuMap(h(T), 0x1000, 0x2000, 4096),
                one(tracefsTgid("ib_write_bw", 4242, 0, 3, T, "map", f).replace("(      0)", "(-------)")));
        assertEquals(expected, one(tracefsOld("ib_write_bw", 4242, 3, "d..1", T, "map", f)));
        assertEquals(new IommuMap(h(123_456_789_012L), 0x1000, 0x2000, 4096),
                one(tracefsCounter("ib_write_bw", 4242, 3, "d..1.", 123_456_789_012L, "map", f)));
        // a command name with spaces and dashes, and a pid of 7 digits
        assertEquals(new IommuMap(new EventHeader(T, 12, 4194303, "kworker/u64:2-ev"), 0x1000, 0x2000, 4096),
                one(tracefs("kworker/u64:2-ev", 4194303, 12, "...1.", T, "map", f)));
        assertEquals(new IommuMap(new EventHeader(T, 0, 77, "Web Content"), 0x1000, 0x2000, 4096),
                one(tracefs("Web Content", 77, 0, ".....", T, "map", f)));
        assertEquals(new IommuMap(new EventHeader(T, 0, 77, ""), 0x1000, 0x2000, 4096),
                one(tracefs("<...>", 77, 0, ".....", T, "map", f)));
    }

    @Test
    void latencyFormat() throws Exception {
        String text = "# tracer: nop\n#\n# nop latency trace v1.1.5 on 6.12.0\n"
                + latency("ib_write_bw", 4242, 3, "d..1.", 0, ' ', "map", iommuMap(0x1000, 0x2000, 4096)) + "\n"
                + latency("ib_write_bw", 4242, 3, "d..1.", 1234, '!', "unmap", iommuUnmap(0x1000, 4096, 4096)) + "\n";
        List<TraceEvent> events = new ArrayList<>();
        try (FtraceReader r = new FtraceReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "lat")) {
            r.forEach(events::add);
            assertEquals(Optional.of(FtraceFormat.TRACEFS_LATENCY), r.format());
            assertEquals("nop", r.tracer());
        }
        // the command cut to 8 characters, the time in microseconds since the buffer started
        assertEquals(new IommuMap(new EventHeader(0, 3, 4242, "ib_write"), 0x1000, 0x2000, 4096), events.get(0));
        assertEquals(new IommuUnmap(new EventHeader(1_234_000, 3, 4242, "ib_write"), 0x1000, 4096, 4096), events.get(1));
    }

    @Test
    void traceCmdReport() throws Exception {
        String text = "version = 7\nCPU 1 is empty\ncpus=4\n"
                + traceCmd("ib_write_bw", 4242, 3, T, "map", iommuMap(0x1000, 0x2000, 4096)) + "\n"
                + traceCmd("<idle>", 0, 0, T + 1000, "sched_switch",
                        "prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=Web Content next_pid=77 next_prio=120")
                + "\n"
                + traceCmdLatNs("ib_write_bw", 4242, 3, T + 5, "dma_unmap_page", dmaUnmap(NIC, "TO_DEVICE", 0x1000, 64, ""))
                + "\n"
                + traceCmdLatNs("ib_write_bw", 4242, 3, T + 6, "map", iommuMap(0x1000, 0x2000, 4096)).replace(" 3 ",
                        " 3d..1. ")
                + "\n";
        List<TraceEvent> events = new ArrayList<>();
        try (FtraceReader r = new FtraceReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "r")) {
            r.forEach(events::add);
            assertEquals(Optional.of(FtraceFormat.TRACE_CMD_REPORT), r.format());
            assertEquals(4, r.cpus());
        }
        assertEquals(4, events.size());
        assertEquals(new IommuMap(h(T), 0x1000, 0x2000, 4096), events.get(0));
        GenericEvent sw = (GenericEvent) events.get(1);
        assertEquals(new EventHeader(T + 1000, 0, 0, "<idle>"), sw.header());
        assertEquals("", sw.system());
        assertEquals("sched_switch", sw.name());
        assertEquals("R ==>", sw.fields().get("prev_state"));
        assertEquals("Web Content", sw.fields().get("next_comm"));
        assertEquals(List.of("prev_comm", "prev_pid", "prev_prio", "prev_state", "next_comm", "next_pid", "next_prio"),
                List.copyOf(sw.fields().keySet()));
        // -l -t: the command cut to 8 characters, no brackets around the CPU, nanoseconds; with flags too
        EventHeader lat = new EventHeader(T + 5, 3, 4242, "ib_write");
        assertEquals(new DmaUnmapPage(lat, NIC, 0x1000, 64, "TO_DEVICE", ""), events.get(2));
        assertEquals(new IommuMap(new EventHeader(T + 6, 3, 4242, "ib_write"), 0x1000, 0x2000, 4096), events.get(3));
    }

    @Test
    void mixedTraceKeepsEveryEventAndUnknownOnesAsGeneric() throws Exception {
        String text = HEADER
                + tracefs("<idle>", 0, 1, "d.h2.", T, "irq_handler_entry", "irq=24 name=mlx5_comp0@pci:0000:3b:00.0") + "\n"
                + line("dma_map_page", dmaMap(NIC, "BIDIRECTIONAL", 0xffff_f000L, 4096, 0x1_2345_6000L, "")) + "\n"
                + line("map", iommuMap(0xffff_f000L, 0x1_2345_6000L, 4096)) + "\n"
                + tracefs("kvm", 900, 2, ".....", T + 10, "map", "gfn=0x1000 pfn=0x2000") + "\n"
                + line("tracing_mark_write", "phase=warmup: 1 of 3") + "\n"
                + line("<stack trace>", "").replace(": <stack trace>: ", ": <stack trace>") + "\n"
                + " => dma_map_page_attrs\n => mlx5_ib_reg_user_mr [mlx5_ib]\n => ib_uverbs_reg_mr\n"
                + "CPU:2 [LOST 1234 EVENTS]\n"
                + tracefs("bash", 100, 0, ".....", T + 20, "do_sys_openat2", "").replace("do_sys_openat2: ",
                        "do_sys_openat2 <-__x64_sys_openat")
                + "\n"
                + tracefs("bash", 100, 0, ".....", T + 30, "sched_process_exec", "filename=/usr/bin/ib_write_bw pid=100 old_pid=100")
                + "\n";
        List<TraceEvent> events = read(text);
        assertEquals(9, events.size(), events::toString);
        GenericEvent irq = (GenericEvent) events.get(0);
        assertEquals(Map.of("irq", "24", "name", "mlx5_comp0@pci:0000:3b:00.0"), irq.fields());
        assertEquals(new EventHeader(T, 1, 0, "<idle>"), irq.header());
        assertEquals(EventType.DMA_MAP_PAGE, events.get(1).type());
        assertEquals(EventType.IOMMU_MAP, events.get(2).type());
        GenericEvent kvm = (GenericEvent) events.get(3);
        assertEquals("map", kvm.name());
        assertEquals(Map.of("text", "", "gfn", "0x1000", "pfn", "0x2000").size() - 1, kvm.fields().size());
        GenericEvent mark = (GenericEvent) events.get(4);
        assertEquals(Map.of("buf", "phase=warmup: 1 of 3"), mark.fields());
        GenericEvent stack = (GenericEvent) events.get(5);
        assertEquals("kernel_stack", stack.name());
        assertEquals("dma_map_page_attrs <- mlx5_ib_reg_user_mr [mlx5_ib] <- ib_uverbs_reg_mr", stack.fields().get("frames"));
        GenericEvent lost = (GenericEvent) events.get(6);
        assertEquals("lost_events", lost.name());
        assertEquals("1234", lost.fields().get("count"));
        assertEquals(2, lost.header().cpu());
        GenericEvent fn = (GenericEvent) events.get(7);
        assertEquals(Map.of("ip", "do_sys_openat2", "parent_ip", "__x64_sys_openat"), fn.fields());
        assertEquals("sched_process_exec", ((GenericEvent) events.get(8)).name());
    }

    @Test
    void textWithoutAnEventNameIsKept() throws Exception {
        String prefix = tracefs("cat", 300, 1, ".....", T, "x", "").replace("x: ", "");
        List<TraceEvent> events = read(prefix + "sys_openat(dfd: ffffff9c, filename: 7ffd1c2e, flags: 80000, mode: 0)\n"
                + prefix + "sys_openat -> 0x3\n" + prefix + "do_sys_openat2\n" + prefix + "something else here\n");
        assertEquals(new GenericEvent(new EventHeader(T, 1, 300, "cat"), "syscalls", "sys_openat",
                Map.of("args", "dfd: ffffff9c, filename: 7ffd1c2e, flags: 80000, mode: 0")), events.get(0));
        assertEquals(Map.of("ret", "0x3"), ((GenericEvent) events.get(1)).fields());
        assertEquals(Map.of("ip", "do_sys_openat2"), ((GenericEvent) events.get(2)).fields());
        assertEquals(new GenericEvent(new EventHeader(T, 1, 300, "cat"), "ftrace", "text",
                Map.of("text", "something else here")), events.get(3));
    }

    @Test
    void importedEventsRoundTripThroughJsonLines() throws Exception {
        long[] phys = { 0x1000, 0x2000 };
        String text = HEADER
                + line("dma_map_sg", dmaMapSg(NIC, "TO_DEVICE", 2, 1, new long[] { 0xfee0_0000L }, new long[] { 0x2000 },
                        phys, "")) + "\n"
                + line("io_page_fault", ioPageFault("nvme", "0000:5e:00.0", 0xdead_b000L, 0x20)) + "\n"
                + tracefs("<idle>", 0, 1, "d.h2.", T, "irq_handler_entry", "irq=24 name=mlx5_comp0") + "\n";
        List<TraceEvent> events = read(text);
        java.io.StringWriter out = new java.io.StringWriter();
        try (org.dmascope.trace.jsonl.JsonlWriter w = new org.dmascope.trace.jsonl.JsonlWriter(out)) {
            for (TraceEvent e : events) {
                w.write(e);
            }
        }
        List<TraceEvent> back = new ArrayList<>();
        try (org.dmascope.trace.jsonl.JsonlReader r = new org.dmascope.trace.jsonl.JsonlReader(
                new java.io.StringReader(out.toString()), "x.jsonl")) {
            r.forEach(back::add);
        }
        assertEquals(events, back);
    }

    /**
     * The commonest lines (dma_map_page, dma_unmap_page, iommu map and unmap) are read in one
     * pass when they are exactly as the kernel prints them; any other spelling of the same event
     * (more spaces, another order, an extra field, a size above 2^63) takes the general reading
     * and must give the same event.
     */
    @Test
    void theOnePassReadingAndTheGeneralOneGiveTheSameEvents() throws Exception {
        DmaMapPage map = new DmaMapPage(h(T), NIC, 0x1_2345_6000L, 0xffff_f000L, 4096, "BIDIRECTIONAL", "SKIP_CPU_SYNC");
        for (String fields : new String[] {
                NIC + " dir=BIDIRECTIONAL dma_addr=fffff000 size=4096 phys_addr=123456000 attrs=SKIP_CPU_SYNC",
                "  " + NIC + "  dir=BIDIRECTIONAL dma_addr=fffff000   size=4096 phys_addr=123456000 attrs=SKIP_CPU_SYNC  ",
                NIC + " dir=BIDIRECTIONAL phys_addr=0x123456000 dma_addr=0xfffff000 size=4096 attrs=SKIP_CPU_SYNC",
                NIC + " dir=BIDIRECTIONAL dma_addr=fffff000 size=4096 phys_addr=123456000 attrs=SKIP_CPU_SYNC extra=1" }) {
            assertEquals(map, one(line("dma_map_page", fields)), fields);
        }
        assertEquals(new DmaUnmapPage(h(T), NIC, 0xffff_f000L, -1, "TO_DEVICE", "A B"), one(line("dma_unmap_page",
                NIC + " dir=TO_DEVICE dma_addr=fffff000 size=18446744073709551615 attrs=A B")));
        assertEquals(new DmaUnmapPage(h(T), NIC, 0xffff_f000L, 4096, "", ""),
                one(line("dma_unmap_page", NIC + " dir= dma_addr=fffff000 size=4096 attrs=")));
        IommuMap imap = new IommuMap(h(T), 0xffff_f000L, 0x8_0000_0000L, 2 << 20);
        for (String fields : new String[] {
                "IOMMU: iova=0x00000000fffff000 - 0x0000000100000000 paddr=0x0000000800000000 size=2097152",
                "IOMMU:  iova=0x00000000fffff000 - 0x0000000100000000 paddr=0x0000000800000000 size=2097152",
                "IOMMU: iova=0x00000000fffff000 paddr=0x0000000800000000 size=2097152",
                "IOMMU: size=2097152 iova=0x00000000fffff000 - 0x0000000100000000 paddr=0x0000000800000000" }) {
            assertEquals(imap, one(line("map", fields)), fields);
        }
        assertEquals(new IommuUnmap(h(T), 0xffff_f000L, 8192, 4096),
                one(line("unmap", "IOMMU: iova=0x00000000fffff000 - 0x0000000100001000 size=8192 unmapped_size=4096 ")));
        // another system's "map" event: kept whole, not read as the iommu one
        assertInstanceOf(GenericEvent.class, one(line("map", "IOMMUX: iova=0x1 - 0x2 paddr=0x3 size=4")));
        // the one pass gives up on a bad value; the general reading names it
        InputException e = assertThrows(InputException.class,
                () -> read(line("map", "IOMMU: iova=0x1 - 0x2 paddr=0xq size=4") + "\n"));
        assertTrue(e.problem().contains("paddr"), e.problem());
    }

    @Test
    void badValueNamesInputLineAndColumnAndReadingGoesOn() throws Exception {
        String bad = line("dma_map_page", dmaMap(NIC, "BIDIRECTIONAL", 0xffff_f000L, 4096, 0x1000, "").replace(
                "dma_addr=fffff000", "dma_addr=zz"));
        String text = HEADER + line("unmap", iommuUnmap(0x1000, 4096, 4096)) + "\n" + bad + "\n"
                + line("unmap", iommuUnmap(0x2000, 4096, 4096)) + "\n";
        try (FtraceReader r = new FtraceReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.txt")) {
            assertInstanceOf(IommuUnmap.class, r.read());
            InputException e = assertThrows(InputException.class, r::read);
            int column = bad.indexOf("dma_addr=zz") + "dma_addr=".length() + 1;
            assertEquals("t.txt", e.input());
            assertEquals("line 14, column " + column, e.place());
            assertTrue(e.problem().contains("dma_addr"), e.problem());
            assertEquals(new IommuUnmap(h(T), 0x2000, 4096, 4096), r.read());
            assertNull(r.read());
        }
    }

    @Test
    void badLinesAreErrorsWithTheirPlace() throws Exception {
        InputException e = assertThrows(InputException.class, () -> read(HEADER + "hello world\n"));
        assertEquals("line 13, column 1", e.place());
        e = assertThrows(InputException.class, () -> read(line("dma_map_sg", "0000:3b:00.0 dir=NONE dma_addrs={0x1} "
                + "sizes={0x1,0x2} phys_addrs={0x1} attrs=") + "\n"));
        assertTrue(e.getMessage().startsWith("trace.txt: line 1, column "), e.getMessage());
        assertTrue(e.problem().contains("2 sizes for 1 dma_addrs"), e.problem());
        e = assertThrows(InputException.class, () -> read(line("add_device_to_group", "IOMMU: device=" + NIC) + "\n"));
        assertTrue(e.problem().contains("missing field groupID="), e.problem());
        e = assertThrows(InputException.class, () -> read(line("dma_unmap_page", "dir=NONE dma_addr=1 size=1 attrs=") + "\n"));
        assertTrue(e.problem().contains("device name"), e.problem());
        e = assertThrows(InputException.class, () -> read("     ib_write_bw-4242    [003] ..... 12345.: map: x\n"));
        assertEquals("line 1, column 44", e.place()); // where the digits after the point should be
    }

    /** An input that hands out a few bytes at a time, so lines cross every buffer boundary. */
    private static final class Trickle extends InputStream {
        private final byte[] data;
        private int pos;

        Trickle(byte[] data) {
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
            int n = Math.min(Math.min(len, 1 + pos % 7), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    @Test
    void linesLongerThanTheBufferAndCrlfAndNoFinalNewline() throws Exception {
        StringBuilder big = new StringBuilder();
        long[] phys = new long[128];
        for (int i = 0; i < phys.length; i++) {
            phys[i] = 0x7fff_ffff_f000L - i;
        }
        String sg = line("dma_unmap_sg", dmaUnmapSg(NIC, "NONE", phys, ""));
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            fields.append("f").append(i).append("=").append(i).append(' ');
        }
        big.append(HEADER.replace("\n", "\r\n"));
        big.append(sg).append("\r\n");
        big.append(line("huge_event", fields.toString().strip())).append("\r\n");
        big.append(sg);
        byte[] bytes = big.toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length > 1 << 20);
        for (InputStream in : List.of(new ByteArrayInputStream(bytes), new Trickle(bytes))) {
            List<TraceEvent> events = read(in);
            assertEquals(3, events.size());
            assertEquals(new DmaUnmapSg(h(T), NIC, phys, "NONE", ""), events.get(0));
            assertEquals(events.get(0), events.get(2));
            GenericEvent huge = (GenericEvent) events.get(1);
            assertEquals(64, huge.fields().size()); // 63 fields, the rest joined to the last value
            assertEquals("62", huge.fields().get("f62"));
            String last = huge.fields().get("f63");
            assertTrue(last.startsWith("63 f64=64 ") && last.endsWith("f99999=99999"), () -> last.substring(0, 40) + "..." + last.substring(last.length() - 40));
        }
    }

    @Test
    void detectsTheFormat() {
        assertEquals(Optional.of(FtraceFormat.TRACEFS), detect(HEADER));
        assertEquals(Optional.of(FtraceFormat.TRACEFS), detect(line("map", iommuMap(1, 2, 3)) + "\n"));
        assertEquals(Optional.of(FtraceFormat.TRACE_CMD_REPORT), detect("cpus=8\n"));
        assertEquals(Optional.of(FtraceFormat.TRACEFS_LATENCY),
                detect(latency("a", 1, 0, ".....", 0, ' ', "map", iommuMap(1, 2, 3)) + "\n"));
        assertEquals(Optional.empty(), detect("{\"ts\":1,\"type\":\"pin\"}\n"));
        assertFalse(detect("").isPresent());
    }

    private static Optional<FtraceFormat> detect(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return FtraceFormat.detect(b, b.length);
    }
}
