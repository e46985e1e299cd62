package org.dmascope.scenario.steps;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.core.backend.BackendStyle;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.ChainStep;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.chain.UmemRequest;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.dmascope.scenario.ChainView;
import org.dmascope.scenario.mm.Folio;
import org.dmascope.scenario.mm.Machine;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.PageMap;
import org.dmascope.scenario.mm.Pte;
import org.dmascope.scenario.mm.SimVma;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The simulated machine as the core's chain model sees it: its physical memory map, a process's
 * address space as /proc would show it, and chains that steps build for views (the pages of a
 * range as the CPU page table holds them, or as a device's own registration maps them).
 */
public final class SimulatedChains {

    private SimulatedChains() {
    }

    /** The machine's physical memory as /proc/iomem would list it: RAM, then each device page map. */
    public static PhysicalMemoryMap physical(Machine machine) {
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

    /**
     * The process as /proc/PID/maps, smaps and pagemap (with kpageflags) would show it: a
     * device-private entry is a swap entry there, with no PFN (pagemap's PM_SWAP).
     */
    public static AddressSpace addressSpace(Mm mm, PhysicalMemoryMap physical) {
        return addressSpace(mm, physical, false);
    }

    /**
     * The process's address space; with {@code deviceEntries} the page table's non-present
     * device entries are given as the kernel holds them (is_device_private_entry: the device
     * page's PFN, {@link PageFlags#DEVICE_PRIVATE} and {@link PageFlags#ZONE_DEVICE}, its page map)
     * instead of as pagemap reports them.
     */
    public static AddressSpace addressSpace(Mm mm, PhysicalMemoryMap physical, boolean deviceEntries) {
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
                    boolean privateEntry = p.kind() == Pte.Kind.DEVICE_PRIVATE;
                    if (deviceEntries && privateEntry) {
                        int pgmap = physical.rangeOf(p.pfn()).map(PhysicalMemoryMap.Range::index).orElse(-1);
                        runs.run(a, p.pfn(), 1, PageFlags.DEVICE_PRIVATE | PageFlags.ZONE_DEVICE, 12, pgmap);
                    } else {
                        runs.run(a, RunSink.NO_PFN, 1, PageFlags.SWAPPED | (privateEntry ? PageFlags.DEVICE_PRIVATE : 0),
                                12, -1);
                    }
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

    /**
     * A chain of [start, end) as the CPU page table holds it after a step (device-private entries
     * with their device PFNs), every VMA drawn in one backend's style: no pinning, no scatter list,
     * no DMA mapping, since the step mapped nothing for DMA.
     *
     * @param machine   the machine
     * @param mm        the process
     * @param start     the first address (page aligned)
     * @param end       the end (page aligned)
     * @param backendId the backend the VMAs are shown as
     * @param style     its style
     * @param step      the one step the chain lists: what was done and the rule
     */
    public static ChainView pageTable(Machine machine, Mm mm, long start, long end, String backendId, BackendStyle style,
            ChainStep step) {
        PhysicalMemoryMap physical = physical(machine);
        AddressSpace space = addressSpace(mm, physical, true);
        PageRuns pages = new PageRuns();
        // addressSpace builds its page table as runs, whose walk reads nothing.
        ((PageRuns) space.pageTable()).walk(start, end, pages);
        return registration(space, physical, start, end, pages, null, null, DmaDevice.plain(), backendId, style,
                List.of(step));
    }

    /**
     * A chain a backend's own registration built (an ODP MR, a GPUDirect MR): its pages as the
     * device sees them, and the scatter list and DMA segments where the registration made them.
     *
     * @param machine   the machine
     * @param mm        the process
     * @param start     the first address of the pages shown (page aligned)
     * @param end       their end (page aligned)
     * @param pages     the pages in [start, end), as runs
     * @param sg        the CPU scatter list, null when the registration builds none
     * @param dma       the DMA segments, one or more CPU entries each; null when none
     * @param device    the DMA device
     * @param backendId the backend the VMAs are shown as
     * @param style     its style
     * @param steps     the steps, each with its rule
     */
    public static ChainView registration(Machine machine, Mm mm, long start, long end, PageRuns pages,
            @Nullable ScatterList sg, @Nullable DmaSegments dma, DmaDevice device, String backendId, BackendStyle style,
            List<ChainStep> steps) {
        PhysicalMemoryMap physical = physical(machine);
        return registration(addressSpace(mm, physical), physical, start, end, pages, sg, dma, device, backendId, style,
                steps);
    }

    private static ChainView registration(AddressSpace space, PhysicalMemoryMap physical, long start, long end,
            PageRuns pages, @Nullable ScatterList sg, @Nullable DmaSegments dma, DmaDevice device, String backendId,
            BackendStyle style, List<ChainStep> steps) {
        List<Vma> vmas = space.vmas(start, end);
        AddressChain chain = new AddressChain(UmemRequest.of(space, physical, start, end - start, 0, device), vmas,
                java.util.Collections.nCopies(vmas.size(), backendId), pages, null, sg, sg == null ? null : sg.counts(),
                dma, 0, -1, 0, null, steps);
        return ChainView.of(chain, style);
    }
}
