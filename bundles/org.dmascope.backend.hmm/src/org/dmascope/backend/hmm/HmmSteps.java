package org.dmascope.backend.hmm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.dmascope.core.chain.ChainStep;
import org.dmascope.scenario.DataPattern;
import org.dmascope.scenario.ScenarioContext;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioExtension;
import org.dmascope.scenario.Step;
import org.dmascope.scenario.StepKind;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.Values;
import org.dmascope.scenario.mm.IntervalNotifier;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.MmuNotifierRange;
import org.dmascope.scenario.mm.MmuNotifiers;
import org.dmascope.scenario.steps.SimpleKind;
import org.dmascope.scenario.steps.SimulatedChains;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The HMM step kinds of scenarios: {@code device} (a dmirror device with device-private or
 * device-coherent memory), {@code dmirror} (the test driver's ioctls), {@code hmm_range_fault},
 * {@code notifier} (insert, read_begin, read_retry, remove) and {@code invalidate}. A
 * Declarative Services component (OSGI-INF/org.dmascope.backend.hmm.scenario.xml).
 */
public final class HmmSteps implements ScenarioExtension {

    private static final Set<String> DMIRROR_OPS = Set.of("open", "close", "read", "write", "migrate-to-dev",
            "migrate-to-sys", "exclusive", "check-exclusive", "snapshot", "release");

    /** What the HMM steps of one scenario share. */
    static final class State {
        final Map<String, DmirrorDevice> devices = new LinkedHashMap<>();
        final Map<String, Dmirror> mirrors = new LinkedHashMap<>();
        final Map<String, IntervalNotifier> notifiers = new LinkedHashMap<>();
        final Map<String, Long> readBegin = new LinkedHashMap<>();
        final Map<String, Integer> invalidations = new LinkedHashMap<>();
        final Map<String, List<MmuNotifierRange>> pending = new LinkedHashMap<>();
    }

    /** For Declarative Services. */
    public HmmSteps() {
        // Stateless: scenario state lives in the context.
    }

    @Override
    public String id() {
        return "hmm";
    }

    @Override
    public List<StepKind> stepKinds() {
        return List.of(
                new SimpleKind("device", "device NAME private|coherent", HmmSteps::checkDevice, HmmSteps::device),
                new SimpleKind("dmirror", "dmirror open MIRROR DEVICE PROC | dmirror close|release MIRROR | dmirror"
                        + " read|write|migrate-to-dev|migrate-to-sys|exclusive|check-exclusive|snapshot MIRROR ADDR NPAGES"
                        + " [data=VALUE] [race=\"STEP\"]", HmmSteps::checkDmirror, HmmSteps::dmirror),
                new SimpleKind("hmm_range_fault", "hmm_range_fault PROC ADDR LENGTH [default=FLAGS] [mask=FLAGS]"
                        + " [req=PAGE:FLAGS,...] [owner=DEVICE] [notifier=NAME]", HmmSteps::checkRangeFault,
                        HmmSteps::rangeFault),
                new SimpleKind("notifier", "notifier insert NAME PROC ADDR LENGTH | notifier read_begin|read_retry|remove"
                        + " NAME", HmmSteps::checkNotifier, HmmSteps::notifier),
                new SimpleKind("invalidate", "invalidate PROC ADDR LENGTH [event=EVENT] [phase=start|end|both]"
                        + " [owner=DEVICE]", HmmSteps::checkInvalidate, HmmSteps::invalidate));
    }

    private static State state(ScenarioContext c) {
        return c.state(State.class, State::new);
    }

    // --- device ------------------------------------------------------------------------------

    private static void checkDevice(Step s) throws ScenarioException {
        s.expect(2, 2, Set.of(), "device NAME private|coherent");
        String t = s.args().get(1);
        if (!t.equals("private") && !t.equals("coherent")) {
            throw s.error("device: the memory type is private or coherent, not '" + t + "'");
        }
    }

    private static StepOutcome device(Step s, ScenarioContext c) throws ScenarioException {
        State st = state(c);
        String name = s.args().get(0);
        if (st.devices.containsKey(name)) {
            throw s.error("device: '" + name + "' exists");
        }
        boolean coherent = s.args().get(1).equals("coherent");
        int k = st.devices.size();
        // Device-private memory takes a free physical range at the top (request_free_mem_region);
        // device-coherent memory is real memory the platform describes (the selftest's spm_addr_devN).
        long first = coherent ? 0x20000000L + ((long) k << 24) : 0x40000000L + ((long) k << 24);
        DmirrorDevice d = new DmirrorDevice(name, coherent, first);
        st.devices.put(name, d);
        c.machine().addPageMap(d);
        return StepOutcome.of(s).value("type", coherent ? "MEMORY_DEVICE_COHERENT" : "MEMORY_DEVICE_PRIVATE")
                .value("pfns", String.format(Locale.ROOT, "0x%x-0x%x", first, first + (1L << 20) - 1)).build();
    }

    // --- dmirror -----------------------------------------------------------------------------

    private static void checkDmirror(Step s) throws ScenarioException {
        String op = s.arg(0, "operation (" + String.join(", ", DMIRROR_OPS) + ")");
        if (!DMIRROR_OPS.contains(op)) {
            throw s.error("dmirror: unknown operation '" + op + "' (expected " + String.join(", ", DMIRROR_OPS) + ")");
        }
        switch (op) {
            case "open" -> s.expect(4, 4, Set.of(), "dmirror open MIRROR DEVICE PROC");
            case "close", "release" -> s.expect(2, 2, Set.of(), "dmirror " + op + " MIRROR");
            default -> {
                Set<String> opts = op.equals("write") ? Set.of("data", "race")
                        : op.equals("read") || op.equals("snapshot") ? Set.of("race") : Set.of();
                s.expect(4, 4, opts, "dmirror " + op + " MIRROR ADDR NPAGES" + (opts.isEmpty() ? "" : " [" + opts + "]"));
                if (!Values.isAddressSyntax(s.args().get(2))) {
                    throw s.error("dmirror: '" + s.args().get(2) + "' is not an address");
                }
                if (Values.count(s, s.args().get(3)) == 0) {
                    throw s.error("dmirror: NPAGES must be at least 1");
                }
                if (s.optionOrNull("data") != null) {
                    DataPattern.parse(s, s.option("data", "0"));
                }
            }
        }
    }

    private static DmirrorDevice device(Step s, State st, String name) throws ScenarioException {
        DmirrorDevice d = st.devices.get(name);
        if (d == null) {
            throw s.error(s.kind() + ": no device named '" + name + "' (declare it with 'device " + name + " private')");
        }
        return d;
    }

    private static Dmirror mirror(Step s, State st, String name) throws ScenarioException {
        Dmirror m = st.mirrors.get(name);
        if (m == null) {
            throw s.error(s.kind() + ": no mirror named '" + name + "' (open it with 'dmirror open " + name
                    + " DEVICE PROC')");
        }
        return m;
    }

    private static StepOutcome dmirror(Step s, ScenarioContext c) throws ScenarioException {
        State st = state(c);
        String op = s.args().get(0);
        switch (op) {
            case "open" -> {
                String name = s.args().get(1);
                if (st.mirrors.containsKey(name)) {
                    throw s.error("dmirror: a mirror named '" + name + "' is open");
                }
                DmirrorDevice d = device(s, st, s.args().get(2));
                Mm mm = c.process(s, s.args().get(3));
                Dmirror m = new Dmirror(name, d, mm);
                st.mirrors.put(name, m);
                return StepOutcome.of(s).rc(0).value("seq", m.notifier().invalidateSeq())
                        .note("mmu_interval_notifier_insert over the whole address space (dmirror_fops_open)").build();
            }
            case "close" -> {
                Dmirror m = mirror(s, st, s.args().get(1));
                m.close();
                st.mirrors.remove(s.args().get(1));
                return StepOutcome.of(s).rc(0).build();
            }
            case "release" -> {
                Dmirror m = mirror(s, st, s.args().get(1));
                int evicted = m.device().release(c.machine().processes());
                return StepOutcome.of(s).rc(0).value("evicted", evicted)
                        .note("dmirror_device_remove_chunks: every page of the device's memory is migrated back"
                                + " (migrate_device_range)")
                        .build();
            }
            default -> {
                return ioctl(s, c, st, op);
            }
        }
    }

    private static StepOutcome ioctl(Step s, ScenarioContext c, State st, String op) throws ScenarioException {
        Dmirror m = mirror(s, st, s.args().get(1));
        Mm mm = m.mm();
        long addr = c.address(s, mm, s.args().get(2));
        long npages = Values.count(s, s.args().get(3));
        StepOutcome.Builder b = StepOutcome.of(s);
        if ((addr & 0xfff) != 0) {
            return b.rc(-org.dmascope.scenario.Errno.EINVAL).note("dmirror_fops_unlocked_ioctl: cmd.addr is not page aligned")
                    .build();
        }
        ScenarioException[] raceError = {null};
        String race = s.optionOrNull("race");
        if (race != null) {
            m.raceNext(() -> {
                try {
                    StepOutcome o = c.runNested(s, race);
                    b.note("the concurrent step returned " + o.rc());
                } catch (ScenarioException e) {
                    raceError[0] = e;
                }
            }, race);
        }
        Dmirror.Cmd cmd = switch (op) {
            case "read" -> m.read(addr, npages);
            case "write" -> {
                DataPattern p = DataPattern.parse(s, s.option("data", "index"));
                yield m.write(addr, npages, p::valueAt);
            }
            case "migrate-to-dev" -> m.migrateToDevice(addr, npages);
            case "migrate-to-sys" -> m.migrateToSystem(addr, npages);
            case "exclusive" -> m.exclusive(addr, npages);
            case "check-exclusive" -> m.checkExclusive(addr, npages);
            case "snapshot" -> m.snapshot(addr, npages);
            default -> throw s.error("dmirror: unknown operation '" + op + "'");
        };
        if (raceError[0] != null) {
            throw raceError[0];
        }
        b.rc(cmd.rc).value("cpages", cmd.cpages).value("faults", cmd.faults);
        if ((op.equals("migrate-to-dev") || op.equals("migrate-to-sys")) && cmd.rc == 0) {
            // No tracepoint covers migrate_vma; the record says which way and how many pages moved
            // (node -1: the device's memory).
            boolean toDev = op.equals("migrate-to-dev");
            long moved = cmd.cpages;
            c.machine().emit(mm, h -> new org.dmascope.trace.event.Migrate(h, addr, npages, toDev ? 0 : -1,
                    toDev ? -1 : 0, "migrate_vma", toDev ? "to_device" : "to_system", moved, npages - moved));
        }
        if (op.equals("read") || op.equals("write") || op.equals("snapshot")) {
            b.value("retries", cmd.retries).value("hmm_range_fault", cmd.rangeFaults);
        }
        if (op.equals("read") || op.equals("write")) {
            b.value("cpu_faults", cmd.cpuFaults);
        }
        if (cmd.rc == 0 && (op.equals("read") || op.equals("migrate-to-dev") || op.equals("exclusive"))) {
            b.value("mirror", DataPattern.summarize(cmd.mirror));
        }
        if (op.equals("snapshot") && cmd.rc == 0) {
            b.value("perm", Dmirror.formatPerm(cmd.perm));
        }
        b.value("device_pages", m.device().pagesInUse());
        for (String n : cmd.notes) {
            b.note(n);
        }
        long end = addr + (npages << 12);
        if (npages > 0) {
            b.chainView(SimulatedChains.pageTable(c.machine(), mm, addr, end, HmmBackend.ID, new HmmBackend().style(),
                    new ChainStep("dmirror " + op, String.format(Locale.ROOT, "%#x + %d pages", addr, npages),
                            "rc " + org.dmascope.scenario.Errno.name(cmd.rc) + ", " + cmd.cpages + " pages",
                            pageTableRule(op))));
        }
        return b.pages(mm.pageRuns(addr, end)).build();
    }

    // --- hmm_range_fault ---------------------------------------------------------------------

    private static void checkRangeFault(Step s) throws ScenarioException {
        s.expect(3, 3, Set.of("default", "mask", "req", "owner", "notifier"),
                "hmm_range_fault PROC ADDR LENGTH [default=FLAGS] [mask=FLAGS] [req=PAGE:FLAGS,...] [owner=DEVICE]"
                        + " [notifier=NAME]");
        if (!Values.isAddressSyntax(s.args().get(1))) {
            throw s.error("hmm_range_fault: '" + s.args().get(1) + "' is not an address");
        }
        if (Values.size(s, s.args().get(2)) == 0) {
            throw s.error("hmm_range_fault: LENGTH must not be 0");
        }
        for (String k : List.of("default", "mask")) {
            String v = s.optionOrNull(k);
            if (v != null) {
                flags(s, v);
            }
        }
        String req = s.optionOrNull("req");
        if (req != null) {
            requests(s, req);
        }
    }

    private static long flags(Step s, String text) throws ScenarioException {
        try {
            return HmmPfn.parseRequest(text);
        } catch (IllegalArgumentException e) {
            throw s.error("hmm_range_fault: " + e.getMessage());
        }
    }

    private static Map<Long, Long> requests(Step s, String text) throws ScenarioException {
        Map<Long, Long> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int colon = part.indexOf(':');
            if (colon <= 0) {
                throw s.error("hmm_range_fault: req= takes PAGE:FLAGS pairs (3:fault|write), not '" + part + "'");
            }
            long page = Values.count(s, part.substring(0, colon));
            out.put(page, flags(s, part.substring(colon + 1)));
        }
        return out;
    }

    private static StepOutcome rangeFault(Step s, ScenarioContext c) throws ScenarioException {
        State st = state(c);
        Mm mm = c.process(s, s.args().get(0));
        long start = c.address(s, mm, s.args().get(1));
        long len = Values.size(s, s.args().get(2));
        if ((start & 0xfff) != 0 || (len & 0xfff) != 0) {
            throw s.error("hmm_range_fault: ADDR and LENGTH must be page aligned");
        }
        HmmRange range = new HmmRange(start, start + len);
        range.defaultFlags = flags(s, s.option("default", "0"));
        range.pfnFlagsMask = flags(s, s.option("mask", "0"));
        String req = s.optionOrNull("req");
        if (req != null) {
            for (Map.Entry<Long, Long> e : requests(s, req).entrySet()) {
                if (e.getKey() >= range.npages()) {
                    throw s.error("hmm_range_fault: req= names page " + e.getKey() + " of " + range.npages());
                }
                range.hmmPfns[e.getKey().intValue()] = e.getValue();
            }
        }
        String owner = s.optionOrNull("owner");
        if (owner != null) {
            range.devPrivateOwner = device(s, st, owner);
        }
        String nname = s.optionOrNull("notifier");
        if (nname != null) {
            IntervalNotifier n = st.notifiers.get(nname);
            Long seq = st.readBegin.get(nname);
            if (n == null) {
                throw s.error("hmm_range_fault: no notifier named '" + nname + "'");
            }
            if (seq == null) {
                throw s.error("hmm_range_fault: call 'notifier read_begin " + nname + "' first");
            }
            range.notifier = n;
            range.notifierSeq = seq;
        }
        HmmRangeFault.Result r = HmmRangeFault.run(mm, range);
        StepOutcome.Builder b = StepOutcome.of(s).rc(r.rc()).value("walks", r.walks()).value("faults", r.faults())
                .value("pfns", summarizePfns(range.hmmPfns));
        for (String n : r.notes()) {
            b.note(n);
        }
        if (r.rc() == 0) {
            for (int i = 0; i < range.npages(); i++) {
                long p = range.hmmPfns[i];
                if ((p & HmmPfn.VALID) != 0) {
                    b.chain(String.format(Locale.ROOT, "%#x -> pfn %#x %s", start + ((long) i << 12), HmmPfn.pfn(p),
                            HmmPfn.describe(p)));
                }
                if (i >= 63 && range.npages() > 64) {
                    b.chain("... " + (range.npages() - 64) + " more pages");
                    break;
                }
            }
        }
        if (len > 0) {
            b.chainView(SimulatedChains.pageTable(c.machine(), mm, start, start + len, HmmBackend.ID,
                    new HmmBackend().style(), new ChainStep("hmm_range_fault", String.format(Locale.ROOT,
                            "%#x + %d pages", start, range.npages()), "rc " + org.dmascope.scenario.Errno.name(r.rc())
                                    + ", " + r.faults() + " faults", "hmm_range_fault (mm/hmm.c) read these entries of"
                                    + " the CPU page table; the chain shows them after the walk (device-private"
                                    + " entries with the device page's PFN)")));
        }
        return b.pages(mm.pageRuns(start, start + len)).build();
    }

    // What the CPU page table of a dmirror step's range says, for the chain the step shows.
    private static String pageTableRule(String op) {
        return switch (op) {
            case "migrate-to-dev" -> "migrate_vma_setup/pages/finalize (mm/migrate_device.c) replaced the migrated"
                    + " pages' entries by device-private entries (make_writable_device_private_entry) naming the"
                    + " device page: the CPU cannot reach them, a CPU fault calls the driver's migrate_to_ram";
            case "migrate-to-sys" -> "migrate_vma with MIGRATE_VMA_SELECT_DEVICE_PRIVATE (dmirror_migrate_to_system)"
                    + " put system pages back in the CPU page table";
            case "exclusive" -> "make_device_exclusive: the entries became device-exclusive until the CPU touches"
                    + " them";
            default -> "the CPU page table after the step, as the mirror reads it with hmm_range_fault (mm/hmm.c);"
                    + " device-private entries name the device page's PFN";
        };
    }

    /** Output entries as runs of their flags: "VALID|WRITE*1024" or "ERROR,0*3,VALID". */
    static String summarizePfns(long[] pfns) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < pfns.length) {
            String d = HmmPfn.describe(pfns[i]);
            int j = i;
            while (j < pfns.length && HmmPfn.describe(pfns[j]).equals(d)) {
                j++;
            }
            parts.add(j - i > 1 ? d + "*" + (j - i) : d);
            i = j;
        }
        return String.join(",", parts);
    }

    // --- notifier ----------------------------------------------------------------------------

    private static void checkNotifier(Step s) throws ScenarioException {
        String op = s.arg(0, "operation (insert, read_begin, read_retry, remove)");
        switch (op) {
            case "insert" -> {
                s.expect(5, 5, Set.of(), "notifier insert NAME PROC ADDR LENGTH");
                if (!Values.isAddressSyntax(s.args().get(3))) {
                    throw s.error("notifier: '" + s.args().get(3) + "' is not an address");
                }
                Values.size(s, s.args().get(4));
            }
            case "read_begin", "read_retry", "remove" -> s.expect(2, 2, Set.of(), "notifier " + op + " NAME");
            default -> throw s.error("notifier: unknown operation '" + op + "' (insert, read_begin, read_retry, remove)");
        }
    }

    private static IntervalNotifier notifierNamed(Step s, State st, String name) throws ScenarioException {
        IntervalNotifier n = st.notifiers.get(name);
        if (n == null) {
            throw s.error("notifier: no notifier named '" + name + "' (insert it first)");
        }
        return n;
    }

    private static StepOutcome notifier(Step s, ScenarioContext c) throws ScenarioException {
        State st = state(c);
        String op = s.args().get(0);
        String name = s.args().get(1);
        StepOutcome.Builder b = StepOutcome.of(s);
        switch (op) {
            case "insert" -> {
                if (st.notifiers.containsKey(name)) {
                    throw s.error("notifier: '" + name + "' exists");
                }
                Mm mm = c.process(s, s.args().get(2));
                long start = c.address(s, mm, s.args().get(3));
                long len = Values.size(s, s.args().get(4));
                IntervalNotifier n = mm.notifiers().insert(name, mm, start, len, (ni, range, seq) -> {
                    // A driver's invalidate callback: record the sequence under its lock, drop its mappings.
                    MmuNotifiers.setSeq(ni, seq);
                    st.invalidations.merge(name, 1, Integer::sum);
                    return true;
                });
                st.notifiers.put(name, n);
                return b.rc(0).value("seq", n.invalidateSeq()).value("mm_seq", mm.notifiers().invalidateSeq()).build();
            }
            case "read_begin" -> {
                IntervalNotifier n = notifierNamed(s, st, name);
                MmuNotifiers.ReadBegin rb = n.mm().notifiers().readBegin(n);
                b.value("seq", rb.seq()).value("mm_seq", n.mm().notifiers().invalidateSeq());
                if (rb.waited()) {
                    b.rc(0).value("blocked", true).note("mmu_interval_read_begin: an invalidation of this range is running"
                            + " (the sequence is odd): read_begin sleeps until invalidate_range_end");
                } else {
                    b.rc(0).value("blocked", false);
                }
                st.readBegin.put(name, rb.seq());
                return b.build();
            }
            case "read_retry" -> {
                IntervalNotifier n = notifierNamed(s, st, name);
                Long seq = st.readBegin.get(name);
                if (seq == null) {
                    throw s.error("notifier: read_retry before read_begin for '" + name + "'");
                }
                boolean retry = MmuNotifiers.readRetry(n, seq);
                b.rc(0).value("retry", retry).value("seq", n.invalidateSeq()).value("begin_seq", seq);
                if (retry) {
                    b.note("mmu_interval_read_retry: an invalidation set the sequence to " + n.invalidateSeq()
                            + " since read_begin returned " + seq + ": the driver must not use what it read; fault again");
                }
                return b.build();
            }
            case "remove" -> {
                IntervalNotifier n = notifierNamed(s, st, name);
                n.mm().notifiers().remove(n);
                st.notifiers.remove(name);
                return b.rc(0).build();
            }
            default -> throw s.error("notifier: unknown operation '" + op + "'");
        }
    }

    // --- invalidate --------------------------------------------------------------------------

    private static void checkInvalidate(Step s) throws ScenarioException {
        s.expect(3, 3, Set.of("event", "phase", "owner"), "invalidate PROC ADDR LENGTH [event=EVENT] [phase=start|end|both]"
                + " [owner=DEVICE]");
        event(s, s.option("event", "clear"));
        String phase = s.option("phase", "both");
        if (!Set.of("start", "end", "both").contains(phase)) {
            throw s.error("invalidate: phase is start, end or both");
        }
        if (!Values.isAddressSyntax(s.args().get(1))) {
            throw s.error("invalidate: '" + s.args().get(1) + "' is not an address");
        }
        Values.size(s, s.args().get(2));
    }

    private static MmuNotifierRange.Event event(Step s, String text) throws ScenarioException {
        try {
            return MmuNotifierRange.Event.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw s.error("invalidate: unknown event '" + text + "' (unmap, clear, protection_vma, protection_page,"
                    + " soft_dirty, release, migrate, exclusive)");
        }
    }

    private static StepOutcome invalidate(Step s, ScenarioContext c) throws ScenarioException {
        State st = state(c);
        Mm mm = c.process(s, s.args().get(0));
        long start = c.address(s, mm, s.args().get(1));
        long len = Values.size(s, s.args().get(2));
        String ownerName = s.optionOrNull("owner");
        @Nullable Object owner = ownerName == null ? null : device(s, st, ownerName);
        MmuNotifierRange range = new MmuNotifierRange(event(s, s.option("event", "clear")), start, start + len, owner);
        String phase = s.option("phase", "both");
        List<MmuNotifierRange> pending = st.pending.computeIfAbsent(mm.name(), k -> new ArrayList<>());
        if (!phase.equals("end")) {
            mm.notifiers().invalidateRangeStart(range);
            pending.add(range);
        }
        if (!phase.equals("start")) {
            if (pending.isEmpty()) {
                throw s.error("invalidate: phase=end without a running invalidation of " + mm.name());
            }
            mm.notifiers().invalidateRangeEnd(pending.remove(pending.size() - 1));
        }
        return StepOutcome.of(s).rc(0).value("mm_seq", mm.notifiers().invalidateSeq())
                .value("running", mm.notifiers().activeInvalidateRanges()).build();
    }
}
