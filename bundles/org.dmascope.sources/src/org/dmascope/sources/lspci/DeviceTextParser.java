package org.dmascope.sources.lspci;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.Bar;
import org.dmascope.core.topology.Capability;
import org.dmascope.core.topology.LinkSpeed;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.core.topology.PortType;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Collects what the lines of one device block of lspci text say: the header line
 * ({@code show_terse} in lspci.c) and the indented lines of {@code -v}, {@code -vv},
 * {@code -vvv} and {@code -k}. Lines it does not use are passed over.
 */
final class DeviceTextParser {

    // The end of a header line: "(rev 12)" when the revision is not 0, then with -v
    // "(prog-if 00 [Normal decode])" when the interface is not 0 or has a name.
    private static final Pattern HEADER_TAIL = Pattern.compile(
            "(?: \\(rev ([0-9a-fA-F]{2})\\))?(?: \\(prog-if ([0-9a-fA-F]{2})(?: \\[[^\\]]*\\])?\\))?$");
    // -nn: "PCI bridge [0604]: Intel Corporation 5520/5500/X58 ... Port 1 [8086:3408]"
    private static final Pattern MIXED_IDS = Pattern.compile(
            "^.*?\\[([0-9a-fA-F]{4})\\]: .*\\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\\]$");
    // -n: "0604: 8086:3408"
    private static final Pattern NUMERIC_IDS = Pattern.compile("^([0-9a-fA-F]{4}): ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$");
    private static final Pattern SUBSYSTEM = Pattern.compile(
            "(?:\\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\\]|^([0-9a-fA-F]{4}):([0-9a-fA-F]{4}))$");
    private static final Pattern BUS = Pattern.compile(
            "^primary=([0-9a-fA-F]{2}), secondary=([0-9a-fA-F]{2}), subordinate=([0-9a-fA-F]{2})");
    private static final Pattern CAPABILITY = Pattern.compile("^\\[([0-9a-fA-F]{1,3})(?: v(\\d+))?\\] (.*)$");
    private static final Pattern SPEED = Pattern.compile("Speed ([0-9.]+GT/s|unknown)");
    private static final Pattern WIDTH = Pattern.compile("Width x(\\d+)");
    private static final Pattern REGION = Pattern.compile("^Region (\\d+): (.*)$");
    private static final Pattern MEMORY = Pattern.compile(
            "^Memory at (\\S+) \\((32-bit|64-bit|low-1M|type 3), (non-)?prefetchable\\)(.*)$");
    private static final Pattern IO_PORTS = Pattern.compile("^I/O ports at (\\S+)(.*)$");
    private static final Pattern ROM = Pattern.compile("^Expansion ROM at (\\S+)(.*)$");
    private static final Pattern WINDOW = Pattern.compile(
            "^(I/O|Memory|Prefetchable memory) behind bridge: ([0-9a-fA-F]+)-([0-9a-fA-F]+)(.*)$");
    private static final Pattern SIZE = Pattern.compile("\\[size=(\\d+)([KMGT]?)\\]");
    private static final Pattern FLAGS_NUMA = Pattern.compile("NUMA node (-?\\d+)");
    private static final Pattern FLAGS_IOMMU = Pattern.compile("IOMMU group (\\d+)");

    private static final String[] ACS_BITS = {"SrcValid", "TransBlk", "ReqRedir", "CmpltRedir", "UpstreamFwd",
        "EgressCtrl", "DirectTrans"};

    private final int line;
    private final PciAddress address;
    private int classCode = -1;
    private int vendorId = -1;
    private int deviceId = -1;
    private int revision;
    private int subsystemVendorId = -1;
    private int subsystemDeviceId = -1;
    private int secondaryBus = -1;
    private int subordinateBus = -1;
    private boolean cardBusLines;
    private boolean unknownHeader;
    private boolean verbose;
    private boolean noCapabilityList;
    private boolean capabilitiesDenied;
    private final List<Capability> capabilities = new ArrayList<>();
    private @Nullable Capability current;
    private @Nullable PortType expressType;
    private @Nullable LinkSpeed speed;
    private int width = -1;
    private @Nullable LinkSpeed maxSpeed;
    private int maxWidth = -1;
    private int acsOffset = -1;
    private int acsCapability;
    private int acsControl;
    private boolean acsSeen;
    private final List<Bar> bars = new ArrayList<>();
    private int nextBar;
    private int numaNode = PciFunction.NUMA_UNKNOWN;
    private @Nullable Integer iommuGroup;
    private @Nullable String driver;

