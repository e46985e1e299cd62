package org.dmascope.diagnose.log;

import java.util.List;

/**
 * A kernel log as read from a file or the running kernel.
 *
 * @param name    the input as the user named it
 * @param format  the format its lines had (the first line with a time stamp decides)
 * @param entries every line, in order; unrecognised lines are {@link KernelMessage#OTHER}
 */
public record KernelLog(String name, Format format, List<KernelLogEntry> entries) {

    /** Copies the list. */
    public KernelLog {
        entries = List.copyOf(entries);
    }

    /** How the lines were written. */
    public enum Format {
        /** {@code dmesg}: "[    1.234567] text". */
        DMESG,
        /** /dev/kmsg records: "6,339,5140900,-;text", continuation lines " KEY=value". */
        KMSG,
        /** {@code journalctl -k -o short-monotonic}: "[    1.234567] host kernel: text". */
        JOURNAL_MONOTONIC,
        /** Lines without a time stamp ({@code dmesg -t}, or another format). */
        PLAIN
    }

    /** The entries of one kind. */
    public List<KernelLogEntry> of(KernelMessage kind) {
        return entries.stream().filter(e -> e.kind() == kind).toList();
    }
}
