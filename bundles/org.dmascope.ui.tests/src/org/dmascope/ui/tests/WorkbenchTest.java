package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.ui.TopologyPerspective;
import org.dmascope.ui.views.PciTreeView;
import org.dmascope.ui.views.PeerMatrixView;
import org.dmascope.ui.views.TopologyView;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.Test;

/** The window as a user first sees it: title, menus, perspective, standard views and dialogs. */
class WorkbenchTest {

    @Test
    void windowIsDmaScopeWithItsMenus() throws Exception {
        Shell shell = Ui.window().getShell();
        assertEquals("DMA Scope", shell.getText());
        IWorkbenchPage page = Ui.window().getActivePage();
        assertEquals(TopologyPerspective.ID, page.getPerspective().getId());
        assertNotNull(page.findView(IPageLayout.ID_PROP_SHEET), "Properties view in the perspective");
        assertNotNull(page.findView(TopologyPerspective.PROGRESS_VIEW_ID), "Progress view in the perspective");
        assertNotNull(page.findView(TopologyView.ID), "Topology (graph) view in the perspective");
        assertNotNull(page.findView(PciTreeView.ID), "PCI Tree view in the perspective");
        assertNotNull(page.findView(PeerMatrixView.ID), "Peer Matrix view in the perspective");

        Menu bar = shell.getMenuBar();
        List<String> top = new ArrayList<>();
        for (MenuItem item : bar.getItems()) {
            top.add(plain(item.getText()));
        }
        assertEquals(List.of("File", "Window", "Help"), top);
        assertTrue(items(bar.getItem(0)).containsAll(List.of("Open...", "Open Folder...", "Open Live Host", "Refresh", "Exit")),
                items(bar.getItem(0)).toString());
        assertTrue(items(bar.getItem(1)).containsAll(List.of("Open Perspective", "Show View", "Preferences...")),
                items(bar.getItem(1)).toString());
        assertTrue(items(bar.getItem(2)).contains("About DMA Scope"), items(bar.getItem(2)).toString());
        Ui.screenshot(shell, "workbench");
    }

    @Test
    void preferencesHaveTheDmaScopePage() throws Exception {
        List<String> labels = new ArrayList<>();
        boolean shown = Ui.withDialog("Preferences", () -> run("org.eclipse.ui.window.preferences"), dialog -> {
            for (var c : Ui.controls(dialog)) {
                if (c instanceof org.eclipse.swt.widgets.Tree tree) {
                    for (var item : tree.getItems()) {
                        labels.add(item.getText());
                    }
                }
                if (c instanceof org.eclipse.swt.widgets.Label l) {
                    labels.add(l.getText().replace("&", ""));
                }
            }
            screenshot(dialog, "preferences");
        });
        assertTrue(shown, "the Preferences dialog opened");
        assertTrue(labels.contains("DMA Scope"), labels.toString());
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("Live host's")), labels.toString());
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("Kernel rules")), labels.toString());
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("CPU for the host bridge rule")), labels.toString());
    }

    @Test
    void aboutNamesTheProduct() {
        List<String> texts = new ArrayList<>();
        boolean shown = Ui.withDialog("About DMA Scope", () -> run("org.eclipse.ui.help.aboutAction"), dialog -> {
            for (var c : Ui.controls(dialog)) {
                if (c instanceof org.eclipse.swt.custom.StyledText t) {
                    texts.add(t.getText());
                }
            }
            screenshot(dialog, "about");
        });
        assertTrue(shown, "the About dialog opened");
        assertTrue(texts.stream().anyMatch(t -> t.contains("peer-to-peer DMA")), texts.toString());
    }

    private static void run(String command) {
        try {
            Ui.execute(command);
        } catch (Exception e) {
            throw new AssertionError(command + " failed", e);
        }
    }

    private static void screenshot(Shell shell, String name) {
        try {
            Ui.screenshot(shell, name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The items of a menu bar entry, as shown when the menu opens. */
    private static List<String> items(MenuItem cascade) {
        Menu menu = cascade.getMenu();
        menu.notifyListeners(SWT.Show, new Event());
        List<String> out = new ArrayList<>();
        for (MenuItem item : menu.getItems()) {
            if ((item.getStyle() & SWT.SEPARATOR) == 0) {
                out.add(plain(item.getText()));
            }
        }
        menu.notifyListeners(SWT.Hide, new Event());
        return out;
    }

    // "&Open...\tCtrl+O" -> "Open..."
    private static String plain(String menuText) {
        int tab = menuText.indexOf('\t');
        return (tab >= 0 ? menuText.substring(0, tab) : menuText).replace("&", "");
    }
}