    /**
     * @param line    the line of the device's header, from 1
     * @param address the device's address
     */
    DeviceTextParser(int line, PciAddress address) {
        this.line = line;
        this.address = address;
    }

    /** Reads the header line after the address and its space. */
    void header(String rest) {
        Matcher tail = HEADER_TAIL.matcher(rest);
        int progIf = 0;
        String head = rest;
        if (tail.find()) {
            if (tail.group(1) != null) {
                revision = Integer.parseInt(tail.group(1), 16);
            }
            if (tail.group(2) != null) {
                progIf = Integer.parseInt(tail.group(2), 16);
            }
            head = rest.substring(0, tail.start());
        }
        Matcher ids = MIXED_IDS.matcher(head);
        if (!ids.matches()) {
            ids = NUMERIC_IDS.matcher(head);
        }
        if (ids.matches()) {
            classCode = Integer.parseInt(ids.group(1), 16) << 8 | progIf;
            vendorId = Integer.parseInt(ids.group(2), 16);
            deviceId = Integer.parseInt(ids.group(3), 16);
        }
    }

    /** Reads one indented line of the block (it starts with a TAB). */
    void detail(String text) {
        int level = 0;
        while (level < text.length() && text.charAt(level) == '\t') {
            level++;
        }
        String body = text.substring(level).trim();
        if (level == 1) {
            current = null;
            topLevel(body);
        } else if (level == 2 && current != null) {
            capabilityDetail(current, body);
        }
    }

    private void topLevel(String body) {
        if (body.startsWith("Capabilities: ")) {
            verbose = true;
            capability(body.substring("Capabilities: ".length()));
        } else if (body.startsWith("Subsystem: ")) {
            Matcher m = SUBSYSTEM.matcher(body.substring("Subsystem: ".length()));
            if (m.find()) {
                boolean bracketed = m.group(1) != null;
                subsystemVendorId = Integer.parseInt(bracketed ? m.group(1) : m.group(3), 16);
                subsystemDeviceId = Integer.parseInt(bracketed ? m.group(2) : m.group(4), 16);
            }
        } else if (body.startsWith("Bus: ")) {
            verbose = true;
            Matcher m = BUS.matcher(body.substring("Bus: ".length()));
            if (m.find()) {
                secondaryBus = Integer.parseInt(m.group(2), 16);
                subordinateBus = Integer.parseInt(m.group(3), 16);
            }
        } else if (body.startsWith("Flags: ")) {
            // -v gives the locality in this line: "..., IRQ 16, NUMA node 0, IOMMU group 12".
            verbose = true;
            Matcher numa = FLAGS_NUMA.matcher(body);
            if (numa.find()) {
                numaNode = Integer.parseInt(numa.group(1));
            }
            Matcher group = FLAGS_IOMMU.matcher(body);
            if (group.find()) {
                iommuGroup = Integer.valueOf(group.group(1));
            }
        } else if (body.startsWith("Control: ")) {
            verbose = true;
        } else if (body.startsWith("Status: ")) {
            verbose = true;
            noCapabilityList = body.startsWith("Status: Cap-");
        } else if (body.startsWith("NUMA node: ")) {
            numaNode = parseInt(body.substring("NUMA node: ".length()), numaNode);
        } else if (body.startsWith("IOMMU group: ")) {
            int group = parseInt(body.substring("IOMMU group: ".length()), -1);
            if (group >= 0) {
                iommuGroup = group;
            }
        } else if (body.startsWith("Kernel driver in use: ")) {
            String name = body.substring("Kernel driver in use: ".length()).trim();
            driver = name.isEmpty() ? null : name;
        } else if (body.startsWith("Memory window ") || body.startsWith("I/O window ")
                || body.startsWith("16-bit legacy interface ports")) {
            cardBusLines = true;
        } else if (body.startsWith("!!! Unknown header type")) {
            unknownHeader = true;
        } else {
            resource(body);
        }
    }

