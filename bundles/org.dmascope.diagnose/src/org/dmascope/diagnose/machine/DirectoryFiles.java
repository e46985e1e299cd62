package org.dmascope.diagnose.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The files below a directory: "/" for the live machine, or an unpacked collect archive. */
public final class DirectoryFiles implements MachineFiles {

    private final Path root;
    private final boolean live;

    /**
     * @param root the folder holding proc/ and sys/
     */
    public DirectoryFiles(Path root) {
        this.root = root;
        this.live = root.toAbsolutePath().normalize().equals(Path.of("/"));
    }

    @Override
    public Optional<byte[]> read(String path) {
        try {
            return Optional.of(Files.readAllBytes(root.resolve(path)));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> list(String directory) {
        try (Stream<Path> s = Files.list(root.resolve(directory))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(root.resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public Optional<String> link(String path) {
        try {
            Path p = root.resolve(path);
            return Files.isSymbolicLink(p) ? Optional.of(Files.readSymbolicLink(p).toString()) : Optional.empty();
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public String display(String path) {
        return live ? "/" + path : root.resolve(path).toString();
    }
}
