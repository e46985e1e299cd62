package org.dmascope.trace.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.dmascope.trace.event.*;
import org.eclipse.jdt.annotation.Nullable;

/**
 * What a trace says the machine looked like after some event: the live processes with their
 * mappings and pinned pages, the registered memory regions, the DMA mappings per device and the
 * latest topology. Built by {@link #apply applying} events in time order; {@link #asEvents()}
 * writes it back as the shortest list of events that rebuilds it, which is what a store
 * checkpoint holds. Its size follows what is live at that moment, never the length of the trace.
 * Not thread-safe.
 */
public final class TraceState {

    /** A live process. */
    public record Process(int pid, int ppid, String comm, String filename, long startTs) {
    }

    /** A mapping of a process, as {@code /proc/PID/maps} would show it. */
    public record Mapping(long start, long end, String perms, long offset, String path) {

        /** Length in bytes. */
        public long length() {
            return end - start;
        }
    }

    /**
     * A registered memory region, and whether something invalidated it behind the owner's back
     * (the GPUDirect free callback of the GPU {@code invalidatedBy}, at {@code invalidatedTs}).
     */
    public record MemoryRegion(int pid, String device, long addr, long length, long iova, String access, long lkey,
            long rkey, long registeredTs, @Nullable String invalidatedBy, long invalidatedTs) {

        /** Whether the region was invalidated (its pages are gone; RDMA on it fails). */
        public boolean invalidated() {
            return invalidatedBy != null;
        }
    }

    /**
     * A DMA mapping alive on a device: a page, or a scatter list (then its first DMA segment's
     * address, the first entry's physical address, and the length of all its segments).
     */
    public record DmaMapping(String device, long physAddr, long dmaAddr, long length, int pid, boolean scatterList) {
    }

    private final Map<Integer, Process> processes = new TreeMap<>();
    private final Map<Integer, NavigableMap<Long, Mapping>> mappings = new TreeMap<>();
    private final Map<Integer, Long> pinnedPages = new TreeMap<>();
    private final Map<MrKey, MemoryRegion> regions = new LinkedHashMap<>();
    private final Map<DmaKey, DmaMapping> dma = new LinkedHashMap<>();
    private @Nullable TopologySnapshot topology;
    private final Map<String, TopologyChange> topologyChanges = new TreeMap<>();
    private long time = Long.MIN_VALUE;
    private long applied;

    /** The time stamp of the last event applied, {@link Long#MIN_VALUE} before any. */
    public long time() {
        return time;
    }

    /** How many events were applied. */
    public long eventsApplied() {
        return applied;
    }

    /** The live processes, by PID. */
    public Collection<Process> processes() {
        return Collections.unmodifiableCollection(processes.values());
    }

    /** The mappings of a process, by address (empty when none are known). */
    public List<Mapping> mappings(int pid) {
        NavigableMap<Long, Mapping> m = mappings.get(pid);
        return m == null ? List.of() : List.copyOf(m.values());
    }

    /** The PIDs that have mappings. */
    public List<Integer> pidsWithMappings() {
        return List.copyOf(mappings.keySet());
    }

    /** Pages pinned by a process (pinned minus unpinned). */
    public long pinnedPages(int pid) {
        return pinnedPages.getOrDefault(pid, 0L);
    }

    /** The registered memory regions, by device and lkey. */
    public Collection<MemoryRegion> memoryRegions() {
        return Collections.unmodifiableCollection(regions.values());
    }

    /** The live DMA mappings, by device and address. */
    public Collection<DmaMapping> dmaMappings() {
        return Collections.unmodifiableCollection(dma.values());
    }

    /** Bytes mapped for DMA on a device. */
    public long dmaMappedBytes(String device) {
        long sum = 0;
        for (DmaMapping m : dma.values()) {
            if (m.device().equals(device)) {
                sum += m.length();
            }
        }
        return sum;
    }

