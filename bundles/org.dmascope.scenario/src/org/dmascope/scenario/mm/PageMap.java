package org.dmascope.scenario.mm;

/**
 * A ZONE_DEVICE page map ({@code struct dev_pagemap}, include/linux/memremap.h): device memory
 * with struct pages, of one type and one owner, whose operations the fault path calls. A
 * backend that simulates a device (the HMM dmirror driver, a GPU) subclasses it.
 */
public abstract class PageMap {

    /** {@code enum memory_type}: the kinds of device memory this simulation knows. */
    public enum Type {
        /** MEMORY_DEVICE_PRIVATE: not addressable by the CPU; mapped by special swap entries. */
        DEVICE_PRIVATE,
        /** MEMORY_DEVICE_COHERENT: addressable by the CPU, mapped by ordinary PTEs. */
        DEVICE_COHERENT
    }

    private final Type type;
    private final String name;
    private final long firstPfn;
    private final long pages;
    private long next;

    /**
     * @param type     the memory type
     * @param name     a name for outcomes ("dev0")
     * @param firstPfn the first PFN of its range
     * @param pages    how many pages the range holds
     */
    protected PageMap(Type type, String name, long firstPfn, long pages) {
        this.type = type;
        this.name = name;
        this.firstPfn = firstPfn;
        this.pages = pages;
        this.next = firstPfn;
    }

    /** The memory type. */
    public Type type() {
        return type;
    }

    /** The name outcomes print. */
    public String name() {
        return name;
    }

    /** {@code pgmap->owner}: what hmm_range_fault's dev_private_owner and migrate_vma's pgmap_owner compare with. */
    public abstract Object owner();

    /**
     * {@code pgmap->ops->migrate_to_ram}: called by the CPU fault on a device-private entry
     * (do_swap_page); the driver migrates the page back to system memory.
     *
     * @return 0, or a {@link Mm} fault code (VM_FAULT_SIGBUS)
     */
    public abstract int migrateToRam(Mm mm, SimVma vma, long address, Folio page);

    /** {@code pgmap->ops->page_free}: the last reference to a device page went away. */
    public void pageFree(Folio page) {
        // Nothing by default.
    }

    /** Allocates one device page (a free page of the range), or null when the range is exhausted. */
    public Folio allocate() {
        if (next >= firstPfn + pages) {
            return null;
        }
        Folio f = new Folio(next++, 0, type == Type.DEVICE_PRIVATE ? Folio.Kind.DEVICE_PRIVATE : Folio.Kind.DEVICE_COHERENT,
                this);
        return f;
    }

    /** The first PFN of its range. */
    public long firstPfn() {
        return firstPfn;
    }

    /** The number of pages its range holds. */
    public long rangePages() {
        return pages;
    }

    /** Pages handed out so far. */
    public long allocated() {
        return next - firstPfn;
    }
}
