package org.dmascope.core.backend;

/**
 * What the memory operations mean for a backend's memory, in words for the views and the
 * explanations: how pages are obtained and held, what happens when one is absent, whether and
 * how it moves, and how a mapping learns that it must go.
 *
 * @param pinning      how pages are pinned ("pin_user_pages(FOLL_LONGTERM)")
 * @param faulting     what happens to an absent page
 * @param migration    whether and how pages move
 * @param invalidation how a DMA mapping is torn down when the memory changes
 */
public record BackendSemantics(String pinning, String faulting, String migration, String invalidation) {
}
