package org.dmascope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.Capability;
import org.dmascope.core.topology.ConfigSpace;
import org.dmascope.core.topology.LinkSpeed;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.core.topology.PortType;
import org.dmascope.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Config space decoding checked against what the real lspci printed for the same bytes: the
 * cap-* dumps hold lspci -vvv text followed by the hex of each function.
 */
class ConfigSpaceTest {

    private static final Pattern CAP_LINE = Pattern.compile("^Capabilities: \\[([0-9a-f]+)(?: v\\d+)?\\]");
    private static final Pattern EXPRESS = Pattern.compile("Express \\(v\\d\\) (.+?)(?: \\(|, |$)");
    private static final Pattern SPEED_WIDTH = Pattern.compile("Speed ([0-9.]+)GT/s[^,]*, Width x(\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"cap-aer-root", "cap-dpc", "cap-exp-dev2", "cap-exp-lnkcap2", "cap-ide", "cap-pcie-1"})
    void decodesWhatLspciPrinted(String dump) throws IOException {
        List<LspciDumps.Function> functions = LspciDumps.read(TestData.path("lspci-dumps/" + dump));
        assertFalse(functions.isEmpty(), dump + " has functions");
        for (LspciDumps.Function f : functions) {
            ConfigSpace cs = f.config();
            String where = dump + " " + f.address();

            // Some dumps print -vvv text from the full config space but hex for 256 bytes only:
            // compare what the hex holds.
            boolean extended = cs.length() > ConfigSpace.CONVENTIONAL_SIZE;
            List<Integer> lspciOffsets = new ArrayList<>();
            for (String line : f.text()) {
                Matcher m = CAP_LINE.matcher(line);
                if (m.find() && (extended || Integer.parseInt(m.group(1), 16) < ConfigSpace.CONVENTIONAL_SIZE)) {
                    lspciOffsets.add(Integer.parseInt(m.group(1), 16));
                }
            }
            List<Integer> ours = new ArrayList<>();
            cs.capabilities().forEach(c -> ours.add(c.offset()));
            cs.extendedCapabilities().forEach(c -> ours.add(c.offset()));
            assertEquals(lspciOffsets, ours, where + ": capability offsets");

            Optional<String> express = f.text().stream().filter(l -> l.contains("Express (v")).findFirst();
            if (express.isPresent()) {
                Matcher m = EXPRESS.matcher(express.get());
                assertTrue(m.find(), where + ": " + express.get());
                assertEquals(lspciPortName(m.group(1)), cs.portType(), where + ": port type");
            }

            Optional<PcieLink> link = cs.link();
            line(f, "LnkCap:").ifPresent(l -> {
                Matcher m = SPEED_WIDTH.matcher(l);
                assertTrue(m.find(), where + ": " + l);
                assertEquals(Double.parseDouble(m.group(1)), link.orElseThrow().maxSpeed().gigaTransfers(), where);
                assertEquals(Integer.parseInt(m.group(2)), link.orElseThrow().maxWidth(), where + ": LnkCap width");
            });
            line(f, "LnkSta:").ifPresent(l -> {
                Matcher m = SPEED_WIDTH.matcher(l);
                assertTrue(m.find(), where + ": " + l);
                assertEquals(Double.parseDouble(m.group(1)), link.orElseThrow().speed().gigaTransfers(), where);
                assertEquals(Integer.parseInt(m.group(2)), link.orElseThrow().width(), where + ": LnkSta width");
            });

            if (!extended) {
                assertTrue(cs.acs().isEmpty(), where + ": no ACS without extended config space");
                continue;
            }
            Optional<Acs> acs = cs.acs();
            Optional<String> acsCap = line(f, "ACSCap:");
            assertEquals(acsCap.isPresent(), acs.isPresent(), where + ": ACS capability present");
            acsCap.ifPresent(l -> assertEquals(l.substring("ACSCap:".length()).trim(), acs.get().describeCapability(), where));
            line(f, "ACSCtl:").ifPresent(l -> assertEquals(l.substring("ACSCtl:".length()).trim(),
                    acs.get().describeControl(), where));
        }
    }

    @Test
    void haswellRootPortRedirectsPeerToPeer() throws IOException {
        // lspci: ACSCtl: SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+
        ConfigSpace root = LspciDumps.read(TestData.path("lspci-dumps/cap-aer-root")).get(0).config();
        Acs acs = root.acs().orElseThrow();
        assertTrue(acs.redirectsPeerToPeer());
        assertEquals(List.of("SrcValid", "TransBlk", "ReqRedir", "CmpltRedir", "UpstreamFwd"), acs.enabledControls());
        assertEquals(PortType.ROOT_PORT, root.portType());
        assertEquals(ConfigSpace.HEADER_BRIDGE, root.headerType());
        assertEquals(0x03, root.secondaryBus());
        assertEquals(0x03, root.subordinateBus());
    }

    @Test
    void sunrisePointRootPortHasAcsButNoRedirect() throws IOException {
        // lspci: ACSCtl: SrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl- DirectTrans-
        ConfigSpace port = LspciDumps.read(TestData.path("lspci-dumps/cap-exp-lnkcap2")).get(0).config();
        assertEquals(0x9d10, port.deviceId());
        assertEquals(PortType.ROOT_PORT, port.portType());
        Acs acs = port.acs().orElseThrow();
        assertFalse(acs.redirectsPeerToPeer());
        assertTrue(acs.enabledControls().isEmpty());
    }

    @Test
    void plxSwitchPortFromItsHeader() throws IOException {
        ConfigSpace port = LspciDumps.read(TestData.path("lspci-dumps/cap-dpc")).get(0).config();
        assertEquals(0x10b5, port.vendorId());
        assertEquals(0x9716, port.deviceId());
        assertEquals(PortType.DOWNSTREAM_PORT, port.portType());
        assertEquals(0x06, port.secondaryBus());
    }

    @Test
    void headerOnlyReadCannotTellThePortType() throws IOException {
        // An unprivileged sysfs read returns 64 bytes: the capability list lies beyond them.
        ConfigSpace full = LspciDumps.read(TestData.path("lspci-dumps/cap-aer-root")).get(0).config();
        ConfigSpace header = ConfigSpace.of(java.util.Arrays.copyOf(full.bytes(), 64));
        assertEquals(PortType.UNKNOWN, header.portType());
        assertFalse(header.capabilitiesReadable());
        assertTrue(header.capabilities().isEmpty());
        assertEquals(full.classCode(), header.classCode());
        assertEquals(full.secondaryBus(), header.secondaryBus());
    }

    @Test
    void loopingCapabilityListEnds() {
        byte[] b = new byte[256];
        b[0x06] = 0x10; // status: capability list
        b[0x34] = 0x40;
        b[0x40] = 0x01; // power management
        b[0x41] = 0x50;
        b[0x50] = 0x05; // MSI, pointing back to 0x40
        b[0x51] = 0x40;
        ConfigSpace cs = ConfigSpace.of(b);
        assertEquals(2, cs.capabilities().size(), "the walk stops where the list loops");
        assertEquals(PortType.CONVENTIONAL_PCI, cs.portType());
    }

    @Test
    void unknownCapabilityIdsAreNamedAsSuch() {
        assertEquals("unknown capability (0x7a)", new Capability(0x7a, 0x40, false, 0).name());
        assertEquals("unknown extended capability (0x0099)", new Capability(0x99, 0x100, true, 1).name());
        assertEquals("Access Control Services", new Capability(0x0d, 0x100, true, 1).name());
    }

    @Test
    void linkFieldsMapToSpeeds() {
        assertEquals(LinkSpeed.GT_8, LinkSpeed.fromLinkField(3));
        assertEquals(LinkSpeed.GT_32, LinkSpeed.fromSysfs("32.0 GT/s PCIe"));
        assertEquals(LinkSpeed.GT_2_5, LinkSpeed.fromSysfs("2.5 GT/s"));
        assertEquals(LinkSpeed.GT_8, LinkSpeed.fromSysfs("8 GT/s"));
        assertEquals(LinkSpeed.UNKNOWN, LinkSpeed.fromSysfs("Unknown"));
        PcieLink downgraded = new PcieLink(LinkSpeed.GT_5, 8, LinkSpeed.GT_8, 8);
        assertTrue(downgraded.isDowngraded());
        assertEquals("5.0 GT/s x8 (max 8.0 GT/s x8)", downgraded.describe());
        assertEquals(15.75, new PcieLink(LinkSpeed.GT_8, 16, LinkSpeed.GT_8, 16).bandwidthGBps(), 0.01);
    }

    private static Optional<String> line(LspciDumps.Function f, String prefix) {
        return f.text().stream().filter(l -> l.startsWith(prefix)).findFirst();
    }

    private static PortType lspciPortName(String words) {
        switch (words.toLowerCase(Locale.ROOT)) {
            case "endpoint":
                return PortType.ENDPOINT;
            case "legacy endpoint":
                return PortType.LEGACY_ENDPOINT;
            case "root port":
                return PortType.ROOT_PORT;
            case "upstream port":
                return PortType.UPSTREAM_PORT;
            case "downstream port":
                return PortType.DOWNSTREAM_PORT;
            case "pci-express to pci/pci-x bridge":
                return PortType.PCIE_TO_PCI_BRIDGE;
            case "pci/pci-x to pci-express bridge":
                return PortType.PCI_TO_PCIE_BRIDGE;
            case "root complex integrated endpoint":
                return PortType.RC_INTEGRATED_ENDPOINT;
            case "root complex event collector":
                return PortType.RC_EVENT_COLLECTOR;
            default:
                throw new AssertionError("lspci port name not known to the test: " + words);
        }
    }
}
