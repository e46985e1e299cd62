package org.dmascope.scenario.mm;

import java.util.function.Consumer;
import java.util.function.Function;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.core.topology.PciTopology;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.TraceEvent;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The simulated machine of a scenario: its system RAM (an allocator of PFNs), the zero pages,
 * its processes and files, and the PCI topology when the scenario names one.
 */
public final class Machine {

    /** The PFN of the shared zero page. */
    public static final long ZERO_PFN = 0x1000;
    /** The first PFN of the huge zero page (order 9). */
    public static final long HUGE_ZERO_PFN = 0x1200;
    /** The first PFN the RAM allocator hands out (4 GiB). */
    public static final long FIRST_RAM_PFN = 0x100000;

    private final Folio zeroPage = new Folio(ZERO_PFN, 0, Folio.Kind.ZERO, null);
    private final Folio hugeZeroPage = new Folio(HUGE_ZERO_PFN, 9, Folio.Kind.ZERO, null);
    private final Map<String, Mm> processes = new LinkedHashMap<>();
    private final Map<String, SimFile> files = new LinkedHashMap<>();
    private final List<PageMap> pageMaps = new ArrayList<>();
    private long nextPfn = FIRST_RAM_PFN;
    private int nextPid = 1000;
    private @Nullable PciTopology topology;
    private @Nullable Consumer<TraceEvent> eventSink;
    private final SimClock clock;

    /** A machine with nothing allocated, on a clock of its own. */
    public Machine() {
        this(new SimClock());
    }

    /** A machine with nothing allocated whose events take their time stamps from this clock. */
    public Machine(SimClock clock) {
        this.clock = clock;
    }

    /** Allocates a folio of 2^order pages of system RAM, aligned to its size, zero filled. */
    public Folio allocRam(int order) {
        long align = 1L << order;
        nextPfn = (nextPfn + align - 1) & ~(align - 1);
        Folio f = new Folio(nextPfn, order, Folio.Kind.RAM, null);
        nextPfn += align;
        return f;
    }

    /** The shared zero page. */
    public Folio zeroPage() {
        return zeroPage;
    }

    /** The huge zero page. */
    public Folio hugeZeroPage() {
        return hugeZeroPage;
    }

    /** Creates a process with an empty address space. */
    public Mm newProcess(String name) {
        if (processes.containsKey(name)) {
            throw new IllegalArgumentException("a process named '" + name + "' exists");
        }
        Mm mm = new Mm(this, name, nextPid++);
        processes.put(name, mm);
        return mm;
    }

    /** The process of this name, or null. */
    public @Nullable Mm process(String name) {
        return processes.get(name);
    }

    /** The processes in creation order. */
    public List<Mm> processes() {
        return List.copyOf(processes.values());
    }

    /** Removes a process that exited. */
    public void removeProcess(Mm mm) {
        processes.remove(mm.name());
    }

    /** Creates a file. */
    public SimFile newFile(String name, long size, boolean writeNotify) {
        if (files.containsKey(name)) {
            throw new IllegalArgumentException("a file named '" + name + "' exists");
        }
        SimFile f = new SimFile(name, size, writeNotify);
        files.put(name, f);
        return f;
    }

    /** The file of this name, or null. */
    public @Nullable SimFile file(String name) {
        return files.get(name);
    }

    /** Registers a device page map (memremap_pages). */
    public void addPageMap(PageMap map) {
        pageMaps.add(map);
    }

    /** The device page maps. */
    public List<PageMap> pageMaps() {
        return List.copyOf(pageMaps);
    }

    /** The PCI topology, when the scenario gives one. */
    public @Nullable PciTopology topology() {
        return topology;
    }

    /** Sets the PCI topology. */
    public void setTopology(@Nullable PciTopology value) {
        topology = value;
    }

    /**
     * Where the machine's events go (the trace event model, org.dmascope.trace.event), or null
     * for none. Time stamps come from the simulated clock ({@link SimClock}): one microsecond per
     * event, plus the time {@code wait} and {@code pace} let pass.
     */
    public void setEventSink(@Nullable Consumer<TraceEvent> sink) {
        eventSink = sink;
    }

    /** Whether events are recorded. */
    public boolean tracing() {
        return eventSink != null;
    }

    /** The simulated time now, in nanoseconds: the time stamp of the last event unless time passed since (0 at the start). */
    public long clock() {
        return clock.now();
    }

    /** The simulated clock events take their time stamps from. */
    public SimClock simClock() {
        return clock;
    }

    /**
     * Records an event of a process (null: the kernel itself, pid -1) when a sink is set: the
     * function gets the header (the next time stamp, CPU 0, the process's pid and name).
     */
    public void emit(@Nullable Mm mm, Function<EventHeader, TraceEvent> event) {
        Consumer<TraceEvent> sink = eventSink;
        if (sink == null) {
            return;
        }
        long ts = clock.nextEventTime();
        EventHeader h = mm == null ? new EventHeader(ts, 0, EventHeader.UNKNOWN, "")
                : new EventHeader(ts, 0, mm.pid(), mm.name());
        sink.accept(event.apply(h));
    }
}
