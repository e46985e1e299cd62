package org.dmascope.diagnose.machine;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The files of a machine other than its PCI tree: /proc, /sys/kernel, the kernel log and
 * configuration, wherever they lie (the live machine, an unpacked or packed collect archive).
 * Paths are relative to the machine's root, with {@code /} separators: "proc/cmdline".
 */
public interface MachineFiles {

    /** The content of a file, empty when it is not there or cannot be read. */
    Optional<byte[]> read(String path);

    /** The names in a directory, empty when it is not there. */
    List<String> list(String directory);

    /** Whether the path exists (a file, a directory or a link). */
    boolean exists(String path);

    /** The path as a person finds it: "/proc/cmdline" on the live machine, "ARCHIVE: proc/cmdline" in an archive. */
    String display(String path);

    /** The target of a symbolic link as written in it, empty when the path is not a link. */
    default Optional<String> link(String path) {
        return Optional.empty();
    }

    /** A file as text (UTF-8). */
    default Optional<String> text(String path) {
        return read(path).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** No files at all: a source that is a topology only (lspci, hwloc or NCCL XML). */
    MachineFiles NONE = new MachineFiles() {
        @Override
        public Optional<byte[]> read(String path) {
            return Optional.empty();
        }

        @Override
        public List<String> list(String directory) {
            return List.of();
        }

        @Override
        public boolean exists(String path) {
            return false;
        }

        @Override
        public String display(String path) {
            return path;
        }
    };
}
