package org.dmascope.core.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One resource of a PCI function as sysfs lists it in {@code resource}: a BAR, the expansion
 * ROM, an SR-IOV VF BAR or a bridge window, with the kernel's {@code IORESOURCE_*} flags.
 *
 * @param kind  what the resource line is
 * @param index the number within its kind (BAR 0..5, VF BAR 0..5, window 0..3; 0 for the ROM)
 * @param start first address as user space sees it ({@code pci_resource_to_user})
 * @param end   last address, inclusive
 * @param flags the {@code IORESOURCE_*} flags of {@code struct resource}
 */
public record Bar(Kind kind, int index, long start, long end, long flags) {

    /** {@code IORESOURCE_IO}. */
    public static final long IORESOURCE_IO = 0x100L;
    /** {@code IORESOURCE_MEM}. */
    public static final long IORESOURCE_MEM = 0x200L;
    /** {@code IORESOURCE_PREFETCH}. */
    public static final long IORESOURCE_PREFETCH = 0x2000L;
    /** {@code IORESOURCE_READONLY}. */
    public static final long IORESOURCE_READONLY = 0x4000L;
    /** {@code IORESOURCE_MEM_64}. */
    public static final long IORESOURCE_MEM_64 = 0x100000L;
    /** {@code IORESOURCE_DISABLED}. */
    public static final long IORESOURCE_DISABLED = 0x10000000L;
    /** {@code IORESOURCE_UNSET}: no address assigned. */
    public static final long IORESOURCE_UNSET = 0x20000000L;

    /** What a line of the {@code resource} file describes. */
    public enum Kind {
        /** A standard BAR (PCI_STD_RESOURCES). */
        BAR("BAR"),
        /** The expansion ROM (PCI_ROM_RESOURCE). */
        ROM("ROM"),
        /** An SR-IOV virtual function BAR (PCI_IOV_RESOURCES). */
        VF_BAR("VF BAR"),
        /** A bridge window (PCI_BRIDGE_RESOURCES). */
        BRIDGE_WINDOW("window");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Short words for people. */
        public String label() {
            return label;
        }
    }

    /** Size in bytes; 0 for an empty line. */
    public long size() {
        return isEmpty() ? 0 : end - start + 1;
    }

    /** The kernel prints all-zero lines for resources that do not exist. */
    public boolean isEmpty() {
        return flags == 0 && start == 0 && end == 0;
    }

    /** Memory space (as opposed to I/O ports). */
    public boolean isMemory() {
        return (flags & IORESOURCE_MEM) != 0;
    }

    /** I/O port space. */
    public boolean isIo() {
        return (flags & IORESOURCE_IO) != 0;
    }

    /** A 64-bit memory BAR. */
    public boolean is64Bit() {
        return (flags & IORESOURCE_MEM_64) != 0;
    }

    /** Prefetchable memory. */
    public boolean isPrefetchable() {
        return (flags & IORESOURCE_PREFETCH) != 0;
    }

    /** No address has been assigned to it (or it is disabled). */
    public boolean isUnassigned() {
        return (flags & (IORESOURCE_UNSET | IORESOURCE_DISABLED)) != 0;
    }

    /** {@code BAR0}, {@code ROM}, {@code VF BAR2}, {@code window 1}. */
    public String name() {
        return kind == Kind.ROM ? kind.label() : kind.label() + index;
    }

    /** Words for the type: "mem64 prefetchable", "mem32", "io". */
    public String typeDescription() {
        List<String> words = new ArrayList<>();
        if (isIo()) {
            words.add("io");
        } else if (isMemory()) {
            words.add(is64Bit() ? "mem64" : "mem32");
            if (isPrefetchable()) {
                words.add("prefetchable");
            }
        } else {
            words.add("other");
        }
        if (isUnassigned()) {
            words.add("unassigned");
        }
        return String.join(" ", words);
    }

    /**
     * Reads the lines of a sysfs {@code resource} file. The kernel prints
     * {@code PCI_BRIDGE_RESOURCES} lines for a function without a subordinate bus and
     * {@code PCI_NUM_RESOURCES} lines for a bridge, so the count tells whether SR-IOV
     * resources ({@code CONFIG_PCI_IOV}) sit between the ROM and the bridge windows.
     *
     * @param lines the file's lines ({@code 0x%016llx 0x%016llx 0x%016llx})
     * @return the non-empty resources
     * @throws IllegalArgumentException naming the line when a line is malformed
     */
    public static List<Bar> parseResourceFile(List<String> lines) {
        List<String> rows = lines.stream().filter(l -> !l.isBlank()).toList();
        int n = rows.size();
        // 7: std+ROM; 13: std+ROM+IOV; 11: std+ROM+4 windows; 17: std+ROM+IOV+4 windows.
        boolean iov = n == 13 || n == 17;
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] parts = words(rows.get(i));
            if (parts.length != 3) {
                throw new IllegalArgumentException("resource line " + (i + 1) + ": expected 3 numbers, found '"
                        + rows.get(i) + "'");
            }
            long start;
            long end;
            long flags;
            try {
                start = Long.parseUnsignedLong(strip0x(parts[0]), 16);
                end = Long.parseUnsignedLong(strip0x(parts[1]), 16);
                flags = Long.parseUnsignedLong(strip0x(parts[2]), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("resource line " + (i + 1) + ": not hexadecimal: '"
                        + rows.get(i) + "'", e);
            }
            Kind kind;
            int index;
            if (i < 6) {
                kind = Kind.BAR;
                index = i;
            } else if (i == 6) {
                kind = Kind.ROM;
                index = 0;
            } else if (iov && i < 13) {
                kind = Kind.VF_BAR;
                index = i - 7;
            } else {
                kind = Kind.BRIDGE_WINDOW;
                index = i - (iov ? 13 : 7);
            }
            Bar bar = new Bar(kind, index, start, end, flags);
            if (!bar.isEmpty()) {
                bars.add(bar);
            }
        }
        return List.copyOf(bars);
    }

    // The blank-separated words of a line (a regular expression per line is slow on large trees).
    private static String[] words(String line) {
        List<String> out = new ArrayList<>(3);
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(line.substring(start, i));
            }
        }
        return out.toArray(new String[0]);
    }

    private static String strip0x(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s [0x%x-0x%x] %s", name(), start, end, typeDescription());
    }
}
