/** The address chain drawn. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.chain;
