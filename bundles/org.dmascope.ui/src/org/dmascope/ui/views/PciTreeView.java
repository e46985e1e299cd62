package org.dmascope.ui.views;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.ui.icons.DeviceIcons;
import org.dmascope.ui.model.Sessions;
import org.dmascope.ui.model.SourceRef;
import org.dmascope.ui.model.TopologySession;
import org.dmascope.ui.model.TopologySnapshot;
import org.dmascope.ui.preferences.PreferenceConstants;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.util.IPropertyChangeListener;
import org.eclipse.jface.util.PropertyChangeEvent;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.jface.viewers.TreeViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeColumn;
import org.eclipse.ui.IActionBars;
import org.eclipse.ui.IWorkbenchActionConstants;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.dialogs.FilteredTree;
import org.eclipse.ui.dialogs.PatternFilter;

/**
 * The PCI hierarchy of the current source as a tree: host bridges, bridges as nested nodes, and every
 * function with its role, class, IDs, link, NUMA node, IOMMU group and driver. The selection
 * feeds the Properties view.
 */
public final class PciTreeView extends OrderedPropertiesView {

    /** View ID. */
    public static final String ID = "org.dmascope.ui.views.pciTree";

    /** Widget data key under which controls are tagged, for tests and accessibility tools. */
    public static final String WIDGET_KEY = TopologyView.WIDGET_KEY;

    private static final int[] WIDTHS = {430, 170, 170, 80, 190, 50, 90, 100};
    private static final int IDS_COLUMN = 3;

    private TopologySession session;
    private DeviceIcons icons;
    private FilteredTree filteredTree;
    private TreeViewer viewer;
    private @Nullable TopologySnapshot shown;
    private final TopologySession.Listener sessionListener = new TopologySession.Listener() {
        @Override
        public void loadStarted(SourceRef source) {
            if (!viewer.getControl().isDisposed()) {
                setContentDescription("Reading " + source.name() + "...");
            }
        }

        @Override
        public void topologyChanged(TopologySnapshot snapshot) {
            if (!viewer.getControl().isDisposed()) {
                show(snapshot);
            }
        }

        @Override
        public void loadFailed(SourceRef source, String message) {
            if (!viewer.getControl().isDisposed()) {
                describe(shown);
            }
        }
    };
    private final IPropertyChangeListener preferenceListener = this::preferenceChanged;

    @Override
    public void createPartControl(Composite parent) {
        session = Sessions.topology(getSite());
        icons = new DeviceIcons(parent.getDisplay());
        filteredTree = new FilteredTree(parent, SWT.MULTI | SWT.H_SCROLL | SWT.V_SCROLL | SWT.FULL_SELECTION,
                new TopologyFilter(), true, true);
        filteredTree.setInitialText("Filter by address, name, class or driver");
        viewer = filteredTree.getViewer();
        Tree tree = viewer.getTree();
        tree.setData(WIDGET_KEY, "topology.tree");
        tree.setHeaderVisible(true);
        tree.setLinesVisible(true);
        for (int i = 0; i < TopologyLabels.COLUMNS.length; i++) {
            TreeViewerColumn column = new TreeViewerColumn(viewer, SWT.LEFT);
            column.getColumn().setText(TopologyLabels.COLUMNS[i]);
            column.getColumn().setWidth(WIDTHS[i]);
            column.getColumn().setMoveable(true);
            column.setLabelProvider(new Column(i));
        }
        viewer.setContentProvider(new TopologyContentProvider());
        viewer.setUseHashlookup(true);
        getSite().setSelectionProvider(viewer);
        viewer.addSelectionChangedListener(e -> showInStatusLine());
        viewer.addDoubleClickListener(e -> {
            Object first = ((IStructuredSelection) e.getSelection()).getFirstElement();
            if (first != null) {
                viewer.setExpandedState(first, !viewer.getExpandedState(first));
            }
        });
        createActions();
        applyColumnPreferences();
        session.addListener(sessionListener);
        session.preferences().addPropertyChangeListener(preferenceListener);
        session.current().ifPresentOrElse(this::show, () -> describe(null));
    }

    private void createActions() {
        IActionBars bars = getViewSite().getActionBars();
        Action expand = new Action("Expand All") {
            @Override
            public void run() {
                viewer.expandAll();
            }
        };
        Action collapse = new Action("Collapse All") {
            @Override
            public void run() {
                viewer.collapseAll();
            }
        };
        Action copy = new Action("Copy") {
            @Override
            public void run() {
                copySelection();
            }
        };
        copy.setActionDefinitionId("org.eclipse.ui.edit.copy");
        bars.setGlobalActionHandler(ActionFactory.COPY.getId(), copy);
        IToolBarManager toolBar = bars.getToolBarManager();
        toolBar.add(new Separator("additions"));
        IMenuManager menu = bars.getMenuManager();
        menu.add(expand);
        menu.add(collapse);
        MenuManager context = new MenuManager();
        context.add(copy);
        context.add(new Separator());
        context.add(expand);
        context.add(collapse);
        context.add(new Separator(IWorkbenchActionConstants.MB_ADDITIONS));
        viewer.getControl().setMenu(context.createContextMenu(viewer.getControl()));
        getSite().registerContextMenu(context, viewer);
    }

