package org.dmascope.trace.event;

/**
 * A device attached to an IOMMU domain (the {@code iommu:attach_device_to_domain} tracepoint).
 *
 * @param header time stamp, CPU, PID and command name
 * @param device the device name (a PCI BDF for PCI devices)
 */
public record IommuAttachDevice(EventHeader header, String device) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.IOMMU_ATTACH_DEVICE;
    }
}
