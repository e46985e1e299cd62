package org.dmascope.core.peer;

import java.util.Locale;

import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;

/** A node a peer-to-peer path passes: a PCI function, a host bridge, a CPU (NUMA node), an NVSwitch. */
public sealed interface PathNode {

    /** A stable identifier: the BDF, {@code pci0000:00}, {@code cpu0}, {@code nvswitch}. */
    String id();

    /** A PCI function. */
    record Function(PciAddress address) implements PathNode {
        @Override
        public String id() {
            return address.toString();
        }
    }

    /** A host bridge (root complex), by its root bus. */
    record HostBridge(PciBus rootBus) implements PathNode {
        @Override
        public String id() {
            return String.format(Locale.ROOT, "pci%04x:%02x", rootBus.domain(), rootBus.bus());
        }
    }

    /** A CPU / NUMA node, where PCI hierarchies meet the memory and the inter-socket link. */
    record Cpu(int numaNode) implements PathNode {
        @Override
        public String id() {
            return "cpu" + numaNode;
        }
    }

    /** The NVSwitch fabric that GPUs reach over NVLink. */
    record NvSwitch() implements PathNode {
        @Override
        public String id() {
            return "nvswitch";
        }
    }
}
