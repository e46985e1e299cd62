package org.dmascope.trace.ftrace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.trace.event.DmaAlloc;
import org.dmascope.trace.event.DmaFree;
import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.DmaMapSg;
import org.dmascope.trace.event.DmaUnmapPage;
import org.dmascope.trace.event.DmaUnmapSg;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.IommuAddDeviceToGroup;
import org.dmascope.trace.event.IommuAttachDevice;
import org.dmascope.trace.event.IommuDetachDevice;
import org.dmascope.trace.event.IommuFault;
import org.dmascope.trace.event.IommuMap;
import org.dmascope.trace.event.IommuRemoveDeviceFromGroup;
import org.dmascope.trace.event.IommuUnmap;
import org.dmascope.trace.event.TraceEvent;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Parses one {@link Block} of whole lines of ftrace text into its events, in order, for
 * {@link FtraceReader}, which splits its input into such blocks and may parse several at once,
 * each with a parser of its own. The lines are scanned in place, without copies.
 * <p>
 * A block is parsed without knowing the blocks before it; what a line gives that depends on them
 * is handed on as a {@link Note} at that line's place: the format, tracer and CPU count a header
 * tells, a line that cannot be read (its column and problem; the reader adds the line number),
 * and an event without a time stamp of its own (a lost-events line, a stack frame alone) before
 * the block's first event line. A stack trace's frame lines are read with their
 * {@code <stack trace>} line, so the reader never ends a block between them.
 * <p>
 * The tracepoints of include/trace/events/iommu.h and include/trace/events/dma.h become the
 * matching event records, every other event a {@link GenericEvent} (see {@link FtraceReader}).
 * Not thread safe: one parser per thread.
 */
final class BlockParser {

    /** Whole lines of the input and, once parsed, what they gave, in their order. */
    static final class Block {
        byte[] bytes;
        int length;
        /** Whether the block ends the input. */
        boolean last;
        /** The events; null where a note is. */
        @Nullable TraceEvent[] events = new TraceEvent[256];
        /** The block's line (1 for its first) after which each event or note was made. */
        int[] lines = new int[256];
        int count;
        final List<Note> notes = new ArrayList<>();
        /** The lines of the block. */
        int lineCount;
        /** Whether the block had an event line, and the time stamp of its last one. */
        boolean hadEventLine;
        long lastTs;

        Block(int size) {
            bytes = new byte[size];
        }

        void clear() {
            Arrays.fill(events, 0, count, null);
            count = 0;
            notes.clear();
        }

        void add(@Nullable TraceEvent e, int line) {
            if (count == events.length) {
                events = Arrays.copyOf(events, count * 2);
                lines = Arrays.copyOf(lines, count * 2);
            }
            events[count] = e;
            lines[count++] = line;
        }

        void note(Note n, int line) {
            notes.add(n);
            add(null, line);
        }

        void finish(int lines, boolean eventLine, long ts) {
            lineCount = lines;
            hadEventLine = eventLine;
            lastTs = ts;
        }
    }

    /** What a line gave besides an event, in the block's order of events and notes. */
    sealed interface Note permits Problem, FormatSeen, TracerSeen, CpusSeen, AtLastTs {
    }

    /** A line that cannot be read: the 1-based column and the problem. */
    record Problem(int column, String problem) implements Note {
    }

    /** The format a line tells; {@code onlyIfUnknown} for an event line or a tracer header. */
    record FormatSeen(FtraceFormat format, boolean onlyIfUnknown) implements Note {
    }

    /** The tracer of a {@code # tracer:} header. */
    record TracerSeen(String tracer) implements Note {
    }

    /** The CPU count of trace-cmd's {@code cpus=N}. */
    record CpusSeen(int cpus) implements Note {
    }

    /** A generic "ftrace" event at the time of the last event line, which was in an earlier block. */
    record AtLastTs(int cpu, String name, Map<String, String> fields) implements Note {
    }

    /** What a recognised event name decodes to. */
    private enum Kind {
        IOMMU_MAP, IOMMU_UNMAP, IOMMU_FAULT, IOMMU_ATTACH, IOMMU_DETACH, IOMMU_ADD, IOMMU_REMOVE,
        DMA_MAP, DMA_MAP_RESOURCE, DMA_UNMAP, DMA_UNMAP_RESOURCE, DMA_ALLOC, DMA_FREE, DMA_MAP_SG, DMA_UNMAP_SG,
        DMA_OTHER, TEXT,
        /** Any other event: a generic event. */
        GENERIC,
        /** Not an event name (a function tracer line, a syscall line, other text). */
        NOT_A_NAME
    }

    private static final Map<String, Kind> KINDS = new HashMap<>();

    static {
        KINDS.put("map", Kind.IOMMU_MAP);
        KINDS.put("unmap", Kind.IOMMU_UNMAP);
        KINDS.put("io_page_fault", Kind.IOMMU_FAULT);
        KINDS.put("attach_device_to_domain", Kind.IOMMU_ATTACH);
        KINDS.put("detach_device_from_domain", Kind.IOMMU_DETACH);
        KINDS.put("add_device_to_group", Kind.IOMMU_ADD);
        KINDS.put("remove_device_from_group", Kind.IOMMU_REMOVE);
        KINDS.put("dma_map_page", Kind.DMA_MAP);
        KINDS.put("dma_map_phys", Kind.DMA_MAP);
        KINDS.put("dma_map_resource", Kind.DMA_MAP_RESOURCE);
        KINDS.put("dma_unmap_page", Kind.DMA_UNMAP);
        KINDS.put("dma_unmap_phys", Kind.DMA_UNMAP);
        KINDS.put("dma_unmap_resource", Kind.DMA_UNMAP_RESOURCE);
        KINDS.put("dma_alloc", Kind.DMA_ALLOC);
        KINDS.put("dma_alloc_pages", Kind.DMA_ALLOC);
        KINDS.put("dma_alloc_sgt_err", Kind.DMA_ALLOC);
        KINDS.put("dma_free", Kind.DMA_FREE);
        KINDS.put("dma_free_pages", Kind.DMA_FREE);
        KINDS.put("dma_map_sg", Kind.DMA_MAP_SG);
        KINDS.put("dma_unmap_sg", Kind.DMA_UNMAP_SG);
        for (String n : new String[] { "dma_map_sg_err", "dma_alloc_sgt", "dma_free_sgt", "dma_sync_single_for_cpu",
                "dma_sync_single_for_device", "dma_sync_sg_for_cpu", "dma_sync_sg_for_device" }) {
            KINDS.put(n, Kind.DMA_OTHER);
        }
        for (String n : new String[] { "tracing_mark_write", "print", "bprint", "bputs" }) {
            KINDS.put(n, Kind.TEXT);
        }
    }

