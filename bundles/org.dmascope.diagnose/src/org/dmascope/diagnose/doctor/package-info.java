/** The doctor: checks with a verdict, the devices, the evidence and the fix. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.diagnose.doctor;
