package org.dmascope.scenario.steps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.trace.event.ProcessExit;
import org.dmascope.trace.event.ProcessStart;
import org.dmascope.trace.event.TopologySnapshot;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.event.VmaProtect;
import org.dmascope.trace.event.VmaUnmap;
import org.dmascope.scenario.DataPattern;
import org.dmascope.scenario.Errno;
import org.dmascope.scenario.ScenarioContext;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioExtension;
import org.dmascope.scenario.Step;
import org.dmascope.scenario.StepKind;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.scenario.TopologyLoader;
import org.dmascope.scenario.Values;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.Pte;
import org.dmascope.scenario.mm.SimFile;
import org.dmascope.scenario.mm.SimVma;

/**
 * The built-in step kinds: the machine (topology, processes, files), the memory system calls
 * (mmap, munmap, mprotect, madvise, fork, exit), CPU accesses (touch), inspection (pages, pread),
 * expectations (expect, expect-page), simulated time (wait, pace) and the PCI rules (boot, p2p).
 */
public final class CoreSteps implements ScenarioExtension {

    private static final Set<String> MMAP_FLAGS = Set.of("private", "shared", "anon", "hugetlb", "mixedmap", "pfnmap",
            "dontfork");

    @Override
    public String id() {
        return "core";
    }

    @Override
    public List<StepKind> stepKinds() {
        return List.of(
                new SimpleKind("topology", "topology FILE | topology inline ... end", CoreSteps::checkTopology,
                        CoreSteps::topology),
                new SimpleKind("process", "process NAME", s -> s.expect(1, 1, Set.of(), "process NAME"),
                        CoreSteps::process),
                new SimpleKind("file", "file NAME SIZE [fs=tmpfs|disk] [fill=VALUE]", CoreSteps::checkFile,
                        CoreSteps::file),
                new SimpleKind("mmap", "mmap PROC NAME LENGTH PROT [private|shared] [anon|hugetlb|mixedmap|pfnmap] "
                        + "[dontfork] [file=FILE] [offset=SIZE] [pagesize=2M|1G] [align=SIZE]", CoreSteps::checkMmap,
                        CoreSteps::mmap),
                new SimpleKind("munmap", "munmap PROC ADDR LENGTH", s -> checkRange(s, "munmap PROC ADDR LENGTH", 3),
                        CoreSteps::munmap),
                new SimpleKind("mprotect", "mprotect PROC ADDR LENGTH PROT", CoreSteps::checkMprotect,
                        CoreSteps::mprotect),
                new SimpleKind("madvise", "madvise PROC ADDR LENGTH hugepage|nohugepage|dontneed",
                        CoreSteps::checkMadvise, CoreSteps::madvise),
                new SimpleKind("touch", "touch PROC ADDR LENGTH read|write [value=VALUE]", CoreSteps::checkTouch,
                        CoreSteps::touch),
                new SimpleKind("fork", "fork PARENT CHILD", s -> s.expect(2, 2, Set.of(), "fork PARENT CHILD"),
                        CoreSteps::fork),
                new SimpleKind("exit", "exit PROC", s -> s.expect(1, 1, Set.of(), "exit PROC"), CoreSteps::exit),
                new SimpleKind("pages", "pages PROC ADDR LENGTH", s -> checkRange(s, "pages PROC ADDR LENGTH", 3),
                        CoreSteps::pages),
                new SimpleKind("pread", "pread FILE LENGTH", CoreSteps::checkPread, CoreSteps::pread),
                new SimpleKind("register_mr", "register_mr PROC ADDR LENGTH [access=FLAGS] [max-seg=SIZE]",
                        MemoryRegions::check, MemoryRegions::run),
                new SimpleKind("expect", "expect KEY=VALUE ...", CoreSteps::checkExpect, CoreSteps::expect),
                new SimpleKind("expect-page", "expect-page PROC ADDR STATE...", CoreSteps::checkExpectPage,
                        CoreSteps::expectPage),
                new SimpleKind("wait", "wait DURATION", s -> checkDuration(s, "wait DURATION"), CoreSteps::waitStep),
                new SimpleKind("pace", "pace DURATION", s -> checkDuration(s, "pace DURATION"), CoreSteps::pace),
                new SimpleKind("boot", PciSteps.BOOT_USAGE, PciSteps::checkBoot, PciSteps::boot),
                new SimpleKind("p2p", PciSteps.P2P_USAGE, PciSteps::checkP2p, PciSteps::p2p));
    }

