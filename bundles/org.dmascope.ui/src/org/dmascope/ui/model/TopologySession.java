package org.dmascope.ui.model;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import org.dmascope.core.pciids.PciIds;
import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.sources.TopologySources;
import org.dmascope.sources.pciids.PciIdsLocator;
import org.dmascope.sources.sysfs.SysfsTreeImporter;
import org.dmascope.ui.preferences.PreferenceConstants;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.ListenerList;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.jface.util.IPropertyChangeListener;
import org.eclipse.jface.util.PropertyChangeEvent;
import org.eclipse.swt.widgets.Display;

/**
 * The topology the workbench shows and where it came from. Reading happens in a Job (with
 * progress, cancellable); listeners hear about the result on the UI thread. A failed read
 * leaves the current topology in place.
 */
public final class TopologySession {

    /** The job family of topology reads, for {@code IJobManager.join}. */
    public static final Object LOAD_FAMILY = new Object();

    /** What the session tells its listeners, always on the UI thread. */
    public interface Listener {
        /** A read started. */
        default void loadStarted(SourceRef source) {
        }

        /** A new topology is current. */
        default void topologyChanged(TopologySnapshot snapshot) {
        }

        /** A read failed; the message names the input and the place. */
        default void loadFailed(SourceRef source, String message) {
        }
    }

    private final TopologySources sources;
    private final IPreferenceStore preferences;
    private final Display display;
    private final ListenerList<Listener> listeners = new ListenerList<>();
    private final IPropertyChangeListener preferenceListener = this::preferenceChanged;

    private @Nullable TopologySnapshot current;
    private SourceRef currentSource = SourceRef.liveHost();
    private @Nullable Job running;
    private @Nullable PciNames names;
    private @Nullable String namesFrom;

    /**
     * @param sources     the importers
     * @param preferences DMA Scope's preferences (live sysfs root, pci.ids file)
     * @param display     the display listeners are called on
     */
    public TopologySession(TopologySources sources, IPreferenceStore preferences, Display display) {
        this.sources = sources;
        this.preferences = preferences;
        this.display = display;
        preferences.addPropertyChangeListener(preferenceListener);
    }

    /** The preferences the session reads. */
    public IPreferenceStore preferences() {
        return preferences;
    }

    /** Adds a listener. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** The topology shown now, if one has been read. */
    public Optional<TopologySnapshot> current() {
        return Optional.ofNullable(current);
    }

    /** The source being shown, or being read. */
    public SourceRef currentSource() {
        return currentSource;
    }

    /** Reads the current source again. */
    public void refresh() {
        open(currentSource);
    }

    /** Reads a source in the background; a read already running is cancelled. */
    public synchronized void open(SourceRef source) {
        Job previous = running;
        if (previous != null) {
            previous.cancel();
        }
        Job job = new LoadJob(source);
        running = job;
        fire(l -> l.loadStarted(source));
        job.schedule();
    }

    /** Stops listening to preferences and cancels a running read. */
    public synchronized void dispose() {
        preferences.removePropertyChangeListener(preferenceListener);
        Job job = running;
        if (job != null) {
            job.cancel();
        }
    }

    private void preferenceChanged(PropertyChangeEvent event) {
        String p = event.getProperty();
        if (PreferenceConstants.PCI_IDS_FILE.equals(p)
                || PreferenceConstants.LIVE_SYSFS_ROOT.equals(p) && currentSource.kind() == SourceRef.Kind.LIVE) {
            refresh();
        }
    }

    private void fire(Consumer<Listener> event) {
        onUiThread(() -> {
            for (Listener l : listeners) {
                event.accept(l);
            }
        });
    }

    private void onUiThread(Runnable r) {
        if (Display.getCurrent() == display) {
            r.run();
        } else if (!display.isDisposed()) {
            display.asyncExec(r);
        }
    }

    // On the UI thread: make a finished read current unless a newer read superseded it.
    private void publish(Job job, TopologySnapshot snapshot) {
        synchronized (this) {
            if (running != job) {
                return;
            }
            running = null;
            current = snapshot;
            currentSource = snapshot.source();
        }
        for (Listener l : listeners) {
            l.topologyChanged(snapshot);
        }
    }

    private synchronized PciNames names() throws InputException {
        String file = preferences.getString(PreferenceConstants.PCI_IDS_FILE).trim();
        PciNames n = names;
        if (n == null || !file.equals(namesFrom)) {
            PciIds ids = PciIdsLocator.load(file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file)));
            n = new PciNames(ids);
            names = n;
            namesFrom = file;
        }
        return n;
    }

    // On the UI thread: report a failed read unless a newer read superseded it. The current
    // topology stays as it is.
    private void failed(Job job, SourceRef source, String message) {
        synchronized (this) {
            if (running != job) {
                return;
            }
            running = null;
        }
        for (Listener l : listeners) {
            l.loadFailed(source, message);
        }
    }

    private final class LoadJob extends Job {
        private final SourceRef source;

        LoadJob(SourceRef source) {
            super("Reading the PCI topology of " + source.name());
            this.source = source;
            setPriority(Job.LONG);
        }

        @Override
        public boolean belongsTo(Object family) {
            return family == LOAD_FAMILY;
        }

        @Override
        protected IStatus run(IProgressMonitor monitor) {
            SubMonitor progress = SubMonitor.convert(monitor, getName(), 10);
            Instant start = Instant.now();
            try {
                PciTopology topology;
                if (source.kind() == SourceRef.Kind.LIVE) {
                    String root = preferences.getString(PreferenceConstants.LIVE_SYSFS_ROOT).trim();
                    Path sys = root.isEmpty() ? SysfsTreeImporter.LIVE_ROOT : Path.of(root);
                    String name = sys.equals(SysfsTreeImporter.LIVE_ROOT) ? TopologySources.LIVE_HOST_NAME
                            : "this machine (" + sys + ")";
                    topology = new SysfsTreeImporter().read(sys, name, progress.split(8));
                } else {
                    topology = sources.open(Objects.requireNonNull(source.path()), source.name(), progress.split(8));
                }
                PciNames n = names();
                progress.split(2);
                TopologySnapshot snapshot = new TopologySnapshot(source, topology, n, Instant.now(),
                        Duration.between(start, Instant.now()));
                onUiThread(() -> publish(this, snapshot));
                return Status.OK_STATUS;
            } catch (OperationCanceledException e) {
                return Status.CANCEL_STATUS;
            } catch (InputException e) {
                onUiThread(() -> failed(this, source, e.getMessage()));
                return Status.info(e.getMessage());
            }
        }
    }
}
