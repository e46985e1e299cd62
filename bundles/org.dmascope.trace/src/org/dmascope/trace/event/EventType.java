package org.dmascope.trace.event;

import java.util.Optional;

/**
 * The kinds of trace event, one per {@link TraceEvent} record, each with a stable
 * lower_snake_case name that files use (the JSON Lines {@code "type"}). Names are never
 * changed or reused; new kinds are added.
 */
public enum EventType {
    /** {@link VmaMap}. */
    VMA_MAP("vma_map", VmaMap.class),
    /** {@link VmaUnmap}. */
    VMA_UNMAP("vma_unmap", VmaUnmap.class),
    /** {@link VmaProtect}. */
    VMA_PROTECT("vma_protect", VmaProtect.class),
    /** {@link PageFault}. */
    PAGE_FAULT("page_fault", PageFault.class),
    /** {@link Pin}. */
    PIN("pin", Pin.class),
    /** {@link Unpin}. */
    UNPIN("unpin", Unpin.class),
    /** {@link Migrate}. */
    MIGRATE("migrate", Migrate.class),
    /** {@link HmmRangeFault}. */
    HMM_RANGE_FAULT("hmm_range_fault", HmmRangeFault.class),
    /** {@link MrRegister}. */
    MR_REGISTER("mr_register", MrRegister.class),
    /** {@link MrDeregister}. */
    MR_DEREGISTER("mr_deregister", MrDeregister.class),
    /** {@link DmaMapPage}. */
    DMA_MAP_PAGE("dma_map_page", DmaMapPage.class),
    /** {@link DmaUnmapPage}. */
    DMA_UNMAP_PAGE("dma_unmap_page", DmaUnmapPage.class),
    /** {@link DmaMapSg}. */
    DMA_MAP_SG("dma_map_sg", DmaMapSg.class),
    /** {@link DmaUnmapSg}. */
    DMA_UNMAP_SG("dma_unmap_sg", DmaUnmapSg.class),
    /** {@link DmaAlloc}. */
    DMA_ALLOC("dma_alloc", DmaAlloc.class),
    /** {@link DmaFree}. */
    DMA_FREE("dma_free", DmaFree.class),
    /** {@link IommuMap}. */
    IOMMU_MAP("iommu_map", IommuMap.class),
    /** {@link IommuUnmap}. */
    IOMMU_UNMAP("iommu_unmap", IommuUnmap.class),
    /** {@link IommuFault}. */
    IOMMU_FAULT("iommu_fault", IommuFault.class),
    /** {@link IommuAttachDevice}. */
    IOMMU_ATTACH_DEVICE("iommu_attach_device", IommuAttachDevice.class),
    /** {@link IommuDetachDevice}. */
    IOMMU_DETACH_DEVICE("iommu_detach_device", IommuDetachDevice.class),
    /** {@link IommuAddDeviceToGroup}. */
    IOMMU_ADD_DEVICE_TO_GROUP("iommu_add_device_to_group", IommuAddDeviceToGroup.class),
    /** {@link IommuRemoveDeviceFromGroup}. */
    IOMMU_REMOVE_DEVICE_FROM_GROUP("iommu_remove_device_from_group", IommuRemoveDeviceFromGroup.class),
    /** {@link NotifierInvalidateBegin}. */
    NOTIFIER_INVALIDATE_BEGIN("notifier_invalidate_begin", NotifierInvalidateBegin.class),
    /** {@link NotifierInvalidateEnd}. */
    NOTIFIER_INVALIDATE_END("notifier_invalidate_end", NotifierInvalidateEnd.class),
    /** {@link GpuDirectGetPages}. */
    GPUDIRECT_GET_PAGES("gpudirect_get_pages", GpuDirectGetPages.class),
    /** {@link GpuDirectPutPages}. */
    GPUDIRECT_PUT_PAGES("gpudirect_put_pages", GpuDirectPutPages.class),
    /** {@link GpuDirectFreeCallback}. */
    GPUDIRECT_FREE_CALLBACK("gpudirect_free_callback", GpuDirectFreeCallback.class),
    /** {@link DmaBufMoveNotify}. */
    DMABUF_MOVE_NOTIFY("dmabuf_move_notify", DmaBufMoveNotify.class),
    /** {@link P2pTransfer}. */
    P2P_TRANSFER("p2p_transfer", P2pTransfer.class),
    /** {@link TopologySnapshot}. */
    TOPOLOGY_SNAPSHOT("topology_snapshot", TopologySnapshot.class),
    /** {@link TopologyChange}. */
    TOPOLOGY_CHANGE("topology_change", TopologyChange.class),
    /** {@link ProcessStart}. */
    PROCESS_START("process_start", ProcessStart.class),
    /** {@link ProcessExit}. */
    PROCESS_EXIT("process_exit", ProcessExit.class),
    /** {@link GenericEvent}. */
    GENERIC("generic", GenericEvent.class);

    private static final EventType[] VALUES = values();

    private final String id;
    private final Class<? extends TraceEvent> recordClass;

    EventType(String id, Class<? extends TraceEvent> recordClass) {
        this.id = id;
        this.recordClass = recordClass;
    }

    /** The stable lower_snake_case name, for example "dma_map_sg". */
    public String id() {
        return id;
    }

    /** The record class of this kind. */
    public Class<? extends TraceEvent> recordClass() {
        return recordClass;
    }

    /** The kind with this stable name, if any. */
    public static Optional<EventType> forId(String id) {
        for (EventType t : VALUES) {
            if (t.id.equals(id)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
