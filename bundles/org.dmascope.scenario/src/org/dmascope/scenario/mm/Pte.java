package org.dmascope.scenario.mm;

/**
 * A page table entry for one base page: present (mapping a page of a folio), or one of the
 * non-present entries that matter here (device-private, device-exclusive, migration, swap).
 *
 * @param kind          what the entry is
 * @param folio         the folio it points at
 * @param index         the base page within the folio
 * @param write         pte_write (or a writable device-private/migration entry)
 * @param dirty         pte_dirty
 * @param level         the order of the mapping: 0 a PTE, 9 a PMD, 18 a PUD
 * @param special       pte_special: no struct page for vm_normal_page (remap_pfn_range)
 * @param anonExclusive PageAnonExclusive of the mapped anonymous page
 */
public record Pte(Kind kind, Folio folio, int index, boolean write, boolean dirty, int level, boolean special,
        boolean anonExclusive) {

    /** What the entry is. */
    public enum Kind {
        /** pte_present. */
        PRESENT,
        /** A device-private swap entry (is_device_private_entry). */
        DEVICE_PRIVATE,
        /** A device-exclusive entry (make_device_exclusive). */
        DEVICE_EXCLUSIVE,
        /** A migration entry (is_migration_entry): the page is being migrated. */
        MIGRATION,
        /** A swap entry. */
        SWAP
    }

    /** A present entry. */
    public static Pte present(Folio folio, int index, boolean write, int level) {
        return new Pte(Kind.PRESENT, folio, index, write, write, level, false, folio.anon());
    }

    /** The PFN it maps. */
    public long pfn() {
        return folio.pfn() + index;
    }

    /** A copy with another write bit. */
    public Pte withWrite(boolean value) {
        return new Pte(kind, folio, index, value, dirty || value, level, special, anonExclusive);
    }

    /** A copy with another kind. */
    public Pte withKind(Kind value) {
        return new Pte(value, folio, index, write, dirty, level, special, anonExclusive);
    }

    /** A copy mapped at another level. */
    public Pte withLevel(int value) {
        return new Pte(kind, folio, index, write, dirty, value, special, anonExclusive);
    }

    /** A copy with another anon-exclusive bit. */
    public Pte withAnonExclusive(boolean value) {
        return new Pte(kind, folio, index, write, dirty, level, special, value);
    }

    /** The value the page holds. */
    public long data() {
        return folio.data(index);
    }
}
