package org.dmascope.sources.proc;

import org.dmascope.core.memory.MemoryReadException;

/**
 * What {@code /proc/PID/status} says that pinning memory for DMA depends on
 * ({@code proc_pid_status()} in fs/proc/array.c, {@code task_mem()} in fs/proc/task_mmu.c).
 *
 * @param name         the Name line (the command, as comm)
 * @param state        the State letter (R, S, D, Z, X ...), '?' when absent
 * @param pinnedBytes  VmPin: memory pinned long-term (mm->pinned_vm), in bytes
 * @param lockedBytes  VmLck: mlocked memory, in bytes
 * @param capEff       CapEff: the effective capabilities, one bit per CAP_* number
 */
public record ProcStatus(String name, char state, long pinnedBytes, long lockedBytes, long capEff) {

    /** CAP_IPC_LOCK: pinning and mlock are not bound by RLIMIT_MEMLOCK. */
    public static final int CAP_IPC_LOCK = 14;
    /** CAP_SYS_ADMIN: pagemap shows PFNs and iomem shows addresses only to a reader holding it. */
    public static final int CAP_SYS_ADMIN = 21;

    /** Whether the effective set holds a capability (a CAP_* number). */
    public boolean has(int capability) {
        return (capEff >>> capability & 1) != 0;
    }

    /** Whether the process has exited and waits to be reaped, or is being torn down (Z, X). */
    public boolean isExited() {
        return state == 'Z' || state == 'X';
    }

    /**
     * Reads the text of a status file. Lines other than Name, State, VmPin, VmLck and CapEff are
     * skipped; a kernel thread has no Vm lines (0 then).
     *
     * @param source the file's name, for messages
     * @throws MemoryReadException naming the file and line when a value read here is malformed, or
     *                             when there is no CapEff line
     */
    public static ProcStatus parse(String text, String source) throws MemoryReadException {
        String name = "";
        char state = '?';
        long pinned = 0;
        long locked = 0;
        Long capEff = null;
        int lineNo = 0;
        for (String line : ProcMaps.lines(text)) {
            lineNo++;
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "Name" -> name = value;
                case "State" -> state = value.isEmpty() ? '?' : value.charAt(0);
                case "VmPin" -> pinned = ProcMaps.kilobytes(value, source, lineNo, line);
                case "VmLck" -> locked = ProcMaps.kilobytes(value, source, lineNo, line);
                case "CapEff" -> {
                    try {
                        capEff = Long.parseUnsignedLong(value, 16);
                    } catch (NumberFormatException e) {
                        throw new MemoryReadException(source + ":" + lineNo + ": not a capability mask in hex: " + line);
                    }
                }
                default -> {
                    // not needed here
                }
            }
        }
        if (capEff == null) {
            throw new MemoryReadException(source + ": no CapEff line (not a /proc/PID/status file?)");
        }
        return new ProcStatus(name, state, pinned, locked, capEff);
    }
}
