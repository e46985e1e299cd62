package org.dmascope.scenario.steps;

import java.util.Set;

import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.ChainStep;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.chain.UmemRequest;
import org.dmascope.core.chain.UmemResolver;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.scenario.ChainView;
import org.dmascope.scenario.ScenarioContext;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.Step;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.Values;
import org.dmascope.scenario.mm.Mm;

/**
 * {@code register_mr PROC ADDR LENGTH [access=...] [max-seg=SIZE]}: what {@code ibv_reg_mr()}
 * would make of the range, resolved by the core's chain resolver (ib_umem_get: checks,
 * long-term pinning through the backend of each VMA, scatter list, DMA mapping without an
 * IOMMU, MR page size) on the simulated process as /proc would show it. The simulated page
 * tables are read, not changed.
 */
final class MemoryRegions {

    private static final Set<String> OPTIONS = Set.of("access", "max-seg", "iommu");

    private MemoryRegions() {
    }

    static void check(Step s) throws ScenarioException {
        s.expect(3, 3, OPTIONS, "register_mr PROC ADDR LENGTH [access=local-write,remote-write,remote-read,...]"
                + " [max-seg=SIZE] [iommu=on|off]");
        String iommu = s.option("iommu", "off");
        if (!iommu.equals("on") && !iommu.equals("off")) {
            throw s.error("register_mr: iommu must be on or off, not '" + iommu + "'");
        }
        if (!Values.isAddressSyntax(s.args().get(1))) {
            throw s.error("register_mr: '" + s.args().get(1) + "' is not an address");
        }
        if (Values.size(s, s.args().get(2)) == 0) {
            throw s.error("register_mr: LENGTH must not be 0");
        }
        access(s);
        if (s.optionOrNull("max-seg") != null) {
            Values.size(s, s.option("max-seg", "0"));
        }
    }

    private static int access(Step s) throws ScenarioException {
        String text = s.option("access", "local-write,remote-write,remote-read");
        int flags = 0;
        for (String a : text.split(",")) {
            flags |= switch (a) {
                case "local-write" -> IbAccess.LOCAL_WRITE;
                case "remote-write" -> IbAccess.REMOTE_WRITE;
                case "remote-read" -> IbAccess.REMOTE_READ;
                case "remote-atomic" -> IbAccess.REMOTE_ATOMIC;
                case "mw-bind" -> IbAccess.MW_BIND;
                case "on-demand" -> IbAccess.ON_DEMAND;
                case "relaxed-ordering" -> IbAccess.RELAXED_ORDERING;
                case "read-only" -> 0;
                default -> throw s.error("register_mr: unknown access flag '" + a + "' (local-write, remote-write,"
                        + " remote-read, remote-atomic, mw-bind, on-demand, relaxed-ordering, read-only)");
            };
        }
        return flags;
    }

    static StepOutcome run(Step s, ScenarioContext c) throws ScenarioException {
        Mm mm = c.process(s, s.args().get(0));
        long address = c.address(s, mm, s.args().get(1));
        long length = Values.size(s, s.args().get(2));
        if (c.backends().isEmpty()) {
            throw s.error("register_mr: no memory backend is installed (org.dmascope.backend.structpage is missing)");
        }
        PhysicalMemoryMap physical = SimulatedChains.physical(c.machine());
        AddressSpace space = SimulatedChains.addressSpace(mm, physical);
        // iommu=on: the device sits behind an IOMMU DMA domain (dma-iommu), off: dma-direct.
        DmaDevice dev = DmaDevice.plain().withIommu(s.option("iommu", "off").equals("on"));
        String maxSeg = s.optionOrNull("max-seg");
        if (maxSeg != null) {
            dev = dev.withMaxSegmentSize(Values.size(s, maxSeg));
        }
        AddressChain chain;
        try {
            chain = new UmemResolver(c.backends()).resolve(UmemRequest.of(space, physical, address, length, access(s),
                    dev));
        } catch (MemoryReadException | IllegalArgumentException e) {
            throw s.error("register_mr: " + e.getMessage());
        }
        StepOutcome.Builder b = StepOutcome.of(s).chainView(ChainView.of(chain, c.backends()));
        String error = chain.error();
        b.rc(error == null ? "0" : "-" + error);
        b.value("backends", String.join(",", chain.backends()));
        if (chain.pin() != null) {
            b.value("pinned", chain.pin().pages()).value("faulted", chain.pin().faulted())
                    .value("migrated", chain.pin().migrated());
        }
        if (chain.dma() != null) {
            b.value("dma_segments", chain.dma().size());
        }
        if (chain.pageSize() >= 0) {
            b.value("page_size", chain.pageSize()).value("dma_blocks", chain.dmaBlocks());
        }
        for (ChainStep st : chain.steps()) {
            b.chain(st.step() + ": " + st.input() + " -> " + st.output());
            b.note(st.step() + ": " + st.why());
        }
        if (chain.pin() != null) {
            chain.pin().notes().forEach(b::note);
        }
        long start = address & ~0xfffL;
        long end = (address + length + 0xfff) & ~0xfffL;
        return b.pages(mm.pageRuns(start, end)).build();
    }
}
