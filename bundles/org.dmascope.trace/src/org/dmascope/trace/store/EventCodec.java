package org.dmascope.trace.store;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.dmascope.trace.event.*;
import org.dmascope.trace.jsonl.EventSchema;

/**
 * The binary encoding of one event inside a chunk (see docs/trace-store.md): the kind's code
 * (one byte, {@link #code(EventType)}), the time stamp as a signed delta from the previous
 * event of the chunk, CPU and PID as signed varints, the command name by reference, then the
 * fields of the kind in the order of its record: addresses as unsigned varints, other numbers
 * as signed (zigzag) varints, booleans as one byte, strings by reference, arrays as a count and
 * their elements. That is a row (event chunks of format 1.0, checkpoints); a columnar chunk
 * (1.1, {@link ColumnSink}, {@link ColumnChunk}) keeps the header values in columns and stores
 * only the fields this way ({@link #encodeFields}, {@link #decodeFields}); a chunk of field
 * columns (1.2) puts every field into its kind's columns ({@link #toColumns},
 * {@link #fromColumns}). One method per direction, written out per kind so that decoding is a
 * plain sequence of reads (no reflection on the hot path).
 */
final class EventCodec {

    static final EventType[] BY_CODE = EventType.values();

    private EventCodec() {
    }

    /**
     * The stored code of a kind: its position in {@link EventType}, which only ever grows at the
     * end (the test StoreFormatTest pins every code).
     */
    static int code(EventType type) {
        return type.ordinal();
    }

    /** An event as a row: kind, time delta, CPU, PID, command, then its fields. */
    static void encode(TraceEvent event, long previousTs, ByteSink out) {
        EventHeader h = event.header();
        out.u8(code(event.type()));
        out.svar(h.ts() - previousTs);
        out.svar(h.cpu());
        out.svar(h.pid());
        out.str(h.comm());
        encodeFields(event, out);
    }

