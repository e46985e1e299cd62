package org.dmascope.ui;

import org.dmascope.ui.views.AddressChainView;
import org.dmascope.ui.views.ChartsView;
import org.dmascope.ui.views.EventTableView;
import org.dmascope.ui.views.LiveControlsView;
import org.dmascope.ui.views.PeerMatrixView;
import org.dmascope.ui.views.TimelineView;
import org.dmascope.ui.views.TopologyView;
import org.dmascope.ui.views.TraceStateView;
import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/**
 * The Live Debugging perspective: the Live Controls on the left (what plays: a simulated
 * scenario or the live host; start, pause, step, speed, record, follow), the Address Chain in
 * the middle, the Topology and Peer Matrix at the cursor on the right, the Timeline and the
 * Events below. Every view follows the shared time cursor.
 */
public final class LiveDebuggingPerspective implements IPerspectiveFactory {

    /** Perspective ID. */
    public static final String ID = "org.dmascope.ui.perspectives.liveDebugging";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(false);
        String editor = layout.getEditorArea();
        layout.addView(AddressChainView.ID, IPageLayout.TOP, 0.58f, editor);
        layout.addView(LiveControlsView.ID, IPageLayout.LEFT, 0.22f, AddressChainView.ID);
        IFolderLayout right = layout.createFolder("liveRight", IPageLayout.RIGHT, 0.66f, AddressChainView.ID);
        right.addView(TopologyView.ID);
        right.addView(PeerMatrixView.ID);
        right.addView(TraceStateView.ID);
        right.addView(IPageLayout.ID_PROP_SHEET);
        IFolderLayout below = layout.createFolder("liveBelow", IPageLayout.BOTTOM, 0.58f, AddressChainView.ID);
        below.addView(TimelineView.ID);
        below.addView(EventTableView.ID);
        below.addView(ChartsView.ID);
        below.addPlaceholder(TopologyPerspective.PROGRESS_VIEW_ID);
        layout.addShowViewShortcut(LiveControlsView.ID);
        layout.addShowViewShortcut(AddressChainView.ID);
        layout.addShowViewShortcut(TimelineView.ID);
        layout.addShowViewShortcut(EventTableView.ID);
        layout.addShowViewShortcut(TopologyView.ID);
        layout.addShowViewShortcut(PeerMatrixView.ID);
        layout.addShowViewShortcut(TraceStateView.ID);
        layout.addShowViewShortcut(ChartsView.ID);
        layout.addPerspectiveShortcut(ID);
        layout.addPerspectiveShortcut(TraceInspectionPerspective.ID);
        layout.addPerspectiveShortcut(TopologyPerspective.ID);
    }
}
