package org.dmascope.backend.gpudirect.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.backend.gpudirect.GpuDirectBackend;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunSink;
import org.dmascope.scenario.ChainView;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioResult;
import org.junit.jupiter.api.Test;

/** The chain a GPUDirect MR carries for views, before and after the free callback. */
class ChainViewTest {

    @Test
    void aRegisteredMrShowsBar1PagesItsScatterTableAndItsSegments() throws ScenarioException {
        ScenarioResult r = ScenariosTest.run("gpudirect/free_while_registered.scenario");
        ChainView v = ScenariosTest.first(r, "gpu reg_mr", 0).chainView();
        assertNotNull(v);
        assertEquals(List.of(new GpuDirectBackend().style()), v.styles());
        AddressChain c = v.chain();
        // buf+0x1234 + 0x30000 lies in four 64 KiB GPU pages: nvidia_p2p_get_pages pins them whole.
        assertEquals(c.vmas().get(0).start(), c.request().address());
        assertEquals(0x40000, c.request().length());
        assertEquals(1, c.pages().size(), "consecutive BAR1 pages");
        assertEquals(PageFlags.PRESENT | PageFlags.NO_STRUCT_PAGE | GpuDirectBackend.GPU_BAR_PAGE, c.pages().flags(0));
        assertEquals(0x38000000000L >>> 12, c.pages().pfn(0));
        assertEquals(16, c.pages().pageShift(0));
        assertEquals(4, c.sg().size(), "one entry per GPU page");
        assertEquals(0x10000, c.sg().length(1));
        assertEquals(4, c.dma().size());
        assertTrue(c.dma().busAddress(0), "below one switch: a PCI bus address");
        assertEquals(0x38000010000L, c.dma().address(1));
        assertNull(c.pin());
    }

    @Test
    void theFreeCallbackLeavesTheMrInvalidatedWithoutPages() throws ScenarioException {
        ScenarioResult r = ScenariosTest.run("gpudirect/free_while_registered.scenario");
        ChainView v = ScenariosTest.first(r, "gpu free", 0).chainView();
        assertNotNull(v);
        AddressChain c = v.chain();
        assertEquals(PageFlags.NO_STRUCT_PAGE | GpuDirectBackend.MR_INVALIDATED, c.pages().flags(0));
        assertEquals(RunSink.NO_PFN, c.pages().pfn(0));
        assertNull(c.sg());
        assertNull(c.dma());
        assertTrue(c.steps().get(1).why().contains("free callback"), c.steps().get(1).why());
        assertNull(ScenariosTest.first(r, "gpu rdma", 0).chainView());
    }
}
