/** Finding and reading the system's PCI ID database. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.sources.pciids;
