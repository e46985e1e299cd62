package org.dmascope.backend.gpudirect;

/**
 * What a device access through an MR saw, as the work completion reports it.
 *
 * @param status     the completion status: IBV_WC_SUCCESS, IBV_WC_LOC_PROT_ERR (a local access
 *                   through an invalid mkey), IBV_WC_REM_ACCESS_ERR (the remote side's view)
 * @param dmaAddress the DMA address of the first byte touched, -1 when the access failed
 * @param faulted    whether the access first had to fault the mapping back (dma-buf after move_notify)
 * @param why        which rule decided
 */
public record RdmaAccess(String status, long dmaAddress, boolean faulted, String why) {

    /** Whether it completed successfully. */
    public boolean ok() {
        return status.equals("IBV_WC_SUCCESS");
    }
}
