package org.dmascope.ui;

import org.dmascope.ui.views.AddressChainView;
import org.dmascope.ui.views.DiagnosticsView;
import org.dmascope.ui.views.PciTreeView;
import org.dmascope.ui.views.PeerMatrixView;
import org.dmascope.ui.views.TopologyView;
import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/**
 * The Topology perspective: the topology graph in the middle, the PCI tree on the left, the peer
 * matrix below the graph, the Properties of what is selected on the right, and Progress.
 */
public final class TopologyPerspective implements IPerspectiveFactory {

    /** Perspective ID. */
    public static final String ID = "org.dmascope.ui.perspectives.topology";

    /** The Progress view's ID (declared in this plug-in for an RCP product). */
    public static final String PROGRESS_VIEW_ID = "org.eclipse.ui.views.ProgressView";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(false);
        String editor = layout.getEditorArea();
        layout.addView(TopologyView.ID, IPageLayout.LEFT, 0.72f, editor);
        IFolderLayout left = layout.createFolder("left", IPageLayout.LEFT, 0.24f, TopologyView.ID);
        left.addView(PciTreeView.ID);
        IFolderLayout below = layout.createFolder("below", IPageLayout.BOTTOM, 0.62f, TopologyView.ID);
        below.addView(PeerMatrixView.ID);
        below.addView(AddressChainView.ID);
        below.addView(DiagnosticsView.ID);
        IFolderLayout right = layout.createFolder("right", IPageLayout.RIGHT, 0.70f, TopologyView.ID);
        right.addView(IPageLayout.ID_PROP_SHEET);
        IFolderLayout bottomRight = layout.createFolder("bottomRight", IPageLayout.BOTTOM, 0.75f, "right");
        bottomRight.addView(PROGRESS_VIEW_ID);
        layout.addShowViewShortcut(TopologyView.ID);
        layout.addShowViewShortcut(PciTreeView.ID);
        layout.addShowViewShortcut(PeerMatrixView.ID);
        layout.addShowViewShortcut(AddressChainView.ID);
        layout.addShowViewShortcut(DiagnosticsView.ID);
        layout.addShowViewShortcut(IPageLayout.ID_PROP_SHEET);
        layout.addShowViewShortcut(PROGRESS_VIEW_ID);
        layout.addPerspectiveShortcut(ID);
        layout.addPerspectiveShortcut(TraceInspectionPerspective.ID);
        layout.addPerspectiveShortcut(LiveDebuggingPerspective.ID);
    }
}
