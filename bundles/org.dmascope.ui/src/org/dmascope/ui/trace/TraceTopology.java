package org.dmascope.ui.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.source.InputException;
import org.dmascope.sources.TopologySources;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TopologySnapshot;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.ui.model.SourceRef;
import org.dmascope.ui.model.TopologySession;
import org.dmascope.ui.trace.TraceModel.OpenTrace;
import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.swt.widgets.Display;

/**
 * Keeps the topology views on the machine the trace recorded at the time cursor: the last
 * topology snapshot at or before the cursor (a document of an importer's format, or the live
 * host's sysfs, which is read live) is what the topology session shows, and with it the
 * Topology, PCI tree and Peer Matrix views. The snapshots are found once per trace by a scan
 * that decodes no event; a cursor move is then a search, and a read only when the snapshot
 * changes. A trace without a snapshot leaves the topology as it is.
 */
public final class TraceTopology implements TraceModel.Listener {

    /** The job family of the reads, for {@code IJobManager.join}. */
    public static final Object FAMILY = new Object();

    /** The source (or format) of a snapshot of this machine's sysfs, read live. */
    private static final String SYSFS = "sysfs";

    private final TraceModel traces;
    private final TopologySession session;
    private final Display display;
    private final TopologySources sources = TopologySources.builtIn();
    private @Nullable Job job;
    private @Nullable TopologySnapshot shown;
    private long shownOrdinal = -1;
    // The trace's topology snapshots in time order (their times and ordinals), once indexed.
    private long[] snapshotTs = new long[0];
    private long[] snapshotOrdinals = new long[0];
    private @Nullable OpenTrace indexed;
    private @Nullable Path temporary;

    /** Follows the trace model's cursor; call {@link #dispose()} at shutdown. */
    public TraceTopology(TraceModel traces, TopologySession session, Display display) {
        this.traces = traces;
        this.session = session;
        this.display = display;
        traces.addListener(this);
    }

    /** The snapshot shown, if the topology comes from the trace. */
    public @Nullable TopologySnapshot shown() {
        return shown;
    }

    @Override
    public void traceChanged(@Nullable OpenTrace trace) {
        shown = null;
        snapshotTs = new long[0];
        snapshotOrdinals = new long[0];
        indexed = null;
    }

    @Override
    public void traceGrew(OpenTrace trace) {
        indexed = null; // the snapshots are found again at the next cursor move
    }

