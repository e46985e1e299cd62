package org.dmascope.sources.sysfs;

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
import java.util.TreeMap;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.dmascope.core.source.InputException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * A sysfs tree inside a tar archive (plain, gzip or bzip2), read into memory without unpacking
 * anything to disk: the snapshots hwloc's tests use, and the archives {@code dmascope collect}
 * writes. Links keep their targets and are followed inside the archive only.
 */
final class ArchiveSysfsTree implements SysfsTree {

    private static final String DEVICES_MARK = "sys/bus/pci/devices/";
    // Sysfs attributes are small; a larger entry is not sysfs content and is not kept.
    private static final long MAX_FILE = 1 << 20;
    private static final long MAX_TOTAL = 512L << 20;
    private static final int MAX_LINK_DEPTH = 40;

    private enum Kind {
        DIRECTORY, FILE, LINK
    }

    private record Node(Kind kind, byte @Nullable [] data, @Nullable String target) {
    }

    // Files kept from beside the sys/ folder (the snapshot's proc/).
    private static final List<String> BESIDE = List.of("proc/cpuinfo");

    private static final Node DIRECTORY = new Node(Kind.DIRECTORY, null, null);

    private final Map<String, Node> nodes;
    private final Map<String, byte[]> beside;
    private final Map<String, List<String>> children;
    // Resolved directories: attributes are read many to a directory.
    private final Map<String, String> resolvedDirectories = new HashMap<>();

    private ArchiveSysfsTree(Map<String, Node> nodes, Map<String, byte[]> beside) {
        this.nodes = nodes;
        this.beside = beside;
        this.children = new HashMap<>();
        for (String path : nodes.keySet()) {
            if (!path.isEmpty()) {
                children.computeIfAbsent(SysfsTree.parent(path), k -> new ArrayList<>()).add(SysfsTree.name(path));
            }
        }
    }

    /** The kind of file an input is, by its first bytes. */
    enum Format {
        GZIP, BZIP2, TAR, OTHER
    }

