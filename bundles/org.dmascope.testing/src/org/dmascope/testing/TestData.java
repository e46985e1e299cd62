package org.dmascope.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's testdata/ folder: real machine descriptions written by other tools (NCCL,
 * hwloc, lspci) and those tools' own outputs. Tests run with a bundle folder as working
 * directory; the folder is found by walking up from there.
 */
public final class TestData {

    private TestData() {
    }

    /**
     * A file or folder below testdata/.
     *
     * @throws IllegalStateException when no testdata/ folder lies above the working directory
     */
    public static Path path(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("testdata");
            if (Files.isDirectory(candidate.resolve("lspci-dumps"))) {
                return candidate.resolve(relative);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("testdata/ not found above " + Path.of("").toAbsolutePath());
    }
}