    private static final byte[] IOMMU = ascii("IOMMU:");
    private static final byte[] DIR = ascii("dir");
    private static final byte[] DMA_ADDR = ascii("dma_addr");
    private static final byte[] DMA_ADDRS = ascii("dma_addrs");
    private static final byte[] PHYS_ADDR = ascii("phys_addr");
    private static final byte[] PHYS_ADDRS = ascii("phys_addrs");
    private static final byte[] SIZE = ascii("size");
    private static final byte[] SIZES = ascii("sizes");
    private static final byte[] ATTRS = ascii("attrs");
    private static final byte[] VIRT_ADDR = ascii("virt_addr");
    private static final byte[] FLAGS = ascii("flags");
    private static final byte[] NENTS = ascii("nents");
    private static final byte[] ENTS = ascii("ents");
    private static final byte[] IOVA = ascii("iova");
    private static final byte[] PADDR = ascii("paddr");
    private static final byte[] UNMAPPED_SIZE = ascii("unmapped_size");
    private static final byte[] DEVICE = ascii("device");
    private static final byte[] GROUP_ID = ascii("groupID");
    private static final byte[] TRUNCATED = ascii("[TRUNCATED]");
    private static final String[] BUF = { "buf" };

    private static final byte[] EMPTY = new byte[0];

    // the block being parsed
    private byte[] buf = EMPTY;
    private int pos;
    private int limit;
    private int lineStart;
    private int lineEnd;
    private boolean pending;
    /** The lines of the block read so far. */
    private int lineNumber;
    private @Nullable Block out;
    /** Whether a line of this block has told the format already (then a later event line cannot change it). */
    private boolean formatTold;
    /** The time stamp of the block's last event line, when it has had one. */
    private long lastTs;
    private boolean lastTsKnown;
    /** Whether the stack trace read last ended with the block, and another block follows. */
    private boolean stackAtEnd;

    private final LineParser context = new LineParser();
    private final Fields fields = new Fields();
    private final StringCache comms = new StringCache();
    private final StringCache words = new StringCache();
    /** The short values of generic events' fields. */
    private final StringCache shortValues = new StringCache();
    /** Event names, each tagged with its {@link Kind} (the name's characters checked once). */
    private final StringCache names = new StringCache(BlockParser::kindOf);

    /** A problem at one column of the current line (0-based offset into the buffer). */
    private static final class LineError extends Exception {
        private static final long serialVersionUID = 1L;
        final int at;

        LineError(int at, String problem) {
            super(problem, null, false, false);
            this.at = at;
        }
    }

    /**
     * Parses every line of the block, in order, into its events and notes; a line that cannot be
     * read gives a {@link Problem} note at its place and the lines after it are read on.
     */
    void parse(Block block) {
        buf = block.bytes;
        pos = 0;
        limit = block.length;
        pending = false;
        lineNumber = 0;
        out = block;
        formatTold = false;
        lastTs = 0;
        lastTsKnown = false;
        stackAtEnd = false;
        block.clear();
        try {
            while (nextLine()) {
                try {
                    TraceEvent e = parseLine();
                    if (e != null) {
                        // a stack trace that ends the block: reading line by line, its end is
                        // seen on the next line, which the next block begins with
                        block.add(e, stackAtEnd ? lineNumber + 1 : lineNumber);
                        stackAtEnd = false;
                    }
                } catch (LineError e) {
                    block.note(new Problem(e.at - lineStart + 1, e.getMessage()), lineNumber);
                }
            }
            block.finish(lineNumber, lastTsKnown, lastTs);
        } finally {
            buf = EMPTY; // the block's bytes are reused for another block
            out = null;
        }
    }

    private void note(Note n) {
        Block b = out;
        if (b != null) {
            b.note(n, lineNumber);
        }
    }

    /** The format a line told: kept from the block's first line that tells one (an event line tells it only when nothing did before). */
    private void format(FtraceFormat f, boolean onlyIfUnknown) {
        if (onlyIfUnknown && formatTold) {
            return;
        }
        formatTold = true;
        note(new FormatSeen(f, onlyIfUnknown));
    }

    // ---- lines

    /** The next line of the block; the last one may lack its newline (a truncated last line). */
    private boolean nextLine() {
        if (pending) {
            pending = false;
            return true;
        }
        if (pos >= limit) {
            return false;
        }
        int i = LineParser.indexOf(buf, (byte) '\n', pos, limit);
        setLine(pos, i);
        pos = i < limit ? i + 1 : limit;
        return true;
    }

    private void setLine(int start, int end) {
        lineStart = start;
        lineEnd = end > start && buf[end - 1] == '\r' ? end - 1 : end;
        lineNumber++;
    }

    // ---- one line

