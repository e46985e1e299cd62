package org.dmascope.sources.live;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.Migrate;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.event.VmaProtect;
import org.dmascope.trace.event.VmaUnmap;
import org.eclipse.jdt.annotation.Nullable;

/**
 * What changed between two samples of one process, as trace events. Pure: no I/O.
 *
 * <h2>VMAs</h2> The two VMA lists are compared address by address, not VMA by VMA, so that
 * merges and splits the kernel does on its own (two adjacent anonymous VMAs merged, one split by
 * a partial mprotect) give no event where nothing changed. An address mapped in both samples
 * keeps its mapping when the name, device, inode and, for a file, the file offset at that
 * address agree ({@code show_map_vma()} in fs/proc/task_mmu.c prints offset 0 for anonymous
 * memory, so private anonymous memory is told apart by name only, and an anonymous
 * {@code mmap(MAP_FIXED)} over anonymous memory of the same protection shows as its old pages
 * unmapped, not as a new VMA):
 * <ul>
 * <li>same mapping, same permissions: nothing;</li>
 * <li>same mapping, other permissions: {@link VmaProtect} over the range, as {@code mprotect()}
 * is traced;</li>
 * <li>another mapping (a {@code mmap(MAP_FIXED)} over it, an {@code mremap()} to here, a renamed
 * anonymous VMA): {@link VmaUnmap} of the old range, then {@link VmaMap} of the new one, as
 * {@code mmap()} unmaps what it replaces first;</li>
 * <li>mapped before only: {@link VmaUnmap}; mapped now only: {@link VmaMap} (a heap grown by
 * {@code brk()} or a stack grown down gives a map of the new part only).</li>
 * </ul>
 * Ranges are cut at the VMAs they belong to: one event per old VMA (unmaps) or new VMA (maps,
 * protections) and contiguous range. Unmaps come first, then protections, then maps, then the
 * page events, in address order.
 *
 * <h2>Pages</h2> The present pages of both samples (pagemap bit 63) are compared page by page,
 * run by run:
 * <ul>
 * <li>present now, not before: "pages_faulted" ({@link GenericEvent}, system {@value #SYSTEM}).
 * Sampling does not see faults, only their outcome (one fault may map several pages with
 * fault-around, MAP_POPULATE maps without faulting), so {@code PageFault}, which stands for one
 * traced fault at one address, would claim more than is known. Fields: start, end, pages,
 * pfns (runs of contiguous PFNs as "0xPFN+COUNT" separated by spaces, or "hidden"), thp_pages,
 * hugetlb_pages;</li>
 * <li>present before, not now, where the mapping was kept: "pages_unmapped" (same fields, the
 * PFNs they had). Zapped by {@code madvise(MADV_DONTNEED)} or {@code munmap()} of part of a
 * range, reclaimed, or swapped out: pagemap does not tell which. Pages of a VMA that went away
 * give no page event: the {@link VmaUnmap} says it;</li>
 * <li>present in both with another PFN (PFNs visible): when the old page was the zero page, or
 * was shared (pagemap's exclusive bit clear) and the new one is exclusive, a write fault
 * replaced it by a copy ({@code do_wp_page()} in mm/memory.c): "pages_replaced" with
 * cause "zero_page" or "cow", pfns and old_pfns. Otherwise the page moved: {@link Migrate}
 * with reason "" and mode "" (sampling cannot tell NUMA balancing from compaction, khugepaged or
 * an explicit move_pages), the NUMA nodes the pages left and went to (from sysfs's memory
 * blocks, {@link MemoryNodes}; -1 when not known; one event per pair of nodes), succeeded =
 * pages, failed 0.</li>
 * </ul>
 * A page event covers a contiguous range of pages with the same outcome inside one VMA, so a
 * range faulted at once is one event, however scattered its PFNs; it is cut after
 * {@value #MAX_PFN_RUNS} PFN runs so that one event stays small.
 */
final class SampleDiff {

    /** The system of the generic events the sampler writes. */
    static final String SYSTEM = "live";
    /** Page runs at most in one page event's pfns field. */
    static final int MAX_PFN_RUNS = 256;

    private SampleDiff() {
    }

    /** Events for the VMA changes, and the ranges whose mapping was kept, as start/end pairs. */
    record VmaChanges(List<TraceEvent> events, long[] kept) {
    }