    /** The fields of an event's kind, in the order of its record (a row's tail, a columnar chunk's field area). */
    static void encodeFields(TraceEvent event, ByteSink out) {
        switch (event.type()) {
            case VMA_MAP -> {
                VmaMap e = (VmaMap) event;
                out.uvar(e.start());
                out.uvar(e.end());
                out.str(e.perms());
                out.svar(e.offset());
                out.str(e.path());
            }
            case VMA_UNMAP -> {
                VmaUnmap e = (VmaUnmap) event;
                out.uvar(e.start());
                out.uvar(e.end());
            }
            case VMA_PROTECT -> {
                VmaProtect e = (VmaProtect) event;
                out.uvar(e.start());
                out.uvar(e.end());
                out.str(e.perms());
            }
            case PAGE_FAULT -> {
                PageFault e = (PageFault) event;
                out.uvar(e.address());
                out.uvar(e.ip());
                out.svar(e.errorCode());
                out.str(e.result());
            }
            case PIN -> {
                Pin e = (Pin) event;
                out.uvar(e.start());
                out.svar(e.nrPages());
                out.str(e.gupFlags());
                out.svar(e.pinned());
                out.str(e.error());
            }
            case UNPIN -> {
                Unpin e = (Unpin) event;
                out.uvar(e.start());
                out.svar(e.nrPages());
                out.bool(e.dirty());
            }
            case MIGRATE -> {
                Migrate e = (Migrate) event;
                out.uvar(e.start());
                out.svar(e.nrPages());
                out.svar(e.srcNode());
                out.svar(e.dstNode());
                out.str(e.reason());
                out.str(e.mode());
                out.svar(e.succeeded());
                out.svar(e.failed());
            }
            case HMM_RANGE_FAULT -> {
                HmmRangeFault e = (HmmRangeFault) event;
                out.uvar(e.start());
                out.uvar(e.end());
                out.str(e.defaultFlags());
                out.svar(e.validPages());
                out.str(e.error());
            }
            case MR_REGISTER -> {
                MrRegister e = (MrRegister) event;
                out.str(e.device());
                out.uvar(e.addr());
                out.svar(e.length());
                out.uvar(e.iova());
                out.str(e.access());
                out.svar(e.lkey());
                out.svar(e.rkey());
                out.str(e.error());
            }
            case MR_DEREGISTER -> {
                MrDeregister e = (MrDeregister) event;
                out.str(e.device());
                out.svar(e.lkey());
                out.str(e.error());
            }
            case DMA_MAP_PAGE -> {
                DmaMapPage e = (DmaMapPage) event;
                out.str(e.device());
                out.uvar(e.physAddr());
                out.uvar(e.dmaAddr());
                out.svar(e.size());
                out.str(e.dir());
                out.str(e.attrs());
            }
            case DMA_UNMAP_PAGE -> {
                DmaUnmapPage e = (DmaUnmapPage) event;
                out.str(e.device());
                out.uvar(e.dmaAddr());
                out.svar(e.size());
                out.str(e.dir());
                out.str(e.attrs());
            }
            case DMA_MAP_SG -> {
                DmaMapSg e = (DmaMapSg) event;
                out.str(e.device());
                out.svar(e.nents());
                out.svar(e.ents());
                out.bool(e.truncated());
                out.uvars(e.physAddrs());
                out.uvars(e.dmaAddrs());
                out.svars(e.lengths());
                out.str(e.dir());
                out.str(e.attrs());
            }
            case DMA_UNMAP_SG -> {
                DmaUnmapSg e = (DmaUnmapSg) event;
                out.str(e.device());
                out.uvars(e.physAddrs());
                out.str(e.dir());
                out.str(e.attrs());
            }
            case DMA_ALLOC -> {
                DmaAlloc e = (DmaAlloc) event;
                out.str(e.device());
                out.uvar(e.virtAddr());
                out.uvar(e.dmaAddr());
                out.svar(e.size());
                out.str(e.dir());
                out.str(e.gfpFlags());
                out.str(e.attrs());
            }
            case DMA_FREE -> {
                DmaFree e = (DmaFree) event;
                out.str(e.device());
                out.uvar(e.virtAddr());
                out.uvar(e.dmaAddr());
                out.svar(e.size());
                out.str(e.dir());
                out.str(e.attrs());
            }
            case IOMMU_MAP -> {
                IommuMap e = (IommuMap) event;
                out.uvar(e.iova());
                out.uvar(e.paddr());
                out.svar(e.size());
            }
            case IOMMU_UNMAP -> {
                IommuUnmap e = (IommuUnmap) event;
                out.uvar(e.iova());
                out.svar(e.size());
                out.svar(e.unmappedSize());
            }
            case IOMMU_FAULT -> {
                IommuFault e = (IommuFault) event;
                out.str(e.device());
                out.str(e.driver());
                out.uvar(e.iova());
                out.svar(e.flags());
            }
            case IOMMU_ATTACH_DEVICE -> {
                IommuAttachDevice e = (IommuAttachDevice) event;
                out.str(e.device());
            }
            case IOMMU_DETACH_DEVICE -> {
                IommuDetachDevice e = (IommuDetachDevice) event;
                out.str(e.device());
            }
            case IOMMU_ADD_DEVICE_TO_GROUP -> {
                IommuAddDeviceToGroup e = (IommuAddDeviceToGroup) event;
                out.svar(e.groupId());
                out.str(e.device());
            }
            case IOMMU_REMOVE_DEVICE_FROM_GROUP -> {
                IommuRemoveDeviceFromGroup e = (IommuRemoveDeviceFromGroup) event;
                out.svar(e.groupId());
                out.str(e.device());
            }
            case NOTIFIER_INVALIDATE_BEGIN -> {
                NotifierInvalidateBegin e = (NotifierInvalidateBegin) event;
                out.uvar(e.start());
                out.uvar(e.end());
                out.str(e.event());
                out.bool(e.blockable());
            }
            case NOTIFIER_INVALIDATE_END -> {
                NotifierInvalidateEnd e = (NotifierInvalidateEnd) event;
                out.uvar(e.start());
                out.uvar(e.end());
            }
            case GPUDIRECT_GET_PAGES -> {
                GpuDirectGetPages e = (GpuDirectGetPages) event;
                out.str(e.gpu());
                out.uvar(e.virtualAddress());
                out.svar(e.length());
                out.svar(e.pageSize());
                out.svar(e.entries());
                out.str(e.error());
            }
            case GPUDIRECT_PUT_PAGES -> {
                GpuDirectPutPages e = (GpuDirectPutPages) event;
                out.str(e.gpu());
                out.uvar(e.virtualAddress());
                out.svar(e.length());
                out.str(e.error());
            }
            case GPUDIRECT_FREE_CALLBACK -> {
                GpuDirectFreeCallback e = (GpuDirectFreeCallback) event;
                out.str(e.gpu());
                out.uvar(e.virtualAddress());
                out.svar(e.length());
            }
            case DMABUF_MOVE_NOTIFY -> {
                DmaBufMoveNotify e = (DmaBufMoveNotify) event;
                out.svar(e.inode());
                out.str(e.exporter());
                out.str(e.name());
                out.svar(e.size());
            }
            case P2P_TRANSFER -> {
                P2pTransfer e = (P2pTransfer) event;
                out.str(e.initiator());
                out.str(e.target());
                out.uvar(e.busAddr());
                out.svar(e.size());
                out.str(e.direction());
                out.svar(e.durationNs());
            }
            case TOPOLOGY_SNAPSHOT -> {
                TopologySnapshot e = (TopologySnapshot) event;
                out.str(e.source());
                out.str(e.format());
                out.str(e.data());
            }
            case TOPOLOGY_CHANGE -> {
                TopologyChange e = (TopologyChange) event;
                out.str(e.change());
                out.str(e.device());
                out.str(e.detail());
            }
            case PROCESS_START -> {
                ProcessStart e = (ProcessStart) event;
                out.svar(e.ppid());
                out.str(e.filename());
            }
            case PROCESS_EXIT -> {
                ProcessExit e = (ProcessExit) event;
                out.svar(e.exitCode());
            }
            case GENERIC -> {
                GenericEvent e = (GenericEvent) event;
                out.str(e.system());
                out.str(e.name());
                out.uvar(e.fields().size());
                for (Map.Entry<String, String> f : e.fields().entrySet()) {
                    out.str(f.getKey());
                    out.str(f.getValue());
                }
            }
        }
    }

