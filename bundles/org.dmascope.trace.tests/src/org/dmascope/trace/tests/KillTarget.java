package org.dmascope.trace.tests;

import java.nio.file.Path;
import java.time.Duration;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.PageFault;
import org.dmascope.trace.store.TraceWriter;

/**
 * The writer that {@link KillTest} kills with SIGKILL: appends page faults numbered from 0, as a
 * live source would, and prints how many it has appended every few milliseconds.
 */
public final class KillTarget {

    private KillTarget() {
    }

    /** Arguments: the trace file and the flush interval in milliseconds. */
    public static void main(String[] args) throws Exception {
        TraceWriter w = TraceWriter.create(Path.of(args[0]),
                TraceWriter.Options.DEFAULT.withFlushInterval(Duration.ofMillis(Long.parseLong(args[1]))));
        long n = 0;
        long lastPrint = System.nanoTime();
        while (true) {
            for (int i = 0; i < 50; i++, n++) {
                w.append(new PageFault(new EventHeader(n, 0, 99, "target"), 0x7f00_0000_0000L + (n << 12), 0x400000, 6, ""));
            }
            Thread.sleep(1);
            if (System.nanoTime() - lastPrint > 5_000_000) {
                System.out.println(n);
                System.out.flush();
                lastPrint = System.nanoTime();
            }
        }
    }
}
