package org.dmascope.diagnose.tests;

import java.nio.file.Path;
import java.util.List;

import org.dmascope.diagnose.collect.Collector;
import org.eclipse.core.runtime.NullProgressMonitor;

/** Runs a collection in a JVM of its own, so that a test can start it as another user (setpriv). */
public final class UnprivilegedCollectMain {

    private UnprivilegedCollectMain() {
    }

    /** args[0]: the archive to write. */
    public static void main(String[] args) throws Exception {
        Collector.live().collect(Path.of(args[0]), List.of(), new NullProgressMonitor());
    }
}
