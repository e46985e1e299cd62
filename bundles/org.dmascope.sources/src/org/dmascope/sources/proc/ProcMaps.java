package org.dmascope.sources.proc;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;

/**
 * Reads the text of {@code /proc/PID/maps} and {@code /proc/PID/smaps} ({@code show_map_vma()} and
 * {@code show_smap()} in fs/proc/task_mmu.c) into VMAs.
 *
 * <p>A maps line is {@code start-end perms offset dev inode} and, after padding, the name: a path
 * (spaces kept, " (deleted)" kept), a memfd's "/memfd:NAME (deleted)", or a special name such as
 * [heap], [stack], [vdso], [anon:NAME]. From maps alone a VMA has the flags of its permission
 * column and an unknown page size (0). smaps adds, after each maps line, "Key: value" lines, of
 * which KernelPageSize (the hugetlb page size of hugetlb VMAs) and VmFlags (two-letter codes,
 * unknown ones ignored) are read here. {@link VmFlag#SHARED} stands for maps' "s" (VM_MAYSHARE) as
 * well as smaps' "sh", so that {@link Vma#permissions()} reads back as maps prints it.
 */
public final class ProcMaps {

    private ProcMaps() {
    }

    /**
     * The VMAs of a maps file.
     *
     * @param text   the file's content
     * @param source the file's name, for messages
     * @throws MemoryReadException naming the file and line when a line is not a maps line
     */
    public static List<Vma> parseMaps(String text, String source) throws MemoryReadException {
        List<Vma> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines(text)) {
            lineNo++;
            if (!line.isEmpty()) {
                out.add(parseLine(line, source, lineNo));
            }
        }
        return out;
    }

    /**
     * The VMAs of an smaps file: each maps line with the flags of its VmFlags line added and the
     * page size of its KernelPageSize line.
     *
     * @throws MemoryReadException naming the file and line when the text is not smaps
     */
    public static List<Vma> parseSmaps(String text, String source) throws MemoryReadException {
        List<Vma> out = new ArrayList<>();
        Vma current = null;
        EnumSet<VmFlag> flags = EnumSet.noneOf(VmFlag.class);
        long pageSize = 0;
        int lineNo = 0;
        for (String line : lines(text)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            int space = line.indexOf(' ');
            boolean field = colon > 0 && (space < 0 || colon < space);
            if (!field) {
                if (current != null) {
                    out.add(finish(current, flags, pageSize));
                }
                current = parseLine(line, source, lineNo);
                flags = EnumSet.noneOf(VmFlag.class);
                flags.addAll(current.flags());
                pageSize = 0;
                continue;
            }
            if (current == null) {
                throw new MemoryReadException(source + ":" + lineNo + ": a field before the first maps line: " + line);
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            if (key.equals("VmFlags")) {
                for (String code : value.split("\\s+")) {
                    VmFlag f = VmFlag.ofCode(code);
                    if (f != null) {
                        flags.add(f);
                    }
                }
            } else if (key.equals("KernelPageSize")) {
                pageSize = kilobytes(value, source, lineNo, line);
            }
        }
        if (current != null) {
            out.add(finish(current, flags, pageSize));
        }
        return out;
    }

    private static Vma finish(Vma vma, Set<VmFlag> flags, long pageSize) {
        return new Vma(vma.start(), vma.end(), flags, vma.offset(), vma.device(), vma.inode(), vma.name(), pageSize);
    }

    /**
     * One maps line.
     *
     * @param source the file's name and lineNo its line, for messages
     * @throws MemoryReadException naming the file, line and field when the line is not a maps line
     */
    public static Vma parseLine(String line, String source, int lineNo) throws MemoryReadException {
        int[] at = {0};
        String range = token(line, at);
        String perms = token(line, at);
        String offset = token(line, at);
        String dev = token(line, at);
        String inode = token(line, at);
        String where = source + ":" + lineNo + ": ";
        if (inode.isEmpty()) {
            throw new MemoryReadException(where + "not a maps line (expected start-end perms offset dev inode [name]): "
                    + line);
        }
        // The name follows the padding; it may itself hold spaces (and keeps trailing ones).
        int nameStart = at[0];
        while (nameStart < line.length() && line.charAt(nameStart) == ' ') {
            nameStart++;
        }
        String name = line.substring(nameStart);
        int dash = range.indexOf('-');
        if (dash <= 0) {
            throw new MemoryReadException(where + "not an address range (expected start-end in hex): " + range);
        }
        long start = hex(range.substring(0, dash), where, "start address");
        long end = hex(range.substring(dash + 1), where, "end address");
        Set<VmFlag> flags;
        try {
            flags = Vma.parsePermissions(perms);
        } catch (IllegalArgumentException e) {
            throw new MemoryReadException(where + e.getMessage());
        }
        long off = hex(offset, where, "offset");
        if (!dev.matches("[0-9a-fA-F]+:[0-9a-fA-F]+")) {
            throw new MemoryReadException(where + "not a device (expected major:minor in hex): " + dev);
        }
        long ino;
        try {
            ino = Long.parseUnsignedLong(inode);
        } catch (NumberFormatException e) {
            throw new MemoryReadException(where + "not an inode number: " + inode);
        }
        try {
            return new Vma(start, end, flags, off, dev, ino, name, 0);
        } catch (IllegalArgumentException e) {
            throw new MemoryReadException(where + e.getMessage());
        }
    }

    private static String token(String line, int[] at) {
        int i = at[0];
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        int start = i;
        while (i < line.length() && line.charAt(i) != ' ') {
            i++;
        }
        at[0] = i;
        return line.substring(start, i);
    }

    private static long hex(String text, String where, String what) throws MemoryReadException {
        try {
            return Long.parseUnsignedLong(text, 16);
        } catch (NumberFormatException e) {
            throw new MemoryReadException(where + "not a hex " + what + ": " + text);
        }
    }

    /** "2048 kB" in bytes. */
    static long kilobytes(String value, String source, int lineNo, String line) throws MemoryReadException {
        String v = value.endsWith("kB") ? value.substring(0, value.length() - 2).trim() : value;
        try {
            return Long.parseLong(v) * 1024;
        } catch (NumberFormatException e) {
            throw new MemoryReadException(source + ":" + lineNo + ": not a size in kB: " + line);
        }
    }

    /** Lines without their terminators; a name never holds a newline (seq_file escapes it as \012). */
    static String[] lines(String text) {
        return text.split("\n", -1);
    }
}
