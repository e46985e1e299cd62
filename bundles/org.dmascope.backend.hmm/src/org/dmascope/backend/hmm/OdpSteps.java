package org.dmascope.backend.hmm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.dmascope.core.chain.ChainStep;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.RunSink;
import org.dmascope.scenario.ScenarioContext;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioExtension;
import org.dmascope.scenario.Step;
import org.dmascope.scenario.StepKind;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.Values;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.steps.SimpleKind;
import org.dmascope.scenario.steps.SimulatedChains;
import org.dmascope.trace.event.MrDeregister;
import org.dmascope.trace.event.MrRegister;

/**
 * The ODP step kind of scenarios ({@code odp}): an on-demand MR registered without pinning
 * (explicit or implicit), the NIC's RDMA accesses that fault pages in through hmm_range_fault,
 * ibv_advise_mr prefetches, the MR's mapped ranges and the invalidations that hit it. A
 * Declarative Services component (OSGI-INF/org.dmascope.backend.hmm.odp.xml).
 */
public final class OdpSteps implements ScenarioExtension {

    static final String USAGE = "odp reg MR PROC ADDR LENGTH [access=FLAGS] | odp reg MR PROC implicit [access=FLAGS]"
            + " | odp access MR ADDR LENGTH read|write [race=\"STEP\"] | odp prefetch MR ADDR LENGTH"
            + " [advice=prefetch|prefetch-write|no-fault] | odp show MR | odp dereg MR";

    /** The RDMA device the trace names (the simulation has one HCA). */
    static final String DEVICE = "mlx5_0";

    private static final Set<String> ACCESS_FLAGS = Set.of("local-write", "remote-write", "remote-read",
            "remote-atomic", "on-demand");

    /** The ODP MRs of one scenario, by name. */
    static final class State {
        final Map<String, OdpMr> mrs = new LinkedHashMap<>();
        final Map<String, Long> keys = new LinkedHashMap<>();
        long nextKey = 0x1000;
    }

    /** For Declarative Services. */
    public OdpSteps() {
        // Stateless: scenario state lives in the context.
    }

    @Override
    public String id() {
        return "odp";
    }

    @Override
    public List<StepKind> stepKinds() {
        return List.of(new SimpleKind("odp", USAGE, OdpSteps::check, OdpSteps::run));
    }

    private static void check(Step s) throws ScenarioException {
        String op = s.arg(0, "operation (reg, access, prefetch, show, dereg)");
        switch (op) {
            case "reg" -> {
                if (s.args().size() == 4 && s.args().get(3).equals("implicit")) {
                    s.expect(4, 4, Set.of("access"), "odp reg MR PROC implicit [access=FLAGS]");
                } else {
                    s.expect(5, 5, Set.of("access"), "odp reg MR PROC ADDR LENGTH [access=FLAGS]");
                    checkAddress(s, s.args().get(3));
                    if (Values.size(s, s.args().get(4)) <= 0) {
                        throw s.error("odp: LENGTH must be at least one byte");
                    }
                }
                accessFlags(s);
            }
            case "access" -> {
                s.expect(5, 5, Set.of("race"), "odp access MR ADDR LENGTH read|write [race=\"STEP\"]");
                checkAddress(s, s.args().get(2));
                if (Values.size(s, s.args().get(3)) <= 0) {
                    throw s.error("odp: LENGTH must be at least one byte");
                }
                String dir = s.args().get(4);
                if (!dir.equals("read") && !dir.equals("write")) {
                    throw s.error("odp: the access is read or write, not '" + dir + "'");
                }
            }
            case "prefetch" -> {
                s.expect(4, 4, Set.of("advice"), "odp prefetch MR ADDR LENGTH [advice=prefetch|prefetch-write|no-fault]");
                checkAddress(s, s.args().get(2));
                if (Values.size(s, s.args().get(3)) <= 0) {
                    throw s.error("odp: LENGTH must be at least one byte");
                }
                advice(s);
            }
            case "show", "dereg" -> s.expect(2, 2, Set.of(), "odp " + op + " MR");
            default -> throw s.error("odp: unknown operation '" + op + "' (expected " + USAGE + ")");
        }
    }

