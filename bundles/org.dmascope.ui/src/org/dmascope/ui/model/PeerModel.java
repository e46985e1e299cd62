package org.dmascope.ui.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.PeerAnalysis;
import org.dmascope.core.peer.PeerMatrix;
import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.ui.preferences.PreferenceConstants;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.ListenerList;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.jface.util.IPropertyChangeListener;
import org.eclipse.jface.util.PropertyChangeEvent;
import org.eclipse.swt.widgets.Display;

/**
 * The peer paths of the topology the workbench shows: the kernel's P2PDMA decision, NCCL's path
 * and nvidia-smi's class for every pair of endpoints (the matrix, computed in a Job), and any
 * pair on demand with its explanation. Follows the topology session and the kernel version and
 * CPU preferences; listeners hear about new results on the UI thread.
 */
public final class PeerModel {

    /** The job family of matrix computations, for {@code IJobManager.join}. */
    public static final Object FAMILY = new Object();

    /** What the model tells its listeners, on the UI thread. */
    public interface Listener {
        /** A new analysis is current; its matrix may still be computing. */
        default void analysisChanged(Peers peers) {
        }

        /** The matrix of the current analysis is ready. */
        default void matrixReady(Peers peers) {
        }
    }

    /**
     * One analysis: the snapshot it is about, the rules applied, the endpoints and, once
     * computed, the matrix.
     *
     * @param snapshot    the topology
     * @param analysis    the engines over it
     * @param rules       the kernel version's rules
     * @param cpu         the CPU the kernel's rule was applied for
     * @param cpuAssumed  whether that CPU is an assumption (a preference, or unknown in the source)
     * @param allEndpoints whether every endpoint is in the matrix, not only DMA endpoints
     */
    public record Peers(TopologySnapshot snapshot, PeerAnalysis analysis, KernelRules rules, CpuInfo cpu,
            boolean cpuAssumed, boolean allEndpoints, MatrixHolder matrix) {

        /** The matrix, once computed. */
        public Optional<PeerMatrix> matrixIfReady() {
            return Optional.ofNullable(matrix.value);
        }

        /** How long the matrix took, once computed. */
        public Optional<Duration> matrixTime() {
            return Optional.ofNullable(matrix.time);
        }
    }

    /** Where a matrix computed later is kept. */
    public static final class MatrixHolder {
        private volatile @Nullable PeerMatrix value;
        private volatile @Nullable Duration time;
    }

    private final TopologySession session;
    private final IPreferenceStore preferences;
    private final Display display;
    private final ListenerList<Listener> listeners = new ListenerList<>();
    private final IPropertyChangeListener preferenceListener = this::preferenceChanged;
    private final TopologySession.Listener sessionListener = new TopologySession.Listener() {
        @Override
        public void topologyChanged(TopologySnapshot snapshot) {
            analyse(snapshot);
        }
    };
    private @Nullable Peers current;
    private @Nullable Job running;
    private boolean allEndpoints;

    /** Follows a topology session; analyses what it shows now, if anything. */
    public PeerModel(TopologySession session, Display display) {
        this.session = session;
        this.preferences = session.preferences();
        this.display = display;
        session.addListener(sessionListener);
        preferences.addPropertyChangeListener(preferenceListener);
        session.current().ifPresent(this::analyse);
    }

    /** Adds a listener. */
    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** Removes a listener. */
    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** The current analysis, if a topology has been read. */
    public Optional<Peers> current() {
        return Optional.ofNullable(current);
    }

    /** Whether the matrix has every endpoint, not only GPUs, NICs and storage. */
    public boolean allEndpoints() {
        return allEndpoints;
    }

    /** Puts every endpoint in the matrix, or only GPUs, NICs, NVMe, storage and accelerators. */
    public void setAllEndpoints(boolean all) {
        if (all != allEndpoints) {
            allEndpoints = all;
            session.current().ifPresent(this::analyse);
        }
    }

    /**
     * Every view of the path between two functions of the current topology, with the first as
     * the P2P provider.
     */
    public Optional<PeerPair> pair(PciAddress a, PciAddress b) {
        Peers p = current;
        if (p == null || p.snapshot().topology().function(a).isEmpty() || p.snapshot().topology().function(b).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(p.analysis().pair(a, b));
    }

    /** The kernel rules the preferences name. */
    public static KernelRules rules(IPreferenceStore preferences) {
        return KernelRules.forVersion(preferences.getString(PreferenceConstants.KERNEL_VERSION))
                .orElse(KernelRules.DEFAULT);
    }

    /** The CPU the preferences say to assume, or null to use what the source says. */
    public static @Nullable CpuInfo cpuOverride(IPreferenceStore preferences) {
        String name = preferences.getString(PreferenceConstants.CPU_ASSUMPTION);
        return name.isBlank() || PreferenceConstants.CPU_AS_READ.equals(name) ? null
                : CpuInfo.assumed(name).orElse(null);
    }

    /** Stops following the session and the preferences. */
    public void dispose() {
        session.removeListener(sessionListener);
        preferences.removePropertyChangeListener(preferenceListener);
        Job job = running;
        if (job != null) {
            job.cancel();
        }
    }

    private void preferenceChanged(PropertyChangeEvent event) {
        String p = event.getProperty();
        if (PreferenceConstants.KERNEL_VERSION.equals(p) || PreferenceConstants.CPU_ASSUMPTION.equals(p)) {
            onUiThread(() -> session.current().ifPresent(this::analyse));
        }
    }

    // On the UI thread: a new analysis (cheap: NCCL's graph), then the matrix in a Job.
    private void analyse(TopologySnapshot snapshot) {
        Job previous = running;
        if (previous != null) {
            previous.cancel();
        }
        KernelRules rules = rules(preferences);
        CpuInfo override = cpuOverride(preferences);
        CpuInfo cpu = override != null ? override : snapshot.topology().cpu();
        List<PciFunction> endpoints = PeerAnalysis.endpoints(snapshot.topology(), allEndpoints);
        PeerAnalysis analysis = new PeerAnalysis(snapshot.topology(), rules, override, endpoints);
        Peers peers = new Peers(snapshot, analysis, rules, cpu, override != null || !cpu.isKnown(), allEndpoints,
                new MatrixHolder());
        current = peers;
        fire(l -> l.analysisChanged(peers));
        Job job = new Job("Computing the peer matrix of " + snapshot.topology().source()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                monitor.beginTask(getName(), IProgressMonitor.UNKNOWN);
                Instant start = Instant.now();
                PeerMatrix m = analysis.matrix();
                if (monitor.isCanceled()) {
                    return Status.CANCEL_STATUS;
                }
                peers.matrix().value = m;
                peers.matrix().time = Duration.between(start, Instant.now());
                onUiThread(() -> {
                    if (current == peers) {
                        fire(l -> l.matrixReady(peers));
                    }
                });
                return Status.OK_STATUS;
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == FAMILY;
            }
        };
        job.setPriority(Job.LONG);
        running = job;
        job.schedule();
    }

    private void fire(Consumer<Listener> event) {
        for (Listener l : listeners) {
            event.accept(l);
        }
    }

    private void onUiThread(Runnable r) {
        if (Display.getCurrent() == display) {
            r.run();
        } else if (!display.isDisposed()) {
            display.asyncExec(r);
        }
    }
}
