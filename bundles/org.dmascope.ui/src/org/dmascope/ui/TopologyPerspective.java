package org.dmascope.ui;

import org.dmascope.ui.views.TopologyView;
import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/** The Topology perspective: the PCI tree, the Properties of what is selected, and Progress. */
public final class TopologyPerspective implements IPerspectiveFactory {

    /** Perspective ID. */
    public static final String ID = "org.dmascope.ui.perspectives.topology";

    /** The Progress view's ID (declared in this plug-in for an RCP product). */
    public static final String PROGRESS_VIEW_ID = "org.eclipse.ui.views.ProgressView";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(false);
        String editor = layout.getEditorArea();
        layout.addView(TopologyView.ID, IPageLayout.LEFT, 0.62f, editor);
        IFolderLayout right = layout.createFolder("right", IPageLayout.RIGHT, 0.62f, TopologyView.ID);
        right.addView(IPageLayout.ID_PROP_SHEET);
        IFolderLayout bottom = layout.createFolder("bottom", IPageLayout.BOTTOM, 0.78f, "right");
        bottom.addView(PROGRESS_VIEW_ID);
        layout.addShowViewShortcut(TopologyView.ID);
        layout.addShowViewShortcut(IPageLayout.ID_PROP_SHEET);
        layout.addShowViewShortcut(PROGRESS_VIEW_ID);
        layout.addPerspectiveShortcut(ID);
    }
}
