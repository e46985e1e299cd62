/**
 * A process's memory as the kernel sees it: VMAs, the pages behind them in runs, and the
 * physical memory map that says what a PFN is (System RAM, a device's BAR, ZONE_DEVICE pages).
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.core.memory;