    /**
     * The fields of an event's kind into its kind's columns (format 1.2), in the order of its
     * record, strings numbered in the sink's string table.
     */
    static void toColumns(TraceEvent event, FieldColumns f, ColumnSink sink) {
        switch (event.type()) {
            case VMA_MAP -> {
                VmaMap e = (VmaMap) event;
                f.put(e.start());
                f.put(e.end());
                f.put(sink.ref(e.perms()));
                f.put(e.offset());
                f.put(sink.ref(e.path()));
            }
            case VMA_UNMAP -> {
                VmaUnmap e = (VmaUnmap) event;
                f.put(e.start());
                f.put(e.end());
            }
            case VMA_PROTECT -> {
                VmaProtect e = (VmaProtect) event;
                f.put(e.start());
                f.put(e.end());
                f.put(sink.ref(e.perms()));
            }
            case PAGE_FAULT -> {
                PageFault e = (PageFault) event;
                f.put(e.address());
                f.put(e.ip());
                f.put(e.errorCode());
                f.put(sink.ref(e.result()));
            }
            case PIN -> {
                Pin e = (Pin) event;
                f.put(e.start());
                f.put(e.nrPages());
                f.put(sink.ref(e.gupFlags()));
                f.put(e.pinned());
                f.put(sink.ref(e.error()));
            }
            case UNPIN -> {
                Unpin e = (Unpin) event;
                f.put(e.start());
                f.put(e.nrPages());
                f.put(e.dirty());
            }
            case MIGRATE -> {
                Migrate e = (Migrate) event;
                f.put(e.start());
                f.put(e.nrPages());
                f.put(e.srcNode());
                f.put(e.dstNode());
                f.put(sink.ref(e.reason()));
                f.put(sink.ref(e.mode()));
                f.put(e.succeeded());
                f.put(e.failed());
            }
            case HMM_RANGE_FAULT -> {
                HmmRangeFault e = (HmmRangeFault) event;
                f.put(e.start());
                f.put(e.end());
                f.put(sink.ref(e.defaultFlags()));
                f.put(e.validPages());
                f.put(sink.ref(e.error()));
            }
            case MR_REGISTER -> {
                MrRegister e = (MrRegister) event;
                f.put(sink.ref(e.device()));
                f.put(e.addr());
                f.put(e.length());
                f.put(e.iova());
                f.put(sink.ref(e.access()));
                f.put(e.lkey());
                f.put(e.rkey());
                f.put(sink.ref(e.error()));
            }
            case MR_DEREGISTER -> {
                MrDeregister e = (MrDeregister) event;
                f.put(sink.ref(e.device()));
                f.put(e.lkey());
                f.put(sink.ref(e.error()));
            }
            case DMA_MAP_PAGE -> {
                DmaMapPage e = (DmaMapPage) event;
                f.put(sink.ref(e.device()));
                f.put(e.physAddr());
                f.put(e.dmaAddr());
                f.put(e.size());
                f.put(sink.ref(e.dir()));
                f.put(sink.ref(e.attrs()));
            }
            case DMA_UNMAP_PAGE -> {
                DmaUnmapPage e = (DmaUnmapPage) event;
                f.put(sink.ref(e.device()));
                f.put(e.dmaAddr());
                f.put(e.size());
                f.put(sink.ref(e.dir()));
                f.put(sink.ref(e.attrs()));
            }
            case DMA_MAP_SG -> {
                DmaMapSg e = (DmaMapSg) event;
                f.put(sink.ref(e.device()));
                f.put(e.nents());
                f.put(e.ents());
                f.put(e.truncated());
                f.put(e.physAddrs());
                f.put(e.dmaAddrs());
                f.put(e.lengths());
                f.put(sink.ref(e.dir()));
                f.put(sink.ref(e.attrs()));
            }
            case DMA_UNMAP_SG -> {
                DmaUnmapSg e = (DmaUnmapSg) event;
                f.put(sink.ref(e.device()));
                f.put(e.physAddrs());
                f.put(sink.ref(e.dir()));
                f.put(sink.ref(e.attrs()));
            }
            case DMA_ALLOC -> {
                DmaAlloc e = (DmaAlloc) event;
                f.put(sink.ref(e.device()));
                f.put(e.virtAddr());
                f.put(e.dmaAddr());
                f.put(e.size());
                f.put(sink.ref(e.dir()));
                f.put(sink.ref(e.gfpFlags()));
                f.put(sink.ref(e.attrs()));
            }
            case DMA_FREE -> {
                DmaFree e = (DmaFree) event;
                f.put(sink.ref(e.device()));
                f.put(e.virtAddr());
                f.put(e.dmaAddr());
                f.put(e.size());
                f.put(sink.ref(e.dir()));
                f.put(sink.ref(e.attrs()));
            }
            case IOMMU_MAP -> {
                IommuMap e = (IommuMap) event;
                f.put(e.iova());
                f.put(e.paddr());
                f.put(e.size());
            }
            case IOMMU_UNMAP -> {
                IommuUnmap e = (IommuUnmap) event;
                f.put(e.iova());
                f.put(e.size());
                f.put(e.unmappedSize());
            }
            case IOMMU_FAULT -> {
                IommuFault e = (IommuFault) event;
                f.put(sink.ref(e.device()));
                f.put(sink.ref(e.driver()));
                f.put(e.iova());
                f.put(e.flags());
            }
            case IOMMU_ATTACH_DEVICE -> {
                IommuAttachDevice e = (IommuAttachDevice) event;
                f.put(sink.ref(e.device()));
            }
            case IOMMU_DETACH_DEVICE -> {
                IommuDetachDevice e = (IommuDetachDevice) event;
                f.put(sink.ref(e.device()));
            }
            case IOMMU_ADD_DEVICE_TO_GROUP -> {
                IommuAddDeviceToGroup e = (IommuAddDeviceToGroup) event;
                f.put(e.groupId());
                f.put(sink.ref(e.device()));
            }
            case IOMMU_REMOVE_DEVICE_FROM_GROUP -> {
                IommuRemoveDeviceFromGroup e = (IommuRemoveDeviceFromGroup) event;
                f.put(e.groupId());
                f.put(sink.ref(e.device()));
            }
            case NOTIFIER_INVALIDATE_BEGIN -> {
                NotifierInvalidateBegin e = (NotifierInvalidateBegin) event;
                f.put(e.start());
                f.put(e.end());
                f.put(sink.ref(e.event()));
                f.put(e.blockable());
            }
            case NOTIFIER_INVALIDATE_END -> {
                NotifierInvalidateEnd e = (NotifierInvalidateEnd) event;
                f.put(e.start());
                f.put(e.end());
            }
            case GPUDIRECT_GET_PAGES -> {
                GpuDirectGetPages e = (GpuDirectGetPages) event;
                f.put(sink.ref(e.gpu()));
                f.put(e.virtualAddress());
                f.put(e.length());
                f.put(e.pageSize());
                f.put(e.entries());
                f.put(sink.ref(e.error()));
            }
            case GPUDIRECT_PUT_PAGES -> {
                GpuDirectPutPages e = (GpuDirectPutPages) event;
                f.put(sink.ref(e.gpu()));
                f.put(e.virtualAddress());
                f.put(e.length());
                f.put(sink.ref(e.error()));
            }
            case GPUDIRECT_FREE_CALLBACK -> {
                GpuDirectFreeCallback e = (GpuDirectFreeCallback) event;
                f.put(sink.ref(e.gpu()));
                f.put(e.virtualAddress());
                f.put(e.length());
            }
            case DMABUF_MOVE_NOTIFY -> {
                DmaBufMoveNotify e = (DmaBufMoveNotify) event;
                f.put(e.inode());
                f.put(sink.ref(e.exporter()));
                f.put(sink.ref(e.name()));
                f.put(e.size());
            }
            case P2P_TRANSFER -> {
                P2pTransfer e = (P2pTransfer) event;
                f.put(sink.ref(e.initiator()));
                f.put(sink.ref(e.target()));
                f.put(e.busAddr());
                f.put(e.size());
                f.put(sink.ref(e.direction()));
                f.put(e.durationNs());
            }
            case TOPOLOGY_SNAPSHOT -> {
                TopologySnapshot e = (TopologySnapshot) event;
                f.put(sink.ref(e.source()));
                f.put(sink.ref(e.format()));
                f.put(sink.ref(e.data()));
            }
            case TOPOLOGY_CHANGE -> {
                TopologyChange e = (TopologyChange) event;
                f.put(sink.ref(e.change()));
                f.put(sink.ref(e.device()));
                f.put(sink.ref(e.detail()));
            }
            case PROCESS_START -> {
                ProcessStart e = (ProcessStart) event;
                f.put(e.ppid());
                f.put(sink.ref(e.filename()));
            }
            case PROCESS_EXIT -> {
                ProcessExit e = (ProcessExit) event;
                f.put(e.exitCode());
            }
            case GENERIC -> {
                GenericEvent e = (GenericEvent) event;
                f.put(sink.ref(e.system()));
                f.put(sink.ref(e.name()));
                sink.putMap(f, e.fields());
            }
        }
    }

