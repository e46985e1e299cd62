package org.dmascope.scenario.sim;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.dmascope.scenario.Scenario;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioParser;
import org.eclipse.jdt.annotation.Nullable;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * The scenarios shipped inside this bundle (folder {@code builtin/}), one per failure users hit:
 * what the workbench starts on and what {@code dmascope record --scenario builtin:N} plays. Every
 * one is SIMULATED (its first comment says so) and holds its own {@code expect} lines.
 */
public final class BuiltinScenarios {

    /** The prefix that names a built-in scenario where a file could be named: {@code builtin:1}, {@code builtin:gpudirect-free}. */
    public static final String PREFIX = "builtin:";

    /**
     * One built-in scenario.
     *
     * @param number      its number, from 1, as the issue lists them
     * @param id          a short stable name ({@code gpudirect-free})
     * @param title       a title for menus
     * @param description one line saying what it shows
     * @param fileName    the file in the bundle's {@code builtin/} folder
     */
    public record Entry(int number, String id, String title, String description, String fileName) {

        /** How messages name it: {@code builtin:ID (FILE)}. */
        public String displayName() {
            return PREFIX + id + " (" + fileName + ")";
        }
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry(1, "gpudirect-free", "GPUDirect RDMA: GPU memory freed while registered",
                    "An MR on GPU memory across a PCIe switch (nvidia-peermem, BUS_ADDR), then cudaFree: the free"
                            + " callback runs and the MR is invalidated asynchronously; RDMA on it fails.",
                    "1-gpudirect-free.scenario"),
            new Entry(2, "hmm-odp-migrate", "HMM migration and an ODP MR",
                    "Pages migrated to device-private memory invalidate part of an ODP MR; a CPU fault brings them"
                            + " back and the NIC's next access faults the MR again.",
                    "2-hmm-odp-migrate.scenario"),
            new Entry(3, "mr-fragmented-thp", "A large MR: fragmented 4 KiB pages against THP",
                    "The same MR on scattered base pages and on a transparent huge page: scatter entries, DMA"
                            + " segments and the best MR page size, without an IOMMU and behind one.",
                    "3-mr-fragmented-thp.scenario"),
            new Entry(4, "acs-redirect", "P2P refused by ACS redirect, allowed after disable_acs_redir",
                    "With the IOMMU on, ACS redirect on the switch's downstream ports sends GPU-NIC traffic to a host"
                            + " bridge not on the allow list: refused; booting with the suggested"
                            + " pci=disable_acs_redir= gives a bus address.",
                    "4-acs-redirect.scenario"));

    /** The id of the scenario the workbench starts on: (1), the GPUDirect free callback. */
    public static final String DEFAULT = "gpudirect-free";

    private BuiltinScenarios() {
    }

    /** The built-in scenarios, in their order. */
    public static List<Entry> list() {
        return ENTRIES;
    }

    /**
     * The built-in scenario a word names: its id, its number, its file name, each with or without
     * {@code builtin:} in front (case-insensitive).
     */
    public static Optional<Entry> find(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith(PREFIX)) {
            n = n.substring(PREFIX.length());
        }
        for (Entry e : ENTRIES) {
            if (e.id().equals(n) || Integer.toString(e.number()).equals(n) || e.fileName().equals(n)
                    || e.fileName().equals(n + ".scenario")) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Whether a word asks for a built-in scenario ({@code builtin:...}) rather than a file. */
    public static boolean isBuiltinName(String word) {
        return word.trim().toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /** The built-in scenario of this name, or an exception listing the names. */
    public static Entry require(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("no built-in scenario '" + name
                + "' (known: " + String.join(", ", ENTRIES.stream().map(e -> PREFIX + e.number() + " or " + PREFIX
                        + e.id()).toList()) + ")"));
    }

    /**
     * The file's text as a stream, read from the bundle (a folder or a jar).
     *
     * @throws IllegalArgumentException when no built-in scenario has this name
     * @throws IOException              when the bundle does not hold the file
     */
    public static InputStream openStream(String name) throws IOException {
        Entry e = require(name);
        URL url = resource(e);
        if (url == null) {
            throw new IOException("the bundle org.dmascope.scenario does not hold builtin/" + e.fileName());
        }
        return url.openStream();
    }

    /**
     * A file holding the scenario that the parser can read: the bundle's own file when the bundle
     * is a folder, otherwise a copy in a temporary file (deleted when the JVM exits). The built-in
     * scenarios name no other file (their topologies are inline), so where it lies does not matter.
     *
     * @throws IllegalArgumentException when no built-in scenario has this name
     * @throws IOException              when it cannot be read or copied
     */
    public static Path open(String name) throws IOException {
        Entry e = require(name);
        URL url = resource(e);
        if (url != null && "file".equals(url.getProtocol())) {
            try {
                Path p = Path.of(url.toURI());
                if (Files.isRegularFile(p)) {
                    return p;
                }
            } catch (java.net.URISyntaxException | IllegalArgumentException ex) {
                // copied below
            }
        }
        Path temp = Files.createTempFile("dmascope-" + e.id() + "-", ".scenario");
        temp.toFile().deleteOnExit();
        try (InputStream in = openStream(name)) {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        }
        return temp;
    }

    /** The lines of the scenario. */
    public static List<String> lines(String name) throws IOException {
        try (InputStream in = openStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** Parses the scenario; messages name it {@code builtin:ID (FILE)}. */
    public static Scenario parse(ScenarioParser parser, String name) throws IOException, ScenarioException {
        Entry e = require(name);
        return parser.parse(lines(name), e.displayName());
    }

    private static @Nullable URL resource(Entry e) {
        String path = "builtin/" + e.fileName();
        Bundle bundle = FrameworkUtil.getBundle(BuiltinScenarios.class);
        if (bundle != null) {
            URL u = bundle.getEntry(path);
            if (u != null) {
                return u;
            }
        }
        return BuiltinScenarios.class.getResource("/" + path);
    }
}
