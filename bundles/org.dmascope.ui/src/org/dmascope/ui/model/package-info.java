/** What the workbench shows: the current source and topology, read in Jobs. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.model;
