package org.dmascope.diagnose.machine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.dmascope.core.source.InputException;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The files of a tar archive (plain, gzip or bzip2), read into memory: a {@code dmascope collect}
 * archive, or a sysfs snapshot with proc/ beside sys/. Paths are relative to the folder that
 * holds sys/ (or proc/, or the collect MANIFEST.txt).
 */
public final class ArchiveFiles implements MachineFiles {

    private static final long MAX_FILE = 64L << 20;
    private static final long MAX_TOTAL = 1L << 30;

    private final String name;
    private final String prefix;
    private final Map<String, byte[]> files;
    private final Map<String, String> links;
    private final Map<String, TreeSet<String>> children;

    private ArchiveFiles(String name, String prefix, Map<String, byte[]> files, Map<String, String> links,
            List<String> directories) {
        this.name = name;
        this.prefix = prefix;
        this.files = files;
        this.links = links;
        this.children = new HashMap<>();
        List<String> all = new ArrayList<>(files.keySet());
        all.addAll(links.keySet());
        all.addAll(directories);
        for (String p : all) {
            String path = p;
            while (!path.isEmpty()) {
                int slash = path.lastIndexOf('/');
                String parent = slash < 0 ? "" : path.substring(0, slash);
                if (!children.computeIfAbsent(parent, k -> new TreeSet<>()).add(path.substring(slash + 1))) {
                    break;
                }
                path = parent;
            }
        }
    }

    /** Whether a file starts as a tar, gzip or bzip2 archive. */
    public static boolean isArchive(Path file) {
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return false;
        }
        return n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b
                || n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h'
                || n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
    }

    /**
     * Reads an archive.
     *
     * @throws InputException naming the archive and the entry where it is damaged
     */
    public static ArchiveFiles load(Path archive, String name) throws InputException {
        Map<String, byte[]> files = new HashMap<>();
        Map<String, String> links = new HashMap<>();
        List<String> dirs = new ArrayList<>();
        String last = null;
        long total = 0;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive))) {
            raw.mark(4);
            int b0 = raw.read();
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GzipCompressorInputStream(raw, true)
                    : b0 == 'B' && b1 == 'Z' && b2 == 'h' ? new BZip2CompressorInputStream(raw, true) : raw;
            try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    last = e.getName();
                    String path = normalise(e.getName());
                    if (path == null) {
                        continue;
                    }
                    if (e.isDirectory()) {
                        dirs.add(path);
                    } else if (e.isSymbolicLink()) {
                        links.put(path, e.getLinkName());
                    } else if (e.isFile() && e.getSize() <= MAX_FILE) {
                        byte[] data = tar.readNBytes((int) e.getSize());
                        total += data.length;
                        if (total > MAX_TOTAL) {
                            throw new InputException(name, "entry " + e.getName(), "more than 1 GiB of files");
                        }
                        files.put(path, data);
                    }
                }
            }
        } catch (IOException e) {
            throw new InputException(name, last == null ? null : "after entry " + last,
                    "damaged or truncated archive: " + e.getMessage(), e);
        }
        String prefix = root(files.keySet(), links.keySet(), dirs);
        Map<String, byte[]> f = new HashMap<>();
        files.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                f.put(k.substring(prefix.length()), v);
            }
        });
        Map<String, String> l = new HashMap<>();
        links.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                l.put(k.substring(prefix.length()), v);
            }
        });
        List<String> d = dirs.stream().filter(x -> x.startsWith(prefix) && x.length() > prefix.length())
                .map(x -> x.substring(prefix.length())).toList();
        return new ArchiveFiles(name, prefix, f, l, d);
    }

    // The shortest folder holding sys/, proc/ or MANIFEST.txt: the machine's root.
    private static String root(Iterable<String> files, Iterable<String> links, List<String> dirs) {
        String best = null;
        List<String> all = new ArrayList<>();
        files.forEach(all::add);
        links.forEach(all::add);
        all.addAll(dirs);
        for (String p : all) {
            String candidate = null;
            String s = "/" + p + "/";
            for (String mark : new String[] {"/sys/", "/proc/"}) {
                int at = s.indexOf(mark);
                if (at >= 0) {
                    candidate = s.substring(1, at + 1);
                    break;
                }
            }
            if (candidate == null && (p.equals("MANIFEST.txt") || p.endsWith("/MANIFEST.txt"))) {
                candidate = p.substring(0, p.length() - "MANIFEST.txt".length());
            }
            if (candidate != null && (best == null || candidate.length() < best.length())) {
                best = candidate;
            }
        }
        return best == null ? "" : best;
    }

    private static @Nullable String normalise(String entry) {
        String n = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
        if (n.startsWith("/")) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String p : n.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(p);
            }
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }

    /** The folder inside the archive that stands for the machine's root ("" or "dmascope-collect-host/"). */
    public String prefix() {
        return prefix;
    }

    @Override
    public Optional<byte[]> read(String path) {
        return Optional.ofNullable(files.get(path));
    }

    @Override
    public List<String> list(String directory) {
        TreeSet<String> c = children.get(directory);
        return c == null ? List.of() : List.copyOf(c);
    }

    @Override
    public boolean exists(String path) {
        return files.containsKey(path) || links.containsKey(path) || children.containsKey(path);
    }

    @Override
    public Optional<String> link(String path) {
        return Optional.ofNullable(links.get(path));
    }

    @Override
    public String display(String path) {
        return name + ": " + prefix + path;
    }
}
