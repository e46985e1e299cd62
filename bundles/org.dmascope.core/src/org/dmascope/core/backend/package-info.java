/**
 * The backend contract: one backend per kind of memory behind a VMA (struct page memory, HMM,
 * GPUDirect GPU memory, ...). A backend says which VMAs it handles, what long-term pinning
 * gives for a range of them, what pinning, faulting, migration and invalidation mean for its
 * memory, and how views should draw it. The core never names a backend: they are contributed
 * as OSGi services ({@link org.dmascope.core.backend.MemoryBackend}).
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.core.backend;
