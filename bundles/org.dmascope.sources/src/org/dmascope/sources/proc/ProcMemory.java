package org.dmascope.sources.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.Vma;

/**
 * Reads live processes' memory from /proc: {@code read(pid)} gives the address space, whose page
 * table reads {@code /proc/PID/pagemap} when walked ({@link PagemapTable}).
 *
 * <p>Files read: {@code /proc/PID/smaps} for the VMAs with their VmFlags and KernelPageSize, or
 * {@code /proc/PID/maps} alone when smaps cannot be read; {@code comm}; {@code status} (VmPin as
 * the pinned bytes, CapEff for CAP_IPC_LOCK); {@code limits} (RLIMIT_MEMLOCK's soft limit);
 * {@code stat} (the start time, so that a walk notices a PID reused); {@code /proc/self/status}
 * (the reader's CAP_SYS_ADMIN, which decides whether pagemap shows PFNs); {@code /proc/iomem}
 * for the physical memory map; {@code /proc/kpageflags} while walking.
 *
 * <p>Errors name the PID and the file: "process 12345 does not exist (no /proc/12345)", "process
 * 12345 exited while reading /proc/12345/status", "cannot read /proc/12345/maps: permission
 * denied (ptrace access mode)".
 */
public final class ProcMemory {

    /** The real /proc. */
    public static final Path PROC = Path.of("/proc");
    /** How often the VMAs are read before a process that keeps changing them is given up on. */
    private static final int VMA_READS = 5;

    private final Path procRoot;

    /** A reader of the real /proc. */
    public ProcMemory() {
        this(PROC);
    }

    /** A reader of a folder laid out as /proc (a copy, for tests). */
    public ProcMemory(Path procRoot) {
        this.procRoot = procRoot;
    }

    /** The /proc folder read. */
    public Path procRoot() {
        return procRoot;
    }

    /**
     * A process's address space; its page table reads pagemap when walked.
     *
     * @throws MemoryReadException when the process does not exist, exits while being read, or
     *                             may not be read
     */
    public AddressSpace read(int pid) throws MemoryReadException {
        return open(pid).addressSpace();
    }

    /**
     * A process with what was read about it, the physical memory map taken from /proc/iomem
     * (nothing described when its addresses are hidden or it cannot be read).
     *
     * @throws MemoryReadException as {@link #read(int)}
     */
    public LiveProcess open(int pid) throws MemoryReadException {
        List<String> notes = new ArrayList<>();
        return open(pid, physicalMap(notes), notes);
    }

    /**
     * The physical memory map of /proc/iomem, for one or many processes; nothing described when
     * iomem cannot be read or its addresses are hidden, and then a note says so.
     *
     * @param notes receives what could not be known, in words
     */
    public PhysicalMemoryMap physicalMap(List<String> notes) {
        try {
            Iomem iomem = iomem();
            if (!iomem.addressesVisible()) {
                notes.add(Iomem.ADDRESSES_HIDDEN);
            }
            return iomem.map();
        } catch (MemoryReadException e) {
            notes.add(e.getMessage());
            return PhysicalMemoryMap.systemRamOnly();
        }
    }

    /**
     * A process, with a physical memory map given by the caller (one read once for many
     * processes, or one that knows the device page maps).
     *
     * @throws MemoryReadException as {@link #read(int)}
     */
    public LiveProcess open(int pid, PhysicalMemoryMap physical) throws MemoryReadException {
        return open(pid, physical, new ArrayList<>());
    }

