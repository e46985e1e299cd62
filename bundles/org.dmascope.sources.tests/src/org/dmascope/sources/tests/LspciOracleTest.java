package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.dmascope.core.pciids.PciIds;
import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.Bar;
import org.dmascope.core.topology.LspciTree;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PortType;
import org.dmascope.sources.lspci.LspciDumpImporter;
import org.dmascope.sources.lspci.LspciTextImporter;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both lspci importers against the real lspci 3.9.0's own outputs for the same dumps
 * (testdata/lspci-dumps/expected): the tree it prints ({@code -tv}), the functions it lists
 * ({@code -n}), and its verbose text ({@code -vvv -nn}) read back by the text importer.
 */
class LspciOracleTest {

    private static PciTopology dump(String name) throws Exception {
        return new LspciDumpImporter().read(LspciOracles.dump(name), name, new NullProgressMonitor());
    }

    private static PciTopology text(String relative) throws Exception {
        return new LspciTextImporter().read(LspciOracles.dump(relative), relative, new NullProgressMonitor());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tree-asus-p6t6", "tree-fsl-p2020", "tree-fujitsu-p8010"})
    void theDumpPlacedByBusNumbersIsTheTreeLspciPrints(String name) throws Exception {
        PciTopology t = dump(name);
        assertFalse(t.parentsObserved());
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
        // Printed through the parents the importer set, not by routing bus numbers again.
        assertEquals(LspciOracles.treeWithoutNames(name),
                LspciTree.format(t, new PciNames(PciIds.empty()), false, PciNames.Mode.NAMES, true));
        Optional<PciIds> ids = LspciOracles.oracleIds();
        if (ids.isPresent()) {
            assertEquals(LspciOracles.tree(name),
                    LspciTree.format(t, new PciNames(ids.get()), true, PciNames.Mode.NAMES, true));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tree-asus-p6t6", "tree-fsl-p2020", "tree-fujitsu-p8010"})
    void theDumpHasTheFunctionsLspciLists(String name) throws Exception {
        List<LspciOracles.NumericLine> expected = LspciOracles.numeric(name);
        PciTopology t = dump(name);
        assertEquals(expected.stream().map(LspciOracles.NumericLine::address).toList(),
                t.functions().stream().map(PciFunction::address).toList(), name + ": the same functions in order");
        for (LspciOracles.NumericLine line : expected) {
            PciFunction f = t.function(line.address()).orElseThrow();
            String where = name + " " + line.address();
            assertEquals(line.classHex(), f.classCode() >> 8, where + " class");
            assertEquals(line.vendor(), f.vendorId(), where + " vendor");
            assertEquals(line.device(), f.deviceId(), where + " device");
            assertEquals(line.revision(), f.revision(), where + " revision");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tree-asus-p6t6", "tree-fsl-p2020", "tree-fujitsu-p8010"})
    void theTextImporterReadsLspciNumericListings(String name) throws Exception {
        List<LspciOracles.NumericLine> expected = LspciOracles.numeric(name);
        PciTopology t = text("expected/" + name + ".n.txt");
        assertEquals(expected.size(), t.size());
        for (LspciOracles.NumericLine line : expected) {
            PciFunction f = t.function(line.address()).orElseThrow();
            assertEquals(line.classHex(), f.classCode() >> 8);
            assertEquals(line.vendor() + ":" + line.device() + " rev " + line.revision(),
                    f.vendorId() + ":" + f.deviceId() + " rev " + f.revision(), name + " " + line.address());
        }
        // Without -v there are no bus numbers to place functions below their bridges by.
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("lspci -vvv -nn")), t.warnings().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tree-asus-p6t6", "tree-fsl-p2020", "tree-fujitsu-p8010"})
    void lspciVerboseTextGivesWhatTheDumpGives(String name) throws Exception {
        PciTopology fromDump = dump(name);
        PciTopology fromText = text("expected/" + name + ".vvv.txt");
        assertTrue(fromText.warnings().isEmpty(), fromText.warnings().toString());
        assertEquals(fromDump.functions().stream().map(PciFunction::address).toList(),
                fromText.functions().stream().map(PciFunction::address).toList());
        int links = 0;
        int acs = 0;
        for (PciFunction d : fromDump.functions()) {
            PciFunction t = fromText.function(d.address()).orElseThrow();
            String where = name + " " + d.address();
            assertEquals(hex(d.classCode()), hex(t.classCode()), where + " class code and prog-if");
            assertEquals(d.idPair(), t.idPair(), where + " IDs");
            assertEquals(d.revision(), t.revision(), where + " revision");
            assertEquals(d.headerType(), t.headerType(), where + " header type");
            assertEquals(d.secondaryBus() + "-" + d.subordinateBus(), t.secondaryBus() + "-" + t.subordinateBus(),
                    where + " bus range");
            assertEquals(d.parent(), t.parent(), where + " parent");
            assertEquals(d.rootBus(), t.rootBus(), where + " root bus");
            assertEquals(d.role(), t.role(), where + " role");
            assertEquals(d.portType(), t.portType(), where + " port type");
            assertEquals(d.capabilities(), t.capabilities(), where + " capabilities");
            assertEquals(d.link(), t.link(), where + " link");
            assertEquals(lspciBits(d.acs()), t.acs(), where + " ACS");
            if (t.subsystemVendorId() >= 0) {
                assertEquals(d.subsystemVendorId() + ":" + d.subsystemDeviceId(),
                        t.subsystemVendorId() + ":" + t.subsystemDeviceId(), where + " subsystem");
            } else {
                // lspci leaves out subsystem 0000 and ffff.
                assertTrue(d.subsystemVendorId() <= 0 || d.subsystemVendorId() == 0xffff, where + " subsystem");
            }
            links += t.link() == null ? 0 : 1;
            acs += t.acs() == null ? 0 : 1;
        }
        assertTrue(links > 0, name + ": some links compared");
        if (name.equals("tree-asus-p6t6")) {
            assertTrue(acs > 0, name + ": some ACS compared");
        }
        assertEquals(LspciOracles.treeWithoutNames(name),
                LspciTree.format(fromText, new PciNames(PciIds.empty()), false, PciNames.Mode.NAMES, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tree-fsl-p2020"})
    void bridgeWindowsComeFromTheText(String name) throws Exception {
        PciFunction bridge = text("expected/" + name + ".vvv.txt").function(PciAddress.parse("0000:04:00.0"))
                .orElseThrow();
        // "Memory behind bridge: 80000000-9fffffff [size=512M] [32-bit]"
        Bar window = bridge.bars().stream().filter(b -> b.kind() == Bar.Kind.BRIDGE_WINDOW && b.index() == 1)
                .findFirst().orElseThrow();
        assertEquals(0x80000000L, window.start());
        assertEquals(512L << 20, window.size());
        assertTrue(window.isMemory());
        assertEquals(PortType.ROOT_PORT, bridge.portType());
        // A dump states no BAR sizes to lspci, so BARs without a size are left out.
        assertTrue(bridge.bars().stream().noneMatch(b -> b.kind() == Bar.Kind.BAR));
        assertNull(bridge.acs());
        assertNotNull(bridge.link());
    }

    // The text shows only the bits lspci decodes.
    private static Acs lspciBits(Acs acs) {
        return acs == null ? null : new Acs(acs.offset(), acs.capability() & 0x7f, acs.control() & 0x7f);
    }

    private static String hex(int value) {
        return Integer.toHexString(value);
    }
}
