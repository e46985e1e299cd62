package org.dmascope.sources.proc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.PhysicalMemoryMap.Kind;
import org.dmascope.core.memory.PhysicalMemoryMap.Range;
import org.dmascope.core.topology.PciAddress;
import org.eclipse.jdt.annotation.Nullable;

/**
 * {@code /proc/iomem} ({@code r_show()} in kernel/resource.c): the tree of physical address
 * ranges, and the physical memory map made of it.
 *
 * <p>How names become kinds: "System RAM" (and "System RAM (kmem)") is {@link Kind#SYSTEM_RAM};
 * an entry named by a PCI function ("0000:01:00.0") is {@link Kind#PCI_BAR} owned by that
 * function, with the names of the entries inside it (the driver's claim) in its name; "PCI Bus
 * DDDD:BB" windows are {@link Kind#PCI_BAR} without an owner where no function's BAR lies;
 * "Persistent Memory" (and "(legacy)") is {@link Kind#FS_DAX}; a name holding "device private"
 * (or test_hmm's "hmm_dmirror") is {@link Kind#DEVICE_PRIVATE}; every other top-level name
 * (Reserved, ACPI tables, ROMs, APICs ...) is {@link Kind#RESERVED}. An entry with another name
 * takes the kind of the entry it lies in (Kernel code in System RAM, virtio-pci-modern in a BAR).
 * The innermost kind wins, so the ranges do not overlap; a page belongs to the range that holds
 * its first byte.
 *
 * <p>What iomem cannot say: which BAR of a function a range is (sysfs' resource file says);
 * whether a BAR has a PCI P2PDMA page map (sysfs' p2pmem/ folder says); whether persistent memory
 * is in fsdax, devdax or raw mode; and device-private memory, which drivers register under
 * their own names (often the device's name, which reads as a BAR here).
 *
 * <p>Without CAP_SYS_ADMIN the kernel prints every address as 0 ({@code r_show()} checks
 * {@code iomem_is_exclusive}/{@code capable()}): then only the names are known, and the map
 * describes nothing ({@link PhysicalMemoryMap#systemRamOnly()}).
 *
 * @param entries          every line, in file order
 * @param addressesVisible whether the addresses were printed (false when all read as 0)
 * @param map              the physical memory map (nothing described when addresses are hidden)
 */
public record Iomem(List<Iomem.Entry> entries, boolean addressesVisible, PhysicalMemoryMap map) {

    /** The message when the addresses are hidden. */
    public static final String ADDRESSES_HIDDEN =
            "iomem addresses hidden: /proc/iomem shows 0 without CAP_SYS_ADMIN; the physical memory map is unknown";

