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
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.LspciTree;
import org.dmascope.core.topology.PciAddress;
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
    void placingByBusNumbersGivesTheTreeLspciPrints() throws IOException {
        PciTopology dump = fromDump("tree-asus-p6t6");
        PciTopology placed = LspciTree.placeByBusNumbers(dump);
        assertEquals("0000:03:00.0", parent(placed, "04:00.0"));
        assertEquals("0000:02:00.0", parent(placed, "03:02.0"));
        assertEquals("0000:00:03.0", parent(placed, "02:00.0"));
        assertEquals(null, parent(placed, "00:03.0"));
        assertEquals("0000:00", fn(placed, "04:00.0").rootBus().toString());
        assertEquals("0000:ff", fn(placed, "ff:06.3").rootBus().toString());
        assertEquals(2, placed.hostBridges().size());
        assertEquals(FunctionRole.ROOT_PORT, fn(placed, "00:03.0").role());
        // Printed through the parent links, the tree is the one lspci printed from bus numbers.
        PciNames none = new PciNames(PciIds.empty());
        assertEquals(LspciTree.format(dump, none, false, PciNames.Mode.NAMES, false),
                LspciTree.format(placed, none, false, PciNames.Mode.NAMES, true));
    }

    private static PciFunction fn(PciTopology t, String bdf) {
        return t.function(PciAddress.parse(bdf)).orElseThrow();
    }

    private static String parent(PciTopology t, String bdf) {
        PciAddress p = fn(t, bdf).parent();
        return p == null ? null : p.toString();
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
