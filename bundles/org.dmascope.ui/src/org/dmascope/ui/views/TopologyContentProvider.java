package org.dmascope.ui.views;

import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.ui.model.TopologySnapshot;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.Viewer;

/**
 * The PCI hierarchy as a tree: host bridges at the top, the functions on each root bus below,
 * and below every bridge the functions on its secondary bus.
 */
final class TopologyContentProvider implements ITreeContentProvider {

    private @Nullable PciTopology topology;

    @Override
    public void inputChanged(Viewer viewer, @Nullable Object oldInput, @Nullable Object newInput) {
        topology = newInput instanceof TopologySnapshot s ? s.topology() : null;
    }

    @Override
    public Object[] getElements(@Nullable Object input) {
        return input instanceof TopologySnapshot s ? s.topology().hostBridges().toArray() : new Object[0];
    }

    @Override
    public Object[] getChildren(Object parent) {
        PciTopology t = topology;
        if (t == null) {
            return new Object[0];
        }
        if (parent instanceof HostBridge h) {
            return t.rootFunctions(h).toArray();
        }
        if (parent instanceof PciFunction f) {
            return t.children(f.address()).toArray();
        }
        return new Object[0];
    }

    @Override
    public @Nullable Object getParent(Object element) {
        PciTopology t = topology;
        if (t == null || !(element instanceof PciFunction f)) {
            return null;
        }
        if (f.parent() == null) {
            return t.hostBridge(f).orElse(null);
        }
        return t.parent(f).orElse(null);
    }

    @Override
    public boolean hasChildren(Object element) {
        return getChildren(element).length > 0;
    }
}
