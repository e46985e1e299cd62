package org.dmascope.sources.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which NUMA node a page frame is on, from the memory blocks sysfs lists per node: a link
 * {@code /sys/devices/system/node/nodeN/memoryM} says that memory block M is on node N
 * ({@code register_memory_block_under_node()}, drivers/base/node.c). Block M holds the
 * sections {@code [M * sections_per_block, (M + 1) * sections_per_block)}
 * ({@code memory_block_id()}, drivers/base/memory.c), so its PFNs are
 * {@code [M * block_size / PAGE_SIZE, (M + 1) * block_size / PAGE_SIZE)} with the block size
 * that {@code /sys/devices/system/memory/block_size_bytes} prints in hex. A machine without
 * memory blocks in sysfs (no CONFIG_MEMORY_HOTPLUG, or /sys not mounted) knows no node: every
 * PFN is on node -1. Device memory (GPU BARs, device-private pages) has no block either.
 */
final class MemoryNodes {

    private static final int PAGE_SHIFT = 12;

    /** Knows no node. */
    static final MemoryNodes NONE = new MemoryNodes(new long[0], new long[0], new int[0]);

    // Stretches of PFNs [first, end) on one node, sorted, adjacent blocks of one node joined.
    private final long[] first;
    private final long[] end;
    private final int[] node;

    private MemoryNodes(long[] first, long[] end, int[] node) {
        this.first = first;
        this.end = end;
        this.node = node;
    }

    /**
     * Reads the blocks under {@code sysRoot} (the /sys folder). Never fails: what cannot be read
     * is not known.
     */
    static MemoryNodes read(Path sysRoot) {
        Path system = sysRoot.resolve("devices/system");
        long blockPages;
        try {
            String size = Files.readString(system.resolve("memory/block_size_bytes"), StandardCharsets.US_ASCII).trim();
            blockPages = Long.parseUnsignedLong(size, 16) >>> PAGE_SHIFT;
        } catch (IOException | NumberFormatException e) {
            return NONE;
        }
        if (blockPages <= 0) {
            return NONE;
        }
        List<long[]> blocks = new ArrayList<>();
        try (DirectoryStream<Path> nodes = Files.newDirectoryStream(system.resolve("node"), "node[0-9]*")) {
            for (Path n : nodes) {
                int id = number(n.getFileName().toString(), "node");
                if (id < 0) {
                    continue;
                }
                try (DirectoryStream<Path> memory = Files.newDirectoryStream(n, "memory[0-9]*")) {
                    for (Path m : memory) {
                        int block = number(m.getFileName().toString(), "memory");
                        if (block >= 0) {
                            blocks.add(new long[] {block * blockPages, id});
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
        blocks.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] f = new long[blocks.size()];
        long[] e = new long[blocks.size()];
        int[] nd = new int[blocks.size()];
        int k = 0;
        for (long[] b : blocks) {
            if (k > 0 && e[k - 1] == b[0] && nd[k - 1] == (int) b[1]) {
                e[k - 1] += blockPages;
                continue;
            }
            f[k] = b[0];
            e[k] = b[0] + blockPages;
            nd[k] = (int) b[1];
            k++;
        }
        return new MemoryNodes(Arrays.copyOf(f, k), Arrays.copyOf(e, k), Arrays.copyOf(nd, k));
    }

    // N of "prefixN", -1 when the rest is not a decimal number.
    private static int number(String name, String prefix) {
        try {
            return Integer.parseInt(name.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The node of a page frame, -1 when not known. */
    int nodeOf(long pfn) {
        return nodeOf(pfn, 1);
    }

    /**
     * The node of every page frame of [pfn, pfn + count), -1 when not known or not one node
     * (adjacent blocks of one node are one stretch here, so a range on one node lies in one).
     */
    int nodeOf(long pfn, long count) {
        int i = Arrays.binarySearch(first, pfn);
        int at = i >= 0 ? i : -i - 2;
        return at >= 0 && pfn + count <= end[at] ? node[at] : -1;
    }

    /** Whether any node is known. */
    boolean known() {
        return first.length > 0;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < first.length; i++) {
            s.append(String.format(Locale.ROOT, "%snode %d: PFNs %#x-%#x", i == 0 ? "" : "; ", node[i], first[i],
                    end[i]));
        }
        return s.toString();
    }
}
