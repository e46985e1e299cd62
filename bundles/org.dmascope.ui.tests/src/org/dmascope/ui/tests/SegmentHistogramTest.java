package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.ui.chain.SegmentHistogram;
import org.eclipse.core.runtime.Platform;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The segment-size histogram, JFreeChart drawn on an SWT GC, in a shell of the running
 * workbench: power-of-two buckets, a readable axis, pixels on the screen and the PNG export.
 */
class SegmentHistogramTest {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    /** 1000 pages, 10 x 64 KiB, 3 x 2 MiB and one 3 MiB segment (in the 2 MiB bucket). */
    private static long[] sizes() {
        long[] sizes = new long[1014];
        Arrays.fill(sizes, 0, 1000, 4 * KIB);
        Arrays.fill(sizes, 1000, 1010, 64 * KIB);
        Arrays.fill(sizes, 1010, 1013, 2 * MIB);
        sizes[1013] = 3 * MIB;
        return sizes;
    }

    /** Without trim: under Xvfb there is no window manager to draw one, and the bounds are what shows. */
    private static Shell shell() {
        Shell shell = new Shell(Ui.window().getShell(), SWT.NO_TRIM);
        shell.setText("Segment sizes");
        shell.setLayout(new FillLayout());
        shell.setBounds(60, 60, 820, 520);
        return shell;
    }

    @Test
    void bucketsArePowersOfTwoAtOrBelowTheSize() throws Exception {
        Shell shell = shell();
        try {
            SegmentHistogram histogram = new SegmentHistogram(shell);
            long[] sizes = sizes();
            // Only the first count sizes count: the rest of the array is spare room.
            long[] buffer = Arrays.copyOf(sizes, sizes.length + 100);
            Arrays.fill(buffer, sizes.length, buffer.length, 1L << 40);
            histogram.setSizes(buffer, sizes.length, "ib_umem_get: 1014 DMA segments");
            assertEquals(1000, histogram.bucketCount("4 KiB"));
            assertEquals(0, histogram.bucketCount("8 KiB"));
            assertEquals(10, histogram.bucketCount("64 KiB"));
            assertEquals(4, histogram.bucketCount("2 MiB"), "3 MiB counts in 2 MiB");
            assertEquals(0, histogram.bucketCount("\u2265 2 GiB"));
            List<String> labels = histogram.bucketLabels();
            assertEquals(20, labels.size());
            assertEquals("4 KiB", labels.get(0));
            assertEquals("512 KiB", labels.get(7));
            assertEquals("1 MiB", labels.get(8));
            assertEquals("1 GiB", labels.get(18));
            assertEquals("\u2265 2 GiB", labels.get(19));
            int total = 0;
            for (String label : labels) {
                total += histogram.bucketCount(label);
            }
            assertEquals(sizes.length, total);
            assertTrue(histogram.isLogScale(), "1000 against 1: a log axis");
            assertThrows(IllegalArgumentException.class, () -> histogram.bucketCount("3 MiB"));

            // The edges: a partial page counts in 4 KiB, one byte short of 8 KiB too, 2 GiB
            // and anything larger in the last bucket.
            histogram.setSizes(new long[] {512, 8 * KIB - 1, 8 * KIB, 2048 * MIB - 1, 2048 * MIB, 1L << 40}, 6, "edges");
            assertEquals(2, histogram.bucketCount("4 KiB"));
            assertEquals(1, histogram.bucketCount("8 KiB"));
            assertEquals(1, histogram.bucketCount("1 GiB"));
            assertEquals(2, histogram.bucketCount("\u2265 2 GiB"));
            assertFalse(histogram.isLogScale(), "counts of 1 and 2: a linear axis");
            assertThrows(IllegalArgumentException.class, () -> histogram.setSizes(new long[] {4096, 0}, 2, "zero"));
            assertThrows(IndexOutOfBoundsException.class, () -> histogram.setSizes(new long[] {4096}, 2, "short"));
        } finally {
            shell.dispose();
        }
    }

