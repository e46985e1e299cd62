package org.dmascope.scenario.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.dmascope.core.backend.BackendSemantics;
import org.dmascope.core.backend.BackendStyle;
import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.backend.PinResult;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.dmascope.scenario.ChainView;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.ScenarioRunner;
import org.dmascope.scenario.StepOutcome;
import org.junit.jupiter.api.Test;

/** The chain a step built, carried as a model in its outcome for views. */
class ChainViewTest {

    private static final BackendStyle STYLE = new BackendStyle(0x123456, "present", "present pages as they are",
            Map.of(PageFlags.BACKEND_FIRST, "test state"));

    /** Pins what is present as it is; refuses absent pages. */
    private static final class PresentBackend implements MemoryBackend {
        @Override
        public String id() {
            return "present";
        }

        @Override
        public BackendStyle style() {
            return STYLE;
        }

        @Override
        public BackendSemantics semantics() {
            return new BackendSemantics("as is", "none", "none", "none");
        }

        @Override
        public int handles(AddressSpace space, Vma vma, long start, long end, PhysicalMemoryMap physical) {
            return 1;
        }

        @Override
        public PinResult pin(AddressSpace space, Vma vma, long start, long end, boolean write,
                PhysicalMemoryMap physical, RunSink sink) throws MemoryReadException {
            long[] n = {0, 0};
            space.pageTable().walk(start, end, (v, pfn, count, flags, shift, map) -> {
                if ((flags & PageFlags.PRESENT) == 0) {
                    n[1] += count;
                } else {
                    sink.run(v, pfn, count, flags, shift, map);
                    n[0] += count;
                }
            });
            return n[1] > 0 ? PinResult.refused("EFAULT", n[1] + " pages absent")
                    : new PinResult(null, "as present", n[0], 0, 0, 0, List.of());
        }
    }

    private static ScenarioResult run(String text) throws ScenarioException {
        return new ScenarioRunner(Scenarios.KINDS, null).withBackends(List.of(new PresentBackend()))
                .run(Scenarios.parse(text), Path.of("."));
    }

    @Test
    void registerMrCarriesItsChainWithTheBackendsStyle() throws ScenarioException {
        ScenarioResult r = run("""
                process p
                mmap p buf 16K rw private anon
                touch p buf 16K write value=1
                register_mr p buf 16K
                """);
        assertNull(Scenarios.at(r, 3).chainView(), "a touch builds no chain");
        StepOutcome reg = Scenarios.at(r, 4);
        assertEquals("0", reg.rc());
        ChainView view = reg.chainView();
        assertNotNull(view);
        AddressChain chain = view.chain();
        assertEquals(1, chain.vmas().size());
        assertEquals(List.of(STYLE), view.styles());
        PageRuns pages = chain.pages();
        assertNotNull(pages);
        assertEquals(4, pages.totalPages());
        assertEquals(PageFlags.PRESENT, pages.flags(0) & PageFlags.PRESENT);
        // The text lines are the model's steps, as before.
        assertEquals(chain.steps().size(), reg.chain().size());
        assertEquals(chain.steps().get(0).step() + ": " + chain.steps().get(0).input() + " -> "
                + chain.steps().get(0).output(), reg.chain().get(0));
    }

    @Test
    void aRefusedRegistrationStillCarriesItsChain() throws ScenarioException {
        ScenarioResult r = run("""
                process p
                mmap p buf 16K rw private anon
                register_mr p buf 16K
                """);
        StepOutcome reg = Scenarios.at(r, 3);
        assertEquals("-EFAULT", reg.rc());
        assertNotNull(reg.chainView());
        assertEquals("EFAULT", reg.chainView().chain().error());
    }

    @Test
    void aVmaWithoutABackendGetsTheNoBackendStyle() throws ScenarioException {
        ScenarioResult r = run("""
                process p
                mmap p buf 4K rw private anon
                touch p buf 4K write value=1
                register_mr p buf 4K
                """);
        AddressChain c = Scenarios.at(r, 4).chainView().chain();
        AddressChain renamed = new AddressChain(c.request(), c.vmas(), List.of("other"), c.pages(), c.pin(), c.sg(),
                c.sgCounts(), c.dma(), c.iova(), c.pageSize(), c.dmaBlocks(), c.error(), c.steps());
        assertEquals(List.of(ChainView.NO_BACKEND), ChainView.of(renamed, List.of(new PresentBackend())).styles());
        assertThrows(IllegalArgumentException.class, () -> new ChainView(c, List.of()));
    }
}
