package org.dmascope.trace.event;

/**
 * An IOVA range unmapped from an IOMMU domain (the {@code iommu:unmap} tracepoint).
 *
 * @param header time stamp, CPU, PID and command name
 * @param iova         the first I/O virtual address
 * @param size         bytes asked to unmap
 * @param unmappedSize bytes actually unmapped
 */
public record IommuUnmap(EventHeader header, @Hex long iova, long size, long unmappedSize) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.IOMMU_UNMAP;
    }
}
