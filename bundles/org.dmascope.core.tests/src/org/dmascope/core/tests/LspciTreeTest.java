package org.dmascope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.dmascope.core.pciids.PciIds;
import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.topology.LspciTree;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tree printer against the real lspci 3.9.0's {@code -tv} output for the same dumps
 * (testdata/lspci-dumps/expected). Names need the same pci.ids (2023.04.10, Debian 12's
 * package); with another, the tree is compared without names.
 */
class LspciTreeTest {

    private static final String ORACLE_IDS_VERSION = "2023.04.10";
    private static final Pattern NAME_SUFFIX = Pattern.compile("([0-9a-f]{2}\\.[0-7])  .*$");

    @ParameterizedTest
    @ValueSource(strings = {"tree-asus-p6t6", "tree-fsl-p2020", "tree-fujitsu-p8010"})
    void sameTreeAsLspci(String dump) throws IOException {
        PciTopology topology = fromDump(dump);
        String expected = Files.readString(TestData.path("lspci-dumps/expected/" + dump + ".tv.txt"));
        Optional<PciIds> ids = oracleIds();
        if (ids.isPresent()) {
            assertEquals(expected, LspciTree.format(topology, new PciNames(ids.get()), true, PciNames.Mode.NAMES, false));
        }
        String expectedTree = expected.lines().map(l -> NAME_SUFFIX.matcher(l).replaceFirst("$1"))
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(expectedTree, LspciTree.format(topology, new PciNames(PciIds.empty()), false,
                PciNames.Mode.NAMES, false));
    }

    @Test
    void numericAndMixedNamesFollowLspci() throws IOException {
        PciTopology topology = fromDump("tree-fsl-p2020");
        String numeric = LspciTree.format(topology, new PciNames(PciIds.empty()), true, PciNames.Mode.NUMERIC, false);
        assertEquals("""
                -+-[0000:00]-
                 +-[0000:04]---00.0-[05]----00.0  168c:003c
                 +-[0001:02]---00.0-[03]----00.0  168c:0030
                 \\-[0002:00]---00.0-[01]----00.0  104c:8241
                """, numeric);
        String unknown = LspciTree.format(topology, new PciNames(PciIds.empty()), true, PciNames.Mode.NAMES, false);
        assertEquals(" +-[0000:04]---00.0-[05]----00.0  Device 168c:003c", unknown.lines().skip(1).findFirst().get());
    }

    @Test
    void parentLinksPlaceFunctionsBelowTheirBridge() throws IOException {
        // With observed parents (live sysfs) the tree is the same for a well-formed machine.
        PciTopology dump = fromDump("tree-asus-p6t6");
        PciTopology.Builder withParents = PciTopology.builder("asus with parents");
        for (PciFunction f : dump.functions()) {
            PciFunction.Builder b = PciFunction.builder(f.address(), f.rootBus()).ids(f.vendorId(), f.deviceId())
                    .classCode(f.classCode()).headerType(f.headerType()).busRange(f.secondaryBus(), f.subordinateBus());
            dump.functions().stream().filter(p -> p.secondaryBus() == f.address().bus() && f.address().bus() != 0)
                    .reduce((a, c) -> c).ifPresent(p -> b.parent(p.address()));
            withParents.function(b);
        }
        PciNames none = new PciNames(PciIds.empty());
        assertEquals(LspciTree.format(dump, none, false, PciNames.Mode.NAMES, false),
                LspciTree.format(withParents.build(), none, false, PciNames.Mode.NAMES, true));
    }

    static PciTopology fromDump(String dump) throws IOException {
        PciTopology.Builder b = PciTopology.builder(dump).parentsObserved(false);
        for (LspciDumps.Function f : LspciDumps.read(TestData.path("lspci-dumps/" + dump))) {
            b.function(PciFunction.builder(f.address(), f.address().pciBus()).config(f.config()));
        }
        return b.build();
    }

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
