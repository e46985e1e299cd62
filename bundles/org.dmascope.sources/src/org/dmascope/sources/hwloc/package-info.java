/**
 * hwloc XML topologies ({@code lstopo --of xml}, {@code hwloc-gather-topology}): the PCI tree,
 * its NUMA locality, CPUs, OS devices and NVLink bandwidths, as hwloc 2.x and 3.0 write them.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.sources.hwloc;