    private @Nullable TraceEvent parseLine() throws LineError {
        byte[] b = buf;
        int s = lineStart;
        int e = lineEnd;
        int p = LineParser.skipSpaces(b, s, e); // the padding of the command, 8 bytes at a time
        while (p < e && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        if (p == e) {
            return null;
        }
        if (b[p] == '#') {
            header(p, e);
            return null;
        }
        LineParser c = context;
        int at = c.context(b, s, e);
        if (at < 0) {
            return specialLine(p, e, c);
        }
        format(c.latency ? FtraceFormat.TRACEFS_LATENCY : FtraceFormat.TRACEFS, true);
        String comm = comms.get(b, c.commStart, c.commEnd);
        if (comm.equals("<...>")) {
            comm = ""; // the kernel no longer had the task's name (trace_find_cmdline)
        }
        EventHeader h = new EventHeader(c.ts, c.cpu, c.tgid != EventHeader.UNKNOWN ? c.tgid : c.pid, comm);
        TraceEvent event = event(h, at, e);
        // the time of the last event handed out (lines without one take it); kept here rather
        // than asked of the event, an interface call on as many classes as there are kinds
        lastTs = c.ts;
        lastTsKnown = true;
        return event;
    }

    /** "# tracer: nop", "# nop latency trace v1.1.5 on ...", column titles: read what tells the format. */
    private void header(int p, int e) {
        String line = new String(buf, p, e - p, StandardCharsets.UTF_8);
        if (line.startsWith("# tracer:")) {
            note(new TracerSeen(line.substring("# tracer:".length()).strip()));
            format(FtraceFormat.TRACEFS, true);
        } else if (line.contains(" latency trace v")) {
            format(FtraceFormat.TRACEFS_LATENCY, false);
        }
    }

    /** Lines that are not events: trace-cmd's header, buffer notes, lost events, stack frames. */
    private @Nullable TraceEvent specialLine(int p, int e, LineParser c) throws LineError {
        String line = new String(buf, p, e - p, StandardCharsets.UTF_8).strip();
        if (line.startsWith("cpus=")) {
            format(FtraceFormat.TRACE_CMD_REPORT, false);
            try {
                note(new CpusSeen(Integer.parseInt(line.substring(5).strip())));
            } catch (NumberFormatException ex) {
                throw new LineError(p + 5, "expected a CPU count after cpus=");
            }
            return null;
        }
        if (line.startsWith("version =") || line.matches("CPU \\d+ is empty") || line.startsWith("##### CPU")) {
            if (!line.startsWith("#")) {
                format(FtraceFormat.TRACE_CMD_REPORT, false);
            }
            return null;
        }
        if (line.startsWith("CPU:")) {
            // "CPU:2 [LOST 123 EVENTS]" (trace.c, print_lost_event): kept, so the gap shows.
            int i = 4;
            while (i < line.length() && Character.isDigit(line.charAt(i))) {
                i++;
            }
            if (i > 4) {
                int cpu = Integer.parseInt(line.substring(4, i));
                Map<String, String> f = new LinkedHashMap<>();
                f.put("cpu", line.substring(4, i));
                String rest = line.substring(i).strip();
                int d = 0;
                while (d < rest.length() && !Character.isDigit(rest.charAt(d))) {
                    d++;
                }
                int d2 = d;
                while (d2 < rest.length() && Character.isDigit(rest.charAt(d2))) {
                    d2++;
                }
                if (d2 > d) {
                    f.put("count", rest.substring(d, d2));
                }
                f.put("text", rest);
                return atLastTs(cpu, "lost_events", f);
            }
        }
        if (line.startsWith("=>")) {
            // a stack frame without its "<stack trace>" line (trace_pipe read mid-event)
            Map<String, String> f = new LinkedHashMap<>();
            f.put("frames", line.substring(2).strip());
            return atLastTs(EventHeader.UNKNOWN, "kernel_stack", f);
        }
        throw new LineError(c.errorAt, c.error);
    }

    /**
     * An event of a line without a time stamp, at the time of the last event line: when this
     * block has had none yet, that time is in the blocks before, and the reader makes the event
     * ({@link AtLastTs}).
     */
    private @Nullable TraceEvent atLastTs(int cpu, String name, Map<String, String> f) {
        if (!lastTsKnown) {
            note(new AtLastTs(cpu, name, f));
            return null;
        }
        return new GenericEvent(new EventHeader(lastTs, cpu, EventHeader.UNKNOWN, ""), "ftrace", name, f);
    }

    // ---- events

    private TraceEvent event(EventHeader h, int at, int e) throws LineError {
        byte[] b = buf;
        if (at < e && b[at] == '<') {
            return stack(h, at, e);
        }
        // "name: ": the name ends at the first ':'; its characters are checked once per distinct
        // name, when the name cache first sees it
        int n = LineParser.indexOf(b, (byte) ':', at, e);
        if (n == at || n >= e || (n + 1 < e && b[n + 1] != ' ')) {
            return functionLine(h, at, e);
        }
        String name = names.get(b, at, n);
        Kind kind = (Kind) names.tag();
        int body = n + 1;
        if (kind == Kind.NOT_A_NAME) {
            return functionLine(h, at, e);
        }
        if (kind == Kind.GENERIC) {
            return generic(h, "", name, body, e, "text");
        }
        if (kind == Kind.TEXT) {
            int t = LineParser.skipSpaces(b, body, e);
            return GenericEvent.of(h, "ftrace", name, BUF, new String[] { new String(b, t, e - t, StandardCharsets.UTF_8) },
                    1);
        }
        TraceEvent fast = switch (kind) {
        case DMA_MAP, DMA_UNMAP -> fastDma(kind == Kind.DMA_MAP, h, body, e);
        case IOMMU_MAP, IOMMU_UNMAP -> fastIommu(kind == Kind.IOMMU_MAP, h, body, e);
        case DMA_MAP_SG -> fastMapSg(h, body, e);
        default -> null;
        };
        if (fast != null) {
            return fast;
        }
        Fields f = fields;
        f.parse(b, body, e);
        switch (kind) {
        case IOMMU_MAP, IOMMU_UNMAP, IOMMU_FAULT, IOMMU_ATTACH, IOMMU_DETACH, IOMMU_ADD, IOMMU_REMOVE:
            if (!startsWith(b, f.leadStart, f.leadEnd, IOMMU)) {
                // another system's event of the same name: keep it as it is
                return generic(h, "", name, body, e, "text");
            }
            return iommu(kind, h, name, f);
        case DMA_OTHER:
            return generic(h, "dma", name, body, e, "device");
        default:
            return dma(kind, h, name, f, body);
        }
    }

    // ---- the common lines, read in one pass

    /*
     * The lines of the commonest events (dma_map_page, dma_unmap_page and their _phys names, iommu
     * map and unmap, dma_map_sg), exactly as the kernel prints them (one space between
     * fields, each field where its format puts it), are read in one pass without splitting them
     * into fields first. Anything else (another order, more spaces, a value that does not parse,
     * an extra field) gives null, and the line is read by the general path, which gives the same
     * event for any line the one-pass reading accepts, and the error messages.
     */

    /** A field name of the one-pass readings with its '=', as two little-endian words and masks. */
    private static final class Key {
        final byte[] bytes;
        final long word0;
        final long mask0;
        final long word1;
        final long mask1;

        Key(String name) {
            bytes = ascii(name + "=");
            if (bytes.length > 16) {
                throw new IllegalArgumentException(name);
            }
            long w0 = 0;
            long w1 = 0;
            for (int i = bytes.length - 1; i >= 0; i--) {
                if (i < 8) {
                    w0 |= (bytes[i] & 0xFFL) << (8 * i);
                } else {
                    w1 |= (bytes[i] & 0xFFL) << (8 * (i - 8));
                }
            }
            word0 = w0;
            word1 = w1;
            mask0 = bytes.length >= 8 ? -1L : (1L << (8 * bytes.length)) - 1;
            mask1 = bytes.length <= 8 ? 0 : bytes.length == 16 ? -1L : (1L << (8 * (bytes.length - 8))) - 1;
        }
    }

    private static final Key K_DIR = new Key("dir");
    private static final Key K_DMA_ADDR = new Key("dma_addr");
    private static final Key K_DMA_ADDRS = new Key("dma_addrs");
    private static final Key K_PHYS_ADDR = new Key("phys_addr");
    private static final Key K_PHYS_ADDRS = new Key("phys_addrs");
    private static final Key K_SIZE = new Key("size");
    private static final Key K_SIZES = new Key("sizes");
    private static final Key K_ATTRS = new Key("attrs");
    private static final Key K_NENTS = new Key("nents");
    private static final Key K_ENTS = new Key("ents");
    private static final Key K_IOVA = new Key("iova");
    private static final Key K_PADDR = new Key("paddr");
    private static final Key K_UNMAPPED_SIZE = new Key("unmapped_size");

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    /** At p: KEY followed by '=' within [p, end): the offset after the '=', or -1. Two words compared at once. */
    private static int key(byte[] b, int p, int end, Key key) {
        byte[] k = key.bytes;
        if (p < 0 || end - p < k.length) {
            return -1;
        }
        if (b.length - p >= 16) {
            long x = ((long) LONG_LE.get(b, p) ^ key.word0) & key.mask0
                    | ((long) LONG_LE.get(b, p + 8) ^ key.word1) & key.mask1;
            return x == 0 ? p + k.length : -1;
        }
        for (int i = 0; i < k.length; i++) {
            if (b[p + i] != k[i]) {
                return -1;
            }
        }
        return p + k.length;
    }

    /** The end of the token at p (the next space or end). */
    private static int token(byte[] b, int p, int end) {
        return LineParser.indexOf(b, (byte) ' ', p, end);
    }

    // Where deviceThenDir found the body's end (trailing spaces cut) and the device's name.
    private int bodyEnd;
    private int deviceStart;
    private int deviceEnd;

    /**
     * The start of "dir=" after the device name that begins the dma events' bodies ("%s
     * dir=%s ..."), -1 when the body does not begin so; sets bodyEnd, deviceStart, deviceEnd.
     */
    private int deviceThenDir(int body, int e) {
        byte[] b = buf;
        int end = e;
        while (end > body && b[end - 1] == ' ') {
            end--;
        }
        int dev = LineParser.skipSpaces(b, body, end);
        int devEnd = token(b, dev, end);
        if (devEnd == dev || devEnd >= end || Fields.keyAt(b, dev, devEnd) >= 0) {
            return -1;
        }
        bodyEnd = end;
        deviceStart = dev;
        deviceEnd = devEnd;
        return key(b, devEnd + 1, end, K_DIR);
    }

    /**
     * dma_map_page and dma_map_phys: "%s dir=%s dma_addr=%llx size=%zu phys_addr=%llx attrs=%s";
     * dma_unmap_page and dma_unmap_phys: the same without phys_addr (include/trace/events/dma.h).
     */
    private @Nullable TraceEvent fastDma(boolean map, EventHeader h, int body, int e) {
        int dir = deviceThenDir(body, e);
        if (dir < 0) {
            return null;
        }
        byte[] b = buf;
        int end = bodyEnd;
        int dev = deviceStart;
        int devEnd = deviceEnd;
        int dirEnd = token(b, dir, end);
        int dma = key(b, dirEnd + 1, end, K_DMA_ADDR);
        if (dma < 0) {
            return null;
        }
        int dmaEnd = token(b, dma, end);
        if (parseHex(b, dma, dmaEnd) == BAD) {
            return null;
        }
        long dmaAddr = hexValue;
        int size = key(b, dmaEnd + 1, end, K_SIZE);
        if (size < 0) {
            return null;
        }
        int sizeEnd = token(b, size, end);
        long bytes = LineParser.decimal(b, size, sizeEnd);
        if (bytes < 0) {
            return null;
        }
        int next = sizeEnd + 1;
        long physAddr = 0;
        if (map) {
            int phys = key(b, next, end, K_PHYS_ADDR);
            if (phys < 0) {
                return null;
            }
            int physEnd = token(b, phys, end);
            if (parseHex(b, phys, physEnd) == BAD) {
                return null;
            }
            physAddr = hexValue;
            next = physEnd + 1;
        }
        int attrs = key(b, next, end, K_ATTRS);
        if (attrs < 0 || token(b, attrs, end) != end) {
            return null;
        }
        String device = words.get(b, dev, devEnd);
        String direction = words.get(b, dir, dirEnd);
        String attributes = words.get(b, attrs, end);
        return map ? new DmaMapPage(h, device, physAddr, dmaAddr, bytes, direction, attributes)
                : new DmaUnmapPage(h, device, dmaAddr, bytes, direction, attributes);
    }

    /**
     * iommu map: "IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=%zu"; unmap: "IOMMU:
     * iova=0x%016llx - 0x%016llx size=%zu unmapped_size=%zu" (include/trace/events/iommu.h).
     */
    private @Nullable TraceEvent fastIommu(boolean map, EventHeader h, int body, int e) {
        byte[] b = buf;
        int end = e;
        while (end > body && b[end - 1] == ' ') {
            end--;
        }
        int lead = LineParser.skipSpaces(b, body, end);
        if (token(b, lead, end) != lead + IOMMU.length || !startsWith(b, lead, end, IOMMU)) {
            return null;
        }
        int iova = key(b, lead + IOMMU.length + 1, end, K_IOVA);
        if (iova < 0) {
            return null;
        }
        int iovaEnd = token(b, iova, end);
        if (parseHex(b, iova, iovaEnd) == BAD) {
            return null;
        }
        long start = hexValue;
        // " - 0x...": the end of the range, part of iova's value (not read: the size says it)
        if (iovaEnd + 3 >= end || b[iovaEnd + 1] != '-' || b[iovaEnd + 2] != ' ' || !LineParser.isDigit(b[iovaEnd + 3])) {
            return null;
        }
        int rangeEnd = token(b, iovaEnd + 3, end);
        int second = key(b, rangeEnd + 1, end, map ? K_PADDR : K_SIZE);
        if (second < 0) {
            return null;
        }
        int secondEnd = token(b, second, end);
        long secondValue;
        if (map) {
            if (parseHex(b, second, secondEnd) == BAD) {
                return null;
            }
            secondValue = hexValue;
        } else {
            secondValue = LineParser.decimal(b, second, secondEnd);
            if (secondValue < 0) {
                return null;
            }
        }
        int third = key(b, secondEnd + 1, end, map ? K_SIZE : K_UNMAPPED_SIZE);
        if (third < 0 || token(b, third, end) != end) {
            return null;
        }
        long thirdValue = LineParser.decimal(b, third, end);
        if (thirdValue < 0) {
            return null;
        }
        return map ? new IommuMap(h, start, secondValue, thirdValue) : new IommuUnmap(h, start, secondValue, thirdValue);
    }

    /** The entries of the three arrays of a dma_map_sg line read in one pass, reused (grown as needed). */
    private long[] sgDma = new long[128];
    private long[] sgSizes = new long[128];
    private long[] sgPhys = new long[128];
    /** The entries read by {@link #hexArray}. */
    private int arrayLength;

    /**
     * dma_map_sg, v6.12: "%s dir=%s dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s"; since: "%s
     * dir=%s nents=%d/%d ents=%d/%d%s dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s" (the %s after
     * ents " [TRUNCATED]" or ""), each array as __print_array prints it: "{0x..,0x..}".
     */
    private @Nullable TraceEvent fastMapSg(EventHeader h, int body, int e) {
        int dir = deviceThenDir(body, e);
        if (dir < 0) {
            return null;
        }
        byte[] b = buf;
        int end = bodyEnd;
        int dev = deviceStart;
        int devEnd = deviceEnd;
        int dirEnd = token(b, dir, end);
        int p = dirEnd + 1;
        long nentsShown = -1;
        long nentsFull = -1;
        long entsShown = -1;
        long entsFull = -1;
        boolean truncated = false;
        int nents = key(b, p, end, K_NENTS);
        if (nents >= 0) {
            int nentsEnd = token(b, nents, end);
            int slash = LineParser.indexOf(b, (byte) '/', nents, nentsEnd);
            nentsShown = LineParser.decimal(b, nents, slash);
            nentsFull = LineParser.decimal(b, slash + 1, nentsEnd);
            int ents = key(b, nentsEnd + 1, end, K_ENTS);
            if (slash >= nentsEnd || nentsShown < 0 || nentsFull < 0 || ents < 0) {
                return null;
            }
            int entsEnd = token(b, ents, end);
            slash = LineParser.indexOf(b, (byte) '/', ents, entsEnd);
            entsShown = LineParser.decimal(b, ents, slash);
            entsFull = LineParser.decimal(b, slash + 1, entsEnd);
            if (slash >= entsEnd || entsShown < 0 || entsFull < 0) {
                return null;
            }
            p = entsEnd + 1;
            if (p < end && b[p] == '[') {
                if (token(b, p, end) != p + TRUNCATED.length || !startsWith(b, p, end, TRUNCATED)) {
                    return null;
                }
                truncated = true;
                p += TRUNCATED.length + 1;
            }
        }
        int dma = key(b, p, end, K_DMA_ADDRS);
        if (dma < 0 || (p = hexArray(b, dma, end, 0)) < 0) {
            return null;
        }
        int dmaCount = arrayLength;
        int sizes = key(b, p + 1, end, K_SIZES);
        if (sizes < 0 || (p = hexArray(b, sizes, end, 1)) < 0) {
            return null;
        }
        int sizesCount = arrayLength;
        int phys = key(b, p + 1, end, K_PHYS_ADDRS);
        if (phys < 0 || (p = hexArray(b, phys, end, 2)) < 0) {
            return null;
        }
        int physCount = arrayLength;
        int attrs = key(b, p + 1, end, K_ATTRS);
        if (attrs < 0 || token(b, attrs, end) != end || sizesCount != dmaCount) {
            return null;
        }
        // the counts as the general path checks them (fullCount): what was traced, then the full count
        int fullNents = physCount;
        int fullEnts = dmaCount;
        if (nentsShown >= 0) {
            if (nentsShown != physCount || nentsFull < nentsShown || nentsFull > Integer.MAX_VALUE
                    || entsShown != dmaCount || entsFull < entsShown || entsFull > Integer.MAX_VALUE) {
                return null;
            }
            fullNents = (int) nentsFull;
            fullEnts = (int) entsFull;
        }
        truncated |= fullNents > physCount || fullEnts > dmaCount;
        return new DmaMapSg(h, words.get(b, dev, devEnd), fullNents, fullEnts, truncated,
                Arrays.copyOf(sgPhys, physCount), Arrays.copyOf(sgDma, dmaCount), Arrays.copyOf(sgSizes, sizesCount),
                words.get(b, dir, dirEnd), words.get(b, attrs, end));
    }

    /**
     * "{0x1000,0x2000}" at p, each entry 1 to 16 hex digits with or without 0x (what
     * {@link #parseHex} takes), read in one pass into the scratch array {@code which} (0 dma, 1
     * sizes, 2 phys) and {@link #arrayLength}: the offset after the '}', which must end the
     * token; -1 for anything else (the general path reads it, or names the error).
     */
    private int hexArray(byte[] b, int p, int end, int which) {
        if (p >= end || b[p] != '{') {
            return -1;
        }
        long[] a = which == 0 ? sgDma : which == 1 ? sgSizes : sgPhys;
        int n = 0;
        int i = p + 1;
        if (i < end && b[i] == '}') {
            arrayLength = 0;
            return i + 1 < end && b[i + 1] != ' ' ? -1 : i + 1;
        }
        for (;;) {
            // one entry: [0x] then 1 to 16 hex digits, then ',' or '}'
            if (i + 2 < end && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
                i += 2;
            }
            int digits = i;
            long v = 0;
            int d;
            while (i < end && (d = HEX_DIGIT[b[i] & 0xFF]) >= 0) {
                v = (v << 4) | d;
                i++;
            }
            int count = i - digits;
            if (count == 0 || count > 16 || i >= end) {
                return -1;
            }
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
                if (which == 0) {
                    sgDma = a;
                } else if (which == 1) {
                    sgSizes = a;
                } else {
                    sgPhys = a;
                }
            }
            a[n++] = v;
            byte c = b[i++];
            if (c == '}') {
                break;
            }
            if (c != ',') {
                return -1;
            }
        }
        arrayLength = n;
        return i < end && b[i] != ' ' ? -1 : i;
    }

