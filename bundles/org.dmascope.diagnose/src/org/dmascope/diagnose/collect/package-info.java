/** Collect: what maintainers ask for, in one archive, with a manifest of what could not be read. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.diagnose.collect;
