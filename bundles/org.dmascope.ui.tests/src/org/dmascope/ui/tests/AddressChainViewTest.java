package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

import org.dmascope.core.chain.AddressChain;
import org.dmascope.ui.chain.ChainCanvas;
import org.dmascope.ui.chain.ChainCanvas.Column;
import org.dmascope.ui.chain.ChainItem;
import org.dmascope.ui.chain.SegmentHistogram;
import org.dmascope.ui.views.AddressChainView;
import org.dmascope.ui.views.TopologyView;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.IWorkbenchPage;
import org.dmascope.testing.NativeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Address Chain view in the running workbench, on the workbench's own memory: a native
 * buffer this test allocates and touches is resolved through the installed struct page backend;
 * the columns, the tables, the link rules, selection into Properties, zoom down to pages, the
 * IOMMU, and bad input that keeps the chain shown.
 */
class AddressChainViewTest {

    private static final long SIZE = 4L << 20;
    private static NativeBuffer nativeBuffer;
    private static long buffer;
    private AddressChainView view;

    @BeforeAll
    static void allocate() {
        nativeBuffer = NativeBuffer.touched(SIZE);
        buffer = nativeBuffer.address();
    }

    @AfterAll
    static void free() {
        nativeBuffer.close();
    }

    @BeforeEach
    void show() throws Exception {
        IWorkbenchPage page = Ui.window().getActivePage();
        view = (AddressChainView) page.showView(AddressChainView.ID);
        page.setPartState(page.getReference(view), IWorkbenchPage.STATE_MAXIMIZED);
        waitForChain();
    }

    @AfterEach
    void restore() {
        IWorkbenchPage page = Ui.window().getActivePage();
        page.setPartState(page.getReference(view), IWorkbenchPage.STATE_RESTORED);
        Ui.settle();
    }

