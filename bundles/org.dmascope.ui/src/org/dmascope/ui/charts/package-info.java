/**
 * Charts of a trace's series drawn with JFreeChart: {@link org.dmascope.ui.charts.TraceCharts}
 * builds them (no SWT), {@link org.dmascope.ui.charts.ChartCanvas} draws one on SWT with a
 * vertical marker at the time cursor and exports it to PNG and SVG.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.charts;