    @Override
    public void cursorMoved(long ts, @Nullable Object origin) {
        OpenTrace t = traces.trace();
        if (t == null || ts == TraceModel.NONE) {
            return;
        }
        Job previous = job;
        if (previous != null) {
            previous.cancel();
        }
        boolean needIndex = indexed != t;
        long[] knownTs = snapshotTs;
        long[] knownOrdinals = snapshotOrdinals;
        if (!needIndex) {
            // Topology snapshots are few: which one applies is a search in the index.
            int i = lastAtOrBefore(knownTs, ts);
            if (i < 0 || knownOrdinals[i] == shownOrdinal) {
                return;
            }
        }
        Job j = new Job("Topology at the time cursor") {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try (TraceReader reader = TraceReader.open(t.store())) {
                    long[] tss = knownTs;
                    long[] ordinals = knownOrdinals;
                    if (needIndex) {
                        List<long[]> found = new ArrayList<>();
                        reader.scan((ordinal, type, time, cpu, pid) -> {
                            if (type == EventType.TOPOLOGY_SNAPSHOT) {
                                found.add(new long[] {time, ordinal});
                            }
                        });
                        found.sort((a, b) -> Long.compare(a[0], b[0]));
                        tss = found.stream().mapToLong(a -> a[0]).toArray();
                        ordinals = found.stream().mapToLong(a -> a[1]).toArray();
                        long[] fTs = tss;
                        long[] fOrd = ordinals;
                        display.asyncExec(() -> {
                            if (traces.trace() == t) {
                                snapshotTs = fTs;
                                snapshotOrdinals = fOrd;
                                indexed = t;
                            }
                        });
                    }
                    int i = lastAtOrBefore(tss, ts);
                    if (i < 0 || monitor.isCanceled()) {
                        return monitor.isCanceled() ? Status.CANCEL_STATUS : Status.OK_STATUS;
                    }
                    long ordinal = ordinals[i];
                    TopologySnapshot snapshot = new EventRows(reader).get(ordinal) instanceof TopologySnapshot found
                            ? found : null;
                    if (snapshot != null && !monitor.isCanceled()) {
                        display.asyncExec(() -> show(t, snapshot, ordinal));
                    }
                    return monitor.isCanceled() ? Status.CANCEL_STATUS : Status.OK_STATUS;
                } catch (IOException | InputException e) {
                    return new Status(IStatus.WARNING, "org.dmascope.ui", "cannot read the topology recorded in "
                            + t.store() + ": " + e.getMessage(), e);
                }
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == FAMILY;
            }
        };
        j.setSystem(true);
        job = j;
        j.schedule(needIndex ? 40 : 0);
    }

    // The index of the last snapshot at or before ts, or -1.
    private static int lastAtOrBefore(long[] tss, long ts) {
        int i = Arrays.binarySearch(tss, ts);
        if (i < 0) {
            return -i - 2;
        }
        while (i + 1 < tss.length && tss[i + 1] == ts) {
            i++;
        }
        return i;
    }


    private void show(OpenTrace t, TopologySnapshot snapshot, long ordinal) {
        if (traces.trace() != t || ordinal == shownOrdinal && snapshot.equals(shown)) {
            return;
        }
        shownOrdinal = ordinal;
        if (snapshot.equals(shown)) {
            return; // the same document again: the topology shown stays
        }
        shown = snapshot;
        // The live host's own sysfs, sampled while recording: this machine, read live.
        if (SYSFS.equals(snapshot.source().toLowerCase(Locale.ROOT))
                || SYSFS.equals(snapshot.format().toLowerCase(Locale.ROOT))) {
            if (session.currentSource().kind() != SourceRef.Kind.LIVE) {
                session.open(SourceRef.liveHost());
            }
            return;
        }
        try {
            Path file = Files.createTempFile("dmascope-topology-", suffix(snapshot.format()));
            file.toFile().deleteOnExit();
            Files.writeString(file, snapshot.data(), StandardCharsets.UTF_8);
            if (sources.importerFor(file).isEmpty()) {
                Files.deleteIfExists(file);
                ILog.of(TraceTopology.class).info("the topology recorded in " + t.name() + " is in a format no importer "
                        + "reads (" + snapshot.format() + "); the topology shown stays");
                return;
            }
            deleteTemporary();
            temporary = file;
            String name = snapshot.source().isEmpty() ? "the topology recorded in " + t.name()
                    : snapshot.source() + " (recorded in " + t.name() + ")";
            session.open(new SourceRef(SourceRef.Kind.PATH, file, name));
        } catch (IOException e) {
            ILog.of(TraceTopology.class).warn("cannot show the topology recorded in " + t.name() + ": " + e.getMessage());
        }
    }

    // Importers choose by content; the suffix only helps people who find the file.
    private static String suffix(String format) {
        String f = format.toLowerCase(Locale.ROOT);
        return f.contains("xml") ? ".xml" : f.contains("json") ? ".json" : ".txt";
    }

    private void deleteTemporary() {
        Path p = temporary;
        temporary = null;
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                ILog.of(TraceTopology.class).warn("cannot delete " + p + ": " + e.getMessage());
            }
        }
    }

    /** Stops following and deletes the temporary file. */
    public void dispose() {
        traces.removeListener(this);
        Job j = job;
        if (j != null) {
            j.cancel();
        }
        deleteTemporary();
    }
}