    private TraceEvent iommu(Kind kind, EventHeader h, String name, Fields f) throws LineError {
        switch (kind) {
        case IOMMU_MAP: // "IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=%zu"
            return new IommuMap(h, hex(f, need(f, IOVA, name)), hex(f, need(f, PADDR, name)),
                    dec(f, need(f, SIZE, name)));
        case IOMMU_UNMAP: // "IOMMU: iova=0x%016llx - 0x%016llx size=%zu unmapped_size=%zu"
            return new IommuUnmap(h, hex(f, need(f, IOVA, name)), dec(f, need(f, SIZE, name)),
                    dec(f, need(f, UNMAPPED_SIZE, name)));
        case IOMMU_FAULT: { // "IOMMU:%s %s iova=0x%016llx flags=0x%04x" (driver, device)
            byte[] b = buf;
            int d = f.leadStart + IOMMU.length;
            int de = d;
            while (de < f.leadEnd && b[de] != ' ') {
                de++;
            }
            int dev = LineParser.skipSpaces(b, de, f.leadEnd);
            if (dev >= f.leadEnd) {
                throw new LineError(f.leadEnd, name + ": expected \"IOMMU:DRIVER DEVICE\" before iova=");
            }
            long flags = hex(f, need(f, FLAGS, name));
            if (flags > Integer.MAX_VALUE) {
                throw new LineError(f.valStart[f.find(FLAGS)], name + ": flags do not fit in an int");
            }
            return new IommuFault(h, words.get(b, dev, f.leadEnd), words.get(b, d, de), hex(f, need(f, IOVA, name)),
                    (int) flags);
        }
        case IOMMU_ATTACH: // "IOMMU: device=%s"
            return new IommuAttachDevice(h, word(f, need(f, DEVICE, name)));
        case IOMMU_DETACH:
            return new IommuDetachDevice(h, word(f, need(f, DEVICE, name)));
        case IOMMU_ADD: // "IOMMU: groupID=%d device=%s"
            return new IommuAddDeviceToGroup(h, intValue(f, need(f, GROUP_ID, name), name),
                    word(f, need(f, DEVICE, name)));
        case IOMMU_REMOVE:
            return new IommuRemoveDeviceFromGroup(h, intValue(f, need(f, GROUP_ID, name), name),
                    word(f, need(f, DEVICE, name)));
        default:
            throw new IllegalStateException(kind.toString());
        }
    }

