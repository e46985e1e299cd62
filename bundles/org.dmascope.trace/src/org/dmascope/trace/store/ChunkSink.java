package org.dmascope.trace.store;

import org.dmascope.trace.event.TraceEvent;

/** An event chunk being built in one of the columnar layouts ({@link ColumnSink}: 1.2, {@link ColumnSink11}: 1.1). */
interface ChunkSink {

    /** The chunk kind written ({@link StoreFormat#KIND_FIELD_COLUMNS} or {@link StoreFormat#KIND_COLUMNS}). */
    int kind();

    /** Adds an event. */
    void add(TraceEvent e);

    /** Events in the chunk. */
    int events();

    /** An upper bound of {@link #size()}, cheap enough for every append. */
    long maxSize();

    /** The payload's size as {@link #payload()} will lay it out. */
    long size();

    /**
     * Lays the chunk out in a buffer of the sink's, valid until the next call.
     *
     * @return the buffer; the payload is its first {@link #size()} bytes
     */
    byte[] payload();

    /** Empties the chunk, string table included, for the next one. */
    void reset();
}