    /** The latest topology snapshot, if any. */
    public @Nullable TopologySnapshot topology() {
        return topology;
    }

    /** The latest change per device since that snapshot. */
    public Collection<TopologyChange> topologyChanges() {
        return Collections.unmodifiableCollection(topologyChanges.values());
    }

    /** Applies one event. Kinds that do not change this state only advance the time. */
    public void apply(TraceEvent event) {
        EventHeader h = event.header();
        time = h.ts();
        applied++;
        switch (event.type()) {
            case PROCESS_START -> {
                ProcessStart e = (ProcessStart) event;
                processes.put(h.pid(), new Process(h.pid(), e.ppid(), h.comm(), e.filename(), h.ts()));
            }
            case PROCESS_EXIT -> {
                processes.remove(h.pid());
                mappings.remove(h.pid());
                pinnedPages.remove(h.pid());
                regions.values().removeIf(r -> r.pid() == h.pid());
            }
            case VMA_MAP -> {
                VmaMap e = (VmaMap) event;
                NavigableMap<Long, Mapping> m = mappings.computeIfAbsent(h.pid(), k -> new TreeMap<>());
                cut(m, e.start(), e.end());
                m.put(e.start(), new Mapping(e.start(), e.end(), e.perms(), e.offset(), e.path()));
            }
            case VMA_UNMAP -> {
                VmaUnmap e = (VmaUnmap) event;
                NavigableMap<Long, Mapping> m = mappings.get(h.pid());
                if (m != null) {
                    cut(m, e.start(), e.end());
                }
            }
            case VMA_PROTECT -> protect((VmaProtect) event);
            case PIN -> {
                Pin e = (Pin) event;
                if (e.pinned() > 0) {
                    pinnedPages.merge(h.pid(), e.pinned(), Long::sum);
                }
            }
            case UNPIN -> {
                Unpin e = (Unpin) event;
                long left = pinnedPages.getOrDefault(h.pid(), 0L) - e.nrPages();
                if (left > 0) {
                    pinnedPages.put(h.pid(), left);
                } else {
                    pinnedPages.remove(h.pid());
                }
            }
            case MR_REGISTER -> {
                MrRegister e = (MrRegister) event;
                if (e.error().isEmpty()) {
                    regions.put(mrKey(e.device(), e.lkey()), new MemoryRegion(h.pid(), e.device(), e.addr(), e.length(),
                            e.iova(), e.access(), e.lkey(), e.rkey(), h.ts(), null, 0));
                }
            }
            case MR_DEREGISTER -> {
                MrDeregister e = (MrDeregister) event;
                if (e.error().isEmpty()) {
                    regions.remove(mrKey(e.device(), e.lkey()));
                }
            }
            case GPUDIRECT_FREE_CALLBACK -> {
                GpuDirectFreeCallback e = (GpuDirectFreeCallback) event;
                for (Map.Entry<MrKey, MemoryRegion> r : regions.entrySet()) {
                    MemoryRegion mr = r.getValue();
                    if (!mr.invalidated() && mr.pid() == h.pid() && overlaps(mr.addr(), mr.length(), e.virtualAddress(),
                            e.length())) {
                        r.setValue(new MemoryRegion(mr.pid(), mr.device(), mr.addr(), mr.length(), mr.iova(), mr.access(),
                                mr.lkey(), mr.rkey(), mr.registeredTs(), e.gpu(), h.ts()));
                    }
                }
            }
            case DMA_MAP_PAGE -> {
                DmaMapPage e = (DmaMapPage) event;
                dma.put(dmaKey(e.device(), e.dmaAddr()), new DmaMapping(e.device(), e.physAddr(), e.dmaAddr(), e.size(), h.pid(), false));
            }
            case DMA_UNMAP_PAGE -> {
                DmaUnmapPage e = (DmaUnmapPage) event;
                dma.remove(dmaKey(e.device(), e.dmaAddr()));
            }
            case DMA_MAP_SG -> {
                DmaMapSg e = (DmaMapSg) event;
                long[] phys = e.physAddrs();
                long[] lengths = e.lengths();
                long[] addrs = e.dmaAddrs();
                if (phys.length > 0 && addrs.length > 0) {
                    long total = 0;
                    for (long l : lengths) {
                        total += l;
                    }
                    // dma_unmap_sg names the list by its entries' physical addresses: key on the first
                    dma.put(sgKey(e.device(), phys[0]), new DmaMapping(e.device(), phys[0], addrs[0], total, h.pid(), true));
                }
            }
            case DMA_UNMAP_SG -> {
                DmaUnmapSg e = (DmaUnmapSg) event;
                long[] phys = e.physAddrs();
                if (phys.length > 0) {
                    dma.remove(sgKey(e.device(), phys[0]));
                }
            }
            case TOPOLOGY_SNAPSHOT -> {
                topology = (TopologySnapshot) event;
                topologyChanges.clear();
            }
            case TOPOLOGY_CHANGE -> {
                TopologyChange e = (TopologyChange) event;
                topologyChanges.put(e.device(), e);
            }
            default -> {
                // the other kinds are moments, not state
            }
        }
    }

