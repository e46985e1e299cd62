/** The command line: {@code dmascope <command>}, the product run headless. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.cli;
