package org.dmascope.scenario.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.ScenarioParser;
import org.dmascope.scenario.ScenarioResult;
import org.junit.jupiter.api.Test;

/** boot and p2p: the kernel's ACS settings at boot and the P2P decision on the machine as booted. */
class PciStepsTest {

    private static final String MACHINE = """
            topology inline
            00:00.0 Host bridge [0600]: Intel Corporation Device [8086:6f00] (rev 01)
            \tCapabilities: [90] Express (v2) Root Port (Slot-), MSI 00

            00:02.0 PCI bridge [0604]: Intel Corporation Device [8086:6f04] (rev 01) (prog-if 00 [Normal decode])
            \tBus: primary=00, secondary=01, subordinate=04, sec-latency=0
            \tCapabilities: [90] Express (v2) Root Port (Slot+), MSI 00

            01:00.0 PCI bridge [0604]: PLX Technology, Inc. Device [10b5:8747] (rev ca) (prog-if 00 [Normal decode])
            \tBus: primary=01, secondary=02, subordinate=04, sec-latency=0
            \tCapabilities: [68] Express (v2) Upstream Port, MSI 00

            02:08.0 PCI bridge [0604]: PLX Technology, Inc. Device [10b5:8747] (rev ca) (prog-if 00 [Normal decode])
            \tBus: primary=02, secondary=03, subordinate=03, sec-latency=0
            \tCapabilities: [68] Express (v2) Downstream Port (Slot+), MSI 00
            \tCapabilities: [f24 v1] Access Control Services
            \t\tACSCap:\tSrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl+ DirectTrans+
            \t\tACSCtl:\tSrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl+ DirectTrans-

            02:10.0 PCI bridge [0604]: PLX Technology, Inc. Device [10b5:8747] (rev ca) (prog-if 00 [Normal decode])
            \tBus: primary=02, secondary=04, subordinate=04, sec-latency=0
            \tCapabilities: [68] Express (v2) Downstream Port (Slot+), MSI 00

            03:00.0 3D controller [0302]: NVIDIA Corporation Device [10de:1db4] (rev a1)
            \tCapabilities: [78] Express (v2) Endpoint, MSI 00

            04:00.0 Infiniband controller [0207]: Mellanox Technologies Device [15b3:1017]
            \tCapabilities: [60] Express (v2) Endpoint, MSI 00
            end
            """;

    private static ScenarioResult run(String steps) throws ScenarioException {
        return BuiltinScenariosTest.runner().run(new ScenarioParser(BuiltinScenariosTest.KINDS)
                .parse((MACHINE + steps).lines().toList(), "pci.scenario"), Path.of("."));
    }

    @Test
    void firmwareEgressControlStaysUntilTheParameterClearsItWithOrWithoutIommu() throws ScenarioException {
        ScenarioResult r = run("""
                p2p 03:00.0 04:00.0
                boot iommu=off
                boot iommu=off pci=disable_acs_redir=0000:02:08.0;02:10.0
                p2p 03:00.0 04:00.0
                boot iommu=on
                """);
        int first = 30;
        assertEquals("NOT_SUPPORTED", Scenarios.at(r, first).rc(), "EgressCtrl+ as the firmware left it");
        assertEquals("pci=disable_acs_redir=0000:02:08.0", Scenarios.at(r, first).values().get("suggests"));
        assertEquals("0000:02:08.0", Scenarios.at(r, first + 1).values().get("acs_redirect"));
        assertEquals("none", Scenarios.at(r, first + 2).values().get("acs_redirect"));
        assertTrue(Scenarios.at(r, first + 2).notes().stream().anyMatch(n -> n.contains("0000:02:10.0 has no ACS capability")),
                Scenarios.at(r, first + 2).notes().toString());
        assertEquals("BUS_ADDR", Scenarios.at(r, first + 3).rc());
        // Every boot starts from the firmware's settings: the earlier parameter is gone.
        assertEquals("0000:02:08.0", Scenarios.at(r, first + 4).values().get("acs_redirect"));
        assertTrue(Scenarios.at(r, first + 4).chain().get(0).contains("SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl+"),
                Scenarios.at(r, first + 4).chain().toString());
    }

    @Test
    void aNewTopologyIsTheFirmwareOfTheNextBoot() throws ScenarioException {
        String second = MACHINE.replace("ACSCtl:\tSrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl+",
                "ACSCtl:\tSrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl-");
        ScenarioResult r = run("boot iommu=off\n" + second + "boot iommu=off\n");
        assertEquals("0000:02:08.0", Scenarios.at(r, 30).values().get("acs_redirect"));
        assertEquals("none", Scenarios.at(r, 60).values().get("acs_redirect"), "the second machine's settings");
    }

    @Test
    void malformedLinesAreRefusedWithTheirLine() {
        ScenarioException other = assertThrows(ScenarioException.class, () -> run("boot pci=noacs\n"));
        assertEquals(30, other.line());
        assertTrue(other.problem().contains("only pci=disable_acs_redir="), other.problem());
        ScenarioException bdf = assertThrows(ScenarioException.class,
                () -> run("boot pci=disable_acs_redir=0000:02:08.0;switch\n"));
        assertTrue(bdf.problem().contains("'switch' in disable_acs_redir is not a PCI address"), bdf.problem());
        assertThrows(ScenarioException.class, () -> run("boot iommu=maybe\n"));
        assertThrows(ScenarioException.class, () -> run("p2p 03:00.0\n"));
        ScenarioException missing = assertThrows(ScenarioException.class, () -> run("p2p 03:00.0 09:00.0\n"));
        assertTrue(missing.problem().startsWith("p2p: "), missing.problem());
        ScenarioException none = assertThrows(ScenarioException.class, () -> Scenarios.run("boot iommu=on\n"));
        assertTrue(none.problem().contains("no topology"), none.problem());
    }
}