    private void protect(VmaProtect e) {
        NavigableMap<Long, Mapping> m = mappings.get(e.header().pid());
        if (m == null) {
            return;
        }
        List<Mapping> changed = new ArrayList<>();
        for (Mapping v : overlapping(m, e.start(), e.end())) {
            long s = Math.max(v.start(), e.start());
            long t = Math.min(v.end(), e.end());
            changed.add(new Mapping(s, t, e.perms(), v.offset() + (s - v.start()), v.path()));
        }
        for (Mapping c : changed) {
            cut(m, c.start(), c.end());
            m.put(c.start(), c);
        }
    }

    private static List<Mapping> overlapping(NavigableMap<Long, Mapping> m, long start, long end) {
        List<Mapping> out = new ArrayList<>();
        if (end <= start) {
            return out; // an empty or inverted range (from a damaged or hand-made trace) touches nothing, as EINVAL
        }
        Map.Entry<Long, Mapping> before = m.lowerEntry(start);
        if (before != null && before.getValue().end() > start) {
            out.add(before.getValue());
        }
        out.addAll(m.subMap(start, true, end, false).values());
        return out;
    }

    /** Removes [start, end) from the mappings, splitting those that straddle it, as munmap does. */
    private static void cut(NavigableMap<Long, Mapping> m, long start, long end) {
        for (Mapping v : overlapping(m, start, end)) {
            m.remove(v.start());
            if (v.start() < start) {
                m.put(v.start(), new Mapping(v.start(), start, v.perms(), v.offset(), v.path()));
            }
            if (v.end() > end) {
                m.put(end, new Mapping(end, v.end(), v.perms(), v.offset() + (end - v.start()), v.path()));
            }
        }
    }

    private static boolean overlaps(long a, long alen, long b, long blen) {
        return Long.compareUnsigned(a, b + blen) < 0 && Long.compareUnsigned(b, a + alen) < 0;
    }

    /** A memory region is named by its device and local key. */
    private record MrKey(String device, long lkey) {
    }

    /**
     * A DMA mapping is named by its device and, for a page, its DMA address; for a scatter
     * list, the physical address of its first entry (what dma_unmap_sg is traced with).
     */
    private record DmaKey(String device, long addr, boolean scatterList) {
    }

    private static MrKey mrKey(String device, long lkey) {
        return new MrKey(device, lkey);
    }

    private static DmaKey dmaKey(String device, long dmaAddr) {
        return new DmaKey(device, dmaAddr, false);
    }

    private static DmaKey sgKey(String device, long phys) {
        return new DmaKey(device, phys, true);
    }

