package org.dmascope.core.topology;

import java.util.Locale;
import java.util.Map;

/**
 * One entry of a function's capability list: a standard capability (in the first 256 bytes of
 * config space) or an extended one (from offset 0x100).
 *
 * @param id       the capability ID
 * @param offset   where it sits in config space
 * @param extended whether it is a PCI Express extended capability
 * @param version  the version field of an extended capability (0 for standard ones)
 */
public record Capability(int id, int offset, boolean extended, int version) {

    /** Power Management. */
    public static final int ID_POWER_MANAGEMENT = 0x01;
    /** Vendor specific. */
    public static final int ID_VENDOR_SPECIFIC = 0x09;
    /** Bridge subsystem vendor/device ID. */
    public static final int ID_SUBSYSTEM = 0x0d;
    /** PCI Express. */
    public static final int ID_PCI_EXPRESS = 0x10;
    /** Access Control Services (extended). */
    public static final int EXT_ID_ACS = 0x000d;
    /** Single Root I/O Virtualization (extended). */
    public static final int EXT_ID_SRIOV = 0x0010;

    private static final Map<Integer, String> STANDARD = Map.ofEntries(
            Map.entry(0x01, "Power Management"), Map.entry(0x02, "AGP"), Map.entry(0x03, "Vital Product Data"),
            Map.entry(0x04, "Slot Identification"), Map.entry(0x05, "MSI"), Map.entry(0x06, "CompactPCI Hot Swap"),
            Map.entry(0x07, "PCI-X"), Map.entry(0x08, "HyperTransport"), Map.entry(0x09, "Vendor Specific"),
            Map.entry(0x0a, "Debug Port"), Map.entry(0x0b, "CompactPCI Central Resource Control"),
            Map.entry(0x0c, "PCI Hot-Plug"), Map.entry(0x0d, "Subsystem ID"), Map.entry(0x0e, "AGP 8x"),
            Map.entry(0x0f, "Secure Device"), Map.entry(0x10, "PCI Express"), Map.entry(0x11, "MSI-X"),
            Map.entry(0x12, "SATA"), Map.entry(0x13, "Advanced Features"), Map.entry(0x14, "Enhanced Allocation"),
            Map.entry(0x15, "Flattening Portal Bridge"));

    private static final Map<Integer, String> EXTENDED = Map.ofEntries(
            Map.entry(0x0001, "Advanced Error Reporting"), Map.entry(0x0002, "Virtual Channel"),
            Map.entry(0x0003, "Device Serial Number"), Map.entry(0x0004, "Power Budgeting"),
            Map.entry(0x0005, "Root Complex Link Declaration"), Map.entry(0x0006, "Root Complex Internal Link Control"),
            Map.entry(0x0007, "Root Complex Event Collector Endpoint Association"),
            Map.entry(0x0008, "Multi-Function Virtual Channel"), Map.entry(0x0009, "Virtual Channel (MFVC)"),
            Map.entry(0x000a, "Root Complex Register Block"), Map.entry(0x000b, "Vendor Specific"),
            Map.entry(0x000c, "Configuration Access Correlation"), Map.entry(0x000d, "Access Control Services"),
            Map.entry(0x000e, "Alternative Routing-ID Interpretation"), Map.entry(0x000f, "Address Translation Services"),
            Map.entry(0x0010, "Single Root I/O Virtualization"), Map.entry(0x0011, "Multi-Root I/O Virtualization"),
            Map.entry(0x0012, "Multicast"), Map.entry(0x0013, "Page Request Interface"),
            Map.entry(0x0015, "Resizable BAR"), Map.entry(0x0016, "Dynamic Power Allocation"),
            Map.entry(0x0017, "TPH Requester"), Map.entry(0x0018, "Latency Tolerance Reporting"),
            Map.entry(0x0019, "Secondary PCI Express"), Map.entry(0x001a, "Protocol Multiplexing"),
            Map.entry(0x001b, "Process Address Space ID"), Map.entry(0x001c, "LN Requester"),
            Map.entry(0x001d, "Downstream Port Containment"), Map.entry(0x001e, "L1 PM Substates"),
            Map.entry(0x001f, "Precision Time Measurement"), Map.entry(0x0020, "M-PCIe"),
            Map.entry(0x0021, "FRS Queueing"), Map.entry(0x0022, "Readiness Time Reporting"),
            Map.entry(0x0023, "Designated Vendor-Specific"), Map.entry(0x0024, "VF Resizable BAR"),
            Map.entry(0x0025, "Data Link Feature"), Map.entry(0x0026, "Physical Layer 16.0 GT/s"),
            Map.entry(0x0027, "Lane Margining at the Receiver"), Map.entry(0x0028, "Hierarchy ID"),
            Map.entry(0x0029, "Native PCIe Enclosure Management"), Map.entry(0x002a, "Physical Layer 32.0 GT/s"),
            Map.entry(0x002b, "Alternate Protocol"), Map.entry(0x002c, "System Firmware Intermediary"),
            Map.entry(0x002d, "Shadow Functions"), Map.entry(0x002e, "Data Object Exchange"),
            Map.entry(0x002f, "Device 3"), Map.entry(0x0030, "Integrity and Data Encryption"),
            Map.entry(0x0031, "Physical Layer 64.0 GT/s"), Map.entry(0x0032, "Flit Logging"),
            Map.entry(0x0033, "Flit Performance Measurement"), Map.entry(0x0034, "Flit Error Injection"));

    /** The capability's name, or "unknown (0x..)" for IDs the specification does not define. */
    public String name() {
        String n = (extended ? EXTENDED : STANDARD).get(id);
        if (n != null) {
            return n;
        }
        return String.format(Locale.ROOT, extended ? "unknown extended capability (0x%04x)" : "unknown capability (0x%02x)", id);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "[%03x] %s", offset, name());
    }
}