    private static void checkAddress(Step s, String word) throws ScenarioException {
        if (!Values.isAddressSyntax(word)) {
            throw s.error("odp: '" + word + "' is not an address");
        }
    }

    /** The access flags: [remoteRead, remoteWrite, writable]. */
    private static boolean[] accessFlags(Step s) throws ScenarioException {
        String text = s.option("access", "local-write,remote-write,remote-read");
        boolean rr = false;
        boolean rw = false;
        boolean writable = false;
        for (String f : text.split(",")) {
            if (!ACCESS_FLAGS.contains(f)) {
                throw s.error("odp: unknown access flag '" + f + "' (expected " + String.join(", ", ACCESS_FLAGS.stream()
                        .sorted().toList()) + ")");
            }
            switch (f) {
                case "remote-read" -> rr = true;
                case "remote-write" -> {
                    rw = true;
                    writable = true;
                }
                case "local-write", "remote-atomic" -> writable = true;
                default -> {
                    // on-demand is implied.
                }
            }
        }
        return new boolean[] {rr, rw, writable};
    }

    private static OdpMr.Advice advice(Step s) throws ScenarioException {
        String a = s.option("advice", "prefetch");
        return switch (a) {
            case "prefetch" -> OdpMr.Advice.PREFETCH;
            case "prefetch-write" -> OdpMr.Advice.PREFETCH_WRITE;
            case "no-fault" -> OdpMr.Advice.PREFETCH_NO_FAULT;
            default -> throw s.error("odp: unknown advice '" + a + "' (expected prefetch, prefetch-write, no-fault)");
        };
    }

    private static State state(ScenarioContext c) {
        return c.state(State.class, State::new);
    }

    private static OdpMr mr(Step s, State st, String name) throws ScenarioException {
        OdpMr m = st.mrs.get(name);
        if (m == null) {
            throw s.error("odp: no ODP MR named '" + name + "' (register it with 'odp reg " + name + " PROC ADDR LENGTH')");
        }
        return m;
    }

    private static StepOutcome run(Step s, ScenarioContext c) throws ScenarioException {
        State st = state(c);
        String op = s.args().get(0);
        return switch (op) {
            case "reg" -> reg(s, c, st);
            case "access" -> access(s, c, st);
            case "prefetch" -> prefetch(s, c, st);
            case "show" -> show(s, c, mr(s, st, s.args().get(1)));
            case "dereg" -> {
                OdpMr m = mr(s, st, s.args().get(1));
                int n = m.npages();
                m.deregister();
                st.mrs.remove(s.args().get(1));
                Long key = st.keys.remove(s.args().get(1));
                c.machine().emit(m.mm(), h -> new MrDeregister(h, DEVICE, key == null ? 0 : key, ""));
                yield StepOutcome.of(s).rc(0).value("unmapped", n)
                        .note("ib_umem_odp_release: the interval notifier is removed and every mapped page unmapped")
                        .build();
            }
            default -> throw s.error("odp: unknown operation '" + op + "'");
        };
    }

