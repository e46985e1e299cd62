/**
 * Trace files of every format behind one pair of interfaces: {@link org.dmascope.trace.io.TraceFiles}
 * opens an input by its content and creates an output by its extension.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.trace.io;
