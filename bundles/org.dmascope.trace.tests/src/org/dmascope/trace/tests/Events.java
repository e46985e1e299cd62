package org.dmascope.trace.tests;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.trace.event.*;

/** One event of every kind, with values that exercise the encoding (high addresses, unknowns). */
final class Events {

    private Events() {
    }

    static List<TraceEvent> oneOfEach() {
        EventHeader h = new EventHeader(1_700_000_000_123_456_789L, 3, 4242, "ib_write_bw");
        EventHeader unknown = EventHeader.at(42);
        long va = 0x7f3a_1c00_0000L;
        long kernel = 0xffff_8881_0000_0000L;
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("prev_comm", "swapper/3");
        fields.put("prev_pid", "0");
        fields.put("next_comm", "ib_write_bw \"quoted\"");
        Map<EventType, TraceEvent> m = new EnumMap<>(EventType.class);
        List<TraceEvent> all = List.of(
                new VmaMap(h, va, va + 0x20_0000, "rw-p", 0, "/dev/infiniband/uverbs0"),
                new VmaUnmap(h, va, va + 0x1000),
                new VmaProtect(h, va, va + 0x2000, "r--p"),
                new PageFault(h, va + 0x10, 0x5555_5555_4000L, 6, "MAJOR|RETRY"),
                new Pin(h, va, 512, "FOLL_WRITE|FOLL_LONGTERM", 500, ""),
                new Unpin(h, va, 512, true),
                new Migrate(h, va, 16, 0, 1, "numa_misplaced", "MIGRATE_ASYNC", 15, 1),
                new HmmRangeFault(h, va, va + 0x10_0000, "HMM_PFN_REQ_FAULT|HMM_PFN_REQ_WRITE", 256, "EBUSY"),
                new MrRegister(h, "mlx5_0", va, 1L << 30, va, "LOCAL_WRITE|REMOTE_READ|ON_DEMAND", 0x1234, 0xffff_fffeL, ""),
                new MrDeregister(h, "mlx5_0", 0x1234, ""),
                new DmaMapPage(h, "0000:3b:00.0", 0x1_2345_6000L, 0xffff_f000L, 4096, "BIDIRECTIONAL", "SKIP_CPU_SYNC"),
                new DmaUnmapPage(h, "0000:3b:00.0", 0xffff_f000L, 4096, "BIDIRECTIONAL", ""),
                new DmaMapSg(h, "0000:3b:00.0", 3, 1, false, new long[] { 0x1000, 0x2000, 0xffff_ffff_ffff_f000L },
                        new long[] { 0xfee0_0000L }, new long[] { 12288 }, "FROM_DEVICE", "WEAK_ORDERING|NO_WARN"),
                new DmaUnmapSg(h, "0000:3b:00.0", new long[] { 0x1000, 0x2000 }, "FROM_DEVICE", ""),
                new DmaAlloc(h, "0000:af:00.0", kernel, 0xf000_0000L, 65536, "BIDIRECTIONAL", "GFP_KERNEL|__GFP_ZERO", ""),
                new DmaFree(h, "0000:af:00.0", kernel, 0xf000_0000L, 65536, "BIDIRECTIONAL", ""),
                new IommuMap(h, 0xffff_0000L, 0x8_0000_0000L, 2 * 1024 * 1024),
                new IommuUnmap(h, 0xffff_0000L, 8192, 4096),
                new IommuFault(h, "0000:3b:00.0", "mlx5_core", 0xdead_b000L, 1),
                new IommuAttachDevice(h, "0000:3b:00.0"),
                new IommuDetachDevice(h, "0000:3b:00.0"),
                new IommuAddDeviceToGroup(h, 17, "0000:3b:00.1"),
                new IommuRemoveDeviceFromGroup(h, 17, "0000:3b:00.1"),
                new NotifierInvalidateBegin(h, va, va + 0x1000, "MMU_NOTIFY_UNMAP", true),
                new NotifierInvalidateEnd(h, va, va + 0x1000),
                new GpuDirectGetPages(h, "0000:c1:00.0", 0x7f00_0001_0000L, 1 << 21, 65536, 32, ""),
                new GpuDirectPutPages(h, "0000:c1:00.0", 0x7f00_0001_0000L, 1 << 21, ""),
                new GpuDirectFreeCallback(h, "", 0x7f00_0001_0000L, 1 << 21),
                new DmaBufMoveNotify(h, 98765, "amdgpu", "", 1L << 32),
                new P2pTransfer(h, "0000:3b:00.0", "0000:c1:00.0", 0x3800_0000_0000L, 1 << 20, "WRITE", 45_000),
                new TopologySnapshot(unknown, "lspci", "lspci-tv", "-[0000:00]-+-00.0  Intel\n           \\-01.0\n"),
                new TopologyChange(unknown, "LINK", "0000:3b:00.0", "speed 16GT/s width x8"),
                new ProcessStart(new EventHeader(5, 0, 100, "bash"), 1, "/usr/bin/ib_write_bw"),
                new ProcessExit(new EventHeader(6, 0, 100, "ib_write_bw"), 0),
                new GenericEvent(h, "sched", "sched_switch", fields));
        for (TraceEvent e : all) {
            m.put(e.type(), e);
        }
        if (m.size() != EventType.values().length) {
            throw new AssertionError("not every kind: " + m.keySet());
        }
        return all;
    }
}