    private static StepOutcome reg(Step s, ScenarioContext c, State st) throws ScenarioException {
        String name = s.args().get(1);
        if (st.mrs.containsKey(name)) {
            throw s.error("odp: an MR named '" + name + "' is registered");
        }
        Mm mm = c.process(s, s.args().get(2));
        boolean[] f = accessFlags(s);
        StepOutcome.Builder b = StepOutcome.of(s);
        OdpMr m;
        if (s.args().size() == 4) {
            m = OdpMr.implicit(name, mm, f[0], f[1], f[2]);
            b.note("mlx5_ib_alloc_implicit_mr: the MR spans the whole address space; 1 GiB children"
                    + " (MLX5_IMR_MTT_SIZE) are created as the NIC faults in them");
        } else {
            long addr = c.address(s, mm, s.args().get(3));
            long length = Values.size(s, s.args().get(4));
            m = OdpMr.explicit(name, mm, addr, length, f[0], f[1], f[2]);
            UmemOdp u = m.umems().get(0);
            b.value("start", hex(u.start())).value("end", hex(u.end())).value("seq", u.notifier().invalidateSeq());
            b.note("ib_umem_odp_get: nothing is pinned or mapped; an MMU interval notifier is inserted over"
                    + " the range (whether a VMA backs it yet or not)");
        }
        st.mrs.put(name, m);
        long key = st.nextKey++;
        st.keys.put(name, key);
        long start = m.isImplicit() ? 0 : m.umems().get(0).start();
        long len = m.isImplicit() ? -1L : m.umems().get(0).end() - start;
        String access = s.option("access", "local-write,remote-write,remote-read") + ",on-demand";
        c.machine().emit(mm, h -> new MrRegister(h, DEVICE, start, len, start, access, key, key, ""));
        chainView(b, c, m);
        return b.rc(0).value("npages", 0).value("writable", f[2]).build();
    }

    private static StepOutcome access(Step s, ScenarioContext c, State st) throws ScenarioException {
        OdpMr m = mr(s, st, s.args().get(1));
        long addr = c.address(s, m.mm(), s.args().get(2));
        long length = Values.size(s, s.args().get(3));
        boolean write = s.args().get(4).equals("write");
        StepOutcome.Builder b = StepOutcome.of(s);
        ScenarioException[] raceError = {null};
        String race = s.optionOrNull("race");
        Runnable action = race == null ? null : () -> {
            try {
                StepOutcome o = c.runNested(s, race);
                b.note("the concurrent step returned " + o.rc());
            } catch (ScenarioException e) {
                raceError[0] = e;
            }
        };
        OdpMr.Access a = m.access(addr, length, write, action, race == null ? "" : race);
        if (raceError[0] != null) {
            throw raceError[0];
        }
        b.rc(a.completion).value("fault_rc", org.dmascope.scenario.Errno.name(a.rc))
                .value("page_fault", a.pageFault).value("np", a.np).value("retries", a.retries)
                .value("hmm_range_fault", a.rangeFaults).value("cpu_faults", a.cpuFaults);
        if (m.isImplicit()) {
            b.value("children", m.umems().size()).value("children_created", a.childrenCreated);
        }
        b.value("npages", m.npages());
        for (String n : a.notes) {
            b.note(n);
        }
        ranges(b, m);
        chainView(b, c, m);
        return b.pages(m.mm().pageRuns(addr & ~0xfffL, (addr + length + 0xfff) & ~0xfffL)).build();
    }

    private static StepOutcome prefetch(Step s, ScenarioContext c, State st) throws ScenarioException {
        OdpMr m = mr(s, st, s.args().get(1));
        long addr = c.address(s, m.mm(), s.args().get(2));
        long length = Values.size(s, s.args().get(3));
        OdpMr.Access a = m.prefetch(addr, length, advice(s));
        StepOutcome.Builder b = StepOutcome.of(s).rc(a.rc).value("retries", a.retries)
                .value("hmm_range_fault", a.rangeFaults).value("cpu_faults", a.cpuFaults).value("npages", m.npages());
        for (String n : a.notes) {
            b.note(n);
        }
        ranges(b, m);
        chainView(b, c, m);
        return b.build();
    }

    private static StepOutcome show(Step s, ScenarioContext c, OdpMr m) {
        StepOutcome.Builder b = StepOutcome.of(s).rc(0).value("npages", m.npages());
        ranges(b, m);
        List<String> inv = new ArrayList<>();
        int callbacks = 0;
        for (UmemOdp u : m.umems()) {
            callbacks += u.notifier().invalidations();
            List<long[]> r = u.invalidated();
            for (int i = 0; i < r.size(); i++) {
                inv.add(hex(r.get(i)[0]) + "-" + hex(r.get(i)[1]) + " " + u.invalidatedBy().get(i).name().toLowerCase(Locale.ROOT));
            }
        }
        b.value("invalidations", callbacks).value("invalidated", inv.isEmpty() ? "none" : String.join(",", inv));
        if (m.isImplicit()) {
            b.value("children", m.umems().size()).value("children_destroyed", m.childrenDestroyed());
        }
        for (UmemOdp u : m.umems()) {
            for (long[] r : u.mappedRuns()) {
                b.chain(String.format(Locale.ROOT, "%s %s-%s %s -> pfn %#x..", u.name(), hex(r[0]), hex(r[1]),
                        UmemOdp.access(r[2]), u.mappedAt(r[0]).pfn()));
            }
        }
        chainView(b, c, m);
        return b.build();
    }

