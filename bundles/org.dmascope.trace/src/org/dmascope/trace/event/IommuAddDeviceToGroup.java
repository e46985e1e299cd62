package org.dmascope.trace.event;

/**
 * A device added to an IOMMU group (the {@code iommu:add_device_to_group} tracepoint).
 *
 * @param header time stamp, CPU, PID and command name
 * @param groupId the IOMMU group number (/sys/kernel/iommu_groups/N)
 * @param device  the device name (a PCI BDF for PCI devices)
 */
public record IommuAddDeviceToGroup(EventHeader header, int groupId, String device) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.IOMMU_ADD_DEVICE_TO_GROUP;
    }
}
