package org.dmascope.trace.event;

/**
 * A peer-to-peer DMA transfer between two PCIe functions.
 *
 * @param header time stamp, CPU, PID and command name
 * @param initiator the BDF of the device issuing the DMA
 * @param target    the BDF of the device whose memory (BAR) is addressed
 * @param busAddr   the bus address the initiator used
 * @param size      bytes transferred
 * @param direction "READ" (initiator reads target memory) or "WRITE"
 * @param durationNs how long the transfer took in nanoseconds, 0 when unknown
 */
public record P2pTransfer(EventHeader header, String initiator, String target, @Hex long busAddr, long size, String direction, long durationNs) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.P2P_TRANSFER;
    }
}
