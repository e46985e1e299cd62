package org.dmascope.sources.lspci;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.source.InputException;
import org.dmascope.core.source.TopologyImporter;
import org.dmascope.core.topology.LspciTree;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciTopology;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;

/**
 * Reads the text lspci prints: {@code lspci -vvv -nn} (also {@code -v}, {@code -vv}, {@code -n},
 * with or without {@code -D} and {@code -k}), as written from a dump ({@code lspci -F}) or on a
 * live machine, where root also sees {@code Kernel driver in use:}, {@code NUMA node:} and
 * {@code IOMMU group:} lines. Each block gives a function's address, class code and prog-if,
 * vendor and device IDs, revision, subsystem, a bridge's bus range ({@code Bus: primary=..}),
 * its capabilities with the PCI Express port type, link and ACS bits, its resources and where
 * the kernel put it.
 *
 * <p>The IDs must be in the text: without {@code -n} or {@code -nn} lspci prints only names, and
 * such text is refused. Hex dump lines ({@code -x}) are passed over. The text carries no
 * hierarchy: functions are placed by bus numbers, as lspci places them
 * ({@link LspciTree#placeByBusNumbers}), which needs the {@code Bus:} lines of {@code -v}.
 */
public final class LspciTextImporter implements TopologyImporter {

    private static final Pattern DEVICE = Pattern.compile(
            "^((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]) (.+)$");
    private static final Pattern HEX = Pattern.compile("^[0-9a-fA-F]{2,8}:(?: [0-9a-fA-F]{2})*\\s*$");
    // The header's IDs as -nn ("[8086:3408]" at the end, class "[0604]: ") or -n ("0604: 8086:3408").
    private static final Pattern HEADER_IDS = Pattern.compile(
            "^(?:.*\\[[0-9a-fA-F]{4}\\]: .*\\[[0-9a-fA-F]{4}:[0-9a-fA-F]{4}\\]|[0-9a-fA-F]{4}: [0-9a-fA-F]{4}:[0-9a-fA-F]{4})"
                    + "(?: \\(rev [0-9a-fA-F]{2}\\))?(?: \\(prog-if .*\\))?$");

    /** What a file of lspci text holds: its device blocks and what the reader noticed. */
    private record Parsed(List<LspciTextDevice> devices, List<String> warnings) {
    }

    @Override
    public String id() {
        return "lspci-text";
    }

    @Override
    public String label() {
        return "lspci text (lspci -vvv -nn)";
    }

    @Override
    public int recognise(Path input) {
        List<String> lines = LineReader.head(input);
        String first = lines.stream().filter(l -> !l.isBlank() && !isMessage(l)).findFirst().orElse(null);
        if (first == null || first.length() > LineReader.MAX_LINE) {
            return 0;
        }
        Matcher m = DEVICE.matcher(first);
        if (!m.matches() || !m.group(2).contains(": ")) {
            return 0;
        }
        boolean withHex = lines.stream().anyMatch(l -> !l.isEmpty() && HEX.matcher(l).matches());
        boolean verbose = lines.stream().anyMatch(l -> l.startsWith("\t"));
        if (!HEADER_IDS.matcher(m.group(2)).matches()) {
            // Names only: it is lspci text, but read() can only say which options to use.
            return withHex ? 10 : 20;
        }
        // A dump with text above the hex is better read from the hex.
        return withHex ? 30 : verbose ? 80 : 60;
    }

