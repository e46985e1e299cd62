package org.dmascope.trace.event;

/**
 * One event of a trace. The set of kinds is closed (one record each, named by
 * {@link EventType}); events of any other kind are kept as {@link GenericEvent}.
 */
public sealed interface TraceEvent
        permits DmaAlloc, DmaBufMoveNotify, DmaFree, DmaMapPage, DmaMapSg, DmaUnmapPage, DmaUnmapSg,
        GenericEvent, GpuDirectFreeCallback, GpuDirectGetPages, GpuDirectPutPages, HmmRangeFault,
        IommuAddDeviceToGroup, IommuAttachDevice, IommuDetachDevice, IommuFault, IommuMap,
        IommuRemoveDeviceFromGroup, IommuUnmap, Migrate, MrDeregister, MrRegister,
        NotifierInvalidateBegin, NotifierInvalidateEnd, P2pTransfer, PageFault, Pin, ProcessExit,
        ProcessStart, TopologyChange, TopologySnapshot, Unpin, VmaMap, VmaProtect, VmaUnmap {

    /** Time stamp, CPU, PID and command name. */
    EventHeader header();

    /** The kind of event, the same for every instance of a record. */
    EventType type();

    /** The time stamp in nanoseconds, {@code header().ts()}. */
    default long ts() {
        return header().ts();
    }
}
