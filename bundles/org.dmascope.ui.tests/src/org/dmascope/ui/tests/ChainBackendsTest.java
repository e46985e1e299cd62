package org.dmascope.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.dmascope.core.chain.AddressChain;
import org.dmascope.ui.chain.ChainCanvas;
import org.dmascope.ui.chain.ChainCanvas.Column;
import org.dmascope.ui.chain.ChainItem;
import org.dmascope.ui.chain.PageStates;
import org.dmascope.ui.handlers.OpenScenarioHandler;
import org.dmascope.ui.views.AddressChainView;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Event;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Address Chain view drawing each backend's page states, on chains that shipped scenarios
 * build (File > Open Scenario): HMM device-private pages, GPUDirect BAR1 pages with no struct
 * page and the MR the free callback invalidated, an ODP MR with an invalidated sub-range, and a
 * single device-private page among thousands still visible at low zoom.
 */
class ChainBackendsTest {

    private static final String DEVICE_PRIVATE = "device-private (device memory the CPU cannot reach)";
    private static final String NO_STRUCT_PAGE = "no struct page (BAR or PFN map)";
    private static final String ODP_INVALIDATED = "HMM: ODP: invalidated by the MMU notifier";

    private AddressChainView view;

    @BeforeEach
    void show() throws Exception {
        IWorkbenchPage page = Ui.window().getActivePage();
        view = (AddressChainView) page.showView(AddressChainView.ID);
        page.setPartState(page.getReference(view), IWorkbenchPage.STATE_MAXIMIZED);
        Job.getJobManager().join(AddressChainView.RESOLVE_FAMILY, null);
        Ui.settle();
    }

    @AfterEach
    void restore() {
        IWorkbenchPage page = Ui.window().getActivePage();
        page.setPartState(page.getReference(view), IWorkbenchPage.STATE_RESTORED);
        Ui.settle();
    }