    private enum Fate {
        KEPT, PROTECTED, REMOVED, ADDED, REPLACED
    }

    static VmaChanges vmas(List<Vma> before, List<Vma> now, EventHeader h) {
        TreeSet<Long> cuts = new TreeSet<>(Long::compareUnsigned);
        for (Vma v : before) {
            cuts.add(v.start());
            cuts.add(v.end());
        }
        for (Vma v : now) {
            cuts.add(v.start());
            cuts.add(v.end());
        }
        List<TraceEvent> unmaps = new ArrayList<>();
        List<TraceEvent> protects = new ArrayList<>();
        List<TraceEvent> maps = new ArrayList<>();
        List<Long> kept = new ArrayList<>();
        Long[] points = cuts.toArray(new Long[0]);
        // The open events: extended while the next piece continues them.
        Vma unmapOf = null;
        long unmapStart = 0;
        long unmapEnd = 0;
        Vma mapOf = null;
        long mapStart = 0;
        long mapEnd = 0;
        Vma protectOf = null;
        long protectStart = 0;
        long protectEnd = 0;
        for (int k = 0; k + 1 < points.length; k++) {
            long x = points[k];
            long y = points[k + 1];
            Vma o = covering(before, x);
            Vma n = covering(now, x);
            if (o == null && n == null) {
                continue;
            }
            Fate fate;
            if (o == null) {
                fate = Fate.ADDED;
            } else if (n == null) {
                fate = Fate.REMOVED;
            } else if (!sameMapping(o, n, x)) {
                fate = Fate.REPLACED;
            } else {
                fate = o.permissions().equals(n.permissions()) ? Fate.KEPT : Fate.PROTECTED;
            }
            if (fate == Fate.KEPT || fate == Fate.PROTECTED) {
                int last = kept.size() - 1;
                if (last > 0 && kept.get(last) == x) {
                    kept.set(last, y);
                } else {
                    kept.add(x);
                    kept.add(y);
                }
            }
            if (fate == Fate.REMOVED || fate == Fate.REPLACED) {
                if (unmapOf == o && unmapEnd == x) {
                    unmapEnd = y;
                } else {
                    if (unmapOf != null) {
                        unmaps.add(new VmaUnmap(h, unmapStart, unmapEnd));
                    }
                    unmapOf = o;
                    unmapStart = x;
                    unmapEnd = y;
                }
            }
            if (fate == Fate.ADDED || fate == Fate.REPLACED) {
                if (mapOf == n && mapEnd == x) {
                    mapEnd = y;
                } else {
                    if (mapOf != null) {
                        maps.add(map(h, mapOf, mapStart, mapEnd));
                    }
                    mapOf = n;
                    mapStart = x;
                    mapEnd = y;
                }
            }
            if (fate == Fate.PROTECTED) {
                if (protectOf == n && protectEnd == x) {
                    protectEnd = y;
                } else {
                    if (protectOf != null) {
                        protects.add(new VmaProtect(h, protectStart, protectEnd, protectOf.permissions()));
                    }
                    protectOf = n;
                    protectStart = x;
                    protectEnd = y;
                }
            }
        }
        if (unmapOf != null) {
            unmaps.add(new VmaUnmap(h, unmapStart, unmapEnd));
        }
        if (protectOf != null) {
            protects.add(new VmaProtect(h, protectStart, protectEnd, protectOf.permissions()));
        }
        if (mapOf != null) {
            maps.add(map(h, mapOf, mapStart, mapEnd));
        }
        List<TraceEvent> events = new ArrayList<>(unmaps);
        events.addAll(protects);
        events.addAll(maps);
        long[] keptRanges = new long[kept.size()];
        for (int i = 0; i < keptRanges.length; i++) {
            keptRanges[i] = kept.get(i);
        }
        return new VmaChanges(events, keptRanges);
    }

    private static VmaMap map(EventHeader h, Vma v, long start, long end) {
        return new VmaMap(h, start, end, v.permissions(), v.offset() + (start - v.start()), v.name());
    }

    /** Whether the two VMAs map the same thing at address x (see the class comment). */
    private static boolean sameMapping(Vma o, Vma n, long x) {
        boolean same = o.name().equals(n.name()) && o.device().equals(n.device()) && o.inode() == n.inode();
        if (!same || o.inode() == 0) {
            return same; // private anonymous memory: maps prints offset 0 whatever vm_pgoff is
        }
        return o.offset() + (x - o.start()) == n.offset() + (x - n.start());
    }