    private LiveProcess open(int pid, PhysicalMemoryMap physical, List<String> notes) throws MemoryReadException {
        Path dir = procRoot.resolve(Integer.toString(pid));
        if (pid <= 0 || !Files.isDirectory(dir)) {
            throw new MemoryReadException("process " + pid + " does not exist (no " + dir + ")");
        }
        Path statFile = dir.resolve("stat");
        long startTime = -1;
        if (Files.exists(statFile)) {
            startTime = startTime(text(pid, statFile));
        }
        ProcStatus status = ProcStatus.parse(text(pid, dir.resolve("status")), dir.resolve("status").toString());
        ProcLimits limits = ProcLimits.parse(text(pid, dir.resolve("limits")), dir.resolve("limits").toString());
        String comm = text(pid, dir.resolve("comm")).strip();
        boolean readerSysAdmin = readerHasSysAdmin();
        // smaps and maps are read a few VMAs at a time: a process that maps or unmaps meanwhile
        // can give VMAs that overlap. Read again, as tools that read them do.
        AddressSpace bare = null;
        boolean smapsRead = false;
        for (int attempt = 1; bare == null; attempt++) {
            List<Vma> vmas;
            Path smaps = dir.resolve("smaps");
            String smapsText = null;
            try {
                smapsText = text(pid, smaps);
            } catch (MemoryReadException e) {
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
                if (attempt == 1) {
                    notes.add(e.getMessage() + ": VMA flags from maps' permissions only, page sizes unknown");
                }
            }
            if (smapsText != null) {
                vmas = ProcMaps.parseSmaps(smapsText, smaps.toString());
                smapsRead = true;
            } else {
                Path maps = dir.resolve("maps");
                vmas = ProcMaps.parseMaps(text(pid, maps), maps.toString());
                smapsRead = false;
            }
            Path read = smapsRead ? smaps : dir.resolve("maps");
            // A process that exited between the files leaves empty maps: say so rather than show nothing.
            if (vmas.isEmpty() && !Files.isDirectory(dir)) {
                throw new MemoryReadException("process " + pid + " exited while reading " + read);
            }
            try {
                bare = new AddressSpace(pid, comm, vmas, (s, e, sink) -> {
                }, limits.memlockSoft(), status.pinnedBytes(), status.has(ProcStatus.CAP_IPC_LOCK));
            } catch (IllegalArgumentException e) {
                if (attempt == VMA_READS) {
                    throw new MemoryReadException(read + ": the VMAs changed while being read, " + VMA_READS
                            + " times: " + e.getMessage(), e);
                }
            }
        }
        PagemapTable table = new PagemapTable(procRoot, pid, bare.vmas(), startTime, physical, readerSysAdmin);
        return new LiveProcess(bare.withPageTable(table), table, status, limits, smapsRead, notes);
    }

    /**
     * A page table over a process's pagemap for VMAs the caller read (a live sampler reads maps
     * often and smaps only when maps changed), without reading the process's other files.
     *
     * @param pid       the process
     * @param vmas      its VMAs, sorted and not overlapping
     * @param startTime its start time (field 22 of /proc/PID/stat), -1 when unknown: a walk
     *                  refuses a process with the same PID and another start time
     * @param physical  the physical memory map, to mark ZONE_DEVICE and BAR PFNs
     */
    public PagemapTable pageTable(int pid, List<Vma> vmas, long startTime, PhysicalMemoryMap physical) {
        return new PagemapTable(procRoot, pid, vmas, startTime, physical, readerHasSysAdmin());
    }

    /**
     * The physical memory map of /proc/iomem.
     *
     * @throws MemoryReadException when iomem cannot be read or is not iomem
     */
    public Iomem iomem() throws MemoryReadException {
        Path file = procRoot.resolve("iomem");
        try {
            return Iomem.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new MemoryReadException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether this reader has CAP_SYS_ADMIN (from /proc/self/status), which pagemap needs to
     * show PFNs; false when that cannot be read.
     */
    public boolean readerHasSysAdmin() {
        Path file = procRoot.resolve("self").resolve("status");
        try {
            return ProcStatus.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString())
                    .has(ProcStatus.CAP_SYS_ADMIN);
        } catch (IOException | MemoryReadException e) {
            return false;
        }
    }

    /** Field 22 of a /proc/PID/stat text: the start time in clock ticks after boot; -1 when absent. */
    static long startTime(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        // After "pid (comm)", field 3 (state) is index 0: field 22 is index 19.
        if (fields.length <= 19) {
            return -1;
        }
        try {
            return Long.parseLong(fields[19]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // A /proc file's text; names are bytes, read as UTF-8 with bad bytes replaced.
    private String text(int pid, Path file) throws MemoryReadException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(file.getParent())) {
                throw new MemoryReadException("process " + pid + " exited while reading " + file, e);
            }
            throw new MemoryReadException("cannot read " + file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new MemoryReadException("cannot read " + file + ": permission denied (ptrace access mode)", e);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("No such process") || !Files.isDirectory(file.getParent())) {
                throw new MemoryReadException("process " + pid + " exited while reading " + file, e);
            }
            if (m.contains("Permission denied")) {
                throw new MemoryReadException("cannot read " + file + ": permission denied (ptrace access mode)", e);
            }
            throw new MemoryReadException("cannot read " + file + ": " + m, e);
        }
    }
}
