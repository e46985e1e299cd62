package org.dmascope.trace.event;

/**
 * An IOVA range mapped in an IOMMU domain (the {@code iommu:map} tracepoint).
 *
 * @param header time stamp, CPU, PID and command name
 * @param iova  the first I/O virtual address
 * @param paddr the physical address it maps to
 * @param size  bytes mapped
 */
public record IommuMap(EventHeader header, @Hex long iova, @Hex long paddr, long size) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.IOMMU_MAP;
    }
}
