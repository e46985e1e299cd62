package org.dmascope.core.backend;

import java.util.List;

import org.eclipse.jdt.annotation.Nullable;

/**
 * What long-term pinning of a range did, or why it was refused.
 *
 * @param error     the errno the kernel returns ("EFAULT", "ENOMEM", "EOPNOTSUPP"), null on success
 * @param why       one line saying which rule applied
 * @param pages     the base pages pinned
 * @param faulted   pages that were absent and had to be faulted in
 * @param cowBroken private pages shared copy-on-write that pinning replaced by a copy
 * @param migrated  pages moved before pinning (out of ZONE_MOVABLE or CMA, or back from a device)
 * @param notes     more findings, a line each
 */
public record PinResult(@Nullable String error, String why, long pages, long faulted, long cowBroken, long migrated,
        List<String> notes) {

    /** Copies the notes. */
    public PinResult {
        notes = List.copyOf(notes);
    }

    /** A refusal. */
    public static PinResult refused(String error, String why) {
        return new PinResult(error, why, 0, 0, 0, 0, List.of());
    }

    /** Whether pinning succeeded. */
    public boolean ok() {
        return error == null;
    }
}