    private void capability(String text) {
        if (text.startsWith("<access denied")) {
            capabilitiesDenied = true;
            return;
        }
        Matcher m = CAPABILITY.matcher(text);
        if (!m.matches() || m.group(3).startsWith("<chain")) {
            return; // "<chain looped>", "<chain broken>": the list ends there
        }
        int offset = Integer.parseInt(m.group(1), 16);
        boolean extended = offset >= 0x100;
        int version = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        String name = m.group(3);
        Capability cap = new Capability(CapabilityNames.id(name, extended), offset, extended, extended ? version : 0);
        capabilities.add(cap);
        current = cap;
        if (!extended && cap.id() == Capability.ID_PCI_EXPRESS && expressType == null) {
            expressType = CapabilityNames.portType(name);
        }
    }

    private void capabilityDetail(Capability cap, String body) {
        if (!cap.extended() && cap.id() == Capability.ID_PCI_EXPRESS) {
            if (body.startsWith("LnkCap:") && maxSpeed == null) {
                maxSpeed = speed(body);
                maxWidth = width(body);
            } else if (body.startsWith("LnkSta:") && speed == null) {
                speed = speed(body);
                width = width(body);
            }
        } else if (cap.extended() && cap.id() == Capability.EXT_ID_ACS && (acsOffset < 0 || acsOffset == cap.offset())) {
            if (body.startsWith("ACSCap:")) {
                acsOffset = cap.offset();
                acsCapability = acsBits(body);
                acsSeen = true;
            } else if (body.startsWith("ACSCtl:")) {
                acsOffset = cap.offset();
                acsControl = acsBits(body);
                acsSeen = true;
            }
        }
    }

    private static LinkSpeed speed(String body) {
        Matcher m = SPEED.matcher(body);
        return m.find() ? LinkSpeed.fromSysfs(m.group(1)) : LinkSpeed.UNKNOWN;
    }

