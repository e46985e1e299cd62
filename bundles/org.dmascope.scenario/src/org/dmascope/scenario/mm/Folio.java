package org.dmascope.scenario.mm;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.jdt.annotation.Nullable;

/**
 * A folio ({@code struct folio}): 2^order base pages with struct pages, what they are, which
 * address spaces map them, and the data they hold (one value per base page, enough to follow
 * copies, copy-on-write and migration).
 */
public final class Folio {

    /** What the memory is. */
    public enum Kind {
        /** System RAM (anonymous, page cache, shmem). */
        RAM,
        /** The shared zero page (4 KiB) or the huge zero page (order 9). */
        ZERO,
        /** A kernel page a driver inserted with vm_insert_page() (VM_MIXEDMAP). */
        KERNEL,
        /** Device-private memory (ZONE_DEVICE, MEMORY_DEVICE_PRIVATE). */
        DEVICE_PRIVATE,
        /** Device-coherent memory (ZONE_DEVICE, MEMORY_DEVICE_COHERENT). */
        DEVICE_COHERENT
    }

    private final long pfn;
    private final int order;
    private final Kind kind;
    private final @Nullable PageMap pgmap;
    private final long[] data;
    private final Map<Mm, Integer> mappers = new LinkedHashMap<>();
    private boolean anon;
    private @Nullable SimFile file;
    private long index;
    private boolean hugetlb;
    private @Nullable Object zoneDeviceData;

    /** A folio of this kind at this PFN. */
    public Folio(long pfn, int order, Kind kind, @Nullable PageMap pgmap) {
        this.pfn = pfn;
        this.order = order;
        this.kind = kind;
        this.pgmap = pgmap;
        this.data = new long[1 << order];
    }

    /** The PFN of the first page. */
    public long pfn() {
        return pfn;
    }

    /** log2 of the number of base pages. */
    public int order() {
        return order;
    }

    /** The number of base pages. */
    public int pages() {
        return 1 << order;
    }

    /** What the memory is. */
    public Kind kind() {
        return kind;
    }

    /** The device page map, for ZONE_DEVICE memory. */
    public @Nullable PageMap pgmap() {
        return pgmap;
    }

    /** Whether it is anonymous memory (folio_test_anon). */
    public boolean anon() {
        return anon;
    }

    /** Marks it anonymous. */
    public Folio setAnon(boolean value) {
        anon = value;
        return this;
    }

    /** The file whose page cache holds it, or null. */
    public @Nullable SimFile file() {
        return file;
    }

    /** Puts it in a file's page cache at an index (in base pages). */
    public Folio setFile(@Nullable SimFile value, long pageIndex) {
        file = value;
        index = pageIndex;
        return this;
    }

    /** Its index in the file, in base pages. */
    public long index() {
        return index;
    }

    /** Whether it is a hugetlbfs page. */
    public boolean hugetlb() {
        return hugetlb;
    }

    /** Marks it a hugetlbfs page. */
    public Folio setHugetlb(boolean value) {
        hugetlb = value;
        return this;
    }

    /** What the driver keeps in {@code page->zone_device_data}. */
    public @Nullable Object zoneDeviceData() {
        return zoneDeviceData;
    }

    /** Sets {@code page->zone_device_data}. */
    public void setZoneDeviceData(@Nullable Object value) {
        zoneDeviceData = value;
    }

    /** The value held by base page i. */
    public long data(int i) {
        return data[i];
    }

    /** Sets the value of base page i. */
    public void setData(int i, long value) {
        data[i] = value;
    }

    /** Whether this is the shared zero page or the huge zero page (is_zero_pfn / is_huge_zero_folio). */
    public boolean isZero() {
        return kind == Kind.ZERO;
    }

    /** Whether it is ZONE_DEVICE memory. */
    public boolean isZoneDevice() {
        return kind == Kind.DEVICE_PRIVATE || kind == Kind.DEVICE_COHERENT;
    }

    /** Records one more PTE of mm mapping it. */
    public void map(Mm mm) {
        if (kind != Kind.ZERO) {
            mappers.merge(mm, 1, Integer::sum);
        }
    }

    /** Records one PTE of mm less. */
    public void unmap(Mm mm) {
        mappers.computeIfPresent(mm, (k, v) -> v <= 1 ? null : v - 1);
    }

    /** The address spaces that map it. */
    public java.util.Set<Mm> mappers() {
        return java.util.Set.copyOf(mappers.keySet());
    }

    /** How many address spaces map it (the simulation's folio_mapcount). */
    public int mapcount() {
        return mappers.size();
    }

    /** Whether only one address space maps it (a private page that needs no copy on write). */
    public boolean exclusiveTo(Mm mm) {
        return mappers.size() == 1 && mappers.containsKey(mm);
    }
}
