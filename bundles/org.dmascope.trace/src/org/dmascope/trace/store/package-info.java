/**
 * The .dmatrace store: a crash-safe, append-only file of checksummed chunks with a time index
 * and state checkpoints ({@link org.dmascope.trace.store.TraceWriter},
 * {@link org.dmascope.trace.store.TraceReader}); the format is in docs/trace-store.md.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.trace.store;