    private static int width(String body) {
        Matcher m = WIDTH.matcher(body);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    // "SrcValid+ TransBlk- ReqRedir+ ...": the bits in Acs's order, set where a '+' follows.
    private static int acsBits(String body) {
        int bits = 0;
        for (String token : body.substring(body.indexOf(':') + 1).trim().split("\\s+")) {
            for (int i = 0; i < ACS_BITS.length; i++) {
                if (token.equals(ACS_BITS[i] + "+")) {
                    bits |= 1 << i;
                }
            }
        }
        return bits;
    }

    private void resource(String body) {
        Matcher region = REGION.matcher(body);
        if (region.matches()) {
            verbose = true;
            bar(Integer.parseInt(region.group(1)), region.group(2));
            return;
        }
        if (body.startsWith("Memory at ") || body.startsWith("I/O ports at ")) {
            // -v prints BARs without their numbers: count them, a 64-bit BAR taking two.
            verbose = true;
            bar(nextBar, body);
            return;
        }
        Matcher rom = ROM.matcher(body);
        if (rom.matches()) {
            long size = size(rom.group(2));
            long start = address(rom.group(1));
            if (size > 0 && start >= 0) {
                bars.add(new Bar(Bar.Kind.ROM, 0, start, start + size - 1, Bar.IORESOURCE_MEM | Bar.IORESOURCE_READONLY));
            } else if (size > 0) {
                bars.add(new Bar(Bar.Kind.ROM, 0, 0, size - 1,
                        Bar.IORESOURCE_MEM | Bar.IORESOURCE_READONLY | Bar.IORESOURCE_UNSET));
            }
            return;
        }
        Matcher window = WINDOW.matcher(body);
        if (window.matches() && !window.group(4).contains("[disabled]")) {
            long start = Long.parseUnsignedLong(window.group(2), 16);
            long end = Long.parseUnsignedLong(window.group(3), 16);
            String kind = window.group(1);
            int index;
            long flags;
            if (kind.equals("I/O")) {
                index = 0;
                flags = Bar.IORESOURCE_IO;
            } else if (kind.equals("Memory")) {
                index = 1;
                flags = Bar.IORESOURCE_MEM;
            } else {
                index = 2;
                flags = Bar.IORESOURCE_MEM | Bar.IORESOURCE_PREFETCH
                        | (window.group(4).contains("[64-bit]") ? Bar.IORESOURCE_MEM_64 : 0);
            }
            if (end >= start) {
                bars.add(new Bar(Bar.Kind.BRIDGE_WINDOW, index, start, end, flags));
            }
        }
    }

    private void bar(int index, String text) {
        long flags;
        long start;
        String rest;
        Matcher memory = MEMORY.matcher(text);
        Matcher io = IO_PORTS.matcher(text);
        if (memory.matches()) {
            boolean wide = memory.group(2).equals("64-bit");
            flags = Bar.IORESOURCE_MEM | (wide ? Bar.IORESOURCE_MEM_64 : 0)
                    | (memory.group(3) == null ? Bar.IORESOURCE_PREFETCH : 0);
            start = address(memory.group(1));
            rest = memory.group(4);
            nextBar = index + (wide ? 2 : 1);
        } else if (io.matches()) {
            flags = Bar.IORESOURCE_IO;
            start = address(io.group(1));
            rest = io.group(2);
            nextBar = index + 1;
        } else {
            return;
        }
        long size = size(rest);
        // Without a size (lspci reading a dump prints none) the resource's end is not known.
        if (size <= 0 || index > 5 || start == -2) {
            return;
        }
        if (start < 0) {
            bars.add(new Bar(Bar.Kind.BAR, index, 0, size - 1, flags | Bar.IORESOURCE_UNSET));
        } else {
            bars.add(new Bar(Bar.Kind.BAR, index, start, start + size - 1, flags));
        }
    }

    // A hex address; -1 for "<unassigned>" and "<ignored>", -2 for anything else.
    private static long address(String text) {
        if (text.equals("<unassigned>") || text.equals("<ignored>")) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(text, 16);
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    // "[size=16M]" in bytes, 0 when the text gives no size.
    private static long size(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.find()) {
            return 0;
        }
        long value = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        return value << shift;
    }

    private static int parseInt(String text, int fallback) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The kernel driver named by a {@code Kernel driver in use:} line, if any. */
    @Nullable
    String driver() {
        return driver;
    }

    /** The ACS capability the text gives ({@code ACSCap} and {@code ACSCtl} lines), if any. */
    @Nullable
    Acs acs() {
        return acsSeen ? new Acs(acsOffset, acsCapability, acsControl) : null;
    }

    /** The NUMA node the text gives, or {@link PciFunction#NUMA_UNKNOWN}. */
    int numaNode() {
        return numaNode;
    }

    /** The IOMMU group the text gives, if any. */
    @Nullable
    Integer iommuGroup() {
        return iommuGroup;
    }

    /** What the lines said. */
    LspciTextDevice build() {
        int headerType;
        if (secondaryBus >= 0) {
            boolean cardBus = cardBusLines || classCode >= 0 && (classCode >> 8) == 0x0607;
            headerType = cardBus ? 2 : 1;
        } else {
            headerType = verbose && !unknownHeader ? 0 : -1;
        }
        PortType portType;
        if (expressType != null) {
            portType = expressType;
        } else if (capabilitiesDenied || unknownHeader) {
            portType = PortType.UNKNOWN;
        } else if (noCapabilityList || !capabilities.isEmpty() || verbose) {
            portType = PortType.CONVENTIONAL_PCI;
        } else {
            portType = PortType.UNKNOWN;
        }
        PcieLink link = null;
        if (speed != null || maxSpeed != null) {
            link = new PcieLink(speed == null ? LinkSpeed.UNKNOWN : speed, Math.max(width, 0),
                    maxSpeed == null ? LinkSpeed.UNKNOWN : maxSpeed, Math.max(maxWidth, 0));
        }
        Acs acs = acs();
        return new LspciTextDevice(line, address, classCode, vendorId, deviceId, revision, subsystemVendorId,
                subsystemDeviceId, headerType, secondaryBus, subordinateBus, portType, capabilities, link, acs, bars,
                numaNode, iommuGroup, driver);
    }
}
