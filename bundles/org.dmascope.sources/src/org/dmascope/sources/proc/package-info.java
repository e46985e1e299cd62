/**
 * A live process's memory read from /proc: its VMAs (maps, smaps), limits and capabilities
 * (status, limits), its page table (pagemap, with kpageflags for the PFNs) and the physical
 * memory map (iomem).
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.sources.proc;
