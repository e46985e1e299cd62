package org.dmascope.backend.gpudirect;

import java.util.List;

import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.topology.PciAddress;

/**
 * {@code struct ib_umem_dmabuf} (drivers/infiniband/core/umem_dmabuf.c) with the MR over it: the
 * attachment, the mapped scatter list trimmed to the MR ({@code first_sg_offset},
 * {@code last_sg_trim}), whether it is pinned or revoked.
 */
public final class UmemDmabuf {

    private final int id;
    private final DmaBuf dmabuf;
    private final long offset;
    private final long length;
    private final boolean writable;
    private final PciAddress device;
    private final DmaDevice dma;
    private final boolean pinnedOps;
    private List<DmaSegment> mapped = List.of();
    private boolean hasSgt;
    private boolean pinned;
    private boolean revoked;
    private boolean detached;
    private long faults;
    private long firstOffset;
    private long lastTrim;

    UmemDmabuf(int id, DmaBuf dmabuf, long offset, long length, boolean writable, PciAddress device, DmaDevice dma,
            boolean pinnedOps) {
        this.id = id;
        this.dmabuf = dmabuf;
        this.offset = offset;
        this.length = length;
        this.writable = writable;
        this.device = device;
        this.dma = dma;
        this.pinnedOps = pinnedOps;
    }

    /** The engine's handle. */
    public int id() {
        return id;
    }

    /** The dma-buf. */
    public DmaBuf dmabuf() {
        return dmabuf;
    }

    /** {@code umem.address}: the offset into the dma-buf. */
    public long offset() {
        return offset;
    }

    /** {@code umem.length}. */
    public long length() {
        return length;
    }

    /** Whether the MR allows device writes. */
    public boolean writable() {
        return writable;
    }

    /** The RDMA device. */
    public PciAddress device() {
        return device;
    }

    /** The RDMA device's DMA limits. */
    public DmaDevice dma() {
        return dma;
    }

    /** Whether it was attached with ib_umem_dmabuf_attach_pinned_ops (ib_umem_dmabuf_get_pinned). */
    public boolean pinnedAttach() {
        return pinnedOps;
    }

    /** {@code umem_dmabuf->pinned}. */
    public boolean pinned() {
        return pinned;
    }

    /** {@code umem_dmabuf->revoked}. */
    public boolean revoked() {
        return revoked;
    }

    /** Whether {@code umem_dmabuf->sgt} is set: the device's translation is valid. */
    public boolean mapped() {
        return hasSgt;
    }

    /** The DMA segments of the MR (first and last trimmed), empty when not mapped. */
    public List<DmaSegment> segments() {
        return hasSgt ? mapped : List.of();
    }

    /** {@code first_sg_offset}. */
    public long firstSgOffset() {
        return firstOffset;
    }

    /** {@code last_sg_trim}. */
    public long lastSgTrim() {
        return lastTrim;
    }

    /** How many device page faults had to map it again. */
    public long faults() {
        return faults;
    }

    /** Whether it was detached (ib_umem_dmabuf_release). */
    public boolean detached() {
        return detached;
    }

    void setMapped(List<DmaSegment> segments, long first, long trim) {
        mapped = List.copyOf(segments);
        hasSgt = true;
        firstOffset = first;
        lastTrim = trim;
    }

    void clearMapped() {
        hasSgt = false;
        mapped = List.of();
        firstOffset = 0;
        lastTrim = 0;
    }

    void setPinned(boolean value) {
        pinned = value;
    }

    void setRevoked() {
        revoked = true;
    }

    void setDetached() {
        detached = true;
    }

    void addFault() {
        faults++;
    }

    @Override
    public String toString() {
        return "dmabuf mr " + id;
    }
}
