package org.dmascope.trace.event;

/**
 * A CPU page fault on a user address (the {@code exceptions:page_fault_user} tracepoint, with the outcome of {@code handle_mm_fault}).
 *
 * @param header time stamp, CPU, PID and command name
 * @param address   the faulting address
 * @param ip        the instruction pointer, or 0 when unknown
 * @param errorCode the hardware error code (x86: bit 1 write, bit 2 user, ...)
 * @param result    the vm_fault_t outcome as "|"-joined names without the VM_FAULT_ prefix
 *                  (for example "MAJOR|RETRY"), "" for a plain minor fault
 */
public record PageFault(EventHeader header, @Hex long address, @Hex long ip, int errorCode, String result) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.PAGE_FAULT;
    }
}
