/**
 * Time series of a trace for charts ({@link org.dmascope.trace.series.SeriesBuilder},
 * {@link org.dmascope.trace.series.TraceSeries}): mapped and pinned bytes per backend,
 * invalidations per second, segment counts and best page sizes, P2P bytes per path, bucketed
 * over a time range in one pass over the events.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.trace.series;
