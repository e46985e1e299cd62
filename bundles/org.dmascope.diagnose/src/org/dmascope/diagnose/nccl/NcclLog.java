package org.dmascope.diagnose.nccl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.peer.NcclPathType;
import org.dmascope.core.source.InputException;
import org.dmascope.diagnose.log.LogFiles;

/**
 * An NCCL log (NCCL_DEBUG=INFO, with NCCL_DEBUG_SUBSYS including GRAPH and NET for the path
 * lines): every line, the NCCL version that wrote it, and the decisions it states.
 *
 * @param name    the input as the user named it
 * @param entries every line, in order
 */
public record NcclLog(String name, List<NcclLogEntry> entries) {

    private static final Pattern PREFIX = Pattern.compile(
            "(?<host>[^\\s:]+):(?<pid>\\d+):(?<tid>\\d+) \\[(?<dev>\\d+)\\] NCCL (?<level>[A-Z]+) (?<msg>.*)$");
    private static final Pattern BARE = Pattern.compile("(?:^|\\s)NCCL (?<level>INFO|WARN) (?<msg>.*)$");
    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
    private static final Map<NcclMessage, List<String>> GROUPS = new EnumMap<>(NcclMessage.class);

    static {
        for (NcclMessage k : NcclMessage.values()) {
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

    /** Copies the list. */
    public NcclLog {
        entries = List.copyOf(entries);
    }

    /** The NCCL version the log states ("2.18.3"), if it does. */
    public Optional<String> version() {
        return entries.stream().filter(e -> e.kind() == NcclMessage.VERSION).map(e -> e.fields().get("version"))
                .findFirst();
    }

    /** How the writing NCCL numbers path types, if the log says which NCCL it is. */
    public Optional<NcclPathType.Numbering> numbering() {
        return version().map(NcclPathType.Numbering::of);
    }

    /** The entries of one kind. */
    public List<NcclLogEntry> of(NcclMessage kind) {
        return entries.stream().filter(e -> e.kind() == kind).toList();
    }

    /**
     * Reads an NCCL log file.
     *
     * @throws InputException when it cannot be read, is binary, or holds no NCCL line
     */
    public static NcclLog read(Path file, String name) throws InputException {
        return parse(LogFiles.read(file, name), name);
    }

    /**
     * Parses NCCL log text (other programs' lines in between are kept as {@link NcclMessage#OTHER}).
     *
     * @throws InputException when the text is binary or holds no NCCL line at all
     */
    public static NcclLog parse(String text, String name) throws InputException {
        List<NcclLogEntry> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
        boolean any = false;
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            if (line.indexOf('\0') >= 0) {
                throw new InputException(name, "line " + (i + 1) + ":column " + (line.indexOf('\0') + 1),
                        "binary data (a NUL byte): not an NCCL log");
            }
            Matcher p = PREFIX.matcher(line);
            String host = null;
            long pid = -1;
            int dev = -1;
            String level = "";
            String msg = line;
            if (p.find()) {
                host = p.group("host");
                pid = Long.parseLong(p.group("pid"));
                dev = Integer.parseInt(p.group("dev"));
                level = p.group("level");
                msg = p.group("msg");
                any = true;
            } else {
                Matcher b = BARE.matcher(line);
                if (b.find()) {
                    level = b.group("level");
                    msg = b.group("msg");
                    any = true;
                }
            }
            entries.add(classify(i + 1, host, pid, dev, level, msg));
        }
        if (!any) {
            throw new InputException(name, null, "no NCCL line (\"host:pid:tid [dev] NCCL INFO ...\"): not an NCCL_DEBUG=INFO log");
        }
        return new NcclLog(name, entries);
    }

    private static NcclLogEntry classify(int line, @org.eclipse.jdt.annotation.Nullable String host, long pid, int dev, String level, String msg) {
        for (NcclMessage kind : NcclMessage.values()) {
            Pattern pattern = kind.pattern();
            if (pattern == null || level.isEmpty()) {
                continue;
            }
            Matcher m = pattern.matcher(msg);
            if (m.lookingAt()) {
                Map<String, String> fields = new HashMap<>();
                for (String g : GROUPS.get(kind)) {
                    if (m.group(g) != null) {
                        fields.put(g, m.group(g));
                    }
                }
                return new NcclLogEntry(line, host, pid, dev, level, kind, msg, fields);
            }
        }
        return new NcclLogEntry(line, host, pid, dev, level, NcclMessage.OTHER, msg, Map.of());
    }
}
