package org.dmascope.sources.lspci;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.topology.PortType;

/**
 * The capability IDs behind the names lspci prints after {@code Capabilities: [40]}. The names
 * are those of pciutils' ls-caps.c and ls-ecaps.c, old and new releases (a name that changed
 * between releases is listed in each form); lspci prints an ID itself only for capabilities it
 * does not know.
 */
final class CapabilityNames {

    /** The ID given to a capability whose name is not known here. */
    static final int UNKNOWN_ID = -1;

    private record Name(String prefix, int id) {
    }

    // Matched as prefixes of the text after "[40] "; no prefix is a prefix of another one's
    // text except where the longer one is listed first.
    private static final List<Name> STANDARD = List.of(
            new Name("Power Management version", 0x01), new Name("AGP version", 0x02),
            new Name("AGP3", 0x0e), new Name("Vital Product Data", 0x03), new Name("Slot ID", 0x04),
            new Name("MSI-X", 0x11), new Name("MSI", 0x05), new Name("CompactPCI hot-swap", 0x06),
            new Name("PCI-X", 0x07), new Name("HyperTransport", 0x08),
            new Name("Vendor Specific Information", 0x09), new Name("Debug port", 0x0a),
            new Name("CompactPCI central resource control", 0x0b), new Name("Hot-plug capable", 0x0c),
            new Name("Subsystem", 0x0d), new Name("Secure device", 0x0f), new Name("Express", 0x10),
            new Name("SATA HBA", 0x12), new Name("PCI Advanced Features", 0x13),
            new Name("Enhanced Allocation", 0x14), new Name("Null", 0x00));

    private static final List<Name> EXTENDED = List.of(
            new Name("Advanced Error Reporting", 0x01), new Name("Virtual Channel", 0x02),
            new Name("Device Serial Number", 0x03), new Name("Power Budgeting", 0x04),
            new Name("Root Complex Link", 0x05), new Name("Root Complex Internal Link", 0x06),
            new Name("Root Complex Event Collector", 0x07), new Name("Multi-Function Virtual Channel", 0x08),
            new Name("Root Complex Register Block", 0x0a), new Name("Vendor Specific Information", 0x0b),
            new Name("Access Control Services", 0x0d), new Name("Alternative Routing-ID Interpretation", 0x0e),
            new Name("Address Translation Service", 0x0f), new Name("Single Root I/O Virtualization", 0x10),
            new Name("Multi-Root I/O Virtualization", 0x11), new Name("Multicast", 0x12),
            new Name("Page Request Interface", 0x13), new Name("Physical Resizable BAR", 0x15),
            new Name("Resizable BAR", 0x15), new Name("Virtual Resizable BAR", 0x24),
            new Name("VF Resizable BAR", 0x24), new Name("Dynamic Power Allocation", 0x16),
            new Name("Transaction Processing Hints", 0x17), new Name("Latency Tolerance Reporting", 0x18),
            new Name("Secondary PCI Express", 0x19), new Name("Protocol Multiplexing", 0x1a),
            new Name("Process Address Space ID", 0x1b), new Name("LN Requester", 0x1c),
            new Name("Downstream Port Containment", 0x1d), new Name("L1 PM Substates", 0x1e),
            new Name("Precision Time Measurement", 0x1f), new Name("PCI Express over M_PHY", 0x20),
            new Name("FRS Queueing", 0x21), new Name("Readiness Time Reporting", 0x22),
            new Name("Designated Vendor-Specific", 0x23), new Name("Data Link Feature", 0x25),
            new Name("Physical Layer 16.0 GT/s", 0x26), new Name("Lane Margining at the Receiver", 0x27),
            new Name("Hierarchy ID", 0x28), new Name("Native PCIe Enclosure Management", 0x29),
            new Name("Physical Layer 32.0 GT/s", 0x2a), new Name("Data Object Exchange", 0x2e),
            new Name("Integrity & Data Encryption", 0x30), new Name("Physical Layer 64.0 GT/s", 0x31),
            new Name("Null", 0x00));

    // What lspci prints for IDs it has no name for: "Capability ID 0x16 [0000]" and
    // "Extended Capability ID 0x2f" (3.x), "#16 [0000]" and "#19" (older releases), all hex.
    private static final Pattern NUMBERED = Pattern.compile("^(?:(?:Extended )?Capability ID 0x|#)([0-9a-fA-F]{1,4})\\b");

    private static final Pattern EXPRESS = Pattern.compile("^Express (?:\\(v\\d+\\) )?(.*)$");
    private static final Pattern UNKNOWN_TYPE = Pattern.compile("^Unknown type (\\d+)");

    private CapabilityNames() {
    }

    /**
     * The ID of a capability by the text lspci prints for it.
     *
     * @param text     what follows {@code [40] } or {@code [100 v1] }
     * @param extended whether it sits in extended config space (offset 0x100 and above)
     * @return the ID, or {@link #UNKNOWN_ID}
     */
    static int id(String text, boolean extended) {
        Matcher numbered = NUMBERED.matcher(text);
        if (numbered.find()) {
            return Integer.parseInt(numbered.group(1), 16);
        }
        for (Name n : extended ? EXTENDED : STANDARD) {
            if (text.startsWith(n.prefix())) {
                return n.id();
            }
        }
        return UNKNOWN_ID;
    }

    /**
     * The device/port type of an {@code Express ...} capability line: "Express (v2) Root Port
     * (Slot+), MSI 00" gives {@link PortType#ROOT_PORT}.
     */
    static PortType portType(String text) {
        Matcher m = EXPRESS.matcher(text);
        if (!m.matches()) {
            return PortType.UNKNOWN;
        }
        String type = m.group(1);
        if (type.startsWith("Endpoint")) {
            return PortType.ENDPOINT;
        } else if (type.startsWith("Legacy Endpoint")) {
            return PortType.LEGACY_ENDPOINT;
        } else if (type.startsWith("Root Port")) {
            return PortType.ROOT_PORT;
        } else if (type.startsWith("Upstream Port")) {
            return PortType.UPSTREAM_PORT;
        } else if (type.startsWith("Downstream Port")) {
            return PortType.DOWNSTREAM_PORT;
        } else if (type.startsWith("PCI-Express to PCI/PCI-X Bridge")) {
            return PortType.PCIE_TO_PCI_BRIDGE;
        } else if (type.startsWith("PCI/PCI-X to PCI-Express Bridge")) {
            return PortType.PCI_TO_PCIE_BRIDGE;
        } else if (type.startsWith("Root Complex Integrated Endpoint")) {
            return PortType.RC_INTEGRATED_ENDPOINT;
        } else if (type.startsWith("Root Complex Event Collector")) {
            return PortType.RC_EVENT_COLLECTOR;
        }
        Matcher unknown = UNKNOWN_TYPE.matcher(type);
        return unknown.find() ? PortType.fromCode(Integer.parseInt(unknown.group(1))) : PortType.UNKNOWN;
    }
}
