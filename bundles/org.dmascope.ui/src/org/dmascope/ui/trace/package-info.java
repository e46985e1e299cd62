/**
 * Trace inspection: the open trace, the time cursor and range every view follows, the lane
 * index the Timeline draws from, and event rows read by ordinal.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.trace;
