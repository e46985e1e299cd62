package org.dmascope.ui;

import org.eclipse.swt.graphics.Point;
import org.eclipse.ui.application.ActionBarAdvisor;
import org.eclipse.ui.application.IActionBarConfigurer;
import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;

/** Shapes the main window: title, size, tool bar, status line, progress. */
final class DmaScopeWindowAdvisor extends WorkbenchWindowAdvisor {

    /** The window title. */
    static final String TITLE = "DMA Scope";

    private final DmaScopeWorkbenchAdvisor workbenchAdvisor;

    DmaScopeWindowAdvisor(IWorkbenchWindowConfigurer configurer, DmaScopeWorkbenchAdvisor workbenchAdvisor) {
        super(configurer);
        this.workbenchAdvisor = workbenchAdvisor;
    }

    @Override
    public ActionBarAdvisor createActionBarAdvisor(IActionBarConfigurer configurer) {
        return new DmaScopeActionBarAdvisor(configurer);
    }

    @Override
    public void preWindowOpen() {
        IWorkbenchWindowConfigurer configurer = getWindowConfigurer();
        configurer.setInitialSize(new Point(1440, 900));
        configurer.setShowCoolBar(true);
        configurer.setShowStatusLine(true);
        configurer.setShowProgressIndicator(true);
        configurer.setShowPerspectiveBar(true);
        configurer.setTitle(TITLE);
    }

    @Override
    public void postWindowOpen() {
        getWindowConfigurer().getWindow().getShell().setText(TITLE);
        workbenchAdvisor.windowOpened(getWindowConfigurer().getWindow());
    }
}
