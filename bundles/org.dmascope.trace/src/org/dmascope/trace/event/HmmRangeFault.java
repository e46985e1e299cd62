package org.dmascope.trace.event;

/**
 * The result of one {@code hmm_range_fault} call over a range.
 *
 * @param header time stamp, CPU, PID and command name
 * @param start        first address of the range
 * @param end          address after its last byte
 * @param defaultFlags the HMM_PFN_REQ_ flags asked for every page, for example "HMM_PFN_REQ_FAULT|HMM_PFN_REQ_WRITE"
 * @param validPages   pages returned valid (HMM_PFN_VALID)
 * @param error        the errno name on failure (for example "EBUSY" when the notifier sequence moved), else ""
 */
public record HmmRangeFault(EventHeader header, @Hex long start, @Hex long end, String defaultFlags, long validPages, String error) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.HMM_RANGE_FAULT;
    }
}
