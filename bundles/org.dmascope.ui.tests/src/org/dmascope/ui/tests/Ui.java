package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.dmascope.ui.model.Sessions;
import org.dmascope.ui.model.TopologySession;
import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.commands.ICommandService;
import org.eclipse.ui.handlers.IHandlerService;

/**
 * What the UI tests do to the running workbench: run the event loop until something is shown,
 * execute commands as the menus do, deal with dialogs, and save screenshots under
 * target/screenshots for people to look at. (SWTBot is not on Maven Central.)
 */
final class Ui {

    static final long TIMEOUT_MS = 30_000;

    private Ui() {
    }

    static Display display() {
        return PlatformUI.getWorkbench().getDisplay();
    }

    static IWorkbenchWindow window() {
        IWorkbenchWindow w = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        return w != null ? w : PlatformUI.getWorkbench().getWorkbenchWindows()[0];
    }

    static TopologySession session() {
        return Sessions.topology(window());
    }

    /** Runs the event loop until the condition holds, or fails naming what was awaited. */
    static void waitUntil(String what, BooleanSupplier condition) {
        Display display = display();
        long end = System.currentTimeMillis() + TIMEOUT_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                fail("timed out after " + TIMEOUT_MS + " ms waiting for " + what);
            }
            if (!display.readAndDispatch()) {
                display.timerExec(20, () -> {
                    // wakes the loop
                });
                display.sleep();
            }
        }
    }

    /** Lets pending UI work (layouts, paints, async runnables) happen. */
    static void settle() {
        Display display = display();
        long end = System.currentTimeMillis() + 300;
        while (System.currentTimeMillis() < end) {
            while (display.readAndDispatch()) {
                // drain
            }
            display.timerExec(20, () -> {
            });
            display.sleep();
        }
    }

    /** Waits for topology reads to finish and their results to reach the views. */
    static void waitForTopologyReads() {
        try {
            Job.getJobManager().join(TopologySession.LOAD_FAMILY, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for topology reads");
        }
        settle();
    }

    /** Waits for graph layouts and peer matrices to finish and reach the views. */
    static void waitForPeerWork() {
        try {
            Job.getJobManager().join(org.dmascope.ui.views.TopologyView.LAYOUT_FAMILY, null);
            Job.getJobManager().join(org.dmascope.ui.model.PeerModel.FAMILY, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for layouts");
        }
        settle();
    }

    /** Executes a command the way a menu item does. */
    static void execute(String commandId, String... parameters) throws Exception {
        ICommandService commands = window().getService(ICommandService.class);
        IHandlerService handlers = window().getService(IHandlerService.class);
        java.util.Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i + 1 < parameters.length; i += 2) {
            map.put(parameters[i], parameters[i + 1]);
        }
        ParameterizedCommand command = ParameterizedCommand.generateCommand(commands.getCommand(commandId), map);
        handlers.executeCommand(command, null);
    }

    /**
     * Runs an action that opens a modal dialog titled as given, and, from inside the dialog's
     * own event loop, hands the dialog's shell to the inspector, then closes it.
     *
     * @return whether the dialog appeared
     */
    static boolean withDialog(String titleStart, Runnable open, Consumer<Shell> inspect) {
        Display display = display();
        boolean[] seen = {false};
        long end = System.currentTimeMillis() + TIMEOUT_MS;
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            for (Shell s : display.getShells()) {
                if (s.isVisible() && s.getText().startsWith(titleStart) && !seen[0]) {
                    seen[0] = true;
                    settleInside(s);
                    try {
                        inspect.accept(s);
                    } finally {
                        s.close();
                    }
                    return;
                }
            }
            if (System.currentTimeMillis() < end) {
                display.timerExec(100, poll[0]);
            }
        };
        display.timerExec(100, poll[0]);
        open.run();
        waitUntil("the dialog '" + titleStart + "'", () -> seen[0] || System.currentTimeMillis() > end);
        return seen[0];
    }

    private static void settleInside(Shell s) {
        s.layout(true, true);
        s.update();
        Display display = s.getDisplay();
        for (int i = 0; i < 50 && display.readAndDispatch(); i++) {
            // let the dialog paint
        }
    }

    /** Every control below a composite, depth first. */
    static List<Control> controls(Control root) {
        List<Control> out = new ArrayList<>();
        out.add(root);
        if (root instanceof org.eclipse.swt.widgets.Composite c) {
            for (Control child : c.getChildren()) {
                out.addAll(controls(child));
            }
        }
        return out;
    }

    /** Every tree item below the given ones, expanded as it goes. */
    static List<TreeItem> allItems(TreeItem[] items) {
        List<TreeItem> out = new ArrayList<>();
        for (TreeItem item : items) {
            out.add(item);
            out.addAll(allItems(item.getItems()));
        }
        return out;
    }

    /** Saves what the shell shows, as it is on screen, to target/screenshots/NAME.png. */
    static Path screenshot(Shell shell, String name) throws IOException {
        Display display = shell.getDisplay();
        settle();
        shell.update();
        Rectangle bounds = shell.getBounds();
        Rectangle screen = display.getBounds();
        Rectangle area = bounds.intersection(screen);
        Image image = new Image(display, Math.max(area.width, 1), Math.max(area.height, 1));
        GC gc = new GC(display);
        try {
            gc.copyArea(image, area.x, area.y);
            ImageData data = image.getImageData();
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            ImageLoader loader = new ImageLoader();
            loader.data = new ImageData[] {data};
            loader.save(file.toString(), SWT.IMAGE_PNG);
            return file;
        } finally {
            gc.dispose();
            image.dispose();
        }
    }
}
