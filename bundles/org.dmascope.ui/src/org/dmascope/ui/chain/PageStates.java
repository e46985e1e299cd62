package org.dmascope.ui.chain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.core.backend.BackendStyle;
import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The states of a chain's page runs as the kernel sees them, for drawing without backend code:
 * each run has one kind (what its PFN is: an error, a device-private page, a PFN with no struct
 * page, a ZONE_DEVICE page, not present, ...) drawn in its VMA's backend style with the kind's
 * fill, and the backend's own state bits, named by the backend's {@link BackendStyle#stateNames()}
 * and drawn as markers. Built once per chain in one pass over the runs; keeps, per state, the
 * pages before each run, so that any range of runs (a pixel row at low zoom) is counted in
 * constant time.
 */
public final class PageStates {

    /** How a state fills its area. */
    public enum Fill {
        /** Plain colour. */
        SOLID,
        /** Diagonal hatching: device-private pages. */
        HATCH,
        /** A cross-hatched grid: PFNs with no struct page (BARs, VM_PFNMAP). */
        GRID,
        /** Dots: ZONE_DEVICE pages other than device-private ones. */
        DOTS,
        /** Mostly empty: not present (no PFN). */
        EMPTY,
        /** A marker band at the right edge: a backend's own state bit. */
        MARKER
    }

    /**
     * A state as drawn.
     *
     * @param name  its name, as tooltips, Properties and the legend say it
     * @param rgb   its colour, 0xRRGGBB
     * @param fill  how it fills
     */
    public record State(String name, int rgb, Fill fill) {
    }

    /** The kinds, by precedence: a run has exactly one. */
    enum Kind {
        ERROR("error (the page cannot be resolved)", Fill.SOLID),
        DEVICE_PRIVATE("device-private (device memory the CPU cannot reach)", Fill.HATCH),
        NO_STRUCT_PAGE("no struct page (BAR or PFN map)", Fill.GRID),
        ZONE_DEVICE("ZONE_DEVICE (device-coherent or P2PDMA memory)", Fill.DOTS),
        SWAPPED("swapped out", Fill.SOLID),
        NOT_PRESENT("not present", Fill.EMPTY),
        PFN_NOT_KNOWN("PFN not known", Fill.SOLID),
        ZERO_PAGE("the zero page", Fill.SOLID),
        HUGE("huge page (THP or hugetlbfs)", Fill.SOLID),
        PRESENT("present", Fill.SOLID);

        final String text;
        final Fill fill;

        Kind(String text, Fill fill) {
            this.text = text;
            this.fill = fill;
        }
    }

    private static final int ERROR_RGB = 0xd62728;
    private static final int GREY_RGB = 0xb0b0b0;
    private static final int UNKNOWN_RGB = 0xf0f0f0;
    private static final int ZERO_RGB = 0xc0c0c0;
    /** Marker colours by backend bit (bit 16 first). */
    private static final int[] MARKER_RGB = {0x2ca02c, 0xff7f0e, 0xd62728, 0x1f77b4, 0xa00050, 0x8c564b, 0xe377c2,
        0x17becf};

    private final List<BackendStyle> vmaStyles;
    private final List<State> states = new ArrayList<>();
    private final Map<State, Integer> ids = new LinkedHashMap<>();
    // Per run: the id of its kind, and a bit per backend state bit it has.
    private final int[] kindOf;
    private final int[] bitsOf;
    // Per state id: pages before each run (length runs + 1).
    private final List<long[]> before = new ArrayList<>();
    private final Map<String, Long> pagesByState = new LinkedHashMap<>();

    /** The states of a chain's runs; {@code vmaStyles} gives each VMA's backend style. */
    public PageStates(AddressChain chain, List<BackendStyle> vmaStyles) {
        this.vmaStyles = List.copyOf(vmaStyles);
        PageRuns p = chain.pages();
        int n = p == null ? 0 : p.size();
        kindOf = new int[n];
        bitsOf = new int[n];
        List<Vma> vmas = chain.vmas();
        int vi = 0;
        for (int i = 0; i < n; i++) {
            long va = p.vaddr(i);
            while (vi < vmas.size() && vmas.get(vi).end() <= va) {
                vi++;
            }
            int v = vi < vmas.size() && vmas.get(vi).contains(va) ? vi : -1;
            BackendStyle style = v >= 0 && v < vmaStyles.size() ? vmaStyles.get(v) : null;
            int flags = p.flags(i);
            Kind kind = kind(flags, p.pfn(i));
            State s = new State(kind.text, kindRgb(kind, style), kind.fill);
            kindOf[i] = id(s, n);
            count(s, i, p.pages(i));
            int bits = (flags & PageFlags.BACKEND_MASK) >>> 16;
            bitsOf[i] = bits;
            for (int b = 0; b < 8; b++) {
                if ((bits & 1 << b) != 0) {
                    State m = marker(style, b);
                    id(m, n);
                    count(m, i, p.pages(i));
                }
            }
        }
        // Prefix sums: before[id][i] = pages of state id in runs 0..i-1.
        for (int id = 0; id < states.size(); id++) {
            long[] b = before.get(id);
            long sum = 0;
            for (int i = 0; i < n; i++) {
                long here = b[i];
                b[i] = sum;
                sum += here;
            }
            b[n] = sum;
        }
    }

    private int id(State s, int n) {
        Integer id = ids.get(s);
        if (id == null) {
            id = states.size();
            states.add(s);
            ids.put(s, id);
            before.add(new long[n + 1]);
        }
        return id;
    }

    // Until the prefix pass, before[id][i] holds the pages of run i in that state.
    private void count(State s, int run, long pages) {
        before.get(ids.get(s))[run] += pages;
        pagesByState.merge(s.name(), pages, Long::sum);
    }

    static Kind kind(int flags, long pfn) {
        if ((flags & PageFlags.ERROR) != 0) {
            return Kind.ERROR;
        }
        if ((flags & PageFlags.DEVICE_PRIVATE) != 0) {
            return Kind.DEVICE_PRIVATE;
        }
        if ((flags & PageFlags.NO_STRUCT_PAGE) != 0) {
            return Kind.NO_STRUCT_PAGE;
        }
        if ((flags & PageFlags.ZONE_DEVICE) != 0) {
            return Kind.ZONE_DEVICE;
        }
        if ((flags & PageFlags.PRESENT) == 0) {
            return (flags & PageFlags.SWAPPED) != 0 ? Kind.SWAPPED : Kind.NOT_PRESENT;
        }
        if ((flags & (PageFlags.PFN_UNKNOWN | PageFlags.PFN_HIDDEN)) != 0 || pfn == RunSink.NO_PFN) {
            return Kind.PFN_NOT_KNOWN;
        }
        if ((flags & PageFlags.ZERO_PAGE) != 0) {
            return Kind.ZERO_PAGE;
        }
        if ((flags & (PageFlags.THP | PageFlags.HUGETLB)) != 0) {
            return Kind.HUGE;
        }
        return Kind.PRESENT;
    }

    private static int kindRgb(Kind kind, @Nullable BackendStyle style) {
        int base = style == null ? 0x8fa8c8 : style.rgb();
        return switch (kind) {
            case ERROR -> ERROR_RGB;
            case SWAPPED -> GREY_RGB;
            case NOT_PRESENT -> 0xffffff;
            case PFN_NOT_KNOWN -> UNKNOWN_RGB;
            case ZERO_PAGE -> ZERO_RGB;
            case PRESENT -> lighten(base, 0.35);
            default -> base;
        };
    }

    private static State marker(@Nullable BackendStyle style, int bit) {
        String name = style == null ? null : style.stateNames().get(PageFlags.BACKEND_FIRST << bit);
        String label = style == null ? "backend" : style.label();
        return new State(label + ": " + (name == null ? "state bit " + bit : name), MARKER_RGB[bit], Fill.MARKER);
    }

    static int lighten(int rgb, double f) {
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        return (int) (r + (255 - r) * f) << 16 | (int) (g + (255 - g) * f) << 8 | (int) (b + (255 - b) * f);
    }

    /** Every state that appears, in the order first met: kinds and backend markers. */
    public List<State> states() {
        return List.copyOf(states);
    }

    /** Pages per state name over the whole chain. */
    public Map<String, Long> pagesByState() {
        return java.util.Collections.unmodifiableMap(pagesByState);
    }

    /** The kind of run i, as drawn. */
    public State kindOf(int run) {
        return states.get(kindOf[run]);
    }

    /** The backend markers of run i, as drawn. */
    public List<State> markersOf(int run) {
        List<State> out = new ArrayList<>();
        int bits = bitsOf[run];
        for (int id = 0; id < states.size(); id++) {
            State s = states.get(id);
            if (s.fill() == Fill.MARKER && before.get(id)[run + 1] > before.get(id)[run]) {
                out.add(s);
            }
        }
        return bits == 0 ? List.of() : out;
    }

    /** The state names of run i: its kind, then its backend states. */
    public List<String> namesOf(int run) {
        List<String> out = new ArrayList<>();
        out.add(kindOf(run).name());
        markersOf(run).forEach(s -> out.add(s.name()));
        return out;
    }

    /** Pages per state in runs [from, to), in the order of {@link #states()} (states with none left out). */
    public Map<State, Long> pages(int from, int to) {
        Map<State, Long> out = new LinkedHashMap<>();
        for (int id = 0; id < states.size(); id++) {
            long[] b = before.get(id);
            long n = b[to] - b[from];
            if (n > 0) {
                out.put(states.get(id), n);
            }
        }
        return out;
    }

    /** The styles of the chain's VMAs. */
    public List<BackendStyle> vmaStyles() {
        return vmaStyles;
    }
}
