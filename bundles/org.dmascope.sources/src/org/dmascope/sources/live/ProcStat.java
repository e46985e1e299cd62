package org.dmascope.sources.live;

import org.eclipse.jdt.annotation.Nullable;

/**
 * The fields of {@code /proc/PID/stat} the sampler needs ({@code do_task_stat()} in
 * fs/proc/array.c): the command between the first "(" and the last ")", then space-separated
 * fields numbered from 3.
 *
 * @param comm      field 2, the command (comm)
 * @param state     field 3, the state letter
 * @param ppid      field 4, the parent PID
 * @param startTime field 22, the start time in clock ticks after boot
 * @param exitCode  field 52, the exit status in wait(2)'s form (since Linux 3.5; meaningful for a
 *                  zombie), -1 when absent
 */
record ProcStat(String comm, char state, int ppid, long startTime, int exitCode) {

    /** Whether the process has exited (a zombie waiting to be reaped, or dead). */
    boolean exited() {
        return state == 'Z' || state == 'X';
    }

    /** Parses a stat line; null when it is not one. */
    static @Nullable ProcStat parse(String text) {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open) {
            return null;
        }
        String comm = text.substring(open + 1, close);
        String[] f = text.substring(close + 1).trim().split("\\s+");
        // f[0] is field 3
        if (f.length < 20 || f[0].isEmpty()) {
            return null;
        }
        try {
            int ppid = Integer.parseInt(f[1]);
            long start = Long.parseLong(f[19]);
            int exit = f.length > 49 ? Integer.parseInt(f[49]) : -1;
            return new ProcStat(comm, f[0].charAt(0), ppid, start, exit);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