    @Override
    public PciTopology read(Path input, String name, IProgressMonitor monitor) throws InputException {
        SubMonitor progress = SubMonitor.convert(monitor, "Reading lspci text " + name, 100);
        Parsed parsed = parse(input, name, progress.split(90));
        PciTopology.Builder flat = PciTopology.builder(name).parentsObserved(false);
        parsed.warnings().forEach(flat::warn);
        boolean bridgeWithoutBus = false;
        for (LspciTextDevice d : parsed.devices()) {
            if (!d.identified()) {
                throw new InputException(name, "line " + d.line(), d.address() + " has no class code and vendor:device"
                        + " IDs in brackets: lspci printed names only; run lspci -vvv -nn (as root for all details)");
            }
            int clazz = d.classCode() >> 8;
            bridgeWithoutBus |= d.secondaryBus() < 0 && (clazz == 0x0604 || clazz == 0x0607);
            flat.function(d.toFunction());
        }
        if (bridgeWithoutBus) {
            flat.warn("bridges without bus numbers (lspci without -v): the functions below them are shown on their"
                    + " own buses; run lspci -vvv -nn for the hierarchy");
        }
        PciTopology placed = LspciTree.placeByBusNumbers(flat.build());
        progress.split(10);
        return placed;
    }

    /**
     * The device blocks of a file of lspci text, whether or not their headers give IDs (text
     * without {@code -nn} still tells port types, links and ACS).
     *
     * @param input   the file
     * @param name    the input as the user named it, for messages
     * @param monitor progress and cancellation
     * @throws InputException when the file is not lspci text, or names a function twice
     */
    public static List<LspciTextDevice> devices(Path input, String name, IProgressMonitor monitor)
            throws InputException {
        return parse(input, name, SubMonitor.convert(monitor, 100)).devices();
    }

    private static Parsed parse(Path input, String name, SubMonitor progress) throws InputException {
        List<LspciTextDevice> devices = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<PciAddress, Integer> firstLine = new HashMap<>();
        DeviceTextParser current = null;
        int firstContentLine = 0;
        try (LineReader reader = LineReader.open(input, name, progress)) {
            for (String line = reader.next(); line != null; line = reader.next()) {
                int number = reader.number();
                if (isMessage(line)) {
                    warnings.add("line " + number + ": " + line);
                    continue;
                }
                if (firstContentLine == 0 && !line.isBlank()) {
                    firstContentLine = number;
                }
                Matcher device = DEVICE.matcher(line);
                if (device.matches()) {
                    if (current != null) {
                        devices.add(current.build());
                    }
                    PciAddress address = address(device.group(1), name, number);
                    Integer before = firstLine.putIfAbsent(address, number);
                    if (before != null) {
                        throw new InputException(name, "line " + number, address
                                + " appears a second time (first at line " + before + ")");
                    }
                    current = new DeviceTextParser(number, address);
                    current.header(device.group(2));
                } else if (line.isBlank()) {
                    if (current != null) {
                        devices.add(current.build());
                    }
                    current = null;
                } else if (line.startsWith("\t")) {
                    if (current != null) {
                        current.detail(line);
                    } else {
                        warnings.add("line " + number + ": indented line outside a device block; passed over");
                    }
                } else if (!HEX.matcher(line).matches()) {
                    if (devices.isEmpty() && current == null) {
                        throw new InputException(name, "line " + number, "not lspci text: expected a device line"
                                + " such as '00:1c.0 PCI bridge [0604]: Intel Corporation ... [8086:3a40]'");
                    }
                    warnings.add("line " + number + ": not lspci output; passed over");
                }
            }
        }
        if (current != null) {
            devices.add(current.build());
        }
        if (devices.isEmpty()) {
            throw new InputException(name, firstContentLine == 0 ? null : "line " + firstContentLine,
                    "no device in it: not lspci text");
        }
        return new Parsed(devices, warnings);
    }

    // What lspci and libpci write to stderr ("lspci: Unable to load libkmod resources"), caught
    // in the file when the output was taken with 2>&1.
    private static boolean isMessage(String line) {
        return line.startsWith("lspci: ") || line.startsWith("pcilib: ");
    }

    private static PciAddress address(String text, String name, int number) throws InputException {
        try {
            return PciAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InputException(name, "line " + number + ":column 1", e.getMessage(), e);
        }
    }
}
