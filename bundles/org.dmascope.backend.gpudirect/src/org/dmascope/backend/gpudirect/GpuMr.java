package org.dmascope.backend.gpudirect;

import java.util.List;

import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.topology.PciAddress;
import org.eclipse.jdt.annotation.Nullable;

/**
 * An RDMA memory region over GPU memory registered through the peer-memory core: the
 * {@code ib_umem_peer} of drivers/infiniband/core/peer_mem.c (MLNX_OFED) with nvidia-peermem's
 * {@code nv_mem_context} behind it, and the device's mkey.
 */
public final class GpuMr {

    /** {@code enum ib_umem_mapped_state}. */
    public enum PeerState {
        /** UMEM_PEER_MAPPED. */
        MAPPED,
        /** UMEM_PEER_INVALIDATED: the client unmaps itself (PEER_MEM_INVALIDATE_UNMAPS). */
        INVALIDATED,
        /** UMEM_PEER_UNMAPPED. */
        UNMAPPED
    }

    private final int id;
    private final long address;
    private final long length;
    private final boolean writable;
    private final PciAddress device;
    private final DmaDevice dma;
    private final String client;
    private final P2pPageTable table;
    private final @Nullable P2pDmaMapping mapping;
    private final List<DmaSegment> segments;
    private PeerState state = PeerState.MAPPED;
    private boolean mkeyValid = true;
    private boolean deregistered;
    // nv_mem_context->callback_task == current while the free callback runs.
    private boolean inCallback;

    GpuMr(int id, long address, long length, boolean writable, PciAddress device, DmaDevice dma, String client,
            P2pPageTable table, @Nullable P2pDmaMapping mapping, List<DmaSegment> segments) {
        this.id = id;
        this.address = address;
        this.length = length;
        this.writable = writable;
        this.device = device;
        this.dma = dma;
        this.client = client;
        this.table = table;
        this.mapping = mapping;
        this.segments = List.copyOf(segments);
    }

    /** The engine's handle. */
    public int id() {
        return id;
    }

    /** The registered address. */
    public long address() {
        return address;
    }

    /** The registered length. */
    public long length() {
        return length;
    }

    /** Whether it was registered for writing by the device. */
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

    /** The peer-memory client that took it ("nv_mem", or "nv_mem_nc" for persistent pages). */
    public String client() {
        return client;
    }

    /** The P2P page table behind it. */
    public P2pPageTable pageTable() {
        return table;
    }

    /** The peer mapping behind it. */
    public @Nullable P2pDmaMapping dmaMapping() {
        return mapping;
    }

    /** The DMA segments the device was given (fix_peer_sgls applied), empty once unmapped. */
    public List<DmaSegment> segments() {
        return state == PeerState.MAPPED ? segments : List.of();
    }

    /** The segments as registered, whatever the state. */
    public List<DmaSegment> registeredSegments() {
        return segments;
    }

    /** The umem's peer state. */
    public PeerState state() {
        return state;
    }

    /** Whether the device still translates through the mkey. */
    public boolean valid() {
        return mkeyValid && !deregistered;
    }

    /** Whether it was deregistered. */
    public boolean deregistered() {
        return deregistered;
    }

    void setState(PeerState value) {
        state = value;
    }

    void invalidateMkey() {
        mkeyValid = false;
    }

    void markDeregistered() {
        deregistered = true;
    }

    boolean inCallback() {
        return inCallback;
    }

    void setInCallback(boolean value) {
        inCallback = value;
    }

    @Override
    public String toString() {
        return "mr " + id;
    }
}
