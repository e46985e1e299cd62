package org.dmascope.core.tests;

import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PortType;

/** A small machine description for the tests: functions with port types and ACS control. */
final class TestMachine {
    final PciTopology.Builder b = PciTopology.builder("test machine");

    TestMachine cpu(CpuInfo cpu) {
        b.cpu(cpu);
        return this;
    }

    TestMachine fn(String bdf, String parent, int vendor, int device, int classCode, PortType type, int acsControl) {
        PciAddress a = PciAddress.parse(bdf);
        PciFunction.Builder f = PciFunction.builder(a, rootOf(bdf, parent)).ids(vendor, device).classCode(classCode)
                .portType(type).configBytes(4096).parent(parent == null ? null : PciAddress.parse(parent))
                .headerType(classCode >> 8 == 0x0604 ? 1 : 0);
        if (acsControl >= 0) {
            f.acs(new Acs(0x100, 0x5f, acsControl));
        }
        b.function(f);
        return this;
    }

    private final java.util.Map<String, PciBus> roots = new java.util.HashMap<>();

    private PciBus rootOf(String bdf, String parent) {
        PciBus root = parent == null ? PciAddress.parse(bdf).pciBus() : roots.get(parent);
        roots.put(bdf, root);
        return root;
    }

    TestMachine hostBridge(String bdf, int device) {
        return fn(bdf, null, 0x8086, device, 0x060000, PortType.CONVENTIONAL_PCI, -1);
    }

    TestMachine rootPort(String bdf, int acs) {
        return fn(bdf, null, 0x8086, 0x2030, 0x060400, PortType.ROOT_PORT, acs);
    }

    TestMachine port(String bdf, String parent, PortType type, int acs) {
        return fn(bdf, parent, 0x10b5, 0x9797, 0x060400, type, acs);
    }

    TestMachine endpoint(String bdf, String parent, int acs) {
        return fn(bdf, parent, 0x10de, 0x20b0, 0x030200, PortType.ENDPOINT, acs);
    }

    PciTopology build() {
        return b.build();
    }
}