    private TraceEvent dma(Kind kind, EventHeader h, String name, Fields f, int body) throws LineError {
        if (!f.hasLead()) {
            throw new LineError(LineParser.skipSpaces(buf, body, lineEnd), name + ": expected the device name first");
        }
        String device = words.get(buf, f.leadStart, f.leadEnd);
        String dir = word(f, need(f, DIR, name));
        switch (kind) {
        case DMA_MAP: // "%s dir=%s dma_addr=%llx size=%zu phys_addr=%llx attrs=%s"
        case DMA_MAP_RESOURCE:
            return new DmaMapPage(h, device, hex(f, need(f, PHYS_ADDR, name)), hex(f, need(f, DMA_ADDR, name)),
                    dec(f, need(f, SIZE, name)), dir, attrs(f, name, kind == Kind.DMA_MAP_RESOURCE));
        case DMA_UNMAP: // "%s dir=%s dma_addr=%llx size=%zu attrs=%s"
        case DMA_UNMAP_RESOURCE:
            return new DmaUnmapPage(h, device, hex(f, need(f, DMA_ADDR, name)), dec(f, need(f, SIZE, name)), dir,
                    attrs(f, name, kind == Kind.DMA_UNMAP_RESOURCE));
        case DMA_ALLOC: // "%s dir=%s dma_addr=%llx size=%zu virt_addr=%p flags=%s attrs=%s"
            return new DmaAlloc(h, device, pointer(f, need(f, VIRT_ADDR, name)), hex(f, need(f, DMA_ADDR, name)),
                    dec(f, need(f, SIZE, name)), dir, word(f, need(f, FLAGS, name)), attrs(f, name, false));
        case DMA_FREE: // "%s dir=%s dma_addr=%llx size=%zu virt_addr=%p attrs=%s"
            return new DmaFree(h, device, pointer(f, need(f, VIRT_ADDR, name)), hex(f, need(f, DMA_ADDR, name)),
                    dec(f, need(f, SIZE, name)), dir, attrs(f, name, false));
        case DMA_MAP_SG:
            return mapSg(h, device, dir, name, f);
        case DMA_UNMAP_SG: // "%s dir=%s phys_addrs=%s attrs=%s"
            return new DmaUnmapSg(h, device, array(f, need(f, PHYS_ADDRS, name), name), dir, attrs(f, name, false));
        default:
            throw new IllegalStateException(kind.toString());
        }
    }

