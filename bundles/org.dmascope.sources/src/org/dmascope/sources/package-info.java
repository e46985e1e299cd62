/** Where topologies come from: the live host and files, chosen by content. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.sources;
