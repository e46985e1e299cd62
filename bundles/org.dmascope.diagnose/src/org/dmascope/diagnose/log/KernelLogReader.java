package org.dmascope.diagnose.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.PciAddress;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads kernel logs: {@code dmesg} output with "[seconds]" stamps (and the "&lt;level&gt;" prefix of
 * {@code dmesg -r}), /dev/kmsg records (printk's "level,sequence,microseconds,flags;text" with
 * continuation lines carrying SUBSYSTEM= and DEVICE=), and {@code journalctl -k -o
 * short-monotonic}. Every line becomes an entry; the messages of {@link KernelMessage} get
 * their fields and device, the rest are kept as {@link KernelMessage#OTHER}.
 */
public final class KernelLogReader {

    private static final Pattern KMSG = Pattern.compile("^(\\d+),(\\d+),(\\d+),[^;]*;(.*)$");
    private static final Pattern KMSG_DEVICE = Pattern.compile("^ DEVICE=\\+pci:([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7])$");
    private static final Pattern JOURNAL = Pattern.compile("^\\[\\s*(\\d+\\.\\d+)\\]\\s+\\S+\\s+kernel: ?(.*)$");
    private static final Pattern DMESG = Pattern.compile("^(?:<(\\d+)>)?\\[\\s*(\\d+\\.\\d+)\\] ?(.*)$");
    private static final Pattern BRACKETED = Pattern.compile("^(?:<(\\d+)>)?\\[[^\\]]*\\] ?(.*)$");
    private static final Pattern DEVICE_PREFIX = Pattern.compile(
            "^(?<driver>[\\w.-]+) (?<bdf>[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]): (?<msg>.*)$");
    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
    private static final Pattern KMSG_ESCAPE = Pattern.compile("\\\\x([0-9a-fA-F]{2})");

    private static final Map<KernelMessage, List<String>> GROUPS = new EnumMap<>(KernelMessage.class);

    static {
        for (KernelMessage k : KernelMessage.values()) {
            List<String> names = new ArrayList<>();
            Pattern p = k.pattern();
            if (p != null) {
                Matcher m = GROUP_NAME.matcher(p.pattern());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
            GROUPS.put(k, List.copyOf(names));
        }
    }

    private KernelLogReader() {
    }

    /**
     * Reads a kernel log file.
     *
     * @throws InputException when it cannot be read or is not text
     */
    public static KernelLog read(Path file, String name) throws InputException {
        return parse(LogFiles.read(file, name), name);
    }

    /**
     * Parses kernel log text.
     *
     * @throws InputException naming the line when the text holds binary data (a NUL byte)
     */
    public static KernelLog parse(String text, String name) throws InputException {
        List<KernelLogEntry> entries = new ArrayList<>();
        KernelLog.Format format = null;
        String[] lines = text.split("\r?\n", -1);
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.indexOf('\0') >= 0) {
                throw new InputException(name, "line " + number + ":column " + (line.indexOf('\0') + 1),
                        "binary data (a NUL byte): not a kernel log");
            }
            Matcher m;
            if (line.startsWith(" ") && !entries.isEmpty() && format == KernelLog.Format.KMSG) {
                // A /dev/kmsg continuation line: the device of the record before.
                Matcher d = KMSG_DEVICE.matcher(line);
                KernelLogEntry last = entries.get(entries.size() - 1);
                if (d.matches() && last.device() == null) {
                    entries.set(entries.size() - 1, new KernelLogEntry(last.line(), last.seconds(), last.level(),
                            last.driver(), PciAddress.parse(d.group(1).toLowerCase(Locale.ROOT)), last.kind(), last.text(),
                            last.fields()));
                }
                continue;
            }
            if ((m = KMSG.matcher(line)).matches()) {
                format = format == null ? KernelLog.Format.KMSG : format;
                int level = (int) (Long.parseLong(m.group(1)) & 7);
                double seconds = Long.parseLong(m.group(3)) / 1e6;
                entries.add(classify(number, seconds, level, unescape(m.group(4))));
            } else if ((m = JOURNAL.matcher(line)).matches()) {
                format = format == null ? KernelLog.Format.JOURNAL_MONOTONIC : format;
                entries.add(classify(number, Double.parseDouble(m.group(1)), -1, m.group(2)));
            } else if ((m = DMESG.matcher(line)).matches()) {
                format = format == null ? KernelLog.Format.DMESG : format;
                int level = m.group(1) == null ? -1 : Integer.parseInt(m.group(1)) & 7;
                entries.add(classify(number, Double.parseDouble(m.group(2)), level, m.group(3)));
            } else if ((m = BRACKETED.matcher(line)).matches()) {
                // dmesg -T (wall clock) or -d (deltas): no time since boot.
                int level = m.group(1) == null ? -1 : Integer.parseInt(m.group(1)) & 7;
                entries.add(classify(number, null, level, m.group(2)));
            } else {
                entries.add(classify(number, null, -1, line));
            }
        }
        return new KernelLog(name, format == null ? KernelLog.Format.PLAIN : format, entries);
    }

    /** The entry for one message text. */
    static KernelLogEntry classify(int line, @Nullable Double seconds, int level, String text) {
        String driver = null;
        PciAddress device = null;
        String message = text;
        Matcher prefix = DEVICE_PREFIX.matcher(text);
        if (prefix.matches()) {
            driver = prefix.group("driver");
            device = PciAddress.parse(prefix.group("bdf").toLowerCase(Locale.ROOT));
            message = prefix.group("msg");
        }
        for (KernelMessage kind : KernelMessage.values()) {
            Pattern p = kind.pattern();
            if (p == null) {
                continue;
            }
            Matcher m = p.matcher(message);
            if (m.lookingAt()) {
                Map<String, String> fields = new HashMap<>();
                for (String g : GROUPS.get(kind)) {
                    String v = m.group(g);
                    if (v != null) {
                        fields.put(g, v);
                    }
                }
                if (device == null) {
                    device = faultingDevice(kind, fields);
                }
                return new KernelLogEntry(line, seconds, level, driver, device, kind, text, fields);
            }
        }
        return new KernelLogEntry(line, seconds, level, driver, device, KernelMessage.OTHER, text, Map.of());
    }

    // The device an IOMMU fault names when the message has no device prefix. Intel's source ID
    // has no PCI segment: domain 0 is assumed, as the message itself does.
    private static @Nullable PciAddress faultingDevice(KernelMessage kind, Map<String, String> fields) {
        if (kind == KernelMessage.AMD_IOMMU_PAGE_FAULT && fields.containsKey("fault")) {
            String f = fields.get("fault").toLowerCase(Locale.ROOT);
            return PciAddress.parse(f.length() == 7 ? "0000:" + f : f);
        }
        if (kind == KernelMessage.INTEL_DMAR_FAULT) {
            return PciAddress.parse(("0000:" + fields.get("bus") + ":" + fields.get("slot") + "." + fields.get("fn"))
                    .toLowerCase(Locale.ROOT));
        }
        return null;
    }

    // /dev/kmsg escapes non-printable bytes as \xNN.
    private static String unescape(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        Matcher m = KMSG_ESCAPE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
