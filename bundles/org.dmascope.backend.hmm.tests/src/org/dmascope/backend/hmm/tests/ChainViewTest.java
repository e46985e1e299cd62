package org.dmascope.backend.hmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.dmascope.backend.hmm.HmmBackend;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.RunSink;
import org.dmascope.scenario.ChainView;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepOutcome;
import org.junit.jupiter.api.Test;

/** The chains HMM and ODP steps carry for views: the CPU page table, and an ODP MR as the NIC sees it. */
class ChainViewTest {

    private static AddressChain chain(StepOutcome o) {
        ChainView v = o.chainView();
        assertNotNull(v, o.text());
        assertEquals(List.of(new HmmBackend().style()), v.styles());
        return v.chain();
    }

    @Test
    void migrationToTheDeviceLeavesDevicePrivateEntriesWithTheDevicePfns() throws ScenarioException {
        ScenarioResult r = new ScenarioRunner(OdpTest.KINDS, null).run(OdpTest.dir().getParent().resolve("hmm")
                .resolve("migrate_fault.device_private.scenario"), "migrate_fault");
        AddressChain first = chain(OdpTest.first(r, "dmirror migrate-to-dev", 0));
        PageRuns p = first.pages();
        assertEquals(1024, p.totalPages());
        assertEquals(1, p.size(), "one run of consecutive device pages");
        assertEquals(PageFlags.DEVICE_PRIVATE | PageFlags.ZONE_DEVICE, p.flags(0));
        assertEquals(0x40000000L, p.pfn(0), "dev0's first device PFN");
        assertNull(first.pin(), "nothing pinned");
        assertNull(first.sg());
        assertEquals("dmirror migrate-to-dev", first.steps().get(0).step());
        assertNull(OdpTest.first(r, "touch p buf 2M", 0).chainView(), "a CPU touch builds no chain");
    }

    @Test
    void odpShowsMappedInvalidatedAndNeverFaultedPages() throws ScenarioException {
        ScenarioResult r = OdpTest.run("odp_subrange_invalidate.scenario");
        AddressChain reg = chain(OdpTest.first(r, "odp reg", 0));
        assertEquals(1, reg.pages().size());
        assertEquals(0, reg.pages().flags(0), "registration maps nothing");
        assertEquals(16, reg.pages().totalPages());

        AddressChain shown = chain(OdpTest.first(r, "odp show", 0));
        PageRuns p = shown.pages();
        int writable = PageFlags.PRESENT | HmmBackend.ODP_WRITABLE;
        assertEquals(List.of(writable, HmmBackend.ODP_INVALIDATED, writable, 0),
                List.of(p.flags(0), p.flags(1), p.flags(2), p.flags(3)));
        assertEquals(List.of(1L, 1L, 2L, 12L), List.of(p.pages(0), p.pages(1), p.pages(2), p.pages(3)));
        assertEquals(RunSink.NO_PFN, p.pfn(1));
        assertEquals(shown.request().address() + 0x1000, p.vaddr(1));

        // Page 1 faulted again: four pages mapped, nothing invalidated, twelve never faulted.
        PageRuns again = chain(OdpTest.first(r, "odp show", 1)).pages();
        long mapped = 0;
        for (int i = 0; i < again.size(); i++) {
            assertEquals(0, again.flags(i) & HmmBackend.ODP_INVALIDATED, "run " + i);
            mapped += again.flags(i) == writable ? again.pages(i) : 0;
        }
        assertEquals(4, mapped);
        assertEquals(0, again.flags(again.size() - 1));
        assertEquals(12, again.pages(again.size() - 1));
    }

    @Test
    void theHmmStyleNamesTheOdpStates() {
        assertEquals("ODP: invalidated by the MMU notifier",
                new HmmBackend().style().stateNames().get(HmmBackend.ODP_INVALIDATED));
        assertEquals("ODP: mapped writable for the NIC",
                new HmmBackend().style().stateNames().get(HmmBackend.ODP_WRITABLE));
    }
}
