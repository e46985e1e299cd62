/** Properties view rows for topology elements. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.properties;
