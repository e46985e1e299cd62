package org.dmascope.core.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.topology.ConfigSpace;
import org.dmascope.core.topology.PciAddress;

/**
 * Reads the functions of an lspci hex dump ({@code lspci -xxx}/{@code -xxxx}, the input of
 * {@code lspci -F}) for tests: each function's address, its config bytes, and the lspci -vvv
 * text lines printed above the hex where the dump has them.
 */
final class LspciDumps {

    private static final Pattern HEADER = Pattern.compile("^((?:[0-9a-fA-F]{4,5}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]) ");
    private static final Pattern HEX = Pattern.compile("^([0-9a-fA-F]{2,8}): ((?:[0-9a-fA-F]{2} ?)+)$");

    /** One function of a dump. */
    record Function(PciAddress address, ConfigSpace config, List<String> text) {
    }

    private LspciDumps() {
    }

    static List<Function> read(Path file) throws IOException {
        List<Function> out = new ArrayList<>();
        PciAddress current = null;
        byte[] bytes = null;
        int highest = 0;
        List<String> text = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher h = HEADER.matcher(line);
            if (h.find()) {
                if (current != null) {
                    out.add(new Function(current, ConfigSpace.of(Arrays.copyOf(bytes, Math.max(highest, 64))), text));
                }
                current = PciAddress.parse(h.group(1));
                bytes = new byte[4096];
                Arrays.fill(bytes, (byte) 0xff);
                highest = 0;
                text = new ArrayList<>();
                continue;
            }
            Matcher x = HEX.matcher(line);
            if (current != null && x.matches()) {
                int offset = Integer.parseInt(x.group(1), 16);
                for (String b : x.group(2).trim().split(" ")) {
                    bytes[offset++] = (byte) Integer.parseInt(b, 16);
                }
                highest = Math.max(highest, offset);
            } else if (current != null && line.startsWith("\t")) {
                text.add(line.trim());
            }
        }
        if (current != null) {
            out.add(new Function(current, ConfigSpace.of(Arrays.copyOf(bytes, Math.max(highest, 64))), text));
        }
        return out;
    }
}
