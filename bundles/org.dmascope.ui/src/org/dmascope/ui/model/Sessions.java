package org.dmascope.ui.model;

import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.services.IServiceLocator;

/** Finds the running workbench's topology session and peer model (kept in the workbench's context). */
public final class Sessions {

    private Sessions() {
    }

    /**
     * The session, looked up through a part's or window's services.
     *
     * @throws IllegalStateException when the DMA Scope workbench did not create one
     */
    public static TopologySession topology(IServiceLocator locator) {
        TopologySession session = locator.getService(TopologySession.class);
        if (session == null && PlatformUI.isWorkbenchRunning()) {
            IEclipseContext context = PlatformUI.getWorkbench().getService(IEclipseContext.class);
            session = context == null ? null : context.get(TopologySession.class);
        }
        if (session == null) {
            throw new IllegalStateException("the DMA Scope workbench has no topology session");
        }
        return session;
    }

    /**
     * The peer paths model, looked up as {@link #topology} is.
     *
     * @throws IllegalStateException when the DMA Scope workbench did not create one
     */
    public static PeerModel peers(IServiceLocator locator) {
        PeerModel model = locator.getService(PeerModel.class);
        if (model == null && PlatformUI.isWorkbenchRunning()) {
            IEclipseContext context = PlatformUI.getWorkbench().getService(IEclipseContext.class);
            model = context == null ? null : context.get(PeerModel.class);
        }
        if (model == null) {
            throw new IllegalStateException("the DMA Scope workbench has no peer model");
        }
        return model;
    }
}
