package org.dmascope.sources.lspci;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.source.InputException;
import org.dmascope.core.source.TopologyImporter;
import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.ConfigSpace;
import org.dmascope.core.topology.LspciTree;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads an lspci hex dump of config space ({@code lspci -x}, {@code -xxx} or {@code -xxxx}),
 * the file {@code lspci -F} reads, by the rules of libpci's dump back end (lib/dump.c):
 * <ul>
 * <li>a line starting {@code BB:DD.F }, {@code DDDD:BB:DD.F } or {@code DDDDD:BB:DD.F } (hex,
 * then a space) starts a function; the rest of that line is ignored;</li>
 * <li>a line {@code OFFSET: XX XX ...} (2 to 8 hex digits, then bytes) stores the bytes from
 * that offset on; bytes never written read as 0xff, and the function's config space ends
 * after the last byte written;</li>
 * <li>an empty line ends the function; any other line is passed over, except that the
 * {@code Kernel driver in use:}, {@code NUMA node:} and {@code IOMMU group:} lines of
 * {@code lspci -vvv} text interleaved with the hex are kept, and its {@code ACSCap:} and
 * {@code ACSCtl:} lines when the hex stops before the extended capabilities ({@code -xxx}).</li>
 * </ul>
 * Stricter than lspci: offsets must ascend within a function, and a function whose hex is cut
 * short is refused, naming the line and column where it stops: its last line holds fewer than
 * 16 bytes, or it holds a number of bytes lspci never writes (64, 128 for a CardBus bridge,
 * 256 and 4096 are what it writes). lspci 3.9 {@code -F} reads such a function as far as its
 * bytes go, and refuses only a last line without its newline ("dump: line too long or
 * unterminated"). A function without hex (lspci could not read its config space) is left out
 * with a warning. The dump carries no hierarchy: functions are placed by bus numbers, as lspci
 * places them ({@link LspciTree#placeByBusNumbers}).
 */
public final class LspciDumpImporter implements TopologyImporter {

    private static final Pattern DEVICE = Pattern.compile(
            "^(?:([0-9a-fA-F]{4,5}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-9a-fA-F]) ");
    private static final Pattern HEX = Pattern.compile("^([0-9a-fA-F]{2,8}): ");
    private static final int PCI_HEADER_TYPE = 0x0e;
    private static final int CARDBUS_HEADER = 2;
    private static final Pattern HEX_BYTES = Pattern.compile("^[0-9a-fA-F]{2,8}:(?: [0-9a-fA-F]{2})+\\s*$");

    @Override
    public String id() {
        return "lspci-dump";
    }

    @Override
    public String label() {
        return "lspci hex dump of config space (lspci -x, -xxx, -xxxx; the input of lspci -F)";
    }

    @Override
    public int recognise(Path input) {
        List<String> lines = LineReader.head(input);
        boolean firstIsDevice = false;
        boolean seenContent = false;
        boolean inDevice = false;
        for (String line : lines) {
            if (DEVICE.matcher(line).lookingAt()) {
                firstIsDevice |= !seenContent;
                inDevice = true;
            } else if (line.isEmpty()) {
                inDevice = false;
            } else if (inDevice && HEX_BYTES.matcher(line).matches()) {
                return firstIsDevice ? 100 : 80;
            }
            seenContent |= !line.isBlank();
        }
        return 0;
    }

    @Override
    public PciTopology read(Path input, String name, IProgressMonitor monitor) throws InputException {
        SubMonitor progress = SubMonitor.convert(monitor, "Reading lspci dump " + name, 100);
        Blocks blocks = new Blocks(name);
        Map<PciAddress, Integer> firstLine = new HashMap<>();
        int firstDeviceLine = 0;
        int firstContentLine = 0;
        boolean anyHex = false;
        Pending current = null;
        try (LineReader reader = LineReader.open(input, name, progress.split(90))) {
            for (String line = reader.next(); line != null; line = reader.next()) {
                int number = reader.number();
                if (firstContentLine == 0 && !line.isBlank()) {
                    firstContentLine = number;
                }
                Matcher device = DEVICE.matcher(line);
                if (device.lookingAt()) {
                    blocks.finish(current);
                    PciAddress address = address(device, name, number);
                    Integer before = firstLine.putIfAbsent(address, number);
                    if (before != null) {
                        throw new InputException(name, "line " + number, address + " appears a second time (first at line "
                                + before + ")");
                    }
                    current = new Pending(address, number);
                    firstDeviceLine = firstDeviceLine == 0 ? number : firstDeviceLine;
                } else if (line.isEmpty()) {
                    blocks.finish(current);
                    current = null;
                } else if (current != null) {
                    Matcher hex = HEX.matcher(line);
                    if (hex.lookingAt()) {
                        current.bytes(line, hex, name, number);
                        anyHex = true;
                    } else if (line.startsWith("\t")) {
                        current.text.detail(line);
                    }
                }
            }
            blocks.finish(current);
        } catch (InputException e) {
            // The first damage in the file is the one to name.
            throw blocks.firstCut != null ? blocks.firstCut : e;
        }
        if (blocks.functions == 0) {
            throw nothingRead(name, firstContentLine, firstDeviceLine, anyHex);
        }
        if (blocks.firstCut != null) {
            throw blocks.firstCut;
        }
        PciTopology placed = LspciTree.placeByBusNumbers(blocks.flat.build());
        progress.split(10);
        return placed;
    }

    /**
     * The functions read so far. A function whose hex is cut short is damage, named with the
     * line and column where its hex stops; when it is the first function and too short for a
     * config header, naming it waits until the end of the file, so that a file holding no
     * whole function says so instead.
     */
    private static final class Blocks {
        final String name;
        final PciTopology.Builder flat;
        int functions;
        @Nullable
        InputException firstCut;

        Blocks(String name) {
            this.name = name;
            this.flat = PciTopology.builder(name).parentsObserved(false);
        }

        void finish(@Nullable Pending p) throws InputException {
            if (p == null) {
                return;
            }
            InputException cut = cutShort(p, name);
            if (cut == null) {
                functions += LspciDumpImporter.finish(p, flat) ? 1 : 0;
            } else if (functions == 0 && p.length < ConfigSpace.HEADER_SIZE) {
                if (firstCut == null) {
                    firstCut = cut;
                }
            } else {
                throw firstCut != null ? firstCut : cut;
            }
        }
    }

    /**
     * The damage of a function whose hex dump is cut short, or null. lspci prints whole lines of
     * 16 bytes ({@code show_hex_dump} in lspci.c), and as many bytes as it could read: 64 (the
     * header, {@code -x}, or {@code -xxx} without root), 128 for a CardBus bridge's longer
     * header, 256 ({@code -xxx}, or {@code -xxxx} for a function without extended config space)
     * or 4096 ({@code -xxxx}). A function with no hex at all (lspci could not read its config
     * space) is not damage: it is left out with a warning.
     */
    private static @Nullable InputException cutShort(Pending p, String name) {
        if (p.length == 0) {
            return null;
        }
        boolean wholeLine = p.lastLineBytes >= 16;
        boolean cardBus = p.length == 128 && (p.data[PCI_HEADER_TYPE] & 0x7f) == CARDBUS_HEADER;
        boolean lspciSize = p.length == ConfigSpace.HEADER_SIZE || p.length == ConfigSpace.CONVENTIONAL_SIZE
                || p.length == ConfigSpace.EXTENDED_SIZE || cardBus;
        if (wholeLine && lspciSize) {
            return null;
        }
        String place = "line " + p.lastLine + ":column " + p.lastLineEnd;
        String function = p.address + " (from line " + p.line + ")";
        if (!wholeLine) {
            return new InputException(name, place, function + ": its hex dump stops after " + p.lastLineBytes
                    + " bytes of the line at offset " + Integer.toHexString(p.lastLineOffset)
                    + ", where lspci writes 16: the dump is cut short");
        }
        return new InputException(name, place, function + ": its hex dump stops after " + p.length + " bytes (0x"
                + Integer.toHexString(p.length) + "), where lspci writes 64, 256 or 4096 (128 for a CardBus bridge):"
                + " the dump is cut short");
    }

    private static InputException nothingRead(String name, int firstContentLine, int firstDeviceLine, boolean anyHex) {
        if (firstContentLine == 0) {
            return new InputException(name, null, "empty: not an lspci hex dump");
        }
        if (firstDeviceLine == 0) {
            return new InputException(name, "line " + firstContentLine, "not an lspci hex dump: no line starts with"
                    + " a PCI address (BB:DD.F or DDDD:BB:DD.F) followed by hex lines such as '00: 86 80 ...'"
                    + " (as lspci -x, -xxx or -xxxx writes them)");
        }
        if (!anyHex) {
            return new InputException(name, "line " + firstDeviceLine, "no hex lines below the devices: this is lspci"
                    + " text without a dump of config space; make the dump with lspci -xxx (or -xxxx as root), or"
                    + " read lspci -vvv -nn text with the lspci text importer");
        }
        return new InputException(name, "line " + firstDeviceLine, "no function has at least "
                + ConfigSpace.HEADER_SIZE + " bytes of config space: the dump is truncated");
    }

    private static PciAddress address(Matcher m, String name, int number) throws InputException {
        int function = Integer.parseInt(m.group(4), 16);
        int device = Integer.parseInt(m.group(3), 16);
        String domain = m.group(1);
        int column = domain == null ? 1 : domain.length() + 2;
        if (device > 0x1f) {
            throw new InputException(name, "line " + number + ":column " + (column + 3), "device number "
                    + m.group(3) + " is above 1f");
        }
        if (function > 7) {
            throw new InputException(name, "line " + number + ":column " + (column + 6), "function number "
                    + m.group(4) + " is above 7");
        }
        return new PciAddress(domain == null ? 0 : Integer.parseInt(domain, 16), Integer.parseInt(m.group(2), 16),
                device, function);
    }

    // A function with config space joins the topology; one without (lspci could not read it)
    // is left out with a warning. Says whether it joined.
    private static boolean finish(Pending p, PciTopology.Builder flat) {
        if (p.length < ConfigSpace.HEADER_SIZE) {
            flat.warn("line " + p.line + ": " + p.address + " has " + p.length + " bytes of config space in the dump, "
                    + ConfigSpace.HEADER_SIZE + " are needed; left out");
            return false;
        }
        ConfigSpace config = ConfigSpace.of(Arrays.copyOf(p.data, p.length));
        PciFunction.Builder f = PciFunction.builder(p.address, p.address.pciBus()).config(config);
        // -vvv text above the hex tells what config space cannot: the kernel's view, and the
        // extended capabilities when the hex stops at 256 bytes (-xxx).
        f.driver(p.text.driver());
        f.numaNode(p.text.numaNode());
        f.iommuGroup(p.text.iommuGroup());
        Acs acs = p.text.acs();
        if (acs != null && config.acs().isEmpty() && p.length < ConfigSpace.EXTENDED_SIZE) {
            f.acs(acs);
        }
        flat.function(f);
        return true;
    }

    /** A function being read: its bytes so far and its text lines. */
    private static final class Pending {
        final PciAddress address;
        final int line;
        final DeviceTextParser text;
        final byte[] data = new byte[ConfigSpace.EXTENDED_SIZE];
        int length;
        // The last hex line: its number, offset, how many bytes it gave, the column after them.
        int lastLine;
        int lastLineOffset;
        int lastLineBytes;
        int lastLineEnd;

        Pending(PciAddress address, int line) {
            this.address = address;
            this.line = line;
            this.text = new DeviceTextParser(line, address);
            Arrays.fill(data, (byte) 0xff);
        }

        void bytes(String text, Matcher hex, String name, int number) throws InputException {
            long offset = Long.parseLong(hex.group(1), 16);
            if (offset >= ConfigSpace.EXTENDED_SIZE) {
                throw new InputException(name, "line " + number + ":column 1", "offset " + hex.group(1)
                        + " is beyond the " + ConfigSpace.EXTENDED_SIZE + " bytes of config space");
            }
            if (offset < length) {
                throw new InputException(name, "line " + number + ":column 1", "offset " + hex.group(1)
                        + " is not above the bytes already given (up to " + Integer.toHexString(length - 1)
                        + "): offsets must ascend");
            }
            int at = (int) offset;
            int i = hex.end();
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == ' ' || c == '\t') {
                    i++;
                    continue;
                }
                int end = i;
                while (end < text.length() && text.charAt(end) != ' ' && text.charAt(end) != '\t') {
                    end++;
                }
                String token = text.substring(i, end);
                if (token.length() != 2 || Character.digit(token.charAt(0), 16) < 0
                        || Character.digit(token.charAt(1), 16) < 0) {
                    throw new InputException(name, "line " + number + ":column " + (i + 1), "'" + token
                            + "' is not a hex byte");
                }
                if (at >= ConfigSpace.EXTENDED_SIZE) {
                    throw new InputException(name, "line " + number + ":column " + (i + 1), "byte beyond the "
                            + ConfigSpace.EXTENDED_SIZE + " bytes of config space");
                }
                data[at++] = (byte) Integer.parseInt(token, 16);
                i = end;
                lastLineEnd = end + 1;
            }
            lastLine = number;
            lastLineOffset = (int) offset;
            lastLineBytes = at - (int) offset;
            if (lastLineBytes == 0) {
                lastLineEnd = hex.end() + 1;
            }
            length = Math.max(length, at);
        }
    }
}
