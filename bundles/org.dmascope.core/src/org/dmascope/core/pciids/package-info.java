/** The PCI ID database (pci.ids): names for vendor, device, subsystem and class numbers. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.core.pciids;
