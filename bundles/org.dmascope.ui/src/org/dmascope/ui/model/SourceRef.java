package org.dmascope.ui.model;

import java.nio.file.Path;

import org.eclipse.jdt.annotation.Nullable;

/**
 * What the workbench shows: the live host, or a file or directory opened by the user.
 *
 * @param kind what sort of source
 * @param path the input for {@link Kind#PATH}; null for the live host, whose sysfs root comes
 *             from the preferences when it is read
 * @param name the source as the user knows it, for titles and messages
 */
public record SourceRef(Kind kind, @Nullable Path path, String name) {

    /** Sorts of sources. */
    public enum Kind {
        /** This machine, read live from sysfs. */
        LIVE,
        /** A file or directory. */
        PATH
    }

    /** This machine. */
    public static SourceRef liveHost() {
        return new SourceRef(Kind.LIVE, null, "this machine");
    }

    /** A file or directory, named by its path. */
    public static SourceRef of(Path path) {
        return new SourceRef(Kind.PATH, path, path.toString());
    }
}
