/** DMA Scope's preferences. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.preferences;