    /**
     * How each kind's fields are skipped, from the JSON Lines schema (the same fields in the same
     * order), as a short program: one op per run of numbers (skipped together, 8 bytes at a
     * time), per boolean, string, array or map. An op is {@code count << 3 | what}.
     */
    private static final int[][] SKIP = new int[BY_CODE.length][];
    private static final int SKIP_VARS = 0;
    private static final int SKIP_BOOL = 1;
    private static final int SKIP_STR = 2;
    private static final int SKIP_ARRAY = 3;
    private static final int SKIP_MAP = 4;

    static {
        EventSchema schema = new EventSchema();
        for (EventType t : BY_CODE) {
            int[] ops = new int[schema.of(t).fields().size()];
            int n = 0;
            for (EventSchema.Field f : schema.of(t).fields()) {
                int what = switch (f.kind()) {
                    case LONG, HEX, INT -> SKIP_VARS;
                    case BOOLEAN -> SKIP_BOOL;
                    case STRING -> SKIP_STR;
                    case HEX_ARRAY, LONG_ARRAY, INT_ARRAY -> SKIP_ARRAY;
                    case STRING_MAP -> SKIP_MAP;
                };
                if (what == SKIP_VARS && n > 0 && (ops[n - 1] & 7) == SKIP_VARS) {
                    ops[n - 1] += 1 << 3;
                } else {
                    ops[n++] = 1 << 3 | what;
                }
            }
            SKIP[t.ordinal()] = Arrays.copyOf(ops, n);
        }
    }

