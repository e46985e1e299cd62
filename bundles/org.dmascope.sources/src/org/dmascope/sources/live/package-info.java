/**
 * The live host as a source of trace events: {@link org.dmascope.sources.live.LiveSampler}
 * samples a process's maps and pagemap and the sysfs PCI tree and emits what changed between
 * samples; {@link org.dmascope.sources.live.TracefsReader} reads the iommu and dma tracepoints
 * from tracefs where the kernel offers them.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.sources.live;