    // --- checks ------------------------------------------------------------------------------

    private static void checkDuration(Step s, String usage) throws ScenarioException {
        s.expect(1, 1, Set.of(), usage + " (like 200ms, 1.5s, 50us)");
        Values.duration(s, s.args().get(0));
    }

    private static void checkTopology(Step s) throws ScenarioException {
        if (s.args().size() == 1 && s.args().get(0).equals("inline")) {
            return;
        }
        s.expect(1, 1, Set.of(), "topology FILE, or topology inline followed by the file's lines and 'end'");
    }

    private static void checkFile(Step s) throws ScenarioException {
        s.expect(2, 2, Set.of("fs", "fill"), "file NAME SIZE [fs=tmpfs|disk] [fill=VALUE]");
        Values.size(s, s.args().get(1));
        String fs = s.option("fs", "tmpfs");
        if (!fs.equals("tmpfs") && !fs.equals("disk")) {
            throw s.error("file: fs must be tmpfs or disk, not '" + fs + "'");
        }
        if (s.optionOrNull("fill") != null) {
            DataPattern.parse(s, s.option("fill", "0"));
        }
    }

    private static void checkMmap(Step s) throws ScenarioException {
        String usage = "mmap PROC NAME LENGTH PROT [private|shared] [anon|hugetlb|mixedmap|pfnmap] [dontfork] "
                + "[file=FILE] [offset=SIZE] [pagesize=2M|1G] [align=SIZE]";
        s.expect(4, 8, Set.of("file", "offset", "pagesize", "align"), usage);
        if (!s.args().get(1).matches("[A-Za-z_][A-Za-z0-9_.]*")) {
            throw s.error("mmap: '" + s.args().get(1) + "' is not a mapping name (letters, digits, _ and .)");
        }
        if (Values.size(s, s.args().get(2)) == 0) {
            throw s.error("mmap: LENGTH must not be 0");
        }
        prot(s, s.args().get(3));
        for (String w : s.args().subList(4, s.args().size())) {
            if (!MMAP_FLAGS.contains(w)) {
                throw s.error("mmap: unknown flag '" + w + "' (expected " + usage + ")");
            }
        }
        for (String k : List.of("offset", "align")) {
            if (s.optionOrNull(k) != null) {
                Values.size(s, s.option(k, "0"));
            }
        }
        String ps = s.optionOrNull("pagesize");
        if (ps != null && !ps.equals("2M") && !ps.equals("1G")) {
            throw s.error("mmap: pagesize must be 2M or 1G");
        }
    }

    private static void checkRange(Step s, String usage, int args) throws ScenarioException {
        s.expect(args, args, Set.of(), usage);
        if (!Values.isAddressSyntax(s.args().get(1))) {
            throw s.error(s.kind() + ": '" + s.args().get(1) + "' is not an address (NAME, NAME+OFFSET or 0xHEX)");
        }
        Values.size(s, s.args().get(2));
    }

    private static void checkMprotect(Step s) throws ScenarioException {
        checkRange(s, "mprotect PROC ADDR LENGTH PROT", 4);
        prot(s, s.args().get(3));
    }

    private static void checkMadvise(Step s) throws ScenarioException {
        checkRange(s, "madvise PROC ADDR LENGTH hugepage|nohugepage|dontneed", 4);
        if (!Set.of("hugepage", "nohugepage", "dontneed").contains(s.args().get(3))) {
            throw s.error("madvise: advice must be hugepage, nohugepage or dontneed");
        }
    }

