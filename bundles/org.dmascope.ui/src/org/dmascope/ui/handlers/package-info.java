/** Command handlers: open a source, open the live host, refresh. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.handlers;
