package org.dmascope.sources.sysfs;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
    // What is read after the end-of-archive marker to reach the compressed stream's end: GNU
    // tar pads to its record size (10 KiB by default, 1 MiB at most with -b 2048).
    private static final long MAX_TRAILER = 16L << 20;
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
    private static final byte[] BZIP2_MAGIC = {'B', 'Z', 'h'};

    private enum Kind {
        DIRECTORY, FILE, LINK
    }

    private record Node(Kind kind, byte @Nullable [] data, @Nullable String target) {
    }

    // Files kept from beside the sys/ folder (the snapshot's proc/).
    private static final List<String> BESIDE = List.of("proc/cpuinfo", "proc/sys/kernel/arch");

    private static final Node DIRECTORY = new Node(Kind.DIRECTORY, null, null);

    private final Map<String, Node> nodes;
    private final Map<String, byte[]> beside;
    private final Map<String, List<String>> children;
    private final List<String> warnings;
    // Resolved directories: attributes are read many to a directory.
    private final Map<String, String> resolvedDirectories = new HashMap<>();

    private ArchiveSysfsTree(Map<String, Node> nodes, Map<String, byte[]> beside, List<String> warnings) {
        this.nodes = nodes;
        this.beside = beside;
        this.warnings = List.copyOf(warnings);
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

    /** What the archive said about itself while it was read: the end-of-archive warning. */
    List<String> warnings() {
        return warnings;
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
     * <p>A tar archive ends with an end-of-archive marker, two 512-byte blocks of zeros (GNU tar
     * and commons-compress write them, then pad to the record size). An archive without it was
     * cut short: commons-compress, like GNU tar 1.34, takes a stream that stops at or inside a
     * header for the end and would give a tree with the rest missing, so here it is refused as a
     * truncated archive. A single zero block (GNU tar: "A lone zero block") is read as the end,
     * with a warning, as GNU tar does. A compressed archive is decompressed to its end after the
     * marker, so that a gzip or bzip2 stream missing its last bytes (its checksum) is refused too;
     * bytes after the last whole gzip member or bzip2 stream are left, with a warning.
     *
     * @throws InputException naming the archive and the byte offset where it is damaged (of the
     *                        file for damaged compressed data, of the decompressed tar stream
     *                        for a damaged or truncated tar), or saying that it holds no sysfs
     *                        tree
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
        List<String> warnings = new ArrayList<>();
        long total = 0;
        String last = null;
        CountingStream counted = null;
        CountingStream tarBytes = null;
        String ofTar = format == Format.TAR ? "" : " of the decompressed tar stream";
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive))) {
            counted = new CountingStream(raw);
            Members members = switch (format) {
                case GZIP -> new Members(counted, GZIP_MAGIC, GzipCompressorInputStream::new);
                case BZIP2 -> new Members(counted, BZIP2_MAGIC, BZip2CompressorInputStream::new);
                default -> null;
            };
            tarBytes = new CountingStream(members == null ? counted : members);
            try (EndCheckingTarStream tar = new EndCheckingTarStream(tarBytes)) {
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
                String after = after(last);
                switch (tar.end()) {
                    case MARKER -> {
                        // The archive is whole.
                    }
                    case LONE_ZERO_BLOCK -> warnings.add("byte " + tar.endAt() + ofTar + after
                            + ": the archive ends with one 512-byte zero block instead of two; read up to it,"
                            + " as GNU tar does ('A lone zero block')");
                    case CUT -> throw new InputException(name, "byte " + tarBytes.count + ofTar + after,
                            "truncated archive: the data stops " + (tar.endAt() < tarBytes.count
                                    ? "inside a 512-byte header block"
                                    : last == null ? "before the first entry" : "after this entry")
                                    + ", without the end-of-archive marker (two 512-byte zero blocks)");
                }
                if (members != null) {
                    drain(tarBytes);
                    if (members.trailing) {
                        warnings.add("the compressed data is followed by bytes that are not part of it (padding"
                                + " or garbage); they are not read, as gzip and bzip2 leave them");
                    }
                }
            }
        } catch (IOException e) {
            if (tarBytes != null && tarBytes.failure == null) {
                // The file and its compression were read without fault: the tar is damaged.
                if (tarBytes.ended && last != null) {
                    throw new InputException(name, "byte " + tarBytes.count + ofTar + " (in entry " + last + ")",
                            "truncated archive: the data stops inside this entry", e);
                }
                throw new InputException(name, "byte " + tarBytes.count + ofTar + after(last),
                        "damaged archive: " + describe(e), e);
            }
            throw new InputException(name, "byte " + (counted == null ? 0 : counted.count) + after(last),
                    "damaged or truncated archive: " + describe(e), e);
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
        return new ArchiveSysfsTree(tree, besideFiles, warnings);
    }

    private static String after(@Nullable String entry) {
        return entry == null ? "" : " (after entry " + entry + ")";
    }

    /** What went wrong reading an archive, in words: never "null". */
    private static String describe(IOException e) {
        String message = e.getMessage();
        if (message != null && !message.isBlank()) {
            return message;
        }
        if (e instanceof EOFException) {
            return "unexpected end of compressed data";
        }
        // "ZipException" -> "zip exception"
        return e.getClass().getSimpleName().replaceAll("(?<=[a-z])(?=[A-Z])", " ").toLowerCase(Locale.ROOT);
    }

    // Reads what follows the end-of-archive marker (record padding) to the end of the compressed
    // data, so that the decompressor checks its trailer. Bounded: data that goes on further is
    // left unread.
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        long left = MAX_TRAILER;
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
            left -= n;
        }
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

    /** How a tar stream ended. */
    private enum End {
        /** Two zero blocks, as tar writes them. */
        MARKER,
        /** One zero block, then the end of the data or something else. */
        LONE_ZERO_BLOCK,
        /** No end-of-archive marker: the stream stops at or inside a header block. */
        CUT
    }

    /**
     * commons-compress's tar reader, watching the header records it reads: it takes a missing
     * or short header record for the end of the archive, which is how a truncated archive looks.
     */
    private static final class EndCheckingTarStream extends TarArchiveInputStream {
        private final CountingStream in;
        private int zeroRecords;
        private long endAt = -1;

        EndCheckingTarStream(CountingStream in) {
            super(in);
            this.in = in;
        }

        @Override
        protected byte[] readRecord() throws IOException {
            long before = in.count;
            byte[] record = super.readRecord();
            // After the first zero block the reader reads one more record, to consume the
            // second, and stops whatever it holds.
            if (record == null) {
                if (zeroRecords == 0) {
                    endAt = before;
                }
            } else if (isEOFRecord(record) && zeroRecords++ == 0) {
                endAt = before;
            }
            return record;
        }

        /** How the archive ended; asked once the last entry has been read. */
        End end() {
            if (zeroRecords >= 2) {
                return End.MARKER;
            }
            return zeroRecords == 1 ? End.LONE_ZERO_BLOCK : End.CUT;
        }

        /** Where the end-of-archive marker, or the incomplete header record, starts in the tar stream. */
        long endAt() {
            return endAt;
        }
    }

    /** Opens a decompressor on the compressed data. */
    private interface Decompressor {
        InputStream open(InputStream compressed) throws IOException;
    }

    /**
     * The decompressed data of gzip members or bzip2 streams one after another, as gzip and
     * bzip2 read a file. Each ends with its checksum, which its decompressor checks; a file cut
     * short fails there. What follows a whole member and is not another one (zeros a tape or
     * a tool padded with, garbage) ends the data: gzip ignores trailing zeros, and GNU tar
     * reads a .tar.bz2 followed by them. commons-compress's own concatenation refuses such bytes,
     * and loses the data decompressed in the same read.
     */
    private static final class Members extends InputStream {
        private final InputStream compressed;
        private final byte[] magic;
        private final Decompressor decompressor;
        private @Nullable InputStream member;
        /** Whether bytes that are not a member follow the last one. */
        boolean trailing;

        // The decompressors read a member to its end and no further from a stream that can be
        // reset (gzip rewinds what it read ahead, bzip2 reads bit by bit).
        Members(InputStream compressed, byte[] magic, Decompressor decompressor) throws IOException {
            this.compressed = compressed;
            this.magic = magic;
            this.decompressor = decompressor;
            this.member = decompressor.open(compressed);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                InputStream m = member;
                if (m == null) {
                    return -1;
                }
                int n = m.read(b, off, len);
                if (n != -1) {
                    return n;
                }
                member = null;
                compressed.mark(magic.length);
                byte[] next = compressed.readNBytes(magic.length);
                compressed.reset();
                if (next.length == 0) {
                    return -1;
                }
                if (!Arrays.equals(next, magic)) {
                    trailing = true;
                    return -1;
                }
                member = decompressor.open(compressed);
            }
        }
    }

    /**
     * Counts the bytes read through it, to say where an archive is damaged, and remembers
     * whether the stream below ended or failed. A reset goes back to the count at the mark.
     */
    private static final class CountingStream extends java.io.FilterInputStream {
        long count;
        private long marked;
        boolean ended;
        @Nullable
        IOException failure;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = super.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            if (b >= 0) {
                count++;
            } else {
                ended = true;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            if (n > 0) {
                count += n;
            } else if (n < 0) {
                ended = true;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s;
            try {
                s = super.skip(n);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            count += s;
            return s;
        }

        @Override
        public synchronized void mark(int readlimit) {
            super.mark(readlimit);
            marked = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = marked;
            ended = false;
        }
    }
}
