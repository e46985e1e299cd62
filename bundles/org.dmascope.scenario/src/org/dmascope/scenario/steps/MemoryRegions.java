package org.dmascope.scenario.steps;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.ChainStep;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.chain.UmemRequest;
import org.dmascope.core.chain.UmemResolver;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.dmascope.scenario.ScenarioContext;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.Step;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.Values;
import org.dmascope.scenario.mm.Folio;
import org.dmascope.scenario.mm.Machine;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.PageMap;
import org.dmascope.scenario.mm.Pte;
import org.dmascope.scenario.mm.SimVma;

/**
 * {@code register_mr PROC ADDR LENGTH [access=...] [max-seg=SIZE]}: what {@code ibv_reg_mr()}
 * would make of the range, resolved by the core's chain resolver (ib_umem_get: checks,
 * long-term pinning through the backend of each VMA, scatter list, DMA mapping without an
 * IOMMU, MR page size) on the simulated process as /proc would show it. The simulated page
 * tables are read, not changed.
 */
final class MemoryRegions {

    private static final Set<String> OPTIONS = Set.of("access", "max-seg");

    private MemoryRegions() {
    }

    static void check(Step s) throws ScenarioException {
        s.expect(3, 3, OPTIONS, "register_mr PROC ADDR LENGTH [access=local-write,remote-write,remote-read,...]"
                + " [max-seg=SIZE]");
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
        PhysicalMemoryMap physical = physical(c.machine());
        AddressSpace space = addressSpace(mm, physical);
        DmaDevice dev = DmaDevice.plain();
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
        StepOutcome.Builder b = StepOutcome.of(s);
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

    /** The machine's physical memory as /proc/iomem would list it: RAM, then each device page map. */
    static PhysicalMemoryMap physical(Machine machine) {
        List<PhysicalMemoryMap.Range> ranges = new ArrayList<>();
        ranges.add(new PhysicalMemoryMap.Range(0, 0x10000000L, PhysicalMemoryMap.Kind.SYSTEM_RAM, "System RAM", null,
                0));
        int i = 1;
        for (PageMap m : machine.pageMaps()) {
            PhysicalMemoryMap.Kind kind = m.type() == PageMap.Type.DEVICE_PRIVATE ? PhysicalMemoryMap.Kind.DEVICE_PRIVATE
                    : PhysicalMemoryMap.Kind.DEVICE_COHERENT;
            ranges.add(new PhysicalMemoryMap.Range(m.firstPfn(), m.firstPfn() + m.rangePages(), kind, m.name(), null,
                    i++));
        }
        return PhysicalMemoryMap.of(ranges);
    }

    /** The process as /proc/PID/maps, smaps and pagemap (with kpageflags) would show it. */
    static AddressSpace addressSpace(Mm mm, PhysicalMemoryMap physical) {
        List<Vma> vmas = new ArrayList<>();
        PageRuns runs = new PageRuns();
        for (SimVma v : mm.vmas()) {
            vmas.add(v.toVma());
            for (long a = v.start(); a < v.end(); a += 4096) {
                Pte p = mm.pte(a);
                if (p == null) {
                    runs.run(a, RunSink.NO_PFN, 1, 0, 12, -1);
                    continue;
                }
                Folio f = p.folio();
                int shift = p.level() == 18 ? 30 : p.level() == 9 ? 21 : 12;
                if (p.kind() != Pte.Kind.PRESENT) {
                    int flags = PageFlags.SWAPPED | (p.kind() == Pte.Kind.DEVICE_PRIVATE ? PageFlags.DEVICE_PRIVATE : 0);
                    runs.run(a, RunSink.NO_PFN, 1, flags, 12, -1);
                    continue;
                }
                int flags = PageFlags.PRESENT;
                if (f.mapcount() <= 1 && !f.isZero()) {
                    flags |= PageFlags.EXCLUSIVE;
                }
                if (!f.anon() && !f.isZero() && f.kind() == Folio.Kind.RAM) {
                    flags |= PageFlags.FILE_OR_SHARED;
                }
                if (f.isZero()) {
                    flags |= PageFlags.ZERO_PAGE;
                }
                if (f.hugetlb()) {
                    flags |= PageFlags.HUGETLB;
                } else if (p.level() == 9) {
                    flags |= PageFlags.THP;
                }
                if (p.special()) {
                    flags |= PageFlags.NO_STRUCT_PAGE;
                }
                int pgmap = -1;
                if (f.isZoneDevice()) {
                    flags |= PageFlags.ZONE_DEVICE;
                    pgmap = physical.rangeOf(p.pfn()).map(PhysicalMemoryMap.Range::index).orElse(-1);
                }
                runs.run(a, p.pfn(), 1, flags, shift, pgmap);
            }
        }
        return new AddressSpace(mm.pid(), mm.name(), vmas, runs, AddressSpace.UNLIMITED, 0, true);
    }
}
