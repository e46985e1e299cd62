package org.dmascope.ui.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.dmascope.core.source.InputException;
import org.dmascope.sources.TopologySources;
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
 * Keeps the topology views on the machine the trace recorded at the time cursor: when the
 * state at the cursor holds a topology snapshot (a document of an importer's format, or the
 * live host's sysfs, which is read live), the topology session shows it, and with it the Topology, PCI tree and
 * Peer Matrix views. A trace without a snapshot leaves the topology as it is.
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
        Job j = new Job("Topology at the time cursor") {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try (TraceReader reader = TraceReader.open(t.store())) {
                    TopologySnapshot snapshot = reader.stateAt(ts).topology();
                    if (snapshot != null && !monitor.isCanceled()) {
                        display.asyncExec(() -> show(t, snapshot));
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
        j.schedule(40);
    }

    private void show(OpenTrace t, TopologySnapshot snapshot) {
        if (traces.trace() != t || snapshot.equals(shown)) {
            return;
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