    /**
     * v6.12: "%s dir=%s dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s"; since: "%s dir=%s
     * nents=%d/%d ents=%d/%d%s dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s", the arrays capped at
     * DMA_TRACE_MAX_ENTRIES (128) and " [TRUNCATED]" after ents when a list was longer.
     */
    private TraceEvent mapSg(EventHeader h, String device, String dir, String name, Fields f) throws LineError {
        long[] dma = array(f, need(f, DMA_ADDRS, name), name);
        int sizesField = need(f, SIZES, name);
        long[] sizes = array(f, sizesField, name);
        long[] phys = array(f, need(f, PHYS_ADDRS, name), name);
        if (sizes.length != dma.length) {
            throw new LineError(f.valStart[sizesField], name + ": " + sizes.length + " sizes for " + dma.length
                    + " dma_addrs");
        }
        int nents = phys.length;
        int ents = dma.length;
        boolean truncated = false;
        int nf = f.find(NENTS);
        if (nf >= 0) {
            nents = fullCount(f, nf, name, phys.length);
        }
        int ef = f.find(ENTS);
        if (ef >= 0) {
            ents = fullCount(f, ef, name, dma.length);
            truncated = contains(buf, f.valStart[ef], f.valEnd[ef], TRUNCATED);
        }
        truncated |= nents > phys.length || ents > dma.length;
        return new DmaMapSg(h, device, nents, ents, truncated, phys, dma, sizes, dir, attrs(f, name, false));
    }

