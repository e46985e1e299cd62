/** Views of the topology. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.views;
