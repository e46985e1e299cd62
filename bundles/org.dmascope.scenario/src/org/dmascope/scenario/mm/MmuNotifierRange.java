package org.dmascope.scenario.mm;

import org.eclipse.jdt.annotation.Nullable;

/**
 * {@code struct mmu_notifier_range} (include/linux/mmu_notifier.h): the range being invalidated,
 * why, and, for migrations and device-exclusive entries, the owner that asked (a driver skips
 * invalidations it caused itself).
 *
 * @param event why
 * @param start the first address
 * @param end   the address after the last
 * @param owner the owner (migrate_vma's pgmap_owner), or null
 */
public record MmuNotifierRange(Event event, long start, long end, @Nullable Object owner) {

    /** {@code enum mmu_notifier_event}. */
    public enum Event {
        /** MMU_NOTIFY_UNMAP: munmap. */
        UNMAP,
        /** MMU_NOTIFY_CLEAR: a page table entry cleared (zap, copy-on-write, MADV_DONTNEED). */
        CLEAR,
        /** MMU_NOTIFY_PROTECTION_VMA: mprotect. */
        PROTECTION_VMA,
        /** MMU_NOTIFY_PROTECTION_PAGE: write protection of pages (fork). */
        PROTECTION_PAGE,
        /** MMU_NOTIFY_SOFT_DIRTY. */
        SOFT_DIRTY,
        /** MMU_NOTIFY_RELEASE: the mm goes away. */
        RELEASE,
        /** MMU_NOTIFY_MIGRATE: migrate_vma. */
        MIGRATE,
        /** MMU_NOTIFY_EXCLUSIVE: device-exclusive entries made or restored. */
        EXCLUSIVE
    }
}
