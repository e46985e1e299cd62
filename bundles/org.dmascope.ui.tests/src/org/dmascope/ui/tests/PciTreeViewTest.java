package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.dmascope.ui.handlers.OpenLiveHostHandler;
import org.dmascope.ui.handlers.OpenSourceHandler;
import org.dmascope.ui.handlers.RefreshHandler;
import org.dmascope.ui.model.TopologySnapshot;
import org.dmascope.ui.views.PciTreeView;
import org.dmascope.testing.TestData;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PCI Tree view in the running workbench: it shows exactly the functions of this machine's
 * /sys/bus/pci/devices, each below its real parent bridge; selection feeds Properties; File >
 * Open reads a snapshot; bad input is reported and what was open stays open.
 */
class PciTreeViewTest {

    private PciTreeView view;

    @BeforeEach
    void showLiveHost() throws Exception {
        IWorkbenchPage page = Ui.window().getActivePage();
        view = (PciTreeView) page.showView(PciTreeView.ID);
        Ui.execute(OpenLiveHostHandler.COMMAND_ID);
        Ui.waitForTopologyReads();
        Ui.waitUntil("the live host in the PCI Tree view", () -> view.shown() != null
                && view.shown().source().kind() == org.dmascope.ui.model.SourceRef.Kind.LIVE);
        view.viewer().expandAll();
        Ui.settle();
    }

    private Tree tree() {
        return (Tree) Ui.controls(view.viewer().getControl().getParent()).stream()
                .filter(c -> "topology.tree".equals(c.getData(PciTreeView.WIDGET_KEY))).findFirst().orElseThrow();
    }

    /** BDF (or host bridge name) of each row, mapped to the text of its parent row's first word. */
    private Map<String, String> shownParents() {
        Map<String, String> parents = new TreeMap<>();
        for (TreeItem item : Ui.allItems(tree().getItems())) {
            String key = firstWord(item.getText(0));
            TreeItem parent = item.getParentItem();
            parents.put(key, parent == null ? "" : firstWord(parent.getText(0)));
        }
        return parents;
    }

    private static String firstWord(String text) {
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }

    @Test
    void showsEveryFunctionOfThisMachineUnderItsParent() throws IOException {
        Map<String, String> shown = shownParents();
        Map<String, String> expected = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/sys/bus/pci/devices"))) {
            for (Path entry : dir) {
                Path real = entry.toRealPath();
                String up = real.getParent().getFileName().toString();
                expected.put(entry.getFileName().toString(), up);
                if (up.startsWith("pci")) {
                    expected.put(up, "");
                }
            }
        }
        assertEquals(expected, shown);
        String description = view.getContentDescription();
        assertTrue(description.startsWith("this machine (/sys): " + (expected.size() - countHostBridges(expected))
                + " functions"), description);
        Ui.screenshot(Ui.window().getShell(), "topology-view");
    }

    private static long countHostBridges(Map<String, String> rows) {
        return rows.keySet().stream().filter(k -> k.startsWith("pci")).count();
    }

    @Test
    void selectingAFunctionShowsItsProperties() throws Exception {
        IWorkbenchPage page = Ui.window().getActivePage();
        page.activate(view);
        Tree tree = tree();
        TreeItem function = Ui.allItems(tree.getItems()).stream().filter(i -> i.getParentItem() != null)
                .findFirst().orElseThrow();
        String bdf = firstWord(function.getText(0));
        tree.setSelection(function);
        Event e = new Event();
        e.item = function;
        tree.notifyListeners(SWT.Selection, e);
        IViewPart properties = page.showView(IPageLayout.ID_PROP_SHEET);
        page.activate(view);
        String vendorFile = Files.readString(Path.of("/sys/bus/pci/devices", bdf, "vendor")).trim();
        Tree sheet = (Tree) Ui.controls(properties.getViewSite().getShell()).stream()
                .filter(c -> c instanceof Tree t && t != tree && Ui.controls(
                        ((org.eclipse.ui.part.ViewPart) properties).getViewSite().getShell()).contains(t))
                .filter(c -> isPropertySheetTree((Tree) c)).findFirst().orElseThrow();
        Ui.waitUntil("the Properties view to show " + bdf, () -> propertyValue(sheet, "Address").equals(bdf));
        String vendor = propertyValue(sheet, "Vendor");
        assertTrue(vendor.endsWith("[" + vendorFile.substring(2) + "]"), vendor + " vs " + vendorFile);
        assertFalse(propertyValue(sheet, "NUMA node").isEmpty());
        Ui.screenshot(Ui.window().getShell(), "topology-properties");
    }

    private static boolean isPropertySheetTree(Tree t) {
        return t.getColumnCount() == 2 && "Property".equals(t.getColumn(0).getText());
    }

    private static String propertyValue(Tree sheet, String name) {
        for (TreeItem item : Ui.allItems(sheet.getItems())) {
            if (name.equals(item.getText(0))) {
                return item.getText(1);
            }
        }
        return "";
    }

    @Test
    void fileOpenReadsASnapshotArchive() throws Exception {
        Path snapshot = TestData.path("sysfs/40intel64-2g2n4c+pcilocality.tar.bz2");
        Ui.execute(OpenSourceHandler.COMMAND_ID, OpenSourceHandler.PATH_PARAMETER, snapshot.toString());
        Ui.waitForTopologyReads();
        Ui.waitUntil("the snapshot in the view", () -> view.shown() != null
                && view.shown().source().name().equals(snapshot.toString()));
        assertEquals(37, view.shown().topology().size());
        Map<String, String> shown = shownParents();
        assertEquals("0000:00:03.0", shown.get("0000:01:00.0"));
        assertEquals("pci0000:40", shown.get("0000:40:01.0"));
        assertEquals(2, shown.values().stream().filter(String::isEmpty).count(), "two host bridges");
        Ui.screenshot(Ui.window().getShell(), "topology-snapshot");
    }

    @Test
    void badInputIsReportedAndWhatWasOpenStaysOpen(@TempDir Path temp) throws Exception {
        TopologySnapshot before = view.shown();
        assertNotNull(before);
        Files.writeString(temp.resolve("notes.txt"), "not a sysfs tree");
        StringBuilder message = new StringBuilder();
        boolean shown = Ui.withDialog("Cannot open", () -> {
            try {
                Ui.execute(OpenSourceHandler.COMMAND_ID, OpenSourceHandler.PATH_PARAMETER, temp.toString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, dialog -> {
            for (var c : Ui.controls(dialog)) {
                if (c instanceof Label l) {
                    message.append(l.getText()).append('\n');
                }
            }
            try {
                Ui.screenshot(dialog, "open-error");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(shown, "an error dialog appeared");
        assertTrue(message.toString().contains(temp + ": not a topology DMA Scope can read"), message.toString());
        Ui.settle();
        assertEquals(before, view.shown(), "the live topology is still shown");
        assertEquals(before.source(), Ui.session().currentSource());
    }

    @Test
    void refreshReadsTheSourceAgain() throws Exception {
        TopologySnapshot before = view.shown();
        Ui.execute(RefreshHandler.COMMAND_ID);
        Ui.waitForTopologyReads();
        Ui.waitUntil("a new read", () -> view.shown() != before);
        assertTrue(view.shown().readAt().compareTo(before.readAt()) >= 0);
        assertEquals(before.topology().size(), view.shown().topology().size());
        List<String> rows = shownParents().keySet().stream().toList();
        assertFalse(rows.isEmpty());
    }
}