    /** "traced/full", for example "128/300": the full count, which may not be below what was traced. */
    private int fullCount(Fields f, int field, String name, int traced) throws LineError {
        byte[] b = buf;
        int s = f.valStart[field];
        int e = f.valEnd[field];
        int slash = s;
        while (slash < e && b[slash] != '/') {
            slash++;
        }
        int t = slash + 1;
        while (t < e && LineParser.isDigit(b[t])) {
            t++;
        }
        long shown = LineParser.decimal(b, s, slash);
        long full = slash < e ? LineParser.decimal(b, slash + 1, t) : -1;
        if (shown < 0 || full < 0 || full > Integer.MAX_VALUE) {
            throw new LineError(s, name + ": " + f.key(field) + " must be TRACED/FULL, found \"" + f.value(field) + "\"");
        }
        if (shown != traced || full < shown) {
            throw new LineError(s, name + ": " + f.key(field) + "=" + shown + "/" + full + " does not match the "
                    + traced + " entries traced");
        }
        return (int) full;
    }

    private String attrs(Fields f, String name, boolean mmio) throws LineError {
        String a = word(f, need(f, ATTRS, name));
        if (!mmio) {
            return a;
        }
        // v6.12's dma_map_resource is dma_map_phys with DMA_ATTR_MMIO since (kernel/dma/mapping.c)
        return a.isEmpty() ? "MMIO" : a + "|MMIO";
    }

    /** "<stack trace>" or "<user stack trace>", then one " => frame" line per frame. */
    private TraceEvent stack(EventHeader h, int at, int e) {
        String what = new String(buf, at, e - at, StandardCharsets.UTF_8).strip();
        String name = what.startsWith("<user") ? "user_stack" : what.equals("<stack trace>") ? "kernel_stack" : what;
        StringBuilder frames = new StringBuilder();
        while (nextLine()) {
            int p = LineParser.skipSpaces(buf, lineStart, lineEnd);
            if (p + 1 < lineEnd && buf[p] == '=' && buf[p + 1] == '>') {
                if (frames.length() > 0) {
                    frames.append(" <- ");
                }
                frames.append(new String(buf, p + 2, lineEnd - p - 2, StandardCharsets.UTF_8).strip());
            } else {
                pending = true;
                break;
            }
        }
        Block b = out;
        stackAtEnd = !pending && b != null && !b.last;
        Map<String, String> f = new LinkedHashMap<>();
        f.put("frames", frames.toString());
        return new GenericEvent(h, "ftrace", name, f);
    }

    /**
     * Text without "name: ": the function tracer's "func <-parent" (print_fn_trace), a syscall
     * tracepoint's "sys_openat(dfd: ffffff9c, ...)" or "sys_openat -> 0x3"
     * (kernel/trace/trace_syscalls.c, print_syscall_enter and print_syscall_exit), or other text.
     */
    private TraceEvent functionLine(EventHeader h, int at, int e) {
        String text = new String(buf, at, e - at, StandardCharsets.UTF_8).strip();
        Map<String, String> f = new LinkedHashMap<>();
        int ident = 0;
        while (ident < text.length() && (Character.isLetterOrDigit(text.charAt(ident)) || text.charAt(ident) == '_'
                || text.charAt(ident) == '.')) {
            ident++;
        }
        String head = text.substring(0, ident);
        String rest = text.substring(ident);
        if (ident > 0 && rest.startsWith("(") && rest.endsWith(")")) {
            f.put("args", rest.substring(1, rest.length() - 1));
            return new GenericEvent(h, "syscalls", head, f);
        }
        if (ident > 0 && rest.startsWith(" -> ")) {
            f.put("ret", rest.substring(4).strip());
            return new GenericEvent(h, "syscalls", head, f);
        }
        int arrow = text.indexOf(" <-");
        if (arrow > 0) {
            f.put("ip", text.substring(0, arrow));
            f.put("parent_ip", text.substring(arrow + 3).strip());
            return new GenericEvent(h, "ftrace", "function", f);
        }
        if (!text.isEmpty() && text.indexOf(' ') < 0) {
            f.put("ip", text);
            return new GenericEvent(h, "ftrace", "function", f);
        }
        f.put("text", text);
        return new GenericEvent(h, "ftrace", "text", f);
    }

    /** The keys and values of a generic event's fields, reused for every line. */
    private final String[] genericKeys = new String[Fields.MAX + 1];
    private final String[] genericValues = new String[Fields.MAX + 1];

    private GenericEvent generic(EventHeader h, String system, String name, int body, int e, String leadName) {
        Fields f = fields;
        f.parse(buf, body, e);
        String[] keys = genericKeys;
        String[] values = genericValues;
        int n = 0;
        if (f.hasLead()) {
            keys[n] = leadName;
            values[n++] = f.lead();
        }
        for (int i = 0; i < f.count; i++) {
            String key = words.get(buf, f.keyStart[i], f.keyEnd[i]);
            if (indexOf(keys, n, key) >= 0) {
                // a key seen before gets "#2", "#3", ... (the first of these not taken)
                int k = 2;
                while (indexOf(keys, n, key + "#" + k) >= 0) {
                    k++;
                }
                key = key + "#" + k;
            }
            keys[n] = key;
            // short values repeat (pids, priorities, states, irq numbers): shared, like the names
            int vs = f.valStart[i];
            int ve = f.valEnd[i];
            values[n++] = ve - vs <= 16 ? shortValues.get(buf, vs, ve) : f.value(i);
        }
        return GenericEvent.of(h, system, name, keys, values, n);
    }

