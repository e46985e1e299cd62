package org.dmascope.backend.gpudirect;

/** Receives the engine's events as they happen (for a trace, or a scenario's output). */
@FunctionalInterface
public interface GpuDirectListener {

    /** Ignores everything. */
    GpuDirectListener NONE = e -> {
        // nothing
    };

    /** One event. */
    void event(GpuDirectEvent event);
}
