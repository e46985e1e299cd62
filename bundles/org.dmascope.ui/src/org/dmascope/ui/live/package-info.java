/**
 * Live sessions of the workbench: the simulator playing a scenario and the live host, each
 * writing a recording that the trace views follow as it grows.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.live;
