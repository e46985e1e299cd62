/** A machine to diagnose: its PCI topology and the files around it, live or from a collect archive. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.diagnose.machine;