    private static void checkTouch(Step s) throws ScenarioException {
        s.expect(4, 4, Set.of("value"), "touch PROC ADDR LENGTH read|write [value=VALUE]");
        checkRange(new Step(s.file(), s.line(), s.kind(), s.args().subList(0, 3), Map.of(), s.text()),
                "touch PROC ADDR LENGTH read|write", 3);
        String how = s.args().get(3);
        if (!how.equals("read") && !how.equals("write")) {
            throw s.error("touch: expected read or write, not '" + how + "'");
        }
        if (s.optionOrNull("value") != null) {
            if (how.equals("read")) {
                throw s.error("touch: value= goes with write");
            }
            DataPattern.parse(s, s.option("value", "0"));
        }
    }

    private static void checkPread(Step s) throws ScenarioException {
        s.expect(2, 2, Set.of(), "pread FILE LENGTH");
        Values.size(s, s.args().get(1));
    }

    private static void checkExpect(Step s) throws ScenarioException {
        if (!s.args().isEmpty() || s.options().isEmpty()) {
            throw s.error("expect: expected KEY=VALUE words (rc=0 cpages=1024 ...)");
        }
    }

    private static void checkExpectPage(Step s) throws ScenarioException {
        if (s.args().size() < 3 || !s.options().isEmpty()) {
            throw s.error("expect-page: expected PROC ADDR STATE...");
        }
        if (!Values.isAddressSyntax(s.args().get(1))) {
            throw s.error("expect-page: '" + s.args().get(1) + "' is not an address");
        }
    }

    /** Parses PROT: r, w, x in order, or "none". */
    static boolean[] prot(Step s, String word) throws ScenarioException {
        if (word.equals("none")) {
            return new boolean[3];
        }
        if (!word.matches("r?w?x?") || word.isEmpty()) {
            throw s.error(s.kind() + ": '" + word + "' is not a protection (none, r, rw, rx, rwx, w)");
        }
        return new boolean[] {word.contains("r"), word.contains("w"), word.contains("x")};
    }

    // --- runs --------------------------------------------------------------------------------

    /** {@code wait DURATION}: simulated time passes; the simulator plays it as a pause of that length at speed 1. */
    private static StepOutcome waitStep(Step s, ScenarioContext c) throws ScenarioException {
        long ns = Values.duration(s, s.args().get(0));
        c.clock().advance(ns);
        return StepOutcome.of(s).value("waited", Values.formatDuration(ns)).build();
    }

    /** {@code pace DURATION}: the simulated time that passes after each later step that does something. */
    private static StepOutcome pace(Step s, ScenarioContext c) throws ScenarioException {
        long ns = Values.duration(s, s.args().get(0));
        c.setStepGap(ns);
        return StepOutcome.of(s).value("gap", Values.formatDuration(ns)).build();
    }