    private static Path scenario(String relative) {
        Path p = Path.of("..", "..", "scenarios").resolve(relative).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(p), "shipped scenario " + p);
        return p;
    }

    // Runs a scenario the way File > Open Scenario does (the command with its path).
    private void open(Path file) throws Exception {
        Ui.execute(OpenScenarioHandler.COMMAND_ID, OpenScenarioHandler.PATH_PARAMETER, file.toString());
        Job.getJobManager().join(OpenScenarioHandler.FAMILY, null);
        Ui.settle();
    }

    private void select(String stepStart) {
        List<String> steps = view.scenarioSteps();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).contains(stepStart)) {
                view.selectScenarioStep(i);
                Ui.settle();
                return;
            }
        }
        throw new AssertionError("no step '" + stepStart + "' among " + steps);
    }

    private ChainItem click(Column col, int index) {
        ChainCanvas canvas = view.canvas();
        Point p = canvas.centre(col, index);
        Event down = new Event();
        down.x = p.x;
        down.y = p.y;
        down.button = 1;
        canvas.notifyListeners(SWT.MouseDown, down);
        canvas.notifyListeners(SWT.MouseUp, down);
        return (ChainItem) ((IStructuredSelection) view.getSite().getSelectionProvider().getSelection())
                .getFirstElement();
    }

    private static List<String> legendTexts(ChainCanvas canvas) {
        return canvas.legend().stream().map(ChainCanvas.LegendEntry::text).toList();
    }

    @Test
    void hmmMigrationDrawsDevicePrivatePagesInTheHmmStyle() throws Exception {
        open(scenario("hmm/migrate.device_private.scenario"));
        assertEquals(1, view.scenarioSteps().size(), String.join("\n", view.scenarioSteps()));
        assertTrue(view.shownTitle().startsWith("scenario migrate.device_private, step line 10 (dmirror migrate-to-dev"),
                view.shownTitle());
        ChainCanvas canvas = view.canvas();
        PageStates states = canvas.pageStates();
        assertNotNull(states);
        assertEquals(Map.of(DEVICE_PRIVATE, 1024L), states.pagesByState());
        assertEquals(List.of(DEVICE_PRIVATE), canvas.runStates(0));
        assertEquals(List.of("HMM", DEVICE_PRIVATE), legendTexts(canvas));
        assertEquals(PageStates.Fill.HATCH, canvas.legend().get(1).fill());
        assertTrue(canvas.drawnBands().stream().allMatch(b -> b.pages().keySet().equals(java.util.Set.of(
                DEVICE_PRIVATE))), canvas.drawnBands().toString());
        ChainItem run = click(Column.PAGES, 0);
        assertEquals(List.of(DEVICE_PRIVATE), run.states());
        assertTrue(run.label().contains(DEVICE_PRIVATE), run.label());
        assertTrue(run.rule().contains("is_device_private_entry"), run.rule());
        assertTrue(run.source().startsWith("scenario migrate.device_private"), run.source());
        Point legend = canvas.legendCentre(1);
        assertEquals(DEVICE_PRIVATE + ": 1,024 pages", canvas.describeAt(legend.x, legend.y));
        Ui.screenshot(Ui.window().getShell(), "address-chain-hmm-migrate");
    }

    @Test
    void gpuDirectMrShowsBar1PagesWithNoStructPageThenTheInvalidatedMr() throws Exception {
        open(scenario("gpudirect/free_while_registered.scenario"));
        assertEquals(2, view.scenarioSteps().size(), String.join("\n", view.scenarioSteps()));
        select("gpu reg_mr");
        ChainCanvas canvas = view.canvas();
        AddressChain c = view.chain();
        assertNotNull(c);
        assertEquals(4, canvas.items(Column.PHYSICAL), "one scatter-list entry per 64 KiB GPU page");
        assertEquals(4, canvas.items(Column.SEGMENTS));
        assertTrue(c.dma().busAddress(0), "below the same switch: PCI bus addresses");
        assertEquals(List.of(NO_STRUCT_PAGE, "GPU: 64 KiB GPU page in BAR1"), canvas.runStates(0));
        assertEquals(Map.of(NO_STRUCT_PAGE, 64L, "GPU: 64 KiB GPU page in BAR1", 64L),
                canvas.pageStates().pagesByState());
        assertEquals(List.of("GPU", NO_STRUCT_PAGE, "GPU: 64 KiB GPU page in BAR1"), legendTexts(canvas));
        assertEquals(PageStates.Fill.GRID, canvas.pageStates().kindOf(0).fill());
        Ui.screenshot(Ui.window().getShell(), "address-chain-gpudirect");

        select("gpu free");
        assertTrue(view.shownTitle().contains("(gpu free buf)"), view.shownTitle());
        assertEquals(0, canvas.items(Column.PHYSICAL), "the table and its DMA mapping are gone");
        assertEquals(List.of(NO_STRUCT_PAGE, "GPU: MR invalidated by the free callback"), canvas.runStates(0));
        assertTrue(view.messageText().contains("the free callback invalidated the MR"), view.messageText());
        Ui.screenshot(Ui.window().getShell(), "address-chain-gpudirect-freed");
    }

    @Test
    void odpSubRangeInvalidationLeavesTheRestMapped() throws Exception {
        open(scenario("odp/odp_subrange_invalidate.scenario"));
        // reg, access, show, access, access, show: every ODP step shows the MR as the NIC sees it.
        assertEquals(6, view.scenarioSteps().size(), String.join("\n", view.scenarioSteps()));
        select("line 18: odp show mr");
        ChainCanvas canvas = view.canvas();
        Map<String, Long> pages = canvas.pageStates().pagesByState();
        assertEquals(1L, pages.get(ODP_INVALIDATED), pages.toString());
        assertEquals(3L, pages.get("HMM: ODP: mapped writable for the NIC"), pages.toString());
        assertEquals(3L, pages.get("present"), pages.toString());
        assertEquals(13L, pages.get("not present"), pages.toString());
        // Page 0 mapped, page 1 invalidated, pages 2 and 3 mapped, the rest never faulted.
        assertEquals(List.of("present", "HMM: ODP: mapped writable for the NIC"), canvas.runStates(0));
        assertEquals(List.of("not present", ODP_INVALIDATED), canvas.runStates(1));
        assertEquals(List.of("not present"), canvas.runStates(canvas.items(Column.PAGES) - 1));
        assertTrue(legendTexts(canvas).contains(ODP_INVALIDATED), legendTexts(canvas).toString());
        ChainItem run = click(Column.PAGES, 1);
        assertEquals(List.of("not present", ODP_INVALIDATED), run.states());
        Ui.screenshot(Ui.window().getShell(), "address-chain-odp-invalidate");
        // The last access faulted page 1 back: nothing invalidated is left.
        select("line 24: odp access mr buf 4p write");
        assertEquals(null, canvas.pageStates().pagesByState().get(ODP_INVALIDATED));
    }

    @Test
    void aSingleDevicePrivatePageAmongThousandsShowsAtLowZoom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("one_private_page.scenario");
        Files.writeString(file, """
                scenario one_private_page
                device dev0 private
                process p
                dmirror open m0 dev0 p
                mmap p buf 64M rw private anon
                touch p buf 64M write value=index
                dmirror migrate-to-dev m0 buf+1001p 1
                hmm_range_fault p buf 64M
                """);
        open(file);
        select("line 8: hmm_range_fault");
        ChainCanvas canvas = view.canvas();
        assertEquals(1L, canvas.pageStates().pagesByState().get(DEVICE_PRIVATE));
        assertEquals(16384L, view.chain().pages().totalPages());
        canvas.fit();
        Ui.settle();
        List<ChainCanvas.DrawnBand> bands = canvas.drawnBands();
        ChainCanvas.DrawnBand mixed = bands.stream().filter(b -> b.pages().containsKey(DEVICE_PRIVATE)).findFirst()
                .orElseThrow(() -> new AssertionError("no band shows the device-private page: " + bands));
        assertTrue(mixed.pages().size() >= 2, "a band mixing states: " + mixed);
        assertTrue(mixed.endRun() - mixed.firstRun() >= 2, "runs aggregated: " + mixed);
        assertTrue(mixed.y1() - mixed.y0() <= 6, "a thin band: " + mixed);
        assertTrue(bands.size() < canvas.items(Column.PAGES) || canvas.items(Column.PAGES) <= 3,
                bands.size() + " bands for " + canvas.items(Column.PAGES) + " runs");
        Ui.screenshot(Ui.window().getShell(), "address-chain-one-private-page");
    }

    @Test
    void showChainNeedsOneStylePerVma() throws Exception {
        open(scenario("hmm/migrate.device_private.scenario"));
        AddressChain c = view.chain();
        assertNotNull(c);
        assertThrows(IllegalArgumentException.class, () -> view.showChain(c, List.of(), "nothing"));
        view.showChain(c, List.of(new org.dmascope.core.backend.BackendStyle(0x336699, "sim", "a simulator's",
                Map.of())), "simulator, t=1 ms");
        assertEquals("simulator, t=1 ms", view.shownTitle());
        assertTrue(view.messageText().startsWith("simulator, t=1 ms: 1,024 pages in 1 runs"), view.messageText());
        assertEquals(List.of("sim", DEVICE_PRIVATE), legendTexts(view.canvas()));
    }

    @Test
    void theLiveChainSaysSoAgainAfterAScenario() throws Exception {
        open(scenario("hmm/migrate.device_private.scenario"));
        assertTrue(view.shownTitle().startsWith("scenario "), view.shownTitle());
        // The form still holds the live default (a buffer of the workbench's own heap).
        view.resolve();
        Job.getJobManager().join(AddressChainView.RESOLVE_FAMILY, null);
        Ui.settle();
        assertEquals(ProcessHandle.current().pid(), view.chain().request().space().pid(), view.messageText());
        assertTrue(view.shownTitle().startsWith("live pid " + ProcessHandle.current().pid()), view.shownTitle());
        assertTrue(view.canvas().legend().stream().anyMatch(e -> e.text().equals("page")), "the struct page style");
        assertEquals(1, view.scenarioSteps().size(), "the scenario's steps stay to choose from");
        view.selectScenarioStep(0);
        assertTrue(view.shownTitle().startsWith("scenario migrate.device_private"), view.shownTitle());
    }
}
