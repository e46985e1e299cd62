package org.dmascope.trace.event;

/**
 * A device removed from an IOMMU group (the {@code iommu:remove_device_from_group} tracepoint).
 *
 * @param header time stamp, CPU, PID and command name
 * @param groupId the IOMMU group number
 * @param device  the device name (a PCI BDF for PCI devices)
 */
public record IommuRemoveDeviceFromGroup(EventHeader header, int groupId, String device) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.IOMMU_REMOVE_DEVICE_FROM_GROUP;
    }
}
