package org.dmascope.cli.tests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's testdata/ folder (real machine descriptions written by other tools). */
final class TestData {

    private TestData() {
    }

    /** A file or folder below testdata/. */
    static Path path(String relative) {
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
