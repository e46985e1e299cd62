/**
 * The simulated memory of a scenario's machine: address spaces (mm_struct), VMAs, page table
 * entries, folios, ZONE_DEVICE page maps, the page-fault, fork, mprotect and munmap paths of
 * mm/, and the MMU interval notifiers of mm/mmu_notifier.c. Backends (HMM, GPUDirect, ...)
 * operate on it.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.scenario.mm;
