package org.dmascope.sources.tests;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.dmascope.core.pciids.PciIds;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.testing.TestData;

/**
 * The real lspci 3.9.0's outputs for the dumps in testdata/lspci-dumps (expected/), read for
 * comparison: {@code -n} lines, and {@code -tv} trees with or without device names.
 */
final class LspciOracles {

    /** The pci.ids the oracle files were made with. */
    static final String ORACLE_IDS_VERSION = "2023.04.10";

    private static final Pattern NAME_SUFFIX = Pattern.compile("([0-9a-f]{2}\\.[0-7])  .*$");
    private static final Pattern NUMERIC = Pattern.compile(
            "^(\\S+) ([0-9a-f]{4}): ([0-9a-f]{4}):([0-9a-f]{4})(?: \\(rev ([0-9a-f]{2})\\))?$");

    /** One line of {@code lspci -n}: {@code 00:1c.0 0604: 8086:3a40 (rev 02)}. */
    record NumericLine(PciAddress address, int classHex, int vendor, int device, int revision) {
    }

    private LspciOracles() {
    }

    /** A file below testdata/lspci-dumps. */
    static Path dump(String relative) {
        return TestData.path("lspci-dumps/" + relative);
    }

    /** The lines of {@code expected/<name>.n.txt}. */
    static List<NumericLine> numeric(String name) throws IOException {
        List<NumericLine> out = new ArrayList<>();
        for (String line : Files.readAllLines(dump("expected/" + name + ".n.txt"))) {
            Matcher m = NUMERIC.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("not an lspci -n line: " + line);
            }
            out.add(new NumericLine(PciAddress.parse(m.group(1)), Integer.parseInt(m.group(2), 16),
                    Integer.parseInt(m.group(3), 16), Integer.parseInt(m.group(4), 16),
                    m.group(5) == null ? 0 : Integer.parseInt(m.group(5), 16)));
        }
        return out;
    }

    /** {@code expected/<name>.tv.txt} as lspci wrote it. */
    static String tree(String name) throws IOException {
        return Files.readString(dump("expected/" + name + ".tv.txt"));
    }

    /** The same tree without the device names, as {@code lspci -t} prints it. */
    static String treeWithoutNames(String name) throws IOException {
        return tree(name).lines().map(l -> NAME_SUFFIX.matcher(l).replaceFirst("$1"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** This machine's pci.ids when it is the one the oracle files were made with. */
    static Optional<PciIds> oracleIds() throws IOException {
        Path file = Path.of("/usr/share/misc/pci.ids");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            PciIds ids = PciIds.parse(r, file.toString());
            return ids.version().filter(ORACLE_IDS_VERSION::equals).map(v -> ids);
        }
    }
}
