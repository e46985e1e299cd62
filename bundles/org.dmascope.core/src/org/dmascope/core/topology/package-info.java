/**
 * The PCI hierarchy of a machine: host bridges, bridges, functions, their resources, links,
 * locality and access control, and how config space encodes them.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.core.topology;
