package org.dmascope.ui.handlers;

import org.dmascope.ui.model.Sessions;
import org.dmascope.ui.model.SourceRef;
import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.ui.handlers.HandlerUtil;

/** File > Open Live Host: this machine's PCI hierarchy, read from sysfs. */
public final class OpenLiveHostHandler extends AbstractHandler {

    /** Command ID. */
    public static final String COMMAND_ID = "org.dmascope.ui.commands.openLive";

    @Override
    public @Nullable Object execute(ExecutionEvent event) {
        Sessions.topology(HandlerUtil.getActiveWorkbenchWindow(event)).open(SourceRef.liveHost());
        return null;
    }
}
