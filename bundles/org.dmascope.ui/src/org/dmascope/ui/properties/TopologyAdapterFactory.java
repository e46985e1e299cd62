package org.dmascope.ui.properties;

import org.dmascope.core.pciids.PciIds;
import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.ui.chain.ChainItem;
import org.dmascope.ui.model.Sessions;
import org.dmascope.ui.model.TopologySnapshot;
import org.eclipse.core.runtime.IAdapterFactory;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.views.properties.IPropertySource;

/** Gives topology elements and peer pairs their Properties view rows. */
public final class TopologyAdapterFactory implements IAdapterFactory {

    @Override
    public <T> @Nullable T getAdapter(Object adaptable, Class<T> adapterType) {
        if (adapterType != IPropertySource.class) {
            return null;
        }
        PciNames names = currentNames();
        if (adaptable instanceof PciFunction f) {
            return adapterType.cast(new PciFunctionPropertySource(f, names));
        }
        if (adaptable instanceof HostBridge h) {
            return adapterType.cast(new HostBridgePropertySource(h));
        }
        if (adaptable instanceof PeerPair p) {
            return adapterType.cast(new PeerPairPropertySource(p, names));
        }
        if (adaptable instanceof ChainItem item) {
            return adapterType.cast(new ChainItemPropertySource(item));
        }
        return null;
    }

    @Override
    public Class<?>[] getAdapterList() {
        return new Class<?>[] {IPropertySource.class};
    }

    // Names of the topology on screen (the element came from it).
    private static PciNames currentNames() {
        return Sessions.topology(PlatformUI.getWorkbench()).current().map(TopologySnapshot::names)
                .orElseGet(() -> new PciNames(PciIds.empty()));
    }
}
