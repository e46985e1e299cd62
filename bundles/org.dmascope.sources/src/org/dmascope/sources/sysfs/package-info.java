/** The Linux sysfs PCI tree, live or copied. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.sources.sysfs;