    private void waitForChain() {
        try {
            Job.getJobManager().join(AddressChainView.RESOLVE_FAMILY, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Ui.settle();
    }

    private <T extends Control> T widget(Class<T> type, String key) {
        return Ui.controls(view.canvas().getShell()).stream().filter(c -> key.equals(c.getData(TopologyView.WIDGET_KEY)))
                .map(type::cast).findFirst().orElseThrow(() -> new AssertionError("no widget " + key));
    }

    private void resolveBuffer(long length) {
        widget(Combo.class, "chain.process").setText(Long.toString(ProcessHandle.current().pid()));
        widget(Text.class, "chain.address").setText(String.format(Locale.ROOT, "%#x", buffer));
        widget(Text.class, "chain.length").setText(Long.toString(length));
        widget(org.eclipse.swt.widgets.Button.class, "chain.resolve").notifyListeners(SWT.Selection, new Event());
        waitForChain();
    }

    @Test
    void opensOnARealChainOfItsOwnHeap() {
        AddressChain c = view.chain();
        assertNotNull(c, "the view resolves its default on opening: " + view.messageText());
        assertEquals(ProcessHandle.current().pid(), c.request().space().pid());
    }

    @Test
    void resolvesALiveBufferIntoColumnsTablesAndRules() throws IOException {
        resolveBuffer(SIZE);
        AddressChain c = view.chain();
        assertNotNull(c);
        assertNull(c.error(), view.messageText());
        assertEquals(buffer, c.request().address());
        long pages = ((buffer + SIZE + 0xfff & ~0xfffL) - (buffer & ~0xfffL)) >>> 12;
        assertEquals(pages, c.pin().pages());
        ChainCanvas canvas = view.canvas();
        assertEquals(c.vmas().size(), canvas.items(Column.VMAS));
        assertEquals(c.pages().size(), canvas.items(Column.PAGES));
        assertEquals(c.sg().size(), canvas.items(Column.PHYSICAL));
        assertEquals(c.dma().size(), canvas.items(Column.SEGMENTS));
        // The tables show the same rows; the first run's PFN is what pagemap says.
        Table runs = widget(Table.class, "chain.pages");
        assertEquals(c.pages().size(), runs.getItemCount());
        assertEquals(String.format(Locale.ROOT, "%#x", buffer & ~0xfffL), runs.getItem(0).getText(0));
        if (pfnsVisible()) {
            assertEquals(String.format(Locale.ROOT, "%#x", pagemapPfn(buffer)), runs.getItem(0).getText(1));
        }
        Table steps = widget(Table.class, "chain.steps");
        assertEquals(6, steps.getItemCount());
        assertEquals("sg", steps.getItem(3).getText(1));
        assertTrue(steps.getItem(3).getText(4).startsWith("sg_alloc_append_table_from_pages"), steps.getItem(3).getText(4));
        assertEquals(c.dma().size(), widget(Table.class, "chain.dma").getItemCount());
        // The histogram counts every scatter-gather entry in the bucket of its size.
        SegmentHistogram histogram = widget(SegmentHistogram.class, "chain.histogram");
        long full = 0;
        for (int i = 0; i < c.dma().size(); i++) {
            full += c.dma().length(i) == 0x10000 ? 1 : 0;
        }
        assertEquals(full, histogram.bucketCount("64 KiB"));
        assertEquals(c.dma().size(), histogram.bucketLabels().stream().mapToInt(histogram::bucketCount).sum());

        // Hovering a link says which rule made it: a real mouse move over the band into the
        // first physical range.
        Point link = canvas.linkCentre(Column.PHYSICAL, 0);
        Event move = new Event();
        move.x = link.x;
        move.y = link.y;
        canvas.notifyListeners(SWT.MouseMove, move);
        String tip = canvas.getToolTipText();
        assertNotNull(tip);
        assertTrue(tip.contains("sg_alloc_append_table_from_pages"), tip);
        Point segmentLink = canvas.linkCentre(Column.SEGMENTS, 0);
        assertTrue(canvas.describeAt(segmentLink.x, segmentLink.y).contains("dma-direct never merges"));
        Ui.screenshot(Ui.window().getShell(), "address-chain");
        widget(org.eclipse.swt.custom.CTabFolder.class, "chain.tabs").setSelection(4);
        Ui.settle();
        Ui.screenshot(Ui.window().getShell(), "address-chain-histogram");
        widget(org.eclipse.swt.custom.CTabFolder.class, "chain.tabs").setSelection(0);
    }

    @Test
    void aClickSelectsTheItemForProperties() {
        resolveBuffer(SIZE);
        ChainCanvas canvas = view.canvas();
        Point p = canvas.centre(Column.SEGMENTS, 0);
        Event down = new Event();
        down.x = p.x;
        down.y = p.y;
        down.button = 1;
        canvas.notifyListeners(SWT.MouseDown, down);
        canvas.notifyListeners(SWT.MouseUp, down);
        IStructuredSelection s = (IStructuredSelection) view.getSite().getSelectionProvider().getSelection();
        ChainItem item = (ChainItem) s.getFirstElement();
        assertEquals(Column.SEGMENTS, item.column());
        assertEquals(0, item.index());
        assertTrue(item.rule().startsWith("dma_direct_map_sg"), item.rule());
        assertTrue(item.label().startsWith("scatter-gather entry 0: DMA "), item.label());
    }

    @Test
    void zoomsFromTheRegionDownToSinglePages() throws IOException {
        resolveBuffer(SIZE);
        ChainCanvas canvas = view.canvas();
        long total = canvas.view()[1];
        for (int i = 0; i < 12; i++) {
            canvas.zoomAround(0x2000, 0.5);
        }
        long[] shown = canvas.view();
        assertTrue(shown[1] - shown[0] <= 0x4000, "zoomed to a few pages: " + (shown[1] - shown[0]));
        assertTrue(shown[1] - shown[0] >= 4096, "never below a page");
        // Eight pages: each page of a run drawn and labelled with its own PFN.
        canvas.zoomTo(0, 0x8000);
        Ui.settle();
        Ui.screenshot(Ui.window().getShell(), "address-chain-pages");
        canvas.notifyListeners(SWT.KeyDown, key('0'));
        assertEquals(total, canvas.view()[1] - canvas.view()[0]);
    }

    private static Event key(char c) {
        Event e = new Event();
        e.character = c;
        return e;
    }

    @Test
    void throughTheIommuTheBufferBecomesOneScatterGatherEntry() {
        widget(Combo.class, "chain.iommu").select(2);
        widget(Text.class, "chain.maxSegment").setText("2G");
        try {
            resolveBuffer(SIZE);
            AddressChain c = view.chain();
            assertNull(c.error(), view.messageText());
            assertTrue(c.request().device().iommu());
            assertEquals(1, c.dma().size());
            assertEquals(1, view.canvas().items(Column.SEGMENTS));
            Point p = view.canvas().linkCentre(Column.SEGMENTS, 0);
            assertTrue(view.canvas().describeAt(p.x, p.y).contains("__finalise_sg"));
        } finally {
            widget(Combo.class, "chain.iommu").select(0);
            widget(Text.class, "chain.maxSegment").setText("");
        }
    }

    @Test
    void choosingADeviceSelectsItAndMapsForIt() throws Exception {
        Ui.execute(org.dmascope.ui.handlers.OpenLiveHostHandler.COMMAND_ID);
        Ui.waitForTopologyReads();
        Combo devices = widget(Combo.class, "chain.device");
        Ui.waitUntil("the live host's devices in the device list", () -> devices.getItemCount() > 1);
        String bdf = devices.getItem(1).split("\\s+")[0];
        view.selectDevice(1);
        try {
            IStructuredSelection s = (IStructuredSelection) view.getSite().getSelectionProvider().getSelection();
            assertEquals(bdf, ((org.dmascope.core.topology.PciFunction) s.getFirstElement()).address().toString());
            resolveBuffer(SIZE);
            AddressChain c = view.chain();
            assertNull(c.error(), view.messageText());
            assertEquals(bdf, c.request().device().address().toString());
            assertTrue(c.request().device().name().startsWith(bdf));
        } finally {
            view.selectDevice(0);
        }
    }

    @Test
    void badInputIsSaidAndTheChainShownStays() {
        resolveBuffer(SIZE);
        AddressChain before = view.chain();
        widget(Text.class, "chain.address").setText("0x1000");
        widget(org.eclipse.swt.widgets.Button.class, "chain.resolve").notifyListeners(SWT.Selection, new Event());
        waitForChain();
        assertTrue(view.messageText().contains("outside every VMA"), view.messageText());
        assertSame(before, view.chain());
        widget(Text.class, "chain.length").setText("lots");
        widget(org.eclipse.swt.widgets.Button.class, "chain.resolve").notifyListeners(SWT.Selection, new Event());
        assertTrue(view.messageText().startsWith("Length: not a number"), view.messageText());
        assertSame(before, view.chain());
    }

    private static boolean pfnsVisible() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1L << 21) != 0;
            }
        }
        return false;
    }

    private static long pagemapPfn(long vaddr) throws IOException {
        try (FileChannel pagemap = FileChannel.open(Path.of("/proc/self/pagemap"), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            pagemap.read(b, (vaddr >>> 12) * 8);
            return b.getLong(0) & ((1L << 55) - 1);
        }
    }
}
