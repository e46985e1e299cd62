package org.dmascope.backend.hmm;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.scenario.mm.Folio;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.PageMap;
import org.dmascope.scenario.mm.Pte;
import org.dmascope.scenario.mm.SimVma;

/**
 * A dmirror device of lib/test_hmm.c ({@code struct dmirror_device}, /dev/hmm_dmirrorN): its
 * ZONE_DEVICE memory (device-private or device-coherent, owner = the device), the CPU fault
 * that migrates a device-private page back (dmirror_devmem_fault), and the removal of its
 * memory (HMM_DMIRROR_RELEASE: dmirror_device_evict_chunk migrates every page back).
 */
public final class DmirrorDevice extends PageMap {

    private final List<Folio> inUse = new ArrayList<>();
    private long freed;

    /**
     * @param name     the scenario's name ("dev0")
     * @param coherent device-coherent memory (the selftest's HMM_COHERENCE_DEVICE_*), else device-private
     * @param firstPfn the first PFN of its memory
     */
    public DmirrorDevice(String name, boolean coherent, long firstPfn) {
        super(coherent ? Type.DEVICE_COHERENT : Type.DEVICE_PRIVATE, name, firstPfn, 1L << 20);
    }

    @Override
    public Object owner() {
        return this;
    }

    /** dmirror_select_device: the migrate_vma select flag for this device's memory. */
    public int selectFlag() {
        return type() == Type.DEVICE_PRIVATE ? MigrateVma.SELECT_DEVICE_PRIVATE : MigrateVma.SELECT_DEVICE_COHERENT;
    }

    /** dmirror_devmem_alloc_page. */
    @Override
    public Folio allocate() {
        Folio f = super.allocate();
        if (f != null) {
            inUse.add(f);
        }
        return f;
    }

    /** dmirror_devmem_free: the page goes back to the free list (cfree). */
    @Override
    public void pageFree(Folio page) {
        if (inUse.remove(page)) {
            freed++;
        }
    }

    /** Pages allocated and not freed. */
    public int pagesInUse() {
        return inUse.size();
    }

    /** cfree: pages freed. */
    public long freed() {
        return freed;
    }

    /**
     * dmirror_devmem_fault: migrate_vma over the one faulting page with the device's select
     * flag, the owner and fault_page; dmirror_devmem_fault_alloc_and_copy copies it into a new
     * system page and drops it from the mirror that put it there.
     */
    @Override
    public int migrateToRam(Mm mm, SimVma vma, long address, Folio page) {
        Object data = page.zoneDeviceData();
        Dmirror mirror = data instanceof Dmirror d ? d : null;
        MigrateVma args = new MigrateVma(mm, vma, address, address + 4096, this, selectFlag(), page);
        if (args.setup() != 0) {
            return Mm.VM_FAULT_SIGBUS;
        }
        Dmirror.allocAndCopyToSystem(args, mirror, mm);
        args.pages();
        args.migrateFinalize();
        return Mm.FAULT_OK;
    }

    /**
     * HMM_DMIRROR_RELEASE (dmirror_device_remove_chunks and dmirror_device_evict_chunk):
     * every page of the device's memory that is in use is migrated to system memory
     * (migrate_device_range, migrate_device_pages, migrate_device_finalize), wherever it is
     * mapped; an invalidation goes to each address space first.
     *
     * @return the pages evicted
     */
    public int release(List<Mm> processes) {
        int evicted = 0;
        for (Folio dpage : List.copyOf(inUse)) {
            Folio copy = null;
            for (Mm mm : processes) {
                for (long a : mm.mappedAddresses(0, Long.MAX_VALUE & ~0xfffL)) {
                    Pte p = mm.pte(a);
                    if (p == null || p.folio() != dpage) {
                        continue;
                    }
                    if (copy == null) {
                        copy = mm.machine().allocRam(0).setAnon(true);
                        copy.setData(0, dpage.data(0));
                    }
                    mm.invalidate(org.dmascope.scenario.mm.MmuNotifierRange.Event.CLEAR, a, a + 4096, null);
                    dpage.unmap(mm);
                    copy.map(mm);
                    mm.setPte(a, new Pte(Pte.Kind.PRESENT, copy, 0, p.write(), p.dirty(), 0, false, p.anonExclusive()));
                }
            }
            if (copy != null) {
                evicted++;
            }
            inUse.remove(dpage);
        }
        return evicted;
    }
}
