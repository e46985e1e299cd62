package org.dmascope.trace.io;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.TraceEvent;
import org.eclipse.jdt.annotation.Nullable;

/** Events read from a trace file, in file order. */
public interface EventInput extends Closeable {

    /**
     * The next event, or null at the end. Input that cannot be read is skipped and recorded in
     * {@link #problems()} (a damaged chunk, a bad line): reading goes on with what follows.
     *
     * @throws InputException when nothing more can be read at all
     */
    @Nullable
    TraceEvent next() throws IOException, InputException;

    /** What could not be read so far, each naming the input and the place. */
    List<String> problems();

    /** The format read. */
    TraceFiles.Format format();
}
