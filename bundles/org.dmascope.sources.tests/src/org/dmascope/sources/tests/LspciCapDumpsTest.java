package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.Capability;
import org.dmascope.core.topology.ConfigSpace;
import org.dmascope.core.topology.FunctionRole;
import org.dmascope.core.topology.LinkSpeed;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.core.topology.PortType;
import org.dmascope.sources.lspci.LspciDumpImporter;
import org.dmascope.sources.lspci.LspciTextDevice;
import org.dmascope.sources.lspci.LspciTextImporter;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cap-* dumps of pciutils' tests hold lspci's {@code -vvv} text and the hex of the same
 * functions: the dump importer reads the hex, the text importer's parser the text, and the two
 * must agree on port types, links, ACS and capability lists.
 */
class LspciCapDumpsTest {

    private static PciTopology dump(String name) throws Exception {
        return new LspciDumpImporter().read(LspciOracles.dump(name), name, new NullProgressMonitor());
    }

    private static List<LspciTextDevice> text(String name) throws Exception {
        return LspciTextImporter.devices(LspciOracles.dump(name), name, new NullProgressMonitor());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cap-aer-root", "cap-dpc", "cap-exp-dev2", "cap-exp-lnkcap2", "cap-ide", "cap-pcie-1"})
    void hexAndTextAgree(String name) throws Exception {
        PciTopology hex = dump(name);
        List<LspciTextDevice> text = text(name);
        assertEquals(hex.functions().stream().map(PciFunction::address).toList(),
                text.stream().map(LspciTextDevice::address).toList(), name + ": the same functions");
        for (LspciTextDevice t : text) {
            PciFunction f = hex.function(t.address()).orElseThrow();
            String where = name + " " + t.address();
            assertFalse(t.identified(), where + ": this text has names, not IDs");
            assertEquals(f.portType(), t.portType(), where + " port type");
            assertNotNull(t.link(), where + " link in the text");
            assertEquals(f.link(), t.link(), where + " link speed and width");
            // Old lspci releases print no version for extended capabilities: compare the rest.
            List<Capability> textCaps = t.capabilities().stream()
                    .filter(c -> !c.extended() || f.configBytes() == ConfigSpace.EXTENDED_SIZE).toList();
            assertEquals(f.capabilities().stream().map(LspciCapDumpsTest::place).toList(),
                    textCaps.stream().map(LspciCapDumpsTest::place).toList(), where + " capabilities");
            Acs acs = f.acs();
            if (f.configBytes() == ConfigSpace.EXTENDED_SIZE) {
                assertEquals(acs == null ? null : new Acs(acs.offset(), acs.capability() & 0x7f, acs.control() & 0x7f),
                        t.acs(), where + " ACS");
            } else {
                // The hex stops at 256 bytes: ACS comes from the text above it.
                assertEquals(t.acs(), acs, where + " ACS from the text");
            }
        }
    }

    private static String place(Capability c) {
        return (c.extended() ? "ext " : "") + Integer.toHexString(c.id()) + "@" + Integer.toHexString(c.offset());
    }

    @Test
    void anEnabledAcsRootPortRedirectsPeerToPeer() throws Exception {
        PciFunction port = dump("cap-aer-root").function(PciAddress.parse("00:02.0")).orElseThrow();
        assertEquals(PortType.ROOT_PORT, port.portType());
        assertEquals(FunctionRole.ROOT_PORT, port.role());
        // "ACSCtl: SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-"
        Acs acs = port.acs();
        assertNotNull(acs);
        assertEquals(0x110, acs.offset());
        assertEquals("SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-",
                acs.describeControl());
        assertTrue(acs.redirectsPeerToPeer());
        assertEquals(new PcieLink(LinkSpeed.GT_8, 8, LinkSpeed.GT_8, 8), port.link());
        // "[250 v1] #19": an older lspci printing the ID of a capability it had no name for.
        LspciTextDevice text = text("cap-aer-root").get(0);
        assertTrue(text.capabilities().contains(new Capability(0x19, 0x250, true, 1)), text.capabilities().toString());
        PciFunction nic = dump("cap-aer-root").function(PciAddress.parse("03:00.0")).orElseThrow();
        assertEquals(PciAddress.parse("00:02.0"), nic.parent());
    }

    @Test
    void aDowngradedLinkAndAcsSwitchedOff() throws Exception {
        PciFunction port = dump("cap-exp-dev2").functions().get(0);
        // "LnkCap: Port #1, Speed 8GT/s, Width x1" and "LnkSta: Speed 5GT/s (downgraded), Width x1"
        PcieLink link = port.link();
        assertNotNull(link);
        assertTrue(link.isDowngraded());
        assertEquals(LinkSpeed.GT_5, link.speed());
        assertEquals(LinkSpeed.GT_8, link.maxSpeed());
        Acs acs = port.acs();
        assertNotNull(acs);
        assertFalse(acs.redirectsPeerToPeer());
        assertEquals(List.of(), acs.enabledControls());
    }

    @Test
    void aGen5EndpointWithNewerCapabilities() throws Exception {
        PciFunction f = dump("cap-ide").functions().get(0);
        assertEquals(new PcieLink(LinkSpeed.GT_32, 16, LinkSpeed.GT_32, 16), f.link());
        LspciTextDevice t = text("cap-ide").get(0);
        // "Integrity & Data Encryption", "Physical Layer 32.0 GT/s", "Data Object Exchange"
        assertTrue(t.capabilities().contains(new Capability(0x30, 0x830, true, 1)), t.capabilities().toString());
        assertTrue(t.capabilities().contains(new Capability(0x2a, 0x460, true, 1)), t.capabilities().toString());
        assertTrue(t.capabilities().contains(new Capability(0x2e, 0xe00, true, 2)), t.capabilities().toString());
    }

    @Test
    void theKernelsViewInTheTextAboveTheHexIsKept() throws Exception {
        // cap-dpc was taken as root on a live machine: "NUMA node: 0", "Kernel driver in use: pcieport".
        PciFunction port = dump("cap-dpc").functions().get(0);
        assertEquals("pcieport", port.driver());
        assertEquals(0, port.numaNode());
        assertNull(port.iommuGroup());
        assertEquals(PortType.DOWNSTREAM_PORT, port.portType());
        assertEquals(256, port.configBytes());
        // The other dumps were made from files: no kernel driver, node unknown.
        PciFunction other = dump("cap-aer-root").functions().get(0);
        assertNull(other.driver());
        assertEquals(PciFunction.NUMA_UNKNOWN, other.numaNode());
    }

    @Test
    void acsOfADumpThatStopsAt256BytesComesFromTheText() throws Exception {
        // cap-dpc is lspci -vvv -xxx: "[f24 v1] Access Control Services" is in the text only.
        PciFunction port = dump("cap-dpc").functions().get(0);
        assertEquals(ConfigSpace.CONVENTIONAL_SIZE, port.configBytes());
        Acs acs = port.acs();
        assertNotNull(acs);
        assertEquals(0xf24, acs.offset());
        assertEquals("SrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl- DirectTrans-",
                acs.describeControl());
        assertFalse(acs.redirectsPeerToPeer());
    }

    @Test
    void textWithoutIdsIsRefusedWithTheOptionsToUse() throws Exception {
        InputException e = assertThrows(InputException.class, () -> new LspciTextImporter()
                .read(LspciOracles.dump("cap-pcie-1"), "cap-pcie-1", new NullProgressMonitor()));
        assertEquals("line 1", e.place());
        assertTrue(e.problem().contains("lspci -vvv -nn"), e.getMessage());
        assertTrue(e.problem().contains("0000:00:01.0"), e.getMessage());
    }
}
