package org.dmascope.trace.event;

/**
 * The GPU driver revoked pinned GPU pages through the free callback given to {@code nvidia_p2p_get_pages} (the GPU memory was freed under the user).
 *
 * @param header time stamp, CPU, PID and command name
 * @param gpu            the GPU as a PCI BDF, or ""
 * @param virtualAddress the GPU virtual address of the revoked range
 * @param length         its length in bytes
 */
public record GpuDirectFreeCallback(EventHeader header, String gpu, @Hex long virtualAddress, long length) implements TraceEvent {

    @Override
    public EventType type() {
        return EventType.GPUDIRECT_FREE_CALLBACK;
    }
}