    @Test
    void theChartIsDrawnOnTheCanvasAndSavedAsPng() throws Exception {
        Shell shell = shell();
        try {
            SegmentHistogram histogram = new SegmentHistogram(shell);
            long[] sizes = sizes();
            histogram.setSizes(sizes, sizes.length, "ib_umem_get: 1014 DMA segments");
            shell.open();
            shell.layout(true, true);
            Ui.waitUntil("the histogram laid out", () -> histogram.getSize().x > 0 && histogram.isVisible());
            Ui.settle();

            Path shot = Ui.screenshot(shell, "segment-histogram");
            ImageData image = new ImageData(shot.toString());
            // Inside the canvas (the shell's client area), something other than the white
            // background: bars, axes, labels.
            Point origin = histogram.toDisplay(0, 0);
            Rectangle bounds = shell.getBounds();
            Point size = histogram.getSize();
            int x0 = origin.x - bounds.x;
            int y0 = origin.y - bounds.y;
            Map<Integer, Integer> colours = new HashMap<>();
            int inked = 0;
            int pixels = 0;
            for (int y = Math.max(y0, 0); y < Math.min(y0 + size.y, image.height); y++) {
                for (int x = Math.max(x0, 0); x < Math.min(x0 + size.x, image.width); x++) {
                    int p = image.getPixel(x, y);
                    colours.merge(p, 1, Integer::sum);
                    pixels++;
                }
            }
            int background = colours.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            for (var e : colours.entrySet()) {
                if (e.getKey() != background) {
                    inked += e.getValue();
                }
            }
            assertTrue(pixels > 100_000, "the canvas is on the screenshot: " + pixels + " pixels");
            assertTrue(inked > pixels / 50, inked + " of " + pixels + " pixels drawn");
            assertTrue(colours.size() > 10, colours.size() + " colours: text and bars, antialiased");

            Path png = Path.of("target", "segment-histogram-export.png");
            Files.deleteIfExists(png);
            histogram.savePng(png);
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, "a PNG signature");
            ImageData saved = new ImageData(png.toString());
            assertEquals(size.x, saved.width);
            assertEquals(size.y, saved.height);
            assertEquals(histogram.pngSize(), new Point(saved.width, saved.height));
            int first = saved.getPixel(0, 0);
            boolean drawn = false;
            for (int y = 0; y < saved.height && !drawn; y += 3) {
                for (int x = 0; x < saved.width && !drawn; x += 3) {
                    drawn = saved.getPixel(x, y) != first;
                }
            }
            assertTrue(drawn, "the exported chart is not blank");

            assertNotNull(histogram.getMenu(), "a context menu");
            assertEquals(List.of("Save as PNG..."),
                    Arrays.stream(histogram.getMenu().getItems()).map(i -> i.getText()).toList());

            // Resized, the chart is drawn again at the new size.
            shell.setSize(600, 400);
            Ui.settle();
            assertEquals(histogram.getSize(), histogram.pngSize());

            histogram.setSizes(new long[0], 0, "no segments");
            Ui.settle();
            for (String label : histogram.bucketLabels()) {
                assertEquals(0, histogram.bucketCount(label), label);
            }
            Ui.screenshot(shell, "segment-histogram-empty");
        } finally {
            shell.dispose();
        }
    }

    /** The wrapped JFreeChart bundles resolve, AWT and Swing wired to the JDK through the system bundle. */
    @Test
    void jfreeChartBundlesResolveWithAwtFromTheSystemBundle() {
        for (String name : List.of("org.jfree.jfreechart", "org.jfree.swtgraphics2d")) {
            Bundle bundle = Platform.getBundle(name);
            assertNotNull(bundle, name + " installed");
            assertTrue((bundle.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE)) != 0,
                    name + " resolved, state " + bundle.getState());
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            assertNotNull(wiring, name + " wired");
            boolean awt = false;
            for (BundleWire wire : wiring.getRequiredWires("osgi.wiring.package")) {
                Object pkg = wire.getCapability().getAttributes().get("osgi.wiring.package");
                if ("java.awt".equals(pkg) || "javax.swing".equals(pkg)) {
                    assertEquals(0, wire.getProvider().getBundle().getBundleId(), pkg + " from the system bundle");
                    awt |= "java.awt".equals(pkg);
                }
            }
            assertTrue(awt, name + " imports java.awt");
        }
    }
}