    /**
     * One line of iomem.
     *
     * @param start the first byte
     * @param last  the last byte (iomem prints inclusive ends)
     * @param name  the name
     * @param depth the nesting level (two spaces each)
     */
    public record Entry(long start, long last, String name, int depth) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s%08x-%08x : %s", "  ".repeat(depth), start, last, name);
        }
    }

    /** Copies the entries. */
    public Iomem {
        entries = List.copyOf(entries);
    }

    /** What the map is, in words: its ranges, or why there are none. */
    public String describe() {
        if (!addressesVisible) {
            return ADDRESSES_HIDDEN + " (" + entries.size() + " entries named)";
        }
        return map.ranges().size() + " physical ranges from " + entries.size() + " iomem entries";
    }

    /**
     * Reads the text of /proc/iomem.
     *
     * @param source the file's name, for messages
     * @throws MemoryReadException naming the file and line when a line is not "start-end : name"
     */
    public static Iomem parse(String text, String source) throws MemoryReadException {
        List<Entry> entries = new ArrayList<>();
        int lineNo = 0;
        boolean visible = false;
        for (String line : ProcMaps.lines(text)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            int indent = 0;
            while (indent < line.length() && line.charAt(indent) == ' ') {
                indent++;
            }
            int sep = line.indexOf(" : ", indent);
            int dash = line.indexOf('-', indent);
            if (sep < 0 || dash < 0 || dash > sep) {
                throw new MemoryReadException(source + ":" + lineNo + ": not an iomem line (expected start-end : name): "
                        + line);
            }
            long start;
            long last;
            try {
                start = Long.parseUnsignedLong(line.substring(indent, dash), 16);
                last = Long.parseUnsignedLong(line.substring(dash + 1, sep), 16);
            } catch (NumberFormatException e) {
                throw new MemoryReadException(source + ":" + lineNo + ": not a hex address range: " + line);
            }
            visible |= start != 0 || last != 0;
            entries.add(new Entry(start, last, line.substring(sep + 3), indent / 2));
        }
        if (!visible) {
            return new Iomem(entries, false, PhysicalMemoryMap.systemRamOnly());
        }
        return new Iomem(entries, true, buildMap(entries));
    }

    private record Node(Entry entry, List<Node> children) {
    }

    private record Kinded(Kind kind, String name, @Nullable PciAddress owner) {
    }

    private record ByteRange(long start, long last, Kinded what) {
    }

    private static PhysicalMemoryMap buildMap(List<Entry> entries) {
        // Rebuild the tree from the indentation.
        List<Node> roots = new ArrayList<>();
        List<Node> stack = new ArrayList<>();
        for (Entry e : entries) {
            Node n = new Node(e, new ArrayList<>());
            while (stack.size() > e.depth()) {
                stack.remove(stack.size() - 1);
            }
            if (stack.isEmpty()) {
                roots.add(n);
            } else {
                stack.get(stack.size() - 1).children().add(n);
            }
            stack.add(n);
        }
        List<ByteRange> bytes = new ArrayList<>();
        for (Node root : roots) {
            emit(root, null, bytes);
        }
        // Pages: each belongs to the range holding its first byte; merge neighbours alike.
        List<long[]> pfns = new ArrayList<>();
        List<Kinded> kinds = new ArrayList<>();
        for (ByteRange b : bytes) {
            long first = ceilPage(b.start());
            long end = b.last() == -1L ? 1L << 52 : ceilPage(b.last() + 1);
            if (Long.compareUnsigned(first, end) >= 0) {
                continue;
            }
            int k = kinds.size() - 1;
            if (k >= 0 && kinds.get(k).equals(b.what()) && pfns.get(k)[1] == first) {
                pfns.get(k)[1] = end;
            } else if (k >= 0 && Long.compareUnsigned(pfns.get(k)[1], first) > 0) {
                continue; // out of order or overlapping lines: keep the first
            } else {
                pfns.add(new long[] {first, end});
                kinds.add(b.what());
            }
        }
        List<Range> ranges = new ArrayList<>();
        for (int i = 0; i < pfns.size(); i++) {
            Kinded w = kinds.get(i);
            ranges.add(new Range(pfns.get(i)[0], pfns.get(i)[1], w.kind(), w.name(), w.owner(), i));
        }
        return PhysicalMemoryMap.of(ranges);
    }

    private static long ceilPage(long address) {
        return (address >>> 12) + ((address & 0xfff) == 0 ? 0 : 1);
    }

    // A node's own kind fills the gaps between its children; children come out in between.
    private static void emit(Node node, @Nullable Kinded inherited, List<ByteRange> out) {
        Entry e = node.entry();
        Kinded own = classify(node, inherited);
        long cursor = e.start();
        boolean done = false;
        for (Node child : node.children()) {
            Entry c = child.entry();
            if (done || Long.compareUnsigned(c.start(), cursor) < 0 || Long.compareUnsigned(c.last(), e.last()) > 0) {
                continue; // outside its parent or overlapping a sibling: not a tree the kernel prints
            }
            if (Long.compareUnsigned(cursor, c.start()) < 0) {
                out.add(new ByteRange(cursor, c.start() - 1, own));
            }
            emit(child, own, out);
            if (c.last() == e.last()) {
                done = true;
            } else {
                cursor = c.last() + 1;
            }
        }
        if (!done) {
            out.add(new ByteRange(cursor, e.last(), own));
        }
    }

    private static Kinded classify(Node node, @Nullable Kinded inherited) {
        String name = node.entry().name();
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.startsWith("System RAM")) {
            return new Kinded(Kind.SYSTEM_RAM, name, null);
        }
        if (name.startsWith("PCI Bus ")) {
            return new Kinded(Kind.PCI_BAR, name, null);
        }
        if (PciAddress.isAddress(name)) {
            List<String> claims = new ArrayList<>();
            for (Node c : node.children()) {
                String n = c.entry().name();
                if (!PciAddress.isAddress(n) && !n.startsWith("PCI Bus ") && !claims.contains(n)) {
                    claims.add(n);
                }
            }
            return new Kinded(Kind.PCI_BAR, claims.isEmpty() ? name : name + " (" + String.join(", ", claims) + ")",
                    PciAddress.parse(name));
        }
        if (lower.startsWith("persistent memory")) {
            return new Kinded(Kind.FS_DAX, name, null);
        }
        if (lower.contains("device private") || lower.equals("hmm_dmirror")) {
            return new Kinded(Kind.DEVICE_PRIVATE, name, null);
        }
        if (inherited != null) {
            return inherited;
        }
        return new Kinded(Kind.RESERVED, name, null);
    }
}