    private static StepOutcome topology(Step s, ScenarioContext c) throws ScenarioException {
        TopologyLoader loader = c.topologyLoader();
        if (loader == null) {
            throw s.error("topology: this runner cannot read topologies");
        }
        Path file;
        String display;
        Path temp = null;
        try {
            if (s.args().get(0).equals("inline")) {
                temp = Files.createTempFile("dmascope-topology", ".txt");
                Files.writeString(temp, s.option("inline", ""), StandardCharsets.UTF_8);
                file = temp;
                display = s.file() + " (inline topology at line " + s.line() + ")";
            } else {
                file = c.baseDir().resolve(s.args().get(0));
                display = s.args().get(0);
            }
            PciTopology t = loader.load(file, display);
            c.machine().setTopology(t);
            // named as the scenario names it, so the same scenario records the same events wherever it lies
            snapshot(c, t, file, temp != null ? "the scenario's inline topology (line " + s.line() + ")" : s.args().get(0));
            return StepOutcome.of(s).value("functions", t.functions().size()).build();
        } catch (InputException e) {
            throw s.error("topology: " + e.getMessage());
        } catch (IOException e) {
            throw s.error("topology: cannot write the inline topology: " + e.getMessage());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // A temporary file that stays is harmless.
                }
            }
        }
    }

    /** The largest topology document a trace carries in its snapshot. */
    static final long SNAPSHOT_LIMIT = 16L << 20;

    // The trace carries the topology document itself, so that a viewer shows the same machine.
    private static void snapshot(ScenarioContext c, PciTopology t, Path file, String display) throws IOException {
        PciSteps.Document doc = c.state(PciSteps.Document.class, PciSteps.Document::new);
        doc.topology = null;
        if (!Files.isRegularFile(file) || Files.size(file) > SNAPSHOT_LIMIT) {
            return; // a folder (a sysfs copy) or a very large file: the trace names no document
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String format = text.stripLeading().startsWith("<") ? "xml" : "text";
        c.machine().emit(null, h -> new TopologySnapshot(h, display, format, text));
        doc.topology = t;
        doc.source = display;
        doc.format = format;
        doc.text = text;
    }

    private static StepOutcome process(Step s, ScenarioContext c) throws ScenarioException {
        if (c.machine().process(s.args().get(0)) != null) {
            throw s.error("process: '" + s.args().get(0) + "' exists");
        }
        Mm mm = c.machine().newProcess(s.args().get(0));
        c.machine().emit(mm, h -> new ProcessStart(h, 0, mm.name()));
        return StepOutcome.of(s).value("pid", mm.pid()).build();
    }

    private static StepOutcome file(Step s, ScenarioContext c) throws ScenarioException {
        String name = s.args().get(0);
        if (c.machine().file(name) != null) {
            throw s.error("file: '" + name + "' exists");
        }
        long size = Values.size(s, s.args().get(1));
        SimFile f = c.machine().newFile(name, size, s.option("fs", "tmpfs").equals("disk"));
        String fill = s.optionOrNull("fill");
        if (fill != null) {
            DataPattern p = DataPattern.parse(s, fill);
            for (long i = 0; i < (size + 4095) / 4096; i++) {
                f.write(i, p.valueAt(i));
            }
        }
        return StepOutcome.of(s).value("size", size).build();
    }

    private static StepOutcome mmap(Step s, ScenarioContext c) throws ScenarioException {
        Mm mm = c.process(s, s.args().get(0));
        String name = s.args().get(1);
        long length = Values.size(s, s.args().get(2));
        boolean[] p = prot(s, s.args().get(3));
        List<String> flags = s.args().subList(4, s.args().size());
        boolean shared = flags.contains("shared");
        if (shared && flags.contains("private")) {
            throw s.error("mmap: private and shared exclude each other");
        }
        EnumSet<VmFlag> f = EnumSet.of(VmFlag.MAY_READ, VmFlag.MAY_WRITE, VmFlag.MAY_EXEC);
        if (p[0]) {
            f.add(VmFlag.READ);
        }
        if (p[1]) {
            f.add(VmFlag.WRITE);
        }
        if (p[2]) {
            f.add(VmFlag.EXEC);
        }
        if (shared) {
            f.add(VmFlag.SHARED);
            f.add(VmFlag.MAY_SHARE);
        }
        if (flags.contains("dontfork")) {
            f.add(VmFlag.DONTCOPY);
        }
        String fileName = s.optionOrNull("file");
        SimFile file = null;
        SimVma.Backing backing = SimVma.Backing.ANON;
        long huge = 0;
        boolean shmem = false;
        if (fileName != null) {
            file = c.machine().file(fileName);
            if (file == null) {
                throw s.error("mmap: no file named '" + fileName + "' (declare it with 'file " + fileName + " SIZE')");
            }
            backing = SimVma.Backing.FILE;
        } else if (flags.contains("hugetlb") || s.optionOrNull("pagesize") != null) {
            backing = SimVma.Backing.HUGETLB;
            huge = Values.size(s, s.option("pagesize", "2M"));
            f.add(VmFlag.HUGETLB);
        } else if (flags.contains("mixedmap")) {
            backing = SimVma.Backing.MIXEDMAP;
            f.add(VmFlag.MIXEDMAP);
        } else if (flags.contains("pfnmap")) {
            backing = SimVma.Backing.PFNMAP;
            f.add(VmFlag.IO);
            f.add(VmFlag.PFNMAP);
            f.add(VmFlag.DONTEXPAND);
        } else if (shared) {
            file = new SimFile("shmem:" + mm.name() + ":" + name, length, false);
            backing = SimVma.Backing.FILE;
            shmem = true;
        }
        long offset = Values.size(s, s.option("offset", "0"));
        if ((offset & 0xfff) != 0) {
            return StepOutcome.of(s).rc(-Errno.EINVAL).note("mmap: the offset is not a multiple of the page size")
                    .build();
        }
        long align = Values.size(s, s.option("align", "0"));
        long start = mm.mmap(length, f, backing, file, offset >>> 12, huge, shmem, Math.max(align, huge));
        mm.name(name, start);
        SimVma vma = mm.vma(start);
        emitMap(mm, vma, name);
        return StepOutcome.of(s).rc(0).value("addr", hex(start)).value("vma", maps(vma))
                .pages(mm.pageRuns(vma.start(), vma.end())).build();
    }

    private static StepOutcome munmap(Step s, ScenarioContext c) throws ScenarioException {
        Mm mm = c.process(s, s.args().get(0));
        long start = c.address(s, mm, s.args().get(1));
        long len = Values.size(s, s.args().get(2));
        int rc = mm.munmap(start, len);
        if (rc == 0) {
            long end = start + ((len + 4095) & ~0xfffL);
            c.machine().emit(mm, h -> new VmaUnmap(h, start, end));
        }
        return StepOutcome.of(s).rc(rc).pages(rc == 0 ? mm.pageRuns(start, start + len) : List.of()).build();
    }

    private static StepOutcome mprotect(Step s, ScenarioContext c) throws ScenarioException {
        Mm mm = c.process(s, s.args().get(0));
        long start = c.address(s, mm, s.args().get(1));
        long len = Values.size(s, s.args().get(2));
        boolean[] p = prot(s, s.args().get(3));
        int rc = mm.mprotect(start, len, p[0], p[1], p[2]);
        if (rc == 0) {
            long end = start + ((len + 4095) & ~0xfffL);
            String perms = (p[0] ? "r" : "-") + (p[1] ? "w" : "-") + (p[2] ? "x" : "-");
            c.machine().emit(mm, h -> new VmaProtect(h, start, end, perms));
        }
        return StepOutcome.of(s).rc(rc).pages(rc == 0 ? mm.pageRuns(start, start + len) : List.of()).build();
    }

    private static StepOutcome madvise(Step s, ScenarioContext c) throws ScenarioException {
        Mm mm = c.process(s, s.args().get(0));
        long start = c.address(s, mm, s.args().get(1));
        long len = Values.size(s, s.args().get(2));
        int rc = mm.madvise(start, len, s.args().get(3));
        return StepOutcome.of(s).rc(rc).pages(rc == 0 ? mm.pageRuns(start, start + len) : List.of()).build();
    }

    private static StepOutcome touch(Step s, ScenarioContext c) throws ScenarioException {
        Mm mm = c.process(s, s.args().get(0));
        long start = c.address(s, mm, s.args().get(1)) & ~0xfffL;
        long len = Values.size(s, s.args().get(2));
        boolean write = s.args().get(3).equals("write");
        DataPattern value = s.optionOrNull("value") == null ? null : DataPattern.parse(s, s.option("value", "0"));
        long faultsBefore = mm.cpuFaults();
        int n = (int) ((len + 4095) >>> 12);
        long[] read = new long[n];
        StepOutcome.Builder b = StepOutcome.of(s);
        for (int i = 0; i < n; i++) {
            long a = start + ((long) i << 12);
            int r = mm.access(a, write);
            if (r != Mm.FAULT_OK) {
                b.rc(r == Mm.VM_FAULT_SIGSEGV ? "SIGSEGV" : r == Mm.VM_FAULT_SIGBUS ? "SIGBUS" : "OOM");
                b.value("at", hex(a)).value("pages", i).value("faults", mm.cpuFaults() - faultsBefore);
                return b.pages(mm.pageRuns(start, start + ((long) n << 12))).build();
            }
            Pte p = mm.pte(a);
            if (write && value != null) {
                p.folio().setData(p.index(), value.valueAt(i));
            }
            read[i] = p.data();
        }
        b.rc(0).value("pages", n).value("faults", mm.cpuFaults() - faultsBefore);
        if (!write) {
            b.value("data", DataPattern.summarize(read));
        }
        return b.pages(mm.pageRuns(start, start + ((long) n << 12))).build();
    }

    private static StepOutcome fork(Step s, ScenarioContext c) throws ScenarioException {
        Mm parent = c.process(s, s.args().get(0));
        if (c.machine().process(s.args().get(1)) != null) {
            throw s.error("fork: a process named '" + s.args().get(1) + "' exists");
        }
        Mm child = parent.fork(s.args().get(1));
        c.machine().emit(child, h -> new ProcessStart(h, parent.pid(), parent.name()));
        for (SimVma v : child.vmas()) {
            emitMap(child, v, "");
        }
        return StepOutcome.of(s).rc(0).value("pid", child.pid()).build();
    }

    private static StepOutcome exit(Step s, ScenarioContext c) throws ScenarioException {
        Mm mm = c.process(s, s.args().get(0));
        mm.exit();
        c.machine().emit(mm, h -> new ProcessExit(h, 0));
        return StepOutcome.of(s).rc(0).build();
    }

    private static StepOutcome pages(Step s, ScenarioContext c) throws ScenarioException {
        Mm mm = c.process(s, s.args().get(0));
        long start = c.address(s, mm, s.args().get(1)) & ~0xfffL;
        long len = Values.size(s, s.args().get(2));
        return StepOutcome.of(s).pages(mm.pageRuns(start, start + ((len + 4095) & ~0xfffL))).build();
    }

    private static StepOutcome pread(Step s, ScenarioContext c) throws ScenarioException {
        SimFile f = c.machine().file(s.args().get(0));
        if (f == null) {
            throw s.error("pread: no file named '" + s.args().get(0) + "'");
        }
        int n = (int) ((Values.size(s, s.args().get(1)) + 4095) >>> 12);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = f.read(i);
        }
        return StepOutcome.of(s).rc(0).value("data", DataPattern.summarize(v)).build();
    }

    private static StepOutcome expect(Step s, ScenarioContext c) throws ScenarioException {
        StepOutcome prev = c.previous();
        if (prev == null) {
            throw s.error("expect: no step before it to check");
        }
        StepOutcome.Builder b = StepOutcome.of(s);
        for (Map.Entry<String, String> e : s.options().entrySet()) {
            String actual = e.getKey().equals("rc") ? prev.rc() : prev.values().get(e.getKey());
            if (actual == null) {
                b.failed(e.getKey() + ": line " + prev.line() + " (" + prev.kind() + ") gives no such value");
            } else if (!actual.equals(normalize(e.getValue()))) {
                b.failed(e.getKey() + " is " + actual + ", expected " + e.getValue());
            }
        }
        return b.value("checked", "line " + prev.line()).build();
    }

    private static StepOutcome expectPage(Step s, ScenarioContext c) throws ScenarioException {
        Mm mm = c.process(s, s.args().get(0));
        long a = c.address(s, mm, s.args().get(1));
        String want = String.join(" ", s.args().subList(2, s.args().size()));
        String actual = mm.describe(a);
        StepOutcome.Builder b = StepOutcome.of(s).value("state", actual);
        if (!actual.equals(want)) {
            b.failed("page " + hex(a) + " is '" + actual + "', expected '" + want + "'");
        }
        return b.build();
    }

    /** "index+0" (what a repeat block writes for its first iteration) reads as "index". */
    private static String normalize(String expected) {
        return expected.matches("-?index\\+0") ? expected.substring(0, expected.length() - 2) : expected;
    }

    static String hex(long v) {
        return String.format(Locale.ROOT, "0x%x", v);
    }

    private static String maps(SimVma v) {
        return String.format(Locale.ROOT, "%x-%x %s", v.start(), v.end(), v.permissions());
    }

    /** A vma_map event: the mapping as /proc/PID/maps shows it (the path: the file, or the mapping's name). */
    private static void emitMap(Mm mm, SimVma vma, String name) {
        SimFile f = vma.file();
        String path = f != null ? f.name() : name;
        mm.machine().emit(mm, h -> new VmaMap(h, vma.start(), vma.end(), vma.permissions(), vma.fileIndex(vma.start())
                << 12, path));
    }
}
