package org.dmascope.sources.sysfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jdt.annotation.Nullable;

/**
 * Read access to a sysfs tree, wherever it lies: the live {@code /sys}, a copy in a directory,
 * or the entries of an archive read into memory. Paths are relative to the tree's root
 * (the directory that holds {@code bus/} and {@code devices/}), with {@code /} separators.
 */
interface SysfsTree {

    /** Whether the path is a directory (following symbolic links). */
    boolean isDirectory(String path);

    /**
     * The names in a directory.
     *
     * @throws IOException when it is not there or cannot be listed
     */
    List<String> list(String directory) throws IOException;

    /** The target of a symbolic link as written in the link, or null when the path is not one. */
    @Nullable
    String linkTarget(String path);

    /** The content of a file, or null when it is not there or cannot be read. */
    byte @Nullable [] read(String path);

    /**
     * A file beside the sysfs tree, relative to the folder that holds {@code sys/} (for the
     * live tree, {@code /}): {@code proc/cpuinfo}. Null when it is not there.
     */
    byte @Nullable [] readBeside(String path);

    /** The parent of a path, "" for a top-level name. */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** The last component of a path. */
    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** A path below another. */
    static String child(String directory, String name) {
        return directory.isEmpty() ? name : directory + "/" + name;
    }

    /**
     * Where a relative link at {@code path} points, normalised within the tree; null when it
     * leaves the tree (an absolute target or too many "..").
     */
    static @Nullable String resolveLink(String path, String target) {
        if (target.startsWith("/")) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        String base = parent(path);
        if (!base.isEmpty()) {
            parts.addAll(List.of(base.split("/")));
        }
        for (String p : target.split("/")) {
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
        return String.join("/", parts);
    }
}
