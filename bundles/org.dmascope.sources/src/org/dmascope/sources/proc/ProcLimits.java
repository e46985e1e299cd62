package org.dmascope.sources.proc;

import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;

/**
 * RLIMIT_MEMLOCK as {@code /proc/PID/limits} prints it ({@code proc_pid_limits()} in
 * fs/proc/base.c): the "Max locked memory" line, soft then hard limit, in bytes or "unlimited".
 *
 * @param memlockSoft the soft limit in bytes ({@link AddressSpace#UNLIMITED} for unlimited): what
 *                    pinning is checked against
 * @param memlockHard the hard limit in bytes ({@link AddressSpace#UNLIMITED} for unlimited)
 */
public record ProcLimits(long memlockSoft, long memlockHard) {

    private static final String MEMLOCK = "Max locked memory";

    /**
     * Reads the text of a limits file.
     *
     * @param source the file's name, for messages
     * @throws MemoryReadException naming the file and line when there is no "Max locked memory"
     *                             line or its values are not numbers or "unlimited"
     */
    public static ProcLimits parse(String text, String source) throws MemoryReadException {
        int lineNo = 0;
        for (String line : ProcMaps.lines(text)) {
            lineNo++;
            if (line.startsWith(MEMLOCK)) {
                String[] fields = line.substring(MEMLOCK.length()).trim().split("\\s+");
                if (fields.length < 2) {
                    throw new MemoryReadException(source + ":" + lineNo + ": expected soft and hard limits: " + line);
                }
                return new ProcLimits(limit(fields[0], source, lineNo, line), limit(fields[1], source, lineNo, line));
            }
        }
        throw new MemoryReadException(source + ": no \"" + MEMLOCK + "\" line (not a /proc/PID/limits file?)");
    }

    private static long limit(String value, String source, int lineNo, String line) throws MemoryReadException {
        if (value.equals("unlimited")) {
            return AddressSpace.UNLIMITED;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MemoryReadException(source + ":" + lineNo + ": not a number of bytes or \"unlimited\": " + line);
        }
    }
}