    /**
     * The MR as the NIC sees it, for views: each page of its umems mapped for DMA (its pfn_list
     * entry, writable or read-only), unmapped by an invalidation, or never faulted. ODP builds no
     * scatter list: ib_umem_odp_map_dma_single_page maps page by page into the umem's own list.
     */
    private static void chainView(StepOutcome.Builder b, ScenarioContext c, OdpMr m) {
        List<UmemOdp> umems = m.umems();
        if (umems.isEmpty()) {
            return;
        }
        long start = umems.get(0).start();
        long end = umems.get(umems.size() - 1).end();
        PageRuns pages = new PageRuns();
        int mapped = 0;
        int invalidated = 0;
        long at = start;
        for (UmemOdp u : umems) {
            if (u.start() > at) {
                // Between the children of an implicit MR: nothing the NIC has faulted.
                pages.run(at, RunSink.NO_PFN, (u.start() - at) >>> 12, 0, 12, -1);
            }
            at = u.end();
            List<long[]> inv = u.invalidated();
            for (long a = u.start(); a < u.end(); a += 4096) {
                UmemOdp.Mapped p = u.mappedAt(a);
                if (p != null) {
                    mapped++;
                    pages.run(a, p.pfn(), 1, PageFlags.PRESENT
                            | ((p.access() & UmemOdp.WRITE_ALLOWED) != 0 ? HmmBackend.ODP_WRITABLE : 0), 12, -1);
                } else if (covered(inv, a)) {
                    invalidated++;
                    pages.run(a, RunSink.NO_PFN, 1, HmmBackend.ODP_INVALIDATED, 12, -1);
                } else {
                    pages.run(a, RunSink.NO_PFN, 1, 0, 12, -1);
                }
            }
        }
        ChainStep step = new ChainStep("odp", String.format(Locale.ROOT, "MR %s %#x-%#x", m.name(), start, end),
                String.format(Locale.ROOT, "%d pages mapped for the NIC, %d invalidated, %d not mapped", mapped,
                        invalidated, (int) ((end - start) >>> 12) - mapped - invalidated),
                "an on-demand MR (drivers/infiniband/core/umem_odp.c) pins nothing: a page is DMA mapped when the NIC"
                        + " faults on it (ib_umem_odp_map_dma_and_lock through hmm_range_fault) and unmapped when an"
                        + " MMU notifier invalidation covers it (ib_umem_odp_unmap_dma_pages); the rest stays mapped");
        b.chainView(SimulatedChains.registration(c.machine(), m.mm(), start, end, pages, null, null,
                org.dmascope.core.chain.DmaDevice.plain(), HmmBackend.ID, new HmmBackend().style(), List.of(step)));
    }

    private static boolean covered(List<long[]> ranges, long address) {
        for (long[] r : ranges) {
            if (address >= r[0] && address < r[1]) {
                return true;
            }
        }
        return false;
    }

    /** The value {@code mapped}: the mapped runs, "0x...-0x... rw,..." or "none". */
    private static void ranges(StepOutcome.Builder b, OdpMr m) {
        List<String> out = new ArrayList<>();
        for (UmemOdp u : m.umems()) {
            for (long[] r : u.mappedRuns()) {
                out.add(hex(r[0]) + "-" + hex(r[1]) + " " + UmemOdp.access(r[2]));
            }
        }
        b.value("mapped", out.isEmpty() ? "none" : String.join(",", out));
    }

    private static String hex(long v) {
        return String.format(Locale.ROOT, "%#x", v);
    }
}
