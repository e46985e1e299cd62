package org.dmascope.diagnose.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.dmascope.diagnose.machine.KernelLogCapture;
import org.eclipse.jdt.annotation.Nullable;

/**
 * How {@link Collector} reads the machine: the live file system, or, in tests, one that refuses
 * what an unprivileged user is refused.
 */
public interface FileAccess {

    /**
     * A file's content.
     *
     * @throws IOException as the file system reports it ({@link java.nio.file.AccessDeniedException},
     *                     {@link java.nio.file.NoSuchFileException} ...)
     */
    byte[] read(Path file) throws IOException;

    /** The size the file system states for a file (sysfs states config's full size). */
    long size(Path file) throws IOException;

    /** The names in a directory, sorted. */
    List<String> list(Path directory) throws IOException;

    /** A link's target as written, null when the path is not a link. */
    @Nullable
    Path readLink(Path path);

    /** Whether the path is a directory (following links). */
    boolean isDirectory(Path path);

    /** Whether the path exists (without following a last link). */
    boolean exists(Path path);

    /** The running kernel's log. */
    KernelLogCapture.Result kernelLog();

    /** Whether this reader has root's rights (effective user 0). */
    boolean privileged();

    /** The live machine, with the rights of this process. */
    FileAccess LIVE = new FileAccess() {
        @Override
        public byte[] read(Path file) throws IOException {
            return Files.readAllBytes(file);
        }

        @Override
        public long size(Path file) throws IOException {
            return Files.size(file);
        }

        @Override
        public List<String> list(Path directory) throws IOException {
            try (Stream<Path> s = Files.list(directory)) {
                return s.map(p -> p.getFileName().toString()).sorted().toList();
            }
        }

        @Override
        public @Nullable Path readLink(Path path) {
            try {
                return Files.isSymbolicLink(path) ? Files.readSymbolicLink(path) : null;
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public boolean isDirectory(Path path) {
            return Files.isDirectory(path);
        }

        @Override
        public boolean exists(Path path) {
            return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public KernelLogCapture.Result kernelLog() {
            return KernelLogCapture.capture();
        }

        @Override
        public boolean privileged() {
            try {
                Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                return Integer.valueOf(0).equals(uid);
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return "root".equals(System.getProperty("user.name"));
            }
        }
    };
}