    /** Looks at the first bytes of a file. */
    static Format sniff(Path file) {
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return Format.OTHER;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Format.GZIP;
        }
        if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
            return Format.BZIP2;
        }
        if (n >= 262 && head[257] == 'u' && head[258] == 's' && head[259] == 't' && head[260] == 'a'
                && head[261] == 'r') {
            return Format.TAR;
        }
        return Format.OTHER;
    }

    /**
     * Reads the sysfs tree out of an archive.
     *
     * @throws InputException naming the archive and the byte offset where it is damaged, or
     *                        saying that it holds no sysfs tree
     */
    static ArchiveSysfsTree load(Path archive, String name, IProgressMonitor monitor) throws InputException {
        Format format = sniff(archive);
        if (format == Format.OTHER) {
            throw new InputException(name, null, "not a tar, tar.gz or tar.bz2 archive");
        }
        long size;
        try {
            size = Files.size(archive);
        } catch (IOException e) {
            throw new InputException(name, null, "cannot read: " + e.getMessage(), e);
        }
        SubMonitor progress = SubMonitor.convert(monitor, "Reading " + name, 100);
        Map<String, Node> all = new HashMap<>();
        long total = 0;
        String last = null;
        CountingStream counted = null;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive))) {
            counted = new CountingStream(raw);
            InputStream body = switch (format) {
                case GZIP -> new GzipCompressorInputStream(counted, true);
                case BZIP2 -> new BZip2CompressorInputStream(counted, true);
                default -> counted;
            };
            try (TarArchiveInputStream tar = new TarArchiveInputStream(body)) {
                TarArchiveEntry e;
                int reported = 0;
                while ((e = tar.getNextEntry()) != null) {
                    last = e.getName();
                    int done = size == 0 ? 100 : (int) Math.min(100, counted.count * 100 / size);
                    if (done > reported) {
                        progress.split(done - reported);
                        reported = done;
                    }
                    String path = normalise(e.getName());
                    if (path == null) {
                        continue; // absolute or escaping names are not part of a snapshot
                    }
                    if (e.isDirectory()) {
                        all.put(path, new Node(Kind.DIRECTORY, null, null));
                    } else if (e.isSymbolicLink()) {
                        all.put(path, new Node(Kind.LINK, null, e.getLinkName()));
                    } else if (e.isFile() && e.getSize() <= MAX_FILE) {
                        byte[] data = tar.readNBytes((int) e.getSize());
                        total += data.length;
                        if (total > MAX_TOTAL) {
                            throw new InputException(name, "entry " + e.getName(),
                                    "more than " + (MAX_TOTAL >> 20) + " MiB of files: not a sysfs snapshot");
                        }
                        all.put(path, new Node(Kind.FILE, data, null));
                    }
                }
            }
        } catch (IOException e) {
            String place = "byte " + (counted == null ? 0 : counted.count) + (last == null ? "" : " (after entry " + last + ")");
            throw new InputException(name, place, "damaged or truncated archive: " + e.getMessage(), e);
        }
        String prefix = sysPrefix(all).orElseThrow(() -> new InputException(name, null,
                "the archive holds no sysfs tree (no entry below */" + DEVICES_MARK + ")"));
        Map<String, Node> tree = new HashMap<>();
        for (Map.Entry<String, Node> n : all.entrySet()) {
            String path = n.getKey();
            if ((path + "/").startsWith(prefix)) {
                String relative = path.length() <= prefix.length() ? "" : path.substring(prefix.length());
                tree.put(relative, n.getValue());
                // Archives may omit directory entries: every parent is a directory. A parent
                // already present has had its own parents added.
                for (String p = SysfsTree.parent(relative); !p.isEmpty(); p = SysfsTree.parent(p)) {
                    if (tree.putIfAbsent(p, DIRECTORY) != null) {
                        break;
                    }
                }
            }
        }
        tree.put("", new Node(Kind.DIRECTORY, null, null));
        String above = prefix.substring(0, prefix.length() - "sys/".length());
        Map<String, byte[]> besideFiles = new HashMap<>();
        for (String b : BESIDE) {
            Node n = all.get(above + b);
            if (n != null && n.kind() == Kind.FILE && n.data() != null) {
                besideFiles.put(b, n.data());
            }
        }
        return new ArchiveSysfsTree(tree, besideFiles);
    }

    // "./a/b/../c" -> "a/c"; null for names that leave the archive.
    private static @Nullable String normalise(String entryName) {
        String n = entryName.endsWith("/") ? entryName.substring(0, entryName.length() - 1) : entryName;
        if (n.startsWith("/")) {
            return null;
        }
        return SysfsTree.resolveLink("x", n);
    }

    // The folder holding bus/ and devices/: the shortest "<...>sys/" before bus/pci/devices/.
    private static Optional<String> sysPrefix(Map<String, Node> all) {
        String best = null;
        for (String path : all.keySet()) {
            String withSlash = path + "/";
            int at = ("/" + withSlash).indexOf("/" + DEVICES_MARK);
            if (at >= 0) {
                String prefix = withSlash.substring(0, at) + "sys/";
                if (best == null || prefix.length() < best.length()) {
                    best = prefix;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    // Follows links in every component, as the kernel's path walk would; the directory part
    // is resolved once and remembered.
    private @Nullable String resolve(String path) {
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return resolveUncached(path);
        }
        String dir = path.substring(0, slash);
        String resolvedDir = resolvedDirectories.get(dir);
        if (resolvedDir == null) {
            resolvedDir = resolveUncached(dir);
            if (resolvedDir == null) {
                return null;
            }
            resolvedDirectories.put(dir, resolvedDir);
        }
        String child = SysfsTree.child(resolvedDir, path.substring(slash + 1));
        Node n = nodes.get(child);
        return n != null && n.kind() == Kind.LINK ? resolveUncached(child) : child;
    }

    private @Nullable String resolveUncached(String path) {
        String resolved = "";
        List<String> todo = new ArrayList<>(path.isEmpty() ? List.of() : List.of(path.split("/")));
        int links = 0;
        while (!todo.isEmpty()) {
            String next = SysfsTree.child(resolved, todo.remove(0));
            Node node = nodes.get(next);
            if (node == null) {
                return null;
            }
            if (node.kind() == Kind.LINK) {
                if (++links > MAX_LINK_DEPTH) {
                    return null;
                }
                String target = SysfsTree.resolveLink(next, node.target() == null ? "" : node.target());
                if (target == null) {
                    return null;
                }
                List<String> rest = new ArrayList<>(target.isEmpty() ? List.of() : List.of(target.split("/")));
                rest.addAll(todo);
                todo = rest;
                resolved = "";
            } else {
                resolved = next;
            }
        }
        return resolved;
    }

    @Override
    public boolean isDirectory(String path) {
        String r = resolve(path);
        Node n = r == null ? null : nodes.get(r);
        return n != null && n.kind() == Kind.DIRECTORY;
    }

    @Override
    public List<String> list(String directory) throws IOException {
        String r = resolve(directory);
        if (r == null || !isDirectory(r)) {
            throw new java.nio.file.NoSuchFileException(directory);
        }
        return List.copyOf(children.getOrDefault(r, List.of()));
    }

    @Override
    public @Nullable String linkTarget(String path) {
        String parent = resolve(SysfsTree.parent(path));
        Node n = parent == null ? null : nodes.get(SysfsTree.child(parent, SysfsTree.name(path)));
        return n != null && n.kind() == Kind.LINK ? n.target() : null;
    }

    @Override
    public byte @Nullable [] readBeside(String path) {
        byte[] data = beside.get(path);
        return data == null ? null : data.clone();
    }

    @Override
    public byte @Nullable [] read(String path) {
        String r = resolve(path);
        Node n = r == null ? null : nodes.get(r);
        return n != null && n.kind() == Kind.FILE && n.data() != null ? n.data().clone() : null;
    }

    /** Counts the compressed bytes read, to say where an archive is damaged. */
    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
