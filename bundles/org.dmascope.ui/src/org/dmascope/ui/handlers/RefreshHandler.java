package org.dmascope.ui.handlers;

import org.dmascope.ui.model.Sessions;
import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.ui.handlers.HandlerUtil;

/** Refresh (F5): reads the current source again. */
public final class RefreshHandler extends AbstractHandler {

    /** Command ID. */
    public static final String COMMAND_ID = "org.dmascope.ui.commands.refresh";

    @Override
    public @Nullable Object execute(ExecutionEvent event) {
        Sessions.topology(HandlerUtil.getActiveWorkbenchWindow(event)).refresh();
        return null;
    }
}
