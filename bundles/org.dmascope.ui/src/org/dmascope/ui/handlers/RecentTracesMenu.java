package org.dmascope.ui.handlers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dmascope.ui.trace.TraceModel;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.ActionContributionItem;
import org.eclipse.jface.action.IContributionItem;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.actions.CompoundContributionItem;

/** File > Recent Traces: the traces opened last (kept in preferences), newest first. */
public final class RecentTracesMenu extends CompoundContributionItem {

    @Override
    protected IContributionItem[] getContributionItems() {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        if (window == null) {
            return new IContributionItem[0];
        }
        TraceModel model = TraceModel.find(window);
        List<IContributionItem> items = new ArrayList<>();
        int n = 1;
        for (Path p : model.recent()) {
            String label = (n <= 9 ? "&" + n + " " : "") + p.getFileName() + "  [" + p.getParent() + "]";
            Action a = new Action(label.replace("@", "@@")) {
                @Override
                public void run() {
                    OpenTraceHandler.open(window, p);
                }
            };
            a.setToolTipText(p.toString());
            items.add(new ActionContributionItem(a));
            n++;
        }
        if (items.isEmpty()) {
            Action none = new Action("(none yet)") {
            };
            none.setEnabled(false);
            items.add(new ActionContributionItem(none));
        }
        return items.toArray(new IContributionItem[0]);
    }
}
