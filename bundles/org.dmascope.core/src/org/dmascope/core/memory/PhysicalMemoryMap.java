package org.dmascope.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.dmascope.core.topology.PciAddress;
import org.eclipse.jdt.annotation.Nullable;

/**
 * What each physical address is: System RAM, a PCI device's BAR, a device's page map
 * (ZONE_DEVICE: device-private, coherent, fs-dax, PCI P2PDMA), or reserved. As
 * {@code /proc/iomem} lists it, plus the dev_pagemaps the kernel registers.
 */
public final class PhysicalMemoryMap {

    /** What a range is. */
    public enum Kind {
        /** Ordinary memory with struct pages. */
        SYSTEM_RAM,
        /** A PCI BAR: no struct pages unless a driver adds a page map for it. */
        PCI_BAR,
        /** ZONE_DEVICE, MEMORY_DEVICE_PRIVATE (HMM): no CPU or peer access. */
        DEVICE_PRIVATE,
        /** ZONE_DEVICE, MEMORY_DEVICE_COHERENT: device memory the CPU can access coherently. */
        DEVICE_COHERENT,
        /** ZONE_DEVICE, MEMORY_DEVICE_FS_DAX: persistent memory mapped by a DAX file system. */
        FS_DAX,
        /** ZONE_DEVICE, MEMORY_DEVICE_PCI_P2PDMA: a BAR published for peer-to-peer DMA. */
        PCI_P2PDMA,
        /** Reserved or otherwise unusable. */
        RESERVED
    }

    /**
     * One range of page frames.
     *
     * @param firstPfn the first page frame
     * @param endPfn   the page frame after the last
     * @param kind     what it is
     * @param name     the name /proc/iomem gives it, or the owner's description
     * @param owner    the PCI function that owns it (BARs and device page maps), null otherwise
     * @param index    its index: the pgmap number the runs refer to
     */
    public record Range(long firstPfn, long endPfn, Kind kind, String name, @Nullable PciAddress owner, int index) {

        /** Whether it has ZONE_DEVICE struct pages. */
        public boolean isZoneDevice() {
            return kind == Kind.DEVICE_PRIVATE || kind == Kind.DEVICE_COHERENT || kind == Kind.FS_DAX
                    || kind == Kind.PCI_P2PDMA;
        }

        /** "0x1000000000-0x1fffffffff PCI_P2PDMA (0000:41:00.0 BAR 2)". */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%#x-%#x %s (%s)", firstPfn << 12, (endPfn << 12) - 1, kind, name);
        }
    }

    private final List<Range> ranges;

    private PhysicalMemoryMap(List<Range> ranges) {
        this.ranges = ranges;
    }

    /** A map of nothing but System RAM: every PFN is ordinary memory. */
    public static PhysicalMemoryMap systemRamOnly() {
        return new PhysicalMemoryMap(List.of());
    }

    /** Builds a map from ranges (sorted here; overlapping ranges are refused). */
    public static PhysicalMemoryMap of(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Long.compareUnsigned(a.firstPfn(), b.firstPfn()));
        for (int i = 1; i < sorted.size(); i++) {
            if (Long.compareUnsigned(sorted.get(i - 1).endPfn(), sorted.get(i).firstPfn()) > 0) {
                throw new IllegalArgumentException("physical ranges overlap: " + sorted.get(i - 1) + " and " + sorted.get(i));
            }
        }
        return new PhysicalMemoryMap(List.copyOf(sorted));
    }

    /** The ranges, in address order. */
    public List<Range> ranges() {
        return ranges;
    }

    /** The range holding a PFN; empty means ordinary memory (or not described). */
    public Optional<Range> rangeOf(long pfn) {
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Range r = ranges.get(mid);
            if (Long.compareUnsigned(pfn, r.firstPfn()) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(pfn, r.endPfn()) >= 0) {
                lo = mid + 1;
            } else {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * Where the stretch of PFNs that starts at {@code pfn} stops being the same kind of memory:
     * the end of the range holding it, or the start of the next range.
     */
    public long sameKindEnd(long pfn) {
        int lo = 0;
        int hi = ranges.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(ranges.get(mid).endPfn(), pfn) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == ranges.size()) {
            return Long.MAX_VALUE;
        }
        Range r = ranges.get(lo);
        return Long.compareUnsigned(r.firstPfn(), pfn) <= 0 ? r.endPfn() : r.firstPfn();
    }

    /** The range with this index, as runs refer to it. */
    public Optional<Range> byIndex(int index) {
        for (Range r : ranges) {
            if (r.index() == index) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