    private void copySelection() {
        TopologySnapshot s = shown;
        if (s == null) {
            return;
        }
        List<String> lines = new ArrayList<>();
        for (Object o : viewer.getStructuredSelection().toList()) {
            lines.add(TopologyLabels.summary(o, s.names()));
        }
        if (lines.isEmpty()) {
            return;
        }
        Clipboard clipboard = new Clipboard(viewer.getControl().getDisplay());
        try {
            clipboard.setContents(new Object[] {String.join(System.lineSeparator(), lines)},
                    new Transfer[] {TextTransfer.getInstance()});
        } finally {
            clipboard.dispose();
        }
    }

    private void show(TopologySnapshot snapshot) {
        boolean sameSource = shown != null && shown.source().equals(snapshot.source());
        Object[] expanded = viewer.getExpandedElements();
        shown = snapshot;
        viewer.getTree().setRedraw(false);
        try {
            viewer.setInput(snapshot);
            if (sameSource) {
                viewer.setExpandedElements(expanded);
            } else {
                viewer.expandAll();
            }
        } finally {
            viewer.getTree().setRedraw(true);
        }
        describe(snapshot);
    }

    private void describe(@Nullable TopologySnapshot snapshot) {
        if (snapshot == null) {
            setContentDescription("No topology read yet.");
            return;
        }
        PciTopology t = snapshot.topology();
        String text = String.format(Locale.ROOT, "%s: %d functions below %d host bridge%s, read in %d ms", t.source(),
                t.size(), t.hostBridges().size(), t.hostBridges().size() == 1 ? "" : "s",
                snapshot.readTime().toMillis());
        if (!t.warnings().isEmpty()) {
            text += "; " + t.warnings().size() + " warning" + (t.warnings().size() == 1 ? "" : "s") + " (hover the title)";
        }
        setContentDescription(text);
        setTitleToolTip(String.join("\n", t.warnings()));
    }

    private void showInStatusLine() {
        TopologySnapshot s = shown;
        Object first = viewer.getStructuredSelection().getFirstElement();
        String text = s == null || first == null ? "" : TopologyLabels.summary(first, s.names());
        getViewSite().getActionBars().getStatusLineManager().setMessage(text);
    }

    private void preferenceChanged(PropertyChangeEvent event) {
        if (PreferenceConstants.SHOW_NUMERIC_IDS.equals(event.getProperty()) && !viewer.getControl().isDisposed()) {
            applyColumnPreferences();
        }
    }

    private void applyColumnPreferences() {
        boolean show = session.preferences().getBoolean(PreferenceConstants.SHOW_NUMERIC_IDS);
        TreeColumn ids = viewer.getTree().getColumn(IDS_COLUMN);
        ids.setWidth(show ? WIDTHS[IDS_COLUMN] : 0);
        ids.setResizable(show);
    }

    /** The tree viewer (for tests and for views that link to this one). */
    public TreeViewer viewer() {
        return viewer;
    }

    /** The snapshot on screen, if any. */
    public @Nullable TopologySnapshot shown() {
        return shown;
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }


    @Override
    public void dispose() {
        session.removeListener(sessionListener);
        session.preferences().removePropertyChangeListener(preferenceListener);
        icons.dispose();
        super.dispose();
    }

    private final class Column extends ColumnLabelProvider {
        private final int index;

        Column(int index) {
            this.index = index;
        }

        @Override
        public String getText(Object element) {
            TopologySnapshot s = shown;
            return s == null ? "" : TopologyLabels.text(element, index, s.names());
        }

        @Override
        public @Nullable Image getImage(Object element) {
            if (index != 0) {
                return null;
            }
            if (element instanceof HostBridge) {
                return icons.image(DeviceIcons.Glyph.HOST_BRIDGE);
            }
            return element instanceof PciFunction f ? icons.image(f) : null;
        }

        @Override
        public @Nullable String getToolTipText(Object element) {
            TopologySnapshot s = shown;
            return s == null ? null : TopologyLabels.summary(element, s.names());
        }
    }

    /** Matches a row when any of its column texts contains the filter text. */
    private final class TopologyFilter extends PatternFilter {
        TopologyFilter() {
            setIncludeLeadingWildcard(true);
        }

        @Override
        protected boolean isLeafMatch(org.eclipse.jface.viewers.Viewer v, Object element) {
            TopologySnapshot s = shown;
            if (s == null) {
                return false;
            }
            for (int i = 0; i < TopologyLabels.COLUMNS.length; i++) {
                if (wordMatches(TopologyLabels.text(element, i, s.names()))) {
                    return true;
                }
            }
            return false;
        }
    }
}
