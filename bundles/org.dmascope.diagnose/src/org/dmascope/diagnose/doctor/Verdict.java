package org.dmascope.diagnose.doctor;

import java.util.Locale;

/** A check's outcome. */
public enum Verdict {
    /** Nothing stands in the way. */
    OK,
    /** Works, but not as well as it could, or the source cannot tell. */
    WARN,
    /** Stands in the way of peer-to-peer DMA or GPUDirect RDMA. */
    FAIL;

    /** "ok", "warn", "fail", as the JSON writes it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