    /**
     * Scans the events from the source's position to its end, handing each one's kind, time, CPU
     * and PID to the scanner, the first one numbered {@code ordinal}; their fields are skipped,
     * creating no object (a whole chunk in one loop).
     *
     * @return how many events were scanned, also left in {@link ByteSource#events} (where a
     *         payload that does not decode leaves the number scanned before the fault)
     */
    static int scanAll(ByteSource in, long ordinal, TraceReader.EventScanner scanner) {
        long ts = 0;
        int n = 0;
        try {
            while (in.hasMore()) {
                int code = in.u8();
                if (code >= BY_CODE.length) {
                    throw new ByteSource.Malformed("unknown event code " + code);
                }
                ts += in.svar();
                int cpu = in.svarInt();
                int pid = in.svarInt();
                in.skipStr();
                skipFields(in, code);
                scanner.event(ordinal + n, BY_CODE[code], ts, cpu, pid);
                n++;
            }
        } catch (ByteSource.Malformed e) {
            in.events = n;
            throw e;
        }
        in.events = n;
        return n;
    }

    private static void skipFields(ByteSource in, int code) {
        for (int op : SKIP[code]) {
            switch (op & 7) {
                case SKIP_VARS -> in.skipVars(op >>> 3);
                case SKIP_BOOL -> in.skip(1);
                case SKIP_STR -> in.skipStr();
                case SKIP_ARRAY -> {
                    for (int n = in.count(); n > 0; n--) {
                        in.skipVar();
                    }
                }
                default -> {
                    for (int n = in.count(); n > 0; n--) {
                        in.skipStr();
                        in.skipStr();
                    }
                }
            }
        }
    }

