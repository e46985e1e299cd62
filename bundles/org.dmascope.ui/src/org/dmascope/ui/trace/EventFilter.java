package org.dmascope.ui.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.store.TraceReader;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Which events the Event table shows: one kind or all, and a text to find (case-insensitive)
 * in the command name, the kind or the fields. Run over a whole store, it keeps only the
 * ordinals that match, as a compact array.
 *
 * @param type the kind shown, or null for all
 * @param text the text searched for, or "" for any
 */
public record EventFilter(@Nullable EventType type, String text) {

    /** The filter that lets every event through. */
    public static final EventFilter ALL = new EventFilter(null, "");

    /** Whether this lets every event through. */
    public boolean isAll() {
        return type == null && text.isBlank();
    }

    /** Whether the event passes. */
    public boolean test(TraceEvent e) {
        if (type != null && e.type() != type) {
            return false;
        }
        if (text.isBlank()) {
            return true;
        }
        String needle = text.strip().toLowerCase(Locale.ROOT);
        return e.header().comm().toLowerCase(Locale.ROOT).contains(needle)
                || e.type().id().contains(needle)
                || Integer.toString(e.header().pid()).equals(needle)
                || EventFields.text(e).toLowerCase(Locale.ROOT).contains(needle);
    }

    /**
     * The ordinals of the events that pass, in file order, read with a reader of its own.
     *
     * @throws OperationCanceledException when the monitor is cancelled
     */
    public long[] run(Path store, IProgressMonitor monitor) throws IOException, InputException {
        try (TraceReader reader = TraceReader.open(store)) {
            long total = Math.max(1, reader.eventCount());
            monitor.beginTask("Filtering events", 1000);
            long[] out = new long[1024];
            int n = 0;
            int reported = 0;
            TraceReader.Cursor cursor = reader.events();
            while (cursor.hasNext()) {
                long ordinal = cursor.ordinal();
                TraceEvent e = cursor.next();
                if (test(e)) {
                    if (n == out.length) {
                        out = Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = ordinal;
                }
                if ((ordinal & 0xFFFF) == 0) {
                    if (monitor.isCanceled()) {
                        throw new OperationCanceledException();
                    }
                    int now = (int) (ordinal * 1000 / total);
                    if (now > reported) {
                        monitor.worked(now - reported);
                        reported = now;
                    }
                }
            }
            if (cursor.failure() != null) {
                throw cursor.failure();
            }
            monitor.done();
            return Arrays.copyOf(out, n);
        }
    }
}