    /** The VMA holding address x, by binary search of a sorted list. */
    static @Nullable Vma covering(List<Vma> vmas, long x) {
        int lo = 0;
        int hi = vmas.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(vmas.get(mid).end(), x) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < vmas.size() && Long.compareUnsigned(vmas.get(lo).start(), x) <= 0) {
            return vmas.get(lo);
        }
        return null;
    }

    private enum Outcome {
        FAULTED("pages_faulted"), UNMAPPED("pages_unmapped"), REPLACED_ZERO("pages_replaced"),
        REPLACED_COW("pages_replaced"), MOVED("");

        final String eventName;

        Outcome(String eventName) {
            this.eventName = eventName;
        }
    }

    /**
     * Events for the page changes (see the class comment).
     *
     * @param before the present pages of the last sample
     * @param now    the present pages of this one
     * @param kept   the ranges whose mapping was kept ({@link VmaChanges#kept()})
     * @param vmas   this sample's VMAs: a page event never spans two
     * @param nodes  the NUMA nodes of page frames, for moves
     */
    static List<TraceEvent> pages(PageRuns before, PageRuns now, long[] kept, List<Vma> vmas, MemoryNodes nodes,
            EventHeader h) {
        long[] cuts = new long[vmas.size() * 2 + kept.length];
        int nc = 0;
        for (Vma v : vmas) {
            cuts[nc++] = v.start();
            cuts[nc++] = v.end();
        }
        for (long k : kept) {
            cuts[nc++] = k;
        }
        java.util.Arrays.sort(cuts, 0, nc);
        Builder b = new Builder(h, nodes);
        int i = 0;
        int j = 0;
        int c = 0;
        int kp = 0;
        long x = Long.MIN_VALUE;
        while (i < before.size() || j < now.size()) {
            long os = i < before.size() ? before.start(i) : Long.MAX_VALUE;
            long oe = i < before.size() ? before.end(i) : Long.MAX_VALUE;
            long ns = j < now.size() ? now.start(j) : Long.MAX_VALUE;
            long ne = j < now.size() ? now.end(j) : Long.MAX_VALUE;
            long lowest = Math.min(os, ns);
            if (x < lowest) {
                x = lowest;
            }
            boolean inOld = os <= x && x < oe;
            boolean inNew = ns <= x && x < ne;
            long y = Long.MAX_VALUE;
            for (long bound : new long[] {os, oe, ns, ne}) {
                if (bound > x && bound < y) {
                    y = bound;
                }
            }
            while (c < nc && cuts[c] <= x) {
                c++;
            }
            if (c < nc && cuts[c] < y) {
                y = cuts[c];
            }
            while (kp + 1 < kept.length && kept[kp + 1] <= x) {
                kp += 2;
            }
            boolean isKept = kp + 1 < kept.length && kept[kp] <= x && x < kept[kp + 1];
            if (inNew && !inOld) {
                b.add(Outcome.FAULTED, x, y, now, j, -1, null);
            } else if (inOld && !inNew) {
                if (isKept) {
                    b.add(Outcome.UNMAPPED, x, y, before, i, -1, null);
                }
            } else if (inOld && inNew && isKept) {
                long op = before.pfnAt(i, x);
                long np = now.pfnAt(j, x);
                if (op != RunSink.NO_PFN && np != RunSink.NO_PFN && op != np) {
                    int of = before.flags(i);
                    int nf = now.flags(j);
                    Outcome outcome;
                    if ((of & PageFlags.ZERO_PAGE) != 0) {
                        outcome = Outcome.REPLACED_ZERO;
                    } else if ((of & PageFlags.EXCLUSIVE) == 0 && (nf & PageFlags.EXCLUSIVE) != 0) {
                        outcome = Outcome.REPLACED_COW;
                    } else {
                        outcome = Outcome.MOVED;
                    }
                    b.add(outcome, x, y, now, j, op, before);
                }
            }
            x = y;
            if (x >= oe) {
                i++;
            }
            if (x >= ne) {
                j++;
            }
        }
        b.close();
        return b.events;
    }

    /** Collects contiguous pieces of one outcome into events. */
    private static final class Builder {

        final EventHeader h;
        final MemoryNodes nodes;
        final List<TraceEvent> events = new ArrayList<>();
        // A move's nodes: where its pages were and are.
        int srcNode = -1;
        int dstNode = -1;
        @Nullable Outcome outcome;
        long start;
        long end;
        final StringBuilder pfns = new StringBuilder();
        final StringBuilder oldPfns = new StringBuilder();
        int runs;
        boolean hidden;
        long runPfn = RunSink.NO_PFN;
        long runCount;
        long oldRunPfn = RunSink.NO_PFN;
        long oldRunCount;
        long thp;
        long hugetlb;

        Builder(EventHeader h, MemoryNodes nodes) {
            this.h = h;
            this.nodes = nodes;
        }

        /**
         * Adds pages [x, y) of run r of the given runs; for a replacement or move, oldPfn is the
         * old PFN at x.
         */
        void add(Outcome o, long x, long y, PageRuns from, int r, long oldPfn, @Nullable PageRuns old) {
            long count = (y - x) >>> PageRuns.PAGE_SHIFT;
            long pfn = from.pfnAt(r, x);
            int src = o == Outcome.MOVED ? nodes.nodeOf(oldPfn, count) : -1;
            int dst = o == Outcome.MOVED ? nodes.nodeOf(pfn, count) : -1;
            if (outcome != o || end != x || runs >= MAX_PFN_RUNS || src != srcNode || dst != dstNode) {
                close();
                outcome = o;
                start = x;
                srcNode = src;
                dstNode = dst;
            }
            end = y;
            int flags = from.flags(r);
            if ((flags & PageFlags.THP) != 0) {
                thp += count;
            }
            if ((flags & PageFlags.HUGETLB) != 0) {
                hugetlb += count;
            }
            if (pfn == RunSink.NO_PFN) {
                hidden = true;
            } else if (runPfn != RunSink.NO_PFN && runPfn + runCount == pfn) {
                runCount += count;
            } else {
                flushRun();
                runPfn = pfn;
                runCount = count;
            }
            if (old != null) {
                if (oldRunPfn != RunSink.NO_PFN && oldRunPfn + oldRunCount == oldPfn) {
                    oldRunCount += count;
                } else {
                    flushOldRun();
                    oldRunPfn = oldPfn;
                    oldRunCount = count;
                }
            }
        }

        private void flushRun() {
            if (runPfn != RunSink.NO_PFN) {
                append(pfns, runPfn, runCount);
                runs++;
            }
            runPfn = RunSink.NO_PFN;
            runCount = 0;
        }

        private void flushOldRun() {
            if (oldRunPfn != RunSink.NO_PFN) {
                append(oldPfns, oldRunPfn, oldRunCount);
            }
            oldRunPfn = RunSink.NO_PFN;
            oldRunCount = 0;
        }

        private static void append(StringBuilder sb, long pfn, long count) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format(Locale.ROOT, "%#x+%d", pfn, count));
        }

        void close() {
            Outcome o = outcome;
            if (o == null) {
                return;
            }
            flushRun();
            flushOldRun();
            long pages = (end - start) >>> PageRuns.PAGE_SHIFT;
            if (o == Outcome.MOVED) {
                events.add(new Migrate(h, start, pages, srcNode, dstNode, "", "", pages, 0));
            } else {
                Map<String, String> f = new LinkedHashMap<>();
                f.put("start", hex(start));
                f.put("end", hex(end));
                f.put("pages", Long.toString(pages));
                f.put("pfns", hidden && pfns.length() == 0 ? "hidden" : pfns.toString());
                if (o == Outcome.REPLACED_ZERO || o == Outcome.REPLACED_COW) {
                    f.put("old_pfns", oldPfns.toString());
                    f.put("cause", o == Outcome.REPLACED_ZERO ? "zero_page" : "cow");
                }
                f.put("thp_pages", Long.toString(thp));
                f.put("hugetlb_pages", Long.toString(hugetlb));
                events.add(new GenericEvent(h, SYSTEM, o.eventName, f));
            }
            outcome = null;
            pfns.setLength(0);
            oldPfns.setLength(0);
            runs = 0;
            hidden = false;
            thp = 0;
            hugetlb = 0;
        }
    }

    static String hex(long v) {
        return String.format(Locale.ROOT, "%#x", v);
    }
}
