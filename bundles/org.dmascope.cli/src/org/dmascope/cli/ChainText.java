package org.dmascope.cli;

import java.io.PrintWriter;
import java.util.Locale;

import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.memory.Sizes;
import org.dmascope.core.chain.ChainStep;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;

/** The text form of {@code resolve}: the request, the steps with their rules, then the tables. */
final class ChainText {

    private ChainText() {
    }

    static void write(AddressChain c, String command, boolean pfnsHidden, int limit, PrintWriter out) {
        out.printf(Locale.ROOT, "process %d (%s): %#x + %#x (%s), access %s%n", c.request().space().pid(), command,
                c.request().address(), c.request().length(), Sizes.human(c.request().length()),
                IbAccess.describe(c.request().access()));
        out.printf(Locale.ROOT, "device: %s%n", c.request().device().describe());
        if (pfnsHidden) {
            out.println("PFNs hidden: pagemap shows PFN 0 without CAP_SYS_ADMIN; VMAs and presence are real, physical"
                    + " and DMA addresses are not known");
        }
        out.println();
        out.println("VMAs");
        for (int i = 0; i < c.vmas().size(); i++) {
            Vma v = c.vmas().get(i);
            String backend = i < c.backends().size() && !c.backends().get(i).isEmpty() ? c.backends().get(i) : "-";
            out.printf(Locale.ROOT, "  %s  [%s]%n", v.mapsLine(), backend);
        }
        out.println();
        out.println("Steps");
        int n = 1;
        for (ChainStep s : c.steps()) {
            out.printf(Locale.ROOT, "  %d. %-9s %s -> %s%n", n++, s.step(), s.input(), s.output());
            out.printf(Locale.ROOT, "     %s%n", s.why());
        }
        PageRuns pages = c.pages();
        if (pages != null && pages.size() > 0) {
            out.println();
            out.printf(Locale.ROOT, "Pinned pages: %d runs, %d pages%n", pages.size(), pages.totalPages());
            out.printf(Locale.ROOT, "  %-18s %-12s %8s  %s%n", "vaddr", "pfn", "pages", "flags");
            for (int i = 0; i < Math.min(limit, pages.size()); i++) {
                out.printf(Locale.ROOT, "  %#-18x %-12s %8d  %s%n", pages.vaddr(i),
                        pages.pfn(i) == RunSink.NO_PFN ? "-" : String.format(Locale.ROOT, "%#x", pages.pfn(i)),
                        pages.pages(i), PageFlags.describe(pages.flags(i)));
            }
            more(out, pages.size(), limit);
        }
        ScatterList.Counts sg = c.sgCounts();
        DmaSegments dma = c.dma();
        if (sg != null && dma != null) {
            out.println();
            out.printf(Locale.ROOT, "DMA segments: %d (from %d scatter-list entries)%n", dma.size(), sg.entries());
            out.printf(Locale.ROOT, "  %-18s %12s  %-18s %s%n", "dma", "len", "phys", "entries");
            for (int i = 0; i < Math.min(limit, dma.size()); i++) {
                long phys = dma.phys(i);
                out.printf(Locale.ROOT, "  %-18s %12s  %-18s %d%s%n",
                        dma.address(i) == -1 ? "-" : String.format(Locale.ROOT, "%#x", dma.address(i)),
                        String.format(Locale.ROOT, "%#x", dma.length(i)),
                        phys < 0 ? "-" : String.format(Locale.ROOT, "%#x", phys), dma.entries(i),
                        dma.busAddress(i) ? "  bus address" : "");
            }
            more(out, dma.size(), limit);
        }
        out.println();
        if (c.error() != null) {
            out.printf(Locale.ROOT, "Refused: -%s: %s%n", c.error(), c.lastWhy());
        } else if (c.pageSize() > 0) {
            out.printf(Locale.ROOT, "MR page size %s, %d DMA blocks%n", Sizes.human(c.pageSize()), c.dmaBlocks());
        } else if (c.pageSize() == 0) {
            out.println("MR page size: none of the device's page sizes fits");
        } else {
            out.println("MR page size: not known (some DMA addresses are not known)");
        }
        out.flush();
    }

    private static void more(PrintWriter out, int size, int limit) {
        if (size > limit) {
            out.printf(Locale.ROOT, "  ... %d more (--limit N shows more, --json shows all)%n", size - limit);
        }
    }
}
