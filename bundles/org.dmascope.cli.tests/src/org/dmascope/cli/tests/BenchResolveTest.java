package org.dmascope.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * {@code dmascope bench resolve} on 1 GiB: each case's scatter list, DMA segments and page size
 * as the kernel's rules give them, a time and a peak heap per case, and the worst line.
 */
class BenchResolveTest {

    // One case's line: its layout and device, then entries, segments and page size.
    private static void assertCase(String out, String layout, String device, String entries, String segments,
            String pageSize) {
        Matcher m = Pattern.compile(Pattern.quote(layout) + " +" + Pattern.quote(device)
                + " +best +\\d+ ms +[\\d.]+ ns/page \\(CPU +[\\d.]+\\) +" + Pattern.quote(entries) + " sg entries +"
                + Pattern.quote(segments) + " DMA segments +page size " + Pattern.quote(pageSize)
                + " +peak heap \\d+ MiB").matcher(out);
        assertTrue(m.find(), layout + ", " + device + ":\n" + out);
    }

    @Test
    void resolvesEachCaseAsTheKernelsRulesSay() {
        CliRun run = CliRun.of("bench", "resolve", "--gib", "1", "--repeat", "2");
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        assertTrue(out.contains("SYNTHETIC page tables: 1 GiB = 262,144 pages at 0x7f0000000000; backends: ["), out);
        assertTrue(out.contains("structpage"), out);
        // Contiguous THPs: one entry per maximum segment (64 KiB: 16 pages), or one for the whole GiB.
        assertCase(out, "contiguous THP", "dma-direct, 64 KiB segments", "16,384", "16,384", "1 GiB");
        assertCase(out, "contiguous THP", "IOMMU, 64 KiB segments", "16,384", "16,384", "1 GiB");
        assertCase(out, "contiguous THP", "IOMMU, 2 GiB segments (mlx5)", "1", "1", "1 GiB");
        // Every other frame: an entry per page. dma-direct maps each where it is, so the page size
        // falls to 4 KiB; the IOMMU lays them out contiguously in IOVA space, merged up to the
        // maximum segment, and the MR keeps 1 GiB pages.
        assertCase(out, "fragmented 4 KiB pages", "dma-direct, 64 KiB segments", "262,144", "262,144", "4 KiB");
        assertCase(out, "fragmented 4 KiB pages", "IOMMU, 64 KiB segments", "262,144", "16,384", "1 GiB");
        assertCase(out, "fragmented 4 KiB pages", "IOMMU, 2 GiB segments (mlx5)", "262,144", "1", "1 GiB");
        assertTrue(out.matches("(?s).*worst: [\\d.]+ ns/page \\(goal at most 10 ns/page\\).*"), out);
    }

    @Test
    void refusesBadSizes() {
        CliRun run = CliRun.of("bench", "resolve", "--gib", "0");
        assertEquals(2, run.status(), run.out());
        assertTrue(run.err().contains("--gib must be 1 to 1024 and --repeat at least 1"), run.err());
    }
}
