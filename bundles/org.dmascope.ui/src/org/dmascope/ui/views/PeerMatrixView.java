package org.dmascope.ui.views;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.NcclPathType;
import org.dmascope.core.peer.P2pMapType;
import org.dmascope.core.peer.PeerMatrix;
import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.peer.SmiClass;
import org.dmascope.ui.model.PeerModel;
import org.dmascope.ui.model.Sessions;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.layout.RowLayout;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;

/**
 * Every pair of endpoints at a glance, like {@code nvidia-smi topo -m}: nvidia-smi's classes,
 * NCCL's path types or the kernel's P2PDMA decision, colour-coded from close to far. A click on
 * a cell selects that pair: the Topology view lights up its path and Properties explains it.
 */
public final class PeerMatrixView extends OrderedPropertiesView {

    /** View ID. */
    public static final String ID = "org.dmascope.ui.views.peerMatrix";

    private PeerModel peers;
    private Combo modeCombo;
    private PeerMatrixCanvas canvas;
    private Composite legend;
    private final SimpleSelectionProvider selectionProvider = new SimpleSelectionProvider();
    private final PeerModel.Listener listener = new PeerModel.Listener() {
        @Override
        public void analysisChanged(PeerModel.Peers p) {
            if (!canvas.isDisposed()) {
                canvas.setMatrix(null);
                setContentDescription("Computing the peer matrix of " + p.snapshot().topology().source() + "...");
            }
        }

        @Override
        public void matrixReady(PeerModel.Peers p) {
            if (!canvas.isDisposed()) {
                show(p);
            }
        }
    };

    @Override
    public void createPartControl(Composite parent) {
        peers = Sessions.peers(getSite());
        Composite top = new Composite(parent, SWT.NONE);
        GridLayout layout = new GridLayout(2, false);
        layout.marginWidth = 4;
        layout.marginHeight = 2;
        top.setLayout(layout);
        new Label(top, SWT.NONE).setText("Show:");
        modeCombo = new Combo(top, SWT.READ_ONLY);
        modeCombo.setData(TopologyView.WIDGET_KEY, "matrix.mode");
        for (PeerMatrixCanvas.Mode m : PeerMatrixCanvas.Mode.values()) {
            modeCombo.add(m.label());
        }
        modeCombo.select(0);
        canvas = new PeerMatrixCanvas(top);
        canvas.setData(TopologyView.WIDGET_KEY, "matrix.canvas");
        canvas.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1));
        legend = new Composite(top, SWT.NONE);
        legend.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false, 2, 1));
        RowLayout row = new RowLayout(SWT.HORIZONTAL);
        row.wrap = true;
        row.spacing = 4;
        legend.setLayout(row);
        modeCombo.addListener(SWT.Selection, e -> {
            canvas.setMode(PeerMatrixCanvas.Mode.values()[modeCombo.getSelectionIndex()]);
            fillLegend();
            peers.current().ifPresent(this::describe);
        });
        canvas.addCellListener(this::cellClicked);
        fillLegend();
        getSite().setSelectionProvider(selectionProvider);
        Action all = new Action("Include Every Endpoint", IAction.AS_CHECK_BOX) {
            @Override
            public void run() {
                peers.setAllEndpoints(isChecked());
            }
        };
        all.setToolTipText("Every endpoint function, not only GPUs, NICs, NVMe, storage and accelerators");
        all.setChecked(peers.allEndpoints());
        getViewSite().getActionBars().getMenuManager().add(all);
        peers.addListener(listener);
        peers.current().ifPresentOrElse(p -> {
            if (p.matrixIfReady().isPresent()) {
                show(p);
            } else {
                listener.analysisChanged(p);
            }
        }, () -> setContentDescription("No topology read yet."));
    }

    private void show(PeerModel.Peers p) {
        PeerMatrix m = p.matrixIfReady().orElse(null);
        canvas.setMatrix(m);
        describe(p);
    }

    private void describe(PeerModel.Peers p) {
        PeerMatrix m = p.matrixIfReady().orElse(null);
        if (m == null) {
            return;
        }
        String source = p.snapshot().topology().source();
        if (m.size() == 0) {
            setContentDescription("No GPUs, NICs, NVMe drives or accelerators in " + source
                    + (p.allEndpoints() ? "." : " (the view menu can include every endpoint)."));
            return;
        }
        String kernel = canvas.mode() == PeerMatrixCanvas.Mode.KERNEL
                ? String.format(Locale.ROOT, "; Linux %s rules, CPU %s%s", p.rules().version(), p.cpu().describe(),
                        p.cpuAssumed() ? " (assumed)" : "")
                : "";
        setContentDescription(String.format(Locale.ROOT, "%s: %d endpoints, %d pairs in %d ms%s. Click a cell for the path.",
                source, m.size(), m.size() * (m.size() - 1), p.matrixTime().map(d -> d.toMillis()).orElse(0L), kernel));
    }

    private void fillLegend() {
        for (Control c : legend.getChildren()) {
            c.dispose();
        }
        switch (canvas.mode()) {
            case NCCL:
                for (NcclPathType t : List.of(NcclPathType.NVL, NcclPathType.NVB, NcclPathType.PIX, NcclPathType.PXB,
                        NcclPathType.PHB, NcclPathType.SYS)) {
                    chip(t.name(), PeerMatrixCanvas.ncclColour(t), t.meaning());
                }
                break;
            case KERNEL:
                for (P2pMapType t : List.of(P2pMapType.BUS_ADDR, P2pMapType.THRU_HOST_BRIDGE, P2pMapType.NOT_SUPPORTED)) {
                    chip(t == P2pMapType.NOT_SUPPORTED ? t.shortName() : t.shortName() + " n", PeerMatrixCanvas.kernelColour(t),
                            t.meaning() + (t == P2pMapType.NOT_SUPPORTED ? "; the kernel reports distance -1"
                                    : "; n: the kernel's distance"));
                }
                break;
            default:
                for (SmiClass c : SmiClass.values()) {
                    if (c != SmiClass.X) {
                        chip(c == SmiClass.NV ? "NV#" : c.name(),
                                PeerMatrixCanvas.smiColour(c), c.legend());
                    }
                }
                break;
        }
        legend.getParent().layout(true, true);
    }

    private void chip(String text, RGB colour, String tooltip) {
        Label l = new Label(legend, SWT.CENTER);
        l.setText(" " + text + " ");
        l.setBackground(new Color(colour));
        l.setToolTipText(tooltip);
    }

    private void cellClicked(int row, int column) {
        PeerMatrix m = canvas.matrix();
        if (m == null || row == column) {
            return;
        }
        Optional<PeerPair> pair = peers.pair(m.endpoints().get(row).address(), m.endpoints().get(column).address());
        pair.ifPresent(p -> selectionProvider.setSelection(new StructuredSelection(p)));
    }

    /** The matrix canvas (for tests). */
    public PeerMatrixCanvas canvas() {
        return canvas;
    }

    /** Shows cells as nvidia-smi, NCCL or the kernel class them. */
    public void setMode(PeerMatrixCanvas.Mode mode) {
        modeCombo.select(mode.ordinal());
        canvas.setMode(mode);
        fillLegend();
        peers.current().ifPresent(this::describe);
    }

    /** The kernel's decision for a cell (for tests). */
    public KernelP2pEngine.@Nullable Decision decision(int row, int column) {
        PeerMatrix m = canvas.matrix();
        return m == null ? null : m.kernel()[row][column];
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }


    @Override
    public void dispose() {
        peers.removeListener(listener);
        super.dispose();
    }
}
