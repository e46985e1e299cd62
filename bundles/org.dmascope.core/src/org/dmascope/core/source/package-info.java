/** Contracts for the places topologies and traces come from, and how bad input is reported. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.core.source;
