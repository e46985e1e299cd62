/** The DMA Scope workbench: application, advisors, perspectives. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui;
