/**
 * The struct page memory backend: anonymous memory, the page cache, shmem (tmpfs, memfd, SysV),
 * transparent huge pages, hugetlbfs, the shared zero page and copy-on-write pages, pinned the way
 * {@code pin_user_pages_fast(FOLL_LONGTERM)} pins them for {@code ib_umem_get()}. Contributed as
 * a Declarative Services component providing {@link org.dmascope.core.backend.MemoryBackend}.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.backend.structpage;
