package org.dmascope.trace.event;

/**
 * A device detached from its IOMMU domain (the {@code iommu:detach_device_from_domain} tracepoint).
 *
 * @param header time stamp, CPU, PID and command name
 * @param device the device name (a PCI BDF for PCI devices)
 */
public record IommuDetachDevice(EventHeader header, String device) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.IOMMU_DETACH_DEVICE;
    }
}
