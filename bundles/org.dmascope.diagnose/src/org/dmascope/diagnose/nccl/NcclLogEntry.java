package org.dmascope.diagnose.nccl;

import java.util.Map;

import org.eclipse.jdt.annotation.Nullable;

/**
 * One line of an NCCL log.
 *
 * @param line    the line (1-based)
 * @param host    the host of the "host:pid:tid [dev] NCCL INFO" prefix, null without one
 * @param pid     the process, -1 without a prefix
 * @param cudaDev the CUDA device of the prefix, -1 without one
 * @param level   INFO, WARN, TRACE ..., or "" without a prefix
 * @param kind    what the message is
 * @param text    the message after the prefix
 * @param fields  values from the message, by the names of {@link NcclMessage}'s groups
 */
public record NcclLogEntry(int line, @Nullable String host, long pid, int cudaDev, String level, NcclMessage kind,
        String text, Map<String, String> fields) {

    /** Copies the fields. */
    public NcclLogEntry {
        fields = Map.copyOf(fields);
    }
}
