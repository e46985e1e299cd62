package org.dmascope.sources.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.LspciTree;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.sources.pciids.PciIdsLocator;
import org.dmascope.sources.proc.PagemapTable;
import org.dmascope.sources.proc.ProcMaps;
import org.dmascope.sources.proc.ProcMemory;
import org.dmascope.sources.sysfs.SysfsTreeImporter;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.ProcessExit;
import org.dmascope.trace.event.ProcessStart;
import org.dmascope.trace.event.TopologyChange;
import org.dmascope.trace.event.TopologySnapshot;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.TraceWriter;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Samples a live process and the machine's PCI tree at a steady rate and emits what changed
 * since the last sample as trace events: a live session that is also a recording.
 *
 * <p>Each sample reads {@code /proc/PID/stat} (is it still the same process), {@code maps}
 * ({@code smaps} too when maps changed, for VmFlags and the hugetlb page size),
 * {@code pagemap} per VMA through {@link PagemapTable} (in blocks of 64 Ki entries; holes cost
 * nothing; {@code /proc/kpageflags} for THP, hugetlb and zero pages when readable) and, every
 * {@link Options#topologyInterval()}, the PCI tree of sysfs. What changed becomes events as
 * {@link SampleDiff} describes: VMAs mapped, unmapped and re-protected, pages faulted in,
 * unmapped, replaced by a copy, or moved (between the NUMA nodes that sysfs's memory blocks
 * give, {@link MemoryNodes}, read once when the sampler is made).
 *
 * <p>The first sample emits {@link ProcessStart} (comm, PID, parent PID, the executable's path
 * from {@code /proc/PID/exe} as filename), a {@link TopologySnapshot} (source "sysfs", format
 * "lspci-tv": the tree as {@code lspci -tv} prints it), a {@code VmaMap} per VMA and a
 * "pages_faulted" per range of present pages. When the process is gone (no /proc/PID, a zombie,
 * or its PID reused by a later process), the sample emits {@link ProcessExit} (with the exit
 * status of a zombie, else -1), tells the listeners ({@link MessageKind#PROCESS_EXITED}) and the
 * sampler stops; what was emitted stays.
 *
 * <p>Large VMAs: pagemap is read for VMAs up to {@link Options#maxVmaBytes()} (default 4 GiB,
 * 8 MiB of pagemap per sample); larger ones (the reservations of JVMs, CUDA or sanitizers,
 * which cover terabytes) get their VMA events but not their pages, with one "vma_not_sampled"
 * note each. VMAs above the user address space ([vsyscall]) have no pagemap pages.
 *
 * <p>PFNs: without CAP_SYS_ADMIN pagemap shows PFN 0; pages are then compared by presence only,
 * moves cannot be seen, and one "note" event (and a {@link MessageKind#NOTE} message) says
 * {@link PagemapTable#PFNS_HIDDEN}.
 *
 * <p>Time stamps are {@link System#nanoTime()}, which is CLOCK_MONOTONIC on Linux: every event
 * of one sample has the time the sample began. The header's CPU is unknown (-1), its PID and
 * comm are the sampled process's.
 *
 * <p>Threads: {@link #sampleOnce()} samples synchronously on the caller's thread;
 * {@link #start()} samples on a thread of its own (or a given executor) at {@link #rate()},
 * which {@link #setRate(double)} changes while running; {@link #pause()} and {@link #resume()}
 * hold and restart sampling; {@link #stop()} ends it. The sink is called from the sampling
 * thread, never from two threads at once.
 */
public final class LiveSampler {

    private static final Logger LOG = Logger.getLogger(LiveSampler.class.getName());

    /**
     * How the sampler samples.
     *
     * @param rateHz            samples per second (default 10), above 0 and at most 1000
     * @param maxVmaBytes       VMAs larger than this are not read from pagemap (default 4 GiB)
     * @param topologyInterval  how often the PCI tree is read again for changes (default 1 s);
     *                          {@link Duration#ZERO} turns the topology off (no snapshot either)
     * @param procRoot          the /proc folder
     * @param sysRoot           the /sys folder
     */
    public record Options(double rateHz, long maxVmaBytes, Duration topologyInterval, Path procRoot, Path sysRoot) {

        /** 10 Hz, 4 GiB, the topology every second, /proc and /sys. */
        public static final Options DEFAULT = new Options(10, 4L << 30, Duration.ofSeconds(1), ProcMemory.PROC,
                SysfsTreeImporter.LIVE_ROOT);

        /** Checks the values. */
        public Options {
            checkRate(rateHz);
            if (maxVmaBytes <= 0) {
                throw new IllegalArgumentException("VMA size cap must be positive: " + maxVmaBytes);
            }
            if (topologyInterval.isNegative()) {
                throw new IllegalArgumentException("topology interval must not be negative");
            }
            Objects.requireNonNull(procRoot);
            Objects.requireNonNull(sysRoot);
        }

        /** These options with another rate. */
        public Options withRate(double hz) {
            return new Options(hz, maxVmaBytes, topologyInterval, procRoot, sysRoot);
        }

        /** These options with another VMA size cap. */
        public Options withMaxVmaBytes(long bytes) {
            return new Options(rateHz, bytes, topologyInterval, procRoot, sysRoot);
        }

        /** These options with another topology interval; {@link Duration#ZERO} for no topology. */
        public Options withTopologyInterval(Duration d) {
            return new Options(rateHz, maxVmaBytes, d, procRoot, sysRoot);
        }

        /** These options with other /proc and /sys folders (copies, for tests). */
        public Options withRoots(Path proc, Path sys) {
            return new Options(rateHz, maxVmaBytes, topologyInterval, proc, sys);
        }
    }

    /**
     * What one sample did.
     *
     * @param number       the sample's number, from 1
     * @param ts           its time stamp (System.nanoTime)
     * @param events       events emitted
     * @param vmas         VMAs seen
     * @param presentPages present pages seen in the VMAs read from pagemap
     * @param nanos        how long the sample took
     * @param alive        false when the process was found gone (the sampler has stopped)
     */
    public record Summary(long number, long ts, int events, int vmas, long presentPages, long nanos, boolean alive) {
    }

    /** The kinds of message for listeners. */
    public enum MessageKind {
        /** The process exited (or its PID now names another process); sampling stopped. */
        PROCESS_EXITED,
        /** A file could not be read; sampling goes on. */
        READ_FAILED,
        /** Writing the events failed; sampling stopped. */
        WRITE_FAILED,
        /** Sampling failed unexpectedly (a bug, not the process or its files); sampling stopped. */
        FAILED,
        /** Something that cannot be known, said once (PFNs hidden, a VMA not read). */
        NOTE
    }

    /**
     * A message for listeners.
     *
     * @param kind what happened
     * @param ts   when (System.nanoTime)
     * @param text in words, naming the PID and the file
     */
    public record Message(MessageKind kind, long ts, String text) {
    }

    /** Receives messages, on the sampling thread. */
    @FunctionalInterface
    public interface Listener {
        /** One message. */
        void message(Message message);
    }

    private final int pid;
    private final ProcMemory proc;
    private final Consumer<TraceEvent> sink;
    private final @Nullable TraceWriter writer;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ProcStat first;
    private final PhysicalMemoryMap physical;
    private final MemoryNodes nodes;

    private volatile Options options;
    // sampling state, guarded by this
    private long samples;
    private long eventsEmitted;
    private boolean begun;
    private boolean finished;
    private String lastMaps = "";
    private List<Vma> vmas = List.of();
    private PageRuns pages = new PageRuns();
    private boolean pfnNoteSaid;
    private final Set<Long> notSampledSaid = new HashSet<>();
    private @Nullable String lastFailure;
    private long lastTopologyNanos;
    private @Nullable Map<String, Function> topology;
    private @Nullable Summary lastSummary;

    // scheduling, guarded by the schedule lock
    private final Object scheduleLock = new Object();
    private @Nullable ScheduledExecutorService executor;
    private boolean ownExecutor;
    private @Nullable ScheduledFuture<?> task;
    private boolean paused;

    /**
     * A sampler of a process that sends its events to a consumer.
     *
     * @throws MemoryReadException when the process does not exist ("process 123 does not exist
     *                             (no /proc/123)") or its stat file cannot be read
     */
    public LiveSampler(int pid, Options options, Consumer<TraceEvent> sink) throws MemoryReadException {
        this(pid, options, sink, null);
    }

    /**
     * A sampler that appends its events to a trace store, flushed after every sample so that
     * readers of the growing file see them.
     *
     * @throws MemoryReadException as {@link #LiveSampler(int, Options, Consumer)}
     */
    public LiveSampler(int pid, Options options, TraceWriter writer) throws MemoryReadException {
        this(pid, options, e -> {
            try {
                writer.append(e);
            } catch (IOException x) {
                throw new WriteFailure(x);
            }
        }, writer);
    }

    private LiveSampler(int pid, Options options, Consumer<TraceEvent> sink, @Nullable TraceWriter writer)
            throws MemoryReadException {
        this.pid = pid;
        this.options = options;
        this.sink = sink;
        this.writer = writer;
        this.proc = new ProcMemory(options.procRoot());
        Path dir = options.procRoot().resolve(Integer.toString(pid));
        if (pid <= 0 || !Files.isDirectory(dir)) {
            throw new MemoryReadException("process " + pid + " does not exist (no " + dir + ")");
        }
        ProcStat stat = readStat();
        if (stat == null) {
            throw new MemoryReadException("process " + pid + " does not exist (cannot read " + dir.resolve("stat") + ")");
        }
        if (stat.exited()) {
            throw new MemoryReadException("process " + pid + " has exited (state " + stat.state() + " in "
                    + dir.resolve("stat") + ")");
        }
        this.first = stat;
        List<String> notes = new ArrayList<>();
        this.physical = proc.physicalMap(notes);
        this.nodes = MemoryNodes.read(options.sysRoot());
    }

    /** The sampled process. */
    public int pid() {
        return pid;
    }

    /** The command name the process had when the sampler was made. */
    public String comm() {
        return first.comm();
    }

    /** The options in use. */
    public Options options() {
        return options;
    }

    /** Samples per second. */
    public double rate() {
        return options.rateHz();
    }

    /** Adds a listener for messages. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Samples taken. */
    public synchronized long samples() {
        return samples;
    }

    /** Events emitted. */
    public synchronized long eventsEmitted() {
        return eventsEmitted;
    }

    /** Whether the sampler has stopped for good (process gone, write failed, or {@link #stop()}). */
    public synchronized boolean isFinished() {
        return finished;
    }

    /**
     * Takes one sample now, on this thread, and emits what changed. After the process is gone
     * it does nothing and returns the last summary.
     */
    public synchronized Summary sampleOnce() {
        Summary last = lastSummary;
        if (finished) {
            return last != null ? last : new Summary(samples, System.nanoTime(), 0, 0, 0, 0, false);
        }
        long t0 = System.nanoTime();
        samples++;
        List<TraceEvent> out = new ArrayList<>();
        boolean alive = sample(t0, out);
        int emitted = 0;
        try {
            for (TraceEvent e : out) {
                sink.accept(e);
                emitted++;
            }
            TraceWriter w = writer;
            if (w != null) {
                w.flush();
            }
        } catch (WriteFailure | IOException e) {
            IOException cause = e instanceof WriteFailure f ? f.cause : (IOException) e;
            String file = writer != null ? writer.file().toString() : "the sink";
            finish();
            tell(MessageKind.WRITE_FAILED, t0, "cannot write " + file + ": " + cause.getMessage()
                    + "; sampling of process " + pid + " stopped");
            alive = false;
        }
        eventsEmitted += emitted;
        Summary s = new Summary(samples, t0, emitted, vmas.size(), pages.presentPages(), System.nanoTime() - t0, alive);
        lastSummary = s;
        return s;
    }

    /** One sample into out; false when the process is gone. */
    private boolean sample(long ts, List<TraceEvent> out) {
        EventHeader h = new EventHeader(ts, EventHeader.UNKNOWN, pid, first.comm());
        ProcStat stat = readStat();
        if (stat == null || stat.exited() || stat.startTime() != first.startTime()) {
            exit(h, stat, out);
            return false;
        }
        if (!begun) {
            begun = true;
            out.add(new ProcessStart(h, first.ppid(), executable()));
            if (!options.topologyInterval().isZero()) {
                topology(h, out, true);
                lastTopologyNanos = ts;
            }
        } else if (!options.topologyInterval().isZero()
                && ts - lastTopologyNanos >= options.topologyInterval().toNanos()) {
            topology(h, out, false);
            lastTopologyNanos = ts;
        }
        Path dir = options.procRoot().resolve(Integer.toString(pid));
        Path mapsFile = dir.resolve("maps");
        String maps;
        try {
            maps = new String(Files.readAllBytes(mapsFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            if (gone()) {
                exit(h, readStat(), out);
                return false;
            }
            failed(ts, "cannot read " + mapsFile + ": " + e.getMessage());
            return true;
        }
        List<Vma> now;
        if (maps.equals(lastMaps)) {
            now = vmas;
        } else {
            try {
                now = readVmas(dir, maps, mapsFile);
            } catch (MemoryReadException e) {
                if (gone()) {
                    exit(h, readStat(), out);
                    return false;
                }
                failed(ts, e.getMessage());
                return true;
            }
        }
        if (maps.isEmpty() && gone()) {
            exit(h, readStat(), out);
            return false;
        }
        PageRuns runs = new PageRuns();
        PagemapTable table = proc.pageTable(pid, now, first.startTime(), physical);
        List<Vma> sampled = new ArrayList<>();
        // One walk per stretch of VMAs read (pagemap opened once; holes between VMAs are skipped
        // by the table without reading), broken where a VMA is not read.
        List<long[]> stretches = new ArrayList<>();
        long stretchStart = -1;
        long stretchEnd = -1;
        for (Vma v : now) {
            boolean above = v.start() < 0; // above the user address space: [vsyscall]
            boolean tooLarge = !above && Long.compareUnsigned(v.length(), options.maxVmaBytes()) > 0;
            if (above || tooLarge) {
                if (stretchStart >= 0) {
                    stretches.add(new long[] {stretchStart, stretchEnd});
                    stretchStart = -1;
                }
                if (tooLarge && notSampledSaid.add(v.start())) {
                    Map<String, String> f = new LinkedHashMap<>();
                    f.put("start", SampleDiff.hex(v.start()));
                    f.put("end", SampleDiff.hex(v.end()));
                    f.put("bytes", Long.toString(v.length()));
                    f.put("reason", "larger than the cap of " + options.maxVmaBytes() + " bytes: pages not sampled");
                    out.add(new GenericEvent(h, SampleDiff.SYSTEM, "vma_not_sampled", f));
                    tell(MessageKind.NOTE, ts, "process " + pid + ": VMA " + SampleDiff.hex(v.start()) + "-"
                            + SampleDiff.hex(v.end()) + " " + v.name() + " is larger than "
                            + options.maxVmaBytes() + " bytes: its pages are not sampled");
                }
                continue;
            }
            sampled.add(v);
            if (stretchStart < 0) {
                stretchStart = v.start();
            }
            stretchEnd = v.end();
        }
        if (stretchStart >= 0) {
            stretches.add(new long[] {stretchStart, stretchEnd});
        }
        try {
            for (long[] st : stretches) {
                table.walk(st[0], st[1], runs);
            }
        } catch (MemoryReadException e) {
            if (gone()) {
                exit(h, readStat(), out);
                return false;
            }
            failed(ts, e.getMessage());
            return true;
        }
        lastFailure = null;
        SampleDiff.VmaChanges changes = SampleDiff.vmas(vmas, now, h);
        out.addAll(changes.events());
        out.addAll(SampleDiff.pages(pages, runs, changes.kept(), sampled, nodes, h));
        if (!pfnNoteSaid && runs.presentPages() > 0 && !table.pfnsVisible()) {
            pfnNoteSaid = true;
            out.add(new GenericEvent(h, SampleDiff.SYSTEM, "note", Map.of("note", PagemapTable.PFNS_HIDDEN
                    + ": pages are compared by presence only; moves are not seen")));
            tell(MessageKind.NOTE, ts, "process " + pid + ": " + PagemapTable.PFNS_HIDDEN);
        }
        lastMaps = maps;
        vmas = now;
        pages = runs;
        return true;
    }

    private List<Vma> readVmas(Path dir, String maps, Path mapsFile) throws MemoryReadException {
        List<Vma> list;
        Path smaps = dir.resolve("smaps");
        String smapsText = null;
        try {
            smapsText = new String(Files.readAllBytes(smaps), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // maps alone then: no VmFlags, no hugetlb page size
        }
        list = smapsText != null ? ProcMaps.parseSmaps(smapsText, smaps.toString())
                : ProcMaps.parseMaps(maps, mapsFile.toString());
        if (!sortedApart(list)) {
            // smaps is read a few VMAs at a time: a process that maps meanwhile can give overlaps
            list = ProcMaps.parseMaps(maps, mapsFile.toString());
            if (!sortedApart(list)) {
                throw new MemoryReadException(mapsFile + ": the VMAs changed while being read");
            }
        }
        return list;
    }

    private static boolean sortedApart(List<Vma> list) {
        for (int i = 1; i < list.size(); i++) {
            if (Long.compareUnsigned(list.get(i - 1).end(), list.get(i).start()) > 0) {
                return false;
            }
        }
        return true;
    }

    private void exit(EventHeader h, @Nullable ProcStat stat, List<TraceEvent> out) {
        // A zombie of this same process still tells its exit status.
        int code = stat != null && stat.exited() && stat.startTime() == first.startTime() ? stat.exitCode() : -1;
        out.add(new ProcessExit(h, code));
        finish();
        tell(MessageKind.PROCESS_EXITED, h.ts(), "process " + pid + " (" + first.comm() + ") exited"
                + (code >= 0 ? " with status " + code : "") + "; sampling stopped after " + samples + " samples");
    }

    private void failed(long ts, String text) {
        if (!text.equals(lastFailure)) {
            lastFailure = text;
            tell(MessageKind.READ_FAILED, ts, text);
        }
    }

    private boolean gone() {
        ProcStat s = readStat();
        return s == null || s.exited() || s.startTime() != first.startTime();
    }

    private @Nullable ProcStat readStat() {
        Path stat = options.procRoot().resolve(Integer.toString(pid)).resolve("stat");
        try {
            return ProcStat.parse(new String(Files.readAllBytes(stat), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }

    private String executable() {
        Path exe = options.procRoot().resolve(Integer.toString(pid)).resolve("exe");
        try {
            return Files.readSymbolicLink(exe).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    // ---- topology

    private void topology(EventHeader h, List<TraceEvent> out, boolean snapshot) {
        PciTopology t;
        try {
            t = new SysfsTreeImporter().read(options.sysRoot(), "sysfs", new NullProgressMonitor());
        } catch (InputException e) {
            failed(h.ts(), "cannot read the PCI tree of " + options.sysRoot() + ": " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            failed(h.ts(), "cannot read the PCI tree of " + options.sysRoot() + ": " + e);
            return;
        }
        Map<String, Function> now = new TreeMap<>();
        for (PciFunction f : t.functions()) {
            now.put(f.address().toString(), new Function(link(f.link()),
                    f.iommuGroup() == null ? "" : f.iommuGroup().toString(), f.driver() == null ? "" : f.driver(),
                    f.acs() == null ? "" : f.acs().describeControl()));
        }
        Map<String, Function> before = topology;
        if (snapshot || before == null) {
            PciNames names;
            try {
                names = new PciNames(PciIdsLocator.load(Optional.empty()));
            } catch (InputException e) {
                names = new PciNames(org.dmascope.core.pciids.PciIds.empty());
            }
            String tree = LspciTree.format(t, names, true, PciNames.Mode.NAMES, true);
            out.add(new TopologySnapshot(h, "sysfs", "lspci-tv", tree));
        } else {
            for (Map.Entry<String, Function> e : before.entrySet()) {
                String bdf = e.getKey();
                Function a = e.getValue();
                Function b = now.get(bdf);
                if (b == null) {
                    out.add(new TopologyChange(h, "REMOVE", bdf, "no longer in " + options.sysRoot()));
                    continue;
                }
                if (!a.link().equals(b.link())) {
                    out.add(new TopologyChange(h, "LINK", bdf, "was " + a.link() + ", now " + b.link()));
                }
                if (!a.group().equals(b.group())) {
                    out.add(new TopologyChange(h, "GROUP", bdf, "IOMMU group was " + orNone(a.group()) + ", now "
                            + orNone(b.group())));
                }
                if (!a.driver().equals(b.driver())) {
                    out.add(new TopologyChange(h, "DRIVER", bdf, (b.driver().isEmpty() ? "unbound"
                            : "bound to " + b.driver()) + " (was " + (a.driver().isEmpty() ? "unbound" : a.driver())
                            + ")"));
                }
                if (!a.acs().equals(b.acs()) && !b.acs().isEmpty()) {
                    // Unreadable now (config space beyond 64 bytes needs root) is not a change.
                    out.add(new TopologyChange(h, "ACS", bdf, "ACSCtl: " + b.acs() + " (was "
                            + (a.acs().isEmpty() ? "-" : a.acs()) + ")"));
                }
            }
            for (Map.Entry<String, Function> e : now.entrySet()) {
                if (!before.containsKey(e.getKey())) {
                    Function b = e.getValue();
                    out.add(new TopologyChange(h, "ADD", e.getKey(), b.link()
                            + (b.group().isEmpty() ? "" : ", IOMMU group " + b.group())
                            + (b.driver().isEmpty() ? "" : ", driver " + b.driver())));
                }
            }
        }
        topology = now;
    }

    /** What a sample compares of a PCI function: its link, IOMMU group, driver and ACS Control. */
    private record Function(String link, String group, String driver, String acs) {
    }

    private static String orNone(String value) {
        return value.isEmpty() ? "none" : value;
    }

    private static String link(@Nullable PcieLink link) {
        if (link == null) {
            return "no link";
        }
        return "speed " + (link.speed() == org.dmascope.core.topology.LinkSpeed.UNKNOWN ? "unknown" : link.speed().gigaTransfers() + "GT/s") + " width x"
                + link.width();
    }

    // ---- scheduling

    /** Starts sampling at {@link #rate()} on a daemon thread of its own. */
    public void start() {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dmascope live sampler " + pid);
            t.setDaemon(true);
            return t;
        });
        start(s, true);
    }

    /** Starts sampling at {@link #rate()} on the given executor (not shut down by {@link #stop()}). */
    public void start(ScheduledExecutorService on) {
        start(on, false);
    }

    private void start(ScheduledExecutorService on, boolean own) {
        synchronized (scheduleLock) {
            if (executor != null) {
                if (own) {
                    on.shutdown();
                }
                throw new IllegalStateException("the sampler of process " + pid + " is already started");
            }
            executor = on;
            ownExecutor = own;
            paused = false;
            schedule();
        }
    }

    private void schedule() {
        ScheduledExecutorService s = executor;
        if (s == null || paused || isFinished()) {
            return;
        }
        long period = Math.max(1, Math.round(1e9 / options.rateHz()));
        task = s.scheduleAtFixedRate(this::tick, 0, period, TimeUnit.NANOSECONDS);
    }

    private void tick() {
        try {
            sampleOnce();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // thrown out of the task, it would end the schedule silently: stop and say so instead
            LOG.log(Level.SEVERE, "sampling process " + pid + " failed", e);
            finish();
            tell(MessageKind.FAILED, System.nanoTime(), "sampling process " + pid + " failed: " + e
                    + "; sampling stopped");
        }
        if (isFinished()) {
            cancelTask();
        }
    }

    private void cancelTask() {
        synchronized (scheduleLock) {
            ScheduledFuture<?> t = task;
            if (t != null) {
                t.cancel(false);
                task = null;
            }
            if (ownExecutor && executor != null && isFinished()) {
                executor.shutdown();
            }
        }
    }

    /**
     * Changes the rate; a running sampler goes on at the new rate from now.
     *
     * @throws IllegalArgumentException when hz is not above 0 and at most 1000
     */
    public void setRate(double hz) {
        checkRate(hz);
        synchronized (scheduleLock) {
            options = options.withRate(hz);
            ScheduledFuture<?> t = task;
            if (t != null) {
                t.cancel(false);
                task = null;
                schedule();
            }
        }
    }

    /** Holds sampling; {@link #resume()} goes on. A sample in progress finishes. */
    public void pause() {
        synchronized (scheduleLock) {
            paused = true;
            ScheduledFuture<?> t = task;
            if (t != null) {
                t.cancel(false);
                task = null;
            }
        }
    }

    /** Goes on sampling after {@link #pause()}. */
    public void resume() {
        synchronized (scheduleLock) {
            if (paused) {
                paused = false;
                schedule();
            }
        }
    }

    /** Whether sampling is held by {@link #pause()}. */
    public boolean isPaused() {
        synchronized (scheduleLock) {
            return paused;
        }
    }

    /**
     * Stops sampling for good and waits for a sample in progress; the events emitted stay (a
     * trace writer given to the sampler is flushed, not closed).
     */
    public void stop() {
        ScheduledExecutorService s;
        boolean own;
        synchronized (scheduleLock) {
            ScheduledFuture<?> t = task;
            if (t != null) {
                t.cancel(false);
                task = null;
            }
            s = executor;
            own = ownExecutor;
        }
        if (s != null && own) {
            s.shutdown();
            try {
                s.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            finished = true;
            TraceWriter w = writer;
            if (w != null) {
                try {
                    w.flush();
                } catch (IOException e) {
                    tell(MessageKind.WRITE_FAILED, System.nanoTime(), "cannot write " + w.file() + ": " + e.getMessage());
                }
            }
        }
    }

    private synchronized void finish() {
        finished = true;
    }

    private void tell(MessageKind kind, long ts, String text) {
        Message m = new Message(kind, ts, text);
        for (Listener l : listeners) {
            try {
                l.message(m);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a listener of the sampler of process " + pid + " failed", e);
            }
        }
    }

    private static void checkRate(double hz) {
        if (!(hz > 0) || hz > 1000) {
            throw new IllegalArgumentException("sampling rate must be above 0 and at most 1000 Hz: " + hz);
        }
    }

    /** An append that failed, carried out of the consumer. */
    private static final class WriteFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final IOException cause;

        WriteFailure(IOException cause) {
            super(cause);
            this.cause = cause;
        }
    }
}
