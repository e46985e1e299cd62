package org.dmascope.sources.sysfs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jdt.annotation.Nullable;

/** A sysfs tree on the file system: the live /sys, or a copy of one. */
final class DirectorySysfsTree implements SysfsTree {

    private final Path root;

    DirectorySysfsTree(Path root) {
        this.root = root;
    }

    private Path at(String path) {
        return path.isEmpty() ? root : root.resolve(path);
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(at(path));
    }

    @Override
    public List<String> list(String directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(at(directory))) {
            dir.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    @Override
    public @Nullable String linkTarget(String path) {
        Path p = at(path);
        if (!Files.isSymbolicLink(p)) {
            return null;
        }
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    @Override
    public byte @Nullable [] readBeside(String path) {
        Path above = root.toAbsolutePath().getParent();
        if (above == null) {
            return null;
        }
        try {
            return Files.readAllBytes(above.resolve(path));
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public byte @Nullable [] read(String path) {
        try {
            return Files.readAllBytes(at(path));
        } catch (IOException e) {
            // Gone (hot-unplug), not permitted, or an attribute that fails to read (EIO).
            return null;
        }
    }
}
