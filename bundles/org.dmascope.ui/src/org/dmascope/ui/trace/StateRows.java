package org.dmascope.ui.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.dmascope.trace.state.TraceState;
import org.dmascope.trace.state.TraceState.DmaMapping;
import org.dmascope.trace.state.TraceState.Mapping;
import org.dmascope.trace.state.TraceState.MemoryRegion;
import org.dmascope.trace.state.TraceState.Process;

/**
 * A {@link TraceState} as rows for the State view: processes, mappings per process, memory
 * regions (invalidated ones marked), DMA mappings and the topology. Built off the UI thread.
 *
 * @param label    the first column
 * @param detail   the second column
 * @param alert    whether the row is marked (an invalidated memory region)
 * @param children rows below
 */
public record StateRows(String label, String detail, boolean alert, List<StateRows> children) {

    /** The most rows under one heading; the rest are counted in a last row. */
    public static final int MAX_CHILDREN = 5000;

    /** The top rows of a state: Processes, Mappings, Memory regions, DMA mappings, Topology. */
    public static List<StateRows> of(TraceState s, long traceStart) {
        List<StateRows> top = new ArrayList<>();
        Map<Integer, String> comms = new HashMap<>();
        List<StateRows> procs = new ArrayList<>();
        for (Process p : s.processes()) {
            comms.put(p.pid(), p.comm());
            long pinned = s.pinnedPages(p.pid());
            procs.add(leaf(p.pid() + " " + p.comm(), "parent " + p.ppid() + (p.filename().isEmpty() ? "" : ", " + p.filename())
                    + ", started at " + TimeFormat.duration(p.startTs() - traceStart)
                    + (pinned != 0 ? ", " + pinned + " pages pinned" : "")));
        }
        top.add(heading("Processes", procs.size() + "", procs));

        List<StateRows> maps = new ArrayList<>();
        int vmas = 0;
        for (int pid : s.pidsWithMappings()) {
            List<StateRows> rows = new ArrayList<>();
            for (Mapping m : s.mappings(pid)) {
                rows.add(leaf(hex(m.start()) + "-" + hex(m.end()) + " " + m.perms(), String.format(Locale.ROOT,
                        "%s, offset %s%s", size(m.length()), hex(m.offset()), m.path().isEmpty() ? "" : ", " + m.path())));
            }
            vmas += rows.size();
            maps.add(heading(pid + " " + comms.getOrDefault(pid, ""), rows.size() + " mappings", rows));
        }
        top.add(heading("Mappings", vmas + " in " + maps.size() + " processes", maps));

        List<StateRows> mrs = new ArrayList<>();
        int invalid = 0;
        for (MemoryRegion r : s.memoryRegions()) {
            String detail = String.format(Locale.ROOT, "pid %d, %s at %s (iova %s), %s, rkey %s", r.pid(), size(r.length()),
                    hex(r.addr()), hex(r.iova()), r.access().isEmpty() ? "no access flags" : r.access(), hex(r.rkey()));
            if (r.invalidated()) {
                invalid++;
                detail = "INVALIDATED by " + r.invalidatedBy() + " at " + TimeFormat.duration(r.invalidatedTs() - traceStart)
                        + "; " + detail;
            }
            mrs.add(new StateRows(r.device() + " lkey " + hex(r.lkey()), detail, r.invalidated(), List.of()));
        }
        top.add(heading("Memory regions", mrs.size() + (invalid > 0 ? " (" + invalid + " invalidated)" : ""), mrs));

        List<StateRows> dma = new ArrayList<>();
        for (DmaMapping m : s.dmaMappings()) {
            dma.add(leaf(m.device() + " DMA " + hex(m.dmaAddr()), String.format(Locale.ROOT, "%s from physical %s, %s%s",
                    size(m.length()), hex(m.physAddr()), m.scatterList() ? "scatter list" : "page",
                    m.pid() >= 0 ? ", pid " + m.pid() : "")));
        }
        top.add(heading("DMA mappings", dma.size() + "", dma));

        List<StateRows> topo = new ArrayList<>();
        var snapshot = s.topology();
        if (snapshot != null) {
            topo.add(leaf("snapshot", snapshot.source() + " (" + snapshot.format() + ")"));
        }
        for (var c : s.topologyChanges()) {
            topo.add(leaf(c.device(), c.change() + (c.detail().isEmpty() ? "" : ": " + c.detail())));
        }
        top.add(heading("Topology", snapshot == null ? "no snapshot" : snapshot.source(), topo));
        return top;
    }

    private static StateRows leaf(String label, String detail) {
        return new StateRows(label, detail, false, List.of());
    }

    private static StateRows heading(String label, String detail, List<StateRows> children) {
        if (children.size() > MAX_CHILDREN) {
            List<StateRows> cut = new ArrayList<>(children.subList(0, MAX_CHILDREN));
            cut.add(leaf("...", (children.size() - MAX_CHILDREN) + " more"));
            children = cut;
        }
        boolean alert = children.stream().anyMatch(StateRows::alert);
        return new StateRows(label, detail, alert, List.copyOf(children));
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
