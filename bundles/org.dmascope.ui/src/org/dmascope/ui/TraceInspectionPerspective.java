package org.dmascope.ui;

import org.dmascope.ui.views.AddressChainView;
import org.dmascope.ui.views.EventTableView;
import org.dmascope.ui.views.TimelineView;
import org.dmascope.ui.views.TraceStateView;
import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/**
 * The Trace Inspection perspective: the Timeline across the top, the Event table below it, the
 * State at the cursor on the right, Progress below that.
 */
public final class TraceInspectionPerspective implements IPerspectiveFactory {

    /** Perspective ID. */
    public static final String ID = "org.dmascope.ui.perspectives.traceInspection";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(false);
        String editor = layout.getEditorArea();
        layout.addView(TimelineView.ID, IPageLayout.TOP, 0.45f, editor);
        IFolderLayout below = layout.createFolder("traceBelow", IPageLayout.BOTTOM, 0.45f, TimelineView.ID);
        below.addView(EventTableView.ID);
        below.addPlaceholder(AddressChainView.ID);
        IFolderLayout right = layout.createFolder("traceRight", IPageLayout.RIGHT, 0.62f, "traceBelow");
        right.addView(TraceStateView.ID);
        right.addView(IPageLayout.ID_PROP_SHEET);
        IFolderLayout progress = layout.createFolder("traceProgress", IPageLayout.BOTTOM, 0.8f, "traceRight");
        progress.addView(TopologyPerspective.PROGRESS_VIEW_ID);
        layout.addShowViewShortcut(TimelineView.ID);
        layout.addShowViewShortcut(EventTableView.ID);
        layout.addShowViewShortcut(TraceStateView.ID);
        layout.addShowViewShortcut(TopologyPerspective.PROGRESS_VIEW_ID);
        layout.addPerspectiveShortcut(ID);
        layout.addPerspectiveShortcut(TopologyPerspective.ID);
        layout.addPerspectiveShortcut(LiveDebuggingPerspective.ID);
    }
}
