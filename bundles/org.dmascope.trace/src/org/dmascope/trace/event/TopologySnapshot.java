package org.dmascope.trace.event;

/**
 * The machine topology at a point in the trace (PCI tree, IOMMU groups, NUMA), as a document of a named format.
 *
 * @param header time stamp, CPU, PID and command name
 * @param source where it was taken, for example "sysfs", "lspci", "hwloc", "nccl"
 * @param format the format of data, for example "lspci-tv", "hwloc-xml", "nccl-xml", "dmascope-json"
 * @param data   the document itself
 */
public record TopologySnapshot(EventHeader header, String source, String format, String data) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.TOPOLOGY_SNAPSHOT;
    }
}
