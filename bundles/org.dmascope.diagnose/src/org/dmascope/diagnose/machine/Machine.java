package org.dmascope.diagnose.machine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.diagnose.log.KernelLog;
import org.dmascope.diagnose.log.KernelLogReader;
import org.dmascope.diagnose.nccl.NcclLog;
import org.dmascope.sources.TopologySources;
import org.dmascope.sources.sysfs.SysfsTreeImporter;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * A machine to diagnose: its PCI topology, the files around it, its kernel log and the NCCL logs
 * that came with it. Opened from the live machine, a {@code dmascope collect} archive (packed or
 * unpacked), a sysfs snapshot, or any topology file (then only the topology is known).
 *
 * @param name         the source as the user named it
 * @param topology     the PCI topology
 * @param files        the other files (empty for a topology file)
 * @param kernelLog    the kernel log, null when the source has none
 * @param kernelLogAt  where the kernel log came from, for evidence ("/dev/kmsg", "ARCHIVE: kernel/dmesg.txt")
 * @param ncclLogs     NCCL logs that came with the source
 * @param live         whether this is the running machine
 * @param notes        what could not be read, in words (the live kernel log's refusals, a collect manifest's list)
 */
public record Machine(String name, PciTopology topology, MachineFiles files, @Nullable KernelLog kernelLog,
        @Nullable String kernelLogAt, List<NcclLog> ncclLogs, boolean live, List<String> notes) {

    /** Where a collect archive keeps the kernel log, in the order they are looked for. */
    public static final List<String> KERNEL_LOG_FILES = List.of("kernel/dmesg.txt", "kernel/kmsg.txt", "kernel/journal.txt");
    /** The folder of a collect archive holding the NCCL files named on its command line. */
    public static final String NCCL_FOLDER = "nccl";

    /** Copies the lists. */
    public Machine {
        ncclLogs = List.copyOf(ncclLogs);
        notes = List.copyOf(notes);
    }

    /** Whether the source had more than a topology: /proc and /sys/kernel files. */
    public boolean hasFiles() {
        return files != MachineFiles.NONE;
    }

    /**
     * Opens a machine.
     *
     * @param source  the source as the user named it, null for the live machine
     * @param sources the topology importers
     * @throws InputException when the source cannot be read
     */
    public static Machine open(@Nullable String source, TopologySources sources, IProgressMonitor monitor)
            throws InputException {
        SubMonitor progress = SubMonitor.convert(monitor, "Opening " + (source == null ? "this machine" : source), 10);
        if (source == null) {
            PciTopology topology = sources.live(progress.split(6));
            KernelLogCapture.Result log = KernelLogCapture.capture();
            progress.split(4);
            List<String> notes = new ArrayList<>();
            for (KernelLogCapture.Attempt a : log.attempts()) {
                if (!a.ok()) {
                    notes.add("kernel log: " + a.how() + ": " + a.why());
                }
            }
            KernelLog kernelLog = log.text() == null ? null : KernelLogReader.parse(log.text(), log.how());
            return new Machine(TopologySources.LIVE_HOST_NAME, topology, new DirectoryFiles(Path.of("/")), kernelLog,
                    log.how(), List.of(), true, notes);
        }
        Path path = Path.of(source);
        if (!Files.exists(path)) {
            throw new InputException(source, null, "no such file or directory");
        }
        MachineFiles files = MachineFiles.NONE;
        if (Files.isDirectory(path)) {
            Optional<Path> sys = SysfsTreeImporter.locate(path);
            if (sys.isPresent() && sys.get().getParent() != null && sys.get().getFileName().toString().equals("sys")) {
                files = new DirectoryFiles(sys.get().getParent());
            }
        } else if (ArchiveFiles.isArchive(path)) {
            files = ArchiveFiles.load(path, source);
        }
        progress.split(3);
        PciTopology topology = sources.open(path, source, progress.split(6));
        KernelLog kernelLog = null;
        String kernelLogAt = null;
        for (String f : KERNEL_LOG_FILES) {
            Optional<String> text = files.text(f);
            if (text.isPresent()) {
                kernelLogAt = files.display(f);
                kernelLog = KernelLogReader.parse(text.get(), kernelLogAt);
                break;
            }
        }
        List<NcclLog> nccl = new ArrayList<>();
        for (String f : files.list(NCCL_FOLDER)) {
            Optional<String> text = files.text(NCCL_FOLDER + "/" + f);
            if (text.isPresent() && text.get().contains(" NCCL ")) {
                try {
                    nccl.add(NcclLog.parse(text.get(), files.display(NCCL_FOLDER + "/" + f)));
                } catch (InputException e) {
                    // A topology file or another file named on collect's command line: not a log.
                }
            }
        }
        progress.split(1);
        // A collect archive lists what it could not read: the doctor cites it.
        List<String> notes = new ArrayList<>();
        files.text("MANIFEST.txt").ifPresent(m -> m.lines().filter(l -> l.startsWith("  ") && l.contains(": "))
                .map(String::strip).filter(l -> !l.matches("[\\w ]+: \\d+")).forEach(notes::add));
        return new Machine(source, topology, files, kernelLog, kernelLogAt, nccl, false, notes);
    }
}
