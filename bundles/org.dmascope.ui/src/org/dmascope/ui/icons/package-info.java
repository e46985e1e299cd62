/** Icons drawn for device classes and roles. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.icons;
