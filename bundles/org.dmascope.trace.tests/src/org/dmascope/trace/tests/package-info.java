/** Tests of the trace event model and its JSON Lines files. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.trace.tests;
