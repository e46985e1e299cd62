/** Safe XML reading for importers: no DTDs, no external entities, located errors. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.sources.xml;
