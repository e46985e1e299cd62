package org.dmascope.trace.event;

/**
 * A DMA to an address the IOMMU could not translate (the {@code iommu:io_page_fault} tracepoint).
 *
 * @param header time stamp, CPU, PID and command name
 * @param device the device name (a PCI BDF for PCI devices)
 * @param driver the name of the bound driver, or ""
 * @param iova   the faulting I/O virtual address
 * @param flags  the IOMMU_FAULT_ flags (IOMMU_FAULT_READ 0x0, IOMMU_FAULT_WRITE 0x1)
 */
public record IommuFault(EventHeader header, String device, String driver, @Hex long iova, int flags) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.IOMMU_FAULT;
    }
}
