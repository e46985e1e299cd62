package org.dmascope.trace.export;

import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.TraceEvent;

/** The subsystem an event belongs to, for grouping in viewers ("dma", "iommu", "mm", ...). */
final class Categories {

    private Categories() {
    }

    static String of(TraceEvent e) {
        if (e instanceof GenericEvent g) {
            return g.system().isEmpty() ? "generic" : g.system();
        }
        return of(e.type());
    }

    static String of(EventType t) {
        return switch (t) {
        case VMA_MAP, VMA_UNMAP, VMA_PROTECT, PAGE_FAULT, PIN, UNPIN, MIGRATE, HMM_RANGE_FAULT -> "mm";
        case MR_REGISTER, MR_DEREGISTER -> "rdma";
        case DMA_MAP_PAGE, DMA_UNMAP_PAGE, DMA_MAP_SG, DMA_UNMAP_SG, DMA_ALLOC, DMA_FREE -> "dma";
        case IOMMU_MAP, IOMMU_UNMAP, IOMMU_FAULT, IOMMU_ATTACH_DEVICE, IOMMU_DETACH_DEVICE, IOMMU_ADD_DEVICE_TO_GROUP,
                IOMMU_REMOVE_DEVICE_FROM_GROUP -> "iommu";
        case NOTIFIER_INVALIDATE_BEGIN, NOTIFIER_INVALIDATE_END -> "mmu_notifier";
        case GPUDIRECT_GET_PAGES, GPUDIRECT_PUT_PAGES, GPUDIRECT_FREE_CALLBACK -> "gpudirect";
        case DMABUF_MOVE_NOTIFY -> "dma_buf";
        case P2P_TRANSFER -> "p2p";
        case TOPOLOGY_SNAPSHOT, TOPOLOGY_CHANGE -> "topology";
        case PROCESS_START, PROCESS_EXIT -> "process";
        case GENERIC -> "generic";
        };
    }
}