    /** The index of key among the first n keys, or -1. */
    private static int indexOf(String[] keys, int n, String key) {
        int hash = key.hashCode();
        for (int i = 0; i < n; i++) {
            if (keys[i].hashCode() == hash && keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    // ---- values

    private int need(Fields f, byte[] key, String name) throws LineError {
        int i = f.find(key);
        if (i < 0) {
            throw new LineError(LineParser.skipSpaces(buf, f.leadStart, lineEnd), name + ": missing field "
                    + new String(key, StandardCharsets.ISO_8859_1) + "=");
        }
        return i;
    }

    private String word(Fields f, int field) {
        return words.get(buf, f.valStart[field], f.valEnd[field]);
    }

    /** A decimal value ("%zu", "%d"). */
    private long dec(Fields f, int field) throws LineError {
        int s = f.valStart[field];
        int e = tokenEnd(s, f.valEnd[field]);
        long v = LineParser.decimal(buf, s, e);
        if (v < 0) {
            // 19 or 20 digits: a size_t above 2^63 is kept as its unsigned bits
            try {
                return Long.parseUnsignedLong(new String(buf, s, e - s, StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException ex) {
                throw new LineError(s, "expected a decimal number for " + f.key(field) + "=, found \"" + f.value(field)
                        + "\"");
            }
        }
        return v;
    }

    private int intValue(Fields f, int field, String name) throws LineError {
        int s = f.valStart[field];
        int e = tokenEnd(s, f.valEnd[field]);
        boolean negative = s < e && buf[s] == '-';
        long v = LineParser.decimal(buf, negative ? s + 1 : s, e);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new LineError(s, name + ": expected a 32-bit number for " + f.key(field) + "=, found \""
                    + f.value(field) + "\"");
        }
        return negative ? (int) -v : (int) v;
    }

    /** The first token of the value as hex, with or without 0x ("%llx", "0x%016llx"). */
    private long hex(Fields f, int field) throws LineError {
        int s = f.valStart[field];
        long v = parseHex(buf, s, tokenEnd(s, f.valEnd[field]));
        if (v == BAD) {
            throw new LineError(s, "expected a hex number for " + f.key(field) + "=, found \"" + f.value(field) + "\"");
        }
        return hexValue;
    }

    /**
     * A "%p" value: hex digits. The kernel hashes pointers (unless booted with no_hash_pointers)
     * and prints NULL and error pointers as they are, NULL as 0000000000000000 (lib/vsprintf.c,
     * ptr_to_id); "(null)", what kernels before the hashing printed for NULL, is read as 0 too.
     */
    private long pointer(Fields f, int field) throws LineError {
        int s = f.valStart[field];
        int e = tokenEnd(s, f.valEnd[field]);
        if (e - s == 6 && buf[s] == '(' && buf[s + 1] == 'n') {
            return 0;
        }
        return hex(f, field);
    }

    /** "{0x1000,0x2000}" (trace_print_array_seq). */
    private long[] array(Fields f, int field, String name) throws LineError {
        byte[] b = buf;
        int s = f.valStart[field];
        int e = tokenEnd(s, f.valEnd[field]);
        if (e - s < 2 || b[s] != '{' || b[e - 1] != '}') {
            throw new LineError(s, name + ": expected {0x..,0x..} for " + f.key(field) + "=, found \""
                    + f.value(field) + "\"");
        }
        if (e - s == 2) {
            return new long[0];
        }
        int n = 1;
        for (int i = s + 1; i < e - 1; i++) {
            if (b[i] == ',') {
                n++;
            }
        }
        long[] a = new long[n];
        int k = 0;
        int from = s + 1;
        for (int i = s + 1; i <= e - 1; i++) {
            if (b[i] == ',' || i == e - 1) {
                if (parseHex(b, from, i) == BAD) {
                    throw new LineError(from, name + ": entry " + k + " of " + f.key(field) + " is not a hex number");
                }
                a[k++] = hexValue;
                from = i + 1;
            }
        }
        return a;
    }

    private int tokenEnd(int s, int e) {
        int i = s;
        while (i < e && buf[i] != ' ') {
            i++;
        }
        return i;
    }

    private static final long BAD = Long.MIN_VALUE + 7;
    private long hexValue;

    /** Parses [s, e) as hex into hexValue; returns BAD when it is not 1 to 16 hex digits. */
    private long parseHex(byte[] b, int s, int e) {
        if (e - s > 2 && b[s] == '0' && (b[s + 1] == 'x' || b[s + 1] == 'X')) {
            s += 2;
        }
        if (s >= e || e - s > 16) {
            return BAD;
        }
        long v = 0;
        int bad = 0;
        for (int i = s; i < e; i++) {
            int d = HEX_DIGIT[b[i] & 0xFF];
            bad |= d; // -1 for a byte that is not a hex digit
            v = (v << 4) | (d & 0xF);
        }
        if (bad < 0) {
            return BAD;
        }
        hexValue = v;
        return 0;
    }

    /** The value of each byte as a hex digit, -1 for the others: one load per digit, no branch. */
    private static final byte[] HEX_DIGIT = new byte[256];
    /** Whether each character may be part of an event name ({@link #kindOf}). */
    private static final boolean[] NAME_CHAR = new boolean[256];

    static {
        java.util.Arrays.fill(HEX_DIGIT, (byte) -1);
        for (int c = 0; c < 256; c++) {
            if (c >= '0' && c <= '9') {
                HEX_DIGIT[c] = (byte) (c - '0');
            } else if (c >= 'a' && c <= 'f') {
                HEX_DIGIT[c] = (byte) (c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                HEX_DIGIT[c] = (byte) (c - 'A' + 10);
            }
            NAME_CHAR[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.';
        }
    }

    private static boolean startsWith(byte[] b, int s, int e, byte[] prefix) {
        if (e - s < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[s + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(byte[] b, int s, int e, byte[] what) {
        for (int i = s; i + what.length <= e; i++) {
            if (startsWith(b, i, e, what)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The kind of an event name, {@link Kind#NOT_A_NAME} when it holds a character no name has
     * (TRACE_EVENT names are C identifiers; kprobe events add '.').
     */
    private static Kind kindOf(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 128 || !NAME_CHAR[c]) {
                return Kind.NOT_A_NAME;
            }
        }
        return KINDS.getOrDefault(name, Kind.GENERIC);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