    /**
     * Events that rebuild this state from an empty one: processes, their mappings and pinned
     * pages, memory regions (with the free callback of those invalidated), DMA mappings and the
     * topology with its changes. Applying them to a new state gives an equal state; its time is
     * then set by {@link #setTime}.
     */
    public List<TraceEvent> asEvents() {
        List<TraceEvent> out = new ArrayList<>();
        for (Process p : processes.values()) {
            out.add(new ProcessStart(new EventHeader(p.startTs(), EventHeader.UNKNOWN, p.pid(), p.comm()), p.ppid(),
                    p.filename()));
        }
        for (Map.Entry<Integer, NavigableMap<Long, Mapping>> e : mappings.entrySet()) {
            EventHeader h = header(e.getKey());
            for (Mapping v : e.getValue().values()) {
                out.add(new VmaMap(h, v.start(), v.end(), v.perms(), v.offset(), v.path()));
            }
        }
        for (Map.Entry<Integer, Long> e : pinnedPages.entrySet()) {
            out.add(new Pin(header(e.getKey()), 0, e.getValue(), "", e.getValue(), ""));
        }
        // the invalidated regions first, each followed by its free callback, so that replaying
        // a callback invalidates exactly the region it was for
        for (MemoryRegion r : regions.values()) {
            String gpu = r.invalidatedBy();
            if (gpu != null) {
                out.add(register(r));
                out.add(new GpuDirectFreeCallback(new EventHeader(r.invalidatedTs(), EventHeader.UNKNOWN, r.pid(), ""), gpu,
                        r.addr(), r.length()));
            }
        }
        for (MemoryRegion r : regions.values()) {
            if (!r.invalidated()) {
                out.add(register(r));
            }
        }
        for (DmaMapping d : dma.values()) {
            EventHeader h = header(d.pid());
            if (d.scatterList()) {
                out.add(new DmaMapSg(h, d.device(), 1, 1, false, new long[] { d.physAddr() }, new long[] { d.dmaAddr() },
                        new long[] { d.length() }, "BIDIRECTIONAL", ""));
            } else {
                out.add(new DmaMapPage(h, d.device(), d.physAddr(), d.dmaAddr(), d.length(), "BIDIRECTIONAL", ""));
            }
        }
        TopologySnapshot t = topology;
        if (t != null) {
            out.add(t);
        }
        out.addAll(topologyChanges.values());
        return out;
    }

    private static MrRegister register(MemoryRegion r) {
        EventHeader h = new EventHeader(r.registeredTs(), EventHeader.UNKNOWN, r.pid(), "");
        return new MrRegister(h, r.device(), r.addr(), r.length(), r.iova(), r.access(), r.lkey(), r.rkey(), "");
    }

    private static EventHeader header(int pid) {
        return new EventHeader(0, EventHeader.UNKNOWN, pid, "");
    }

    /** Sets the time and event count, after rebuilding from {@link #asEvents()}. */
    public void setTime(long ts, long eventsApplied) {
        this.time = ts;
        this.applied = eventsApplied;
    }

    /** A one-line summary for reports: processes, mappings, MRs, DMA mappings. */
    public String summary() {
        int vmas = 0;
        for (NavigableMap<Long, Mapping> m : mappings.values()) {
            vmas += m.size();
        }
        long invalid = regions.values().stream().filter(MemoryRegion::invalidated).count();
        return processes.size() + " processes, " + vmas + " mappings, " + regions.size() + " MRs (" + invalid
                + " invalidated), " + dma.size() + " DMA mappings" + (topology != null ? ", topology from "
                        + topology.source() : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceState s && processes.equals(s.processes) && mappings.equals(s.mappings)
                && pinnedPages.equals(s.pinnedPages) && regions.equals(s.regions) && dma.equals(s.dma)
                && java.util.Objects.equals(topology, s.topology) && topologyChanges.equals(s.topologyChanges);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(processes, mappings.keySet(), regions.keySet(), dma.keySet());
    }

    @Override
    public String toString() {
        return "TraceState[" + summary() + "]";
    }

}