    /**
     * Decodes the event at the source's position; {@code previousTs} is the last event's time
     * stamp. Its own time stamp is also left in {@link ByteSource#ts}, so that the caller need not
     * ask the event (an interface call on as many classes as there are kinds).
     */
    static TraceEvent decode(ByteSource in, long previousTs) {
        int code = in.u8();
        if (code >= BY_CODE.length) {
            throw new ByteSource.Malformed("unknown event code " + code);
        }
        long ts = previousTs + in.svar();
        in.ts = ts;
        EventHeader h = new EventHeader(ts, in.svarInt(), in.svarInt(), in.str());
        return decodeFields(BY_CODE[code], h, in);
    }

    /** The kind's fields at the source's position, made into its record with the header. */
    static TraceEvent decodeFields(EventType type, EventHeader h, ByteSource in) {
        return switch (type) {
            case VMA_MAP -> new VmaMap(h, in.uvar(), in.uvar(), in.str(), in.svar(), in.str());
            case VMA_UNMAP -> new VmaUnmap(h, in.uvar(), in.uvar());
            case VMA_PROTECT -> new VmaProtect(h, in.uvar(), in.uvar(), in.str());
            case PAGE_FAULT -> new PageFault(h, in.uvar(), in.uvar(), in.svarInt(), in.str());
            case PIN -> new Pin(h, in.uvar(), in.svar(), in.str(), in.svar(), in.str());
            case UNPIN -> new Unpin(h, in.uvar(), in.svar(), in.bool());
            case MIGRATE -> new Migrate(h, in.uvar(), in.svar(), in.svarInt(), in.svarInt(), in.str(), in.str(), in.svar(),
                    in.svar());
            case HMM_RANGE_FAULT -> new HmmRangeFault(h, in.uvar(), in.uvar(), in.str(), in.svar(), in.str());
            case MR_REGISTER -> new MrRegister(h, in.str(), in.uvar(), in.svar(), in.uvar(), in.str(), in.svar(), in.svar(),
                    in.str());
            case MR_DEREGISTER -> new MrDeregister(h, in.str(), in.svar(), in.str());
            case DMA_MAP_PAGE -> new DmaMapPage(h, in.str(), in.uvar(), in.uvar(), in.svar(), in.str(), in.str());
            case DMA_UNMAP_PAGE -> new DmaUnmapPage(h, in.str(), in.uvar(), in.svar(), in.str(), in.str());
            case DMA_MAP_SG -> new DmaMapSg(h, in.str(), in.svarInt(), in.svarInt(), in.bool(), in.uvars(), in.uvars(),
                    in.svars(), in.str(), in.str());
            case DMA_UNMAP_SG -> new DmaUnmapSg(h, in.str(), in.uvars(), in.str(), in.str());
            case DMA_ALLOC -> new DmaAlloc(h, in.str(), in.uvar(), in.uvar(), in.svar(), in.str(), in.str(), in.str());
            case DMA_FREE -> new DmaFree(h, in.str(), in.uvar(), in.uvar(), in.svar(), in.str(), in.str());
            case IOMMU_MAP -> new IommuMap(h, in.uvar(), in.uvar(), in.svar());
            case IOMMU_UNMAP -> new IommuUnmap(h, in.uvar(), in.svar(), in.svar());
            case IOMMU_FAULT -> new IommuFault(h, in.str(), in.str(), in.uvar(), in.svarInt());
            case IOMMU_ATTACH_DEVICE -> new IommuAttachDevice(h, in.str());
            case IOMMU_DETACH_DEVICE -> new IommuDetachDevice(h, in.str());
            case IOMMU_ADD_DEVICE_TO_GROUP -> new IommuAddDeviceToGroup(h, in.svarInt(), in.str());
            case IOMMU_REMOVE_DEVICE_FROM_GROUP -> new IommuRemoveDeviceFromGroup(h, in.svarInt(), in.str());
            case NOTIFIER_INVALIDATE_BEGIN -> new NotifierInvalidateBegin(h, in.uvar(), in.uvar(), in.str(), in.bool());
            case NOTIFIER_INVALIDATE_END -> new NotifierInvalidateEnd(h, in.uvar(), in.uvar());
            case GPUDIRECT_GET_PAGES -> new GpuDirectGetPages(h, in.str(), in.uvar(), in.svar(), in.svar(), in.svarInt(),
                    in.str());
            case GPUDIRECT_PUT_PAGES -> new GpuDirectPutPages(h, in.str(), in.uvar(), in.svar(), in.str());
            case GPUDIRECT_FREE_CALLBACK -> new GpuDirectFreeCallback(h, in.str(), in.uvar(), in.svar());
            case DMABUF_MOVE_NOTIFY -> new DmaBufMoveNotify(h, in.svar(), in.str(), in.str(), in.svar());
            case P2P_TRANSFER -> new P2pTransfer(h, in.str(), in.str(), in.uvar(), in.svar(), in.str(), in.svar());
            case TOPOLOGY_SNAPSHOT -> new TopologySnapshot(h, in.str(), in.str(), in.str());
            case TOPOLOGY_CHANGE -> new TopologyChange(h, in.str(), in.str(), in.str());
            case PROCESS_START -> new ProcessStart(h, in.svarInt(), in.str());
            case PROCESS_EXIT -> new ProcessExit(h, in.svarInt());
            case GENERIC -> {
                String system = in.str();
                String name = in.str();
                int n = in.count();
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    fields.put(in.str(), in.str());
                }
                yield new GenericEvent(h, system, name, fields);
            }
        };
    }

    /**
     * Row r of a kind's field columns (format 1.2) made into its record with the header: strings
     * shared from the chunk's string table, no varint read.
     */
    static TraceEvent fromColumns(EventType type, EventHeader h, FieldColumns c, int r) {
        return switch (type) {
            case VMA_MAP -> new VmaMap(h, c.number(0, r), c.number(1, r), c.string(2, r), c.number(3, r),
                    c.string(4, r));
            case VMA_UNMAP -> new VmaUnmap(h, c.number(0, r), c.number(1, r));
            case VMA_PROTECT -> new VmaProtect(h, c.number(0, r), c.number(1, r), c.string(2, r));
            case PAGE_FAULT -> new PageFault(h, c.number(0, r), c.number(1, r), c.intValue(2, r), c.string(3, r));
            case PIN -> new Pin(h, c.number(0, r), c.number(1, r), c.string(2, r), c.number(3, r), c.string(4, r));
            case UNPIN -> new Unpin(h, c.number(0, r), c.number(1, r), c.bool(2, r));
            case MIGRATE -> new Migrate(h, c.number(0, r), c.number(1, r), c.intValue(2, r), c.intValue(3, r),
                    c.string(4, r), c.string(5, r), c.number(6, r), c.number(7, r));
            case HMM_RANGE_FAULT -> new HmmRangeFault(h, c.number(0, r), c.number(1, r), c.string(2, r),
                    c.number(3, r), c.string(4, r));
            case MR_REGISTER -> new MrRegister(h, c.string(0, r), c.number(1, r), c.number(2, r), c.number(3,
                    r), c.string(4, r), c.number(5, r), c.number(6, r), c.string(7, r));
            case MR_DEREGISTER -> new MrDeregister(h, c.string(0, r), c.number(1, r), c.string(2, r));
            case DMA_MAP_PAGE -> new DmaMapPage(h, c.string(0, r), c.number(1, r), c.number(2, r), c.number(3,
                    r), c.string(4, r), c.string(5, r));
            case DMA_UNMAP_PAGE -> new DmaUnmapPage(h, c.string(0, r), c.number(1, r), c.number(2, r),
                    c.string(3, r), c.string(4, r));
            case DMA_MAP_SG -> new DmaMapSg(h, c.string(0, r), c.intValue(1, r), c.intValue(2, r), c.bool(3,
                    r), c.longArray(4, r), c.longArray(5, r), c.longArray(6, r), c.string(7, r), c.string(8, r));
            case DMA_UNMAP_SG -> new DmaUnmapSg(h, c.string(0, r), c.longArray(1, r), c.string(2, r), c.string(3, r));
            case DMA_ALLOC -> new DmaAlloc(h, c.string(0, r), c.number(1, r), c.number(2, r), c.number(3, r),
                    c.string(4, r), c.string(5, r), c.string(6, r));
            case DMA_FREE -> new DmaFree(h, c.string(0, r), c.number(1, r), c.number(2, r), c.number(3, r),
                    c.string(4, r), c.string(5, r));
            case IOMMU_MAP -> new IommuMap(h, c.number(0, r), c.number(1, r), c.number(2, r));
            case IOMMU_UNMAP -> new IommuUnmap(h, c.number(0, r), c.number(1, r), c.number(2, r));
            case IOMMU_FAULT -> new IommuFault(h, c.string(0, r), c.string(1, r), c.number(2, r), c.intValue(3, r));
            case IOMMU_ATTACH_DEVICE -> new IommuAttachDevice(h, c.string(0, r));
            case IOMMU_DETACH_DEVICE -> new IommuDetachDevice(h, c.string(0, r));
            case IOMMU_ADD_DEVICE_TO_GROUP -> new IommuAddDeviceToGroup(h, c.intValue(0, r), c.string(1, r));
            case IOMMU_REMOVE_DEVICE_FROM_GROUP -> new IommuRemoveDeviceFromGroup(h, c.intValue(0, r), c.string(1, r));
            case NOTIFIER_INVALIDATE_BEGIN -> new NotifierInvalidateBegin(h, c.number(0, r), c.number(1, r),
                    c.string(2, r), c.bool(3, r));
            case NOTIFIER_INVALIDATE_END -> new NotifierInvalidateEnd(h, c.number(0, r), c.number(1, r));
            case GPUDIRECT_GET_PAGES -> new GpuDirectGetPages(h, c.string(0, r), c.number(1, r), c.number(2,
                    r), c.number(3, r), c.intValue(4, r), c.string(5, r));
            case GPUDIRECT_PUT_PAGES -> new GpuDirectPutPages(h, c.string(0, r), c.number(1, r), c.number(2,
                    r), c.string(3, r));
            case GPUDIRECT_FREE_CALLBACK -> new GpuDirectFreeCallback(h, c.string(0, r), c.number(1, r),
                    c.number(2, r));
            case DMABUF_MOVE_NOTIFY -> new DmaBufMoveNotify(h, c.number(0, r), c.string(1, r), c.string(2, r),
                    c.number(3, r));
            case P2P_TRANSFER -> new P2pTransfer(h, c.string(0, r), c.string(1, r), c.number(2, r), c.number(3,
                    r), c.string(4, r),
                    c.number(5, r));
            case TOPOLOGY_SNAPSHOT -> new TopologySnapshot(h, c.string(0, r), c.string(1, r), c.string(2, r));
            case TOPOLOGY_CHANGE -> new TopologyChange(h, c.string(0, r), c.string(1, r), c.string(2, r));
            case PROCESS_START -> new ProcessStart(h, c.intValue(0, r), c.string(1, r));
            case PROCESS_EXIT -> new ProcessExit(h, c.intValue(0, r));
            case GENERIC -> {
                int n = c.length(2, r);
                String[] keys = new String[n];
                String[] values = new String[n];
                for (int j = 0; j < n; j++) {
                    keys[j] = c.key(2, r, j);
                    values[j] = c.value(2, r, j);
                }
                yield GenericEvent.of(h, c.string(0, r), c.string(1, r), keys, values, n);
            }
        };
    }
}
