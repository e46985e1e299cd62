package org.dmascope.trace.io;

import java.io.Closeable;
import java.io.IOException;

import org.dmascope.trace.event.TraceEvent;

/** Events written to a trace file; {@link #close()} completes the file. */
public interface EventOutput extends Closeable {

    /** Writes one event. */
    void write(TraceEvent event) throws IOException;

    /** The format written. */
    TraceFiles.Format format();
}
