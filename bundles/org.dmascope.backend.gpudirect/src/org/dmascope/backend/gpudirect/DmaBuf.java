package org.dmascope.backend.gpudirect;

import java.util.ArrayList;
import java.util.List;

/**
 * A dma-buf exported over GPU memory, with its attachments (drivers/dma-buf/dma-buf.c).
 */
public final class DmaBuf {

    /** Who exports it, which decides whether it can move. */
    public enum Exporter {
        /**
         * NVIDIA's exporter (kernel-open/nvidia/nv-dmabuf.c): no pin or unpin op, so
         * {@code dma_buf_is_dynamic()} is false; it never moves the memory and never calls
         * dma_buf_move_notify(); map_dma_buf maps BAR1 for the importer with nv_dma_map_peer().
         */
        NVIDIA,
        /**
         * A dynamic exporter of device memory (with pin and unpin, as amdgpu and xe export VRAM):
         * it may move the buffer while nothing pins it and tells importers with
         * dma_buf_move_notify(); it maps its BAR pages as PCI P2PDMA pages, so the kernel's
         * peer-to-peer rules decide the DMA addresses.
         */
        DYNAMIC_P2PDMA
    }

    private final int id;
    private final int fd;
    private final GpuMemory memory;
    private final Exporter exporter;
    private final List<UmemDmabuf> attachments = new ArrayList<>();
    private int pinCount;
    // Where BAR1 maps the buffer.
    private final GpuMemory.Bar1Extent extent;
    private boolean closed;
    private boolean released;

    DmaBuf(int id, int fd, GpuMemory memory, Exporter exporter, GpuMemory.Bar1Extent extent) {
        this.id = id;
        this.fd = fd;
        this.memory = memory;
        this.exporter = exporter;
        this.extent = extent;
    }

    /** The engine's handle. */
    public int id() {
        return id;
    }

    /** The file descriptor user space holds. */
    public int fd() {
        return fd;
    }

    /** The GPU memory it exports. */
    public GpuMemory memory() {
        return memory;
    }

    /** {@code dmabuf->size}: the exported memory's backed size. */
    public long size() {
        return memory.backedSize();
    }

    /** The exporter. */
    public Exporter exporter() {
        return exporter;
    }

    /** {@code dma_buf_is_dynamic()}: whether the exporter has a pin op. */
    public boolean dynamic() {
        return exporter == Exporter.DYNAMIC_P2PDMA;
    }

    /** The attachments not yet detached. */
    public List<UmemDmabuf> attachments() {
        return List.copyOf(attachments);
    }

    /** How many attachments pin it (dma_buf_pin). */
    public int pinCount() {
        return pinCount;
    }

    /** The CPU physical address of its first byte (in the GPU's BAR1). */
    public long physStart() {
        return memory.gpu().bar1Start() + extent.bar1Offset;
    }

    GpuMemory.Bar1Extent extent() {
        return extent;
    }

    List<UmemDmabuf> attachmentList() {
        return attachments;
    }

    void addPin(int delta) {
        pinCount += delta;
    }

    boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
    }

    /** Whether the last reference went and the exporter released it. */
    public boolean released() {
        return released;
    }

    void markReleased() {
        released = true;
    }

    @Override
    public String toString() {
        return "dmabuf " + id + " (fd " + fd + ")";
    }
}
