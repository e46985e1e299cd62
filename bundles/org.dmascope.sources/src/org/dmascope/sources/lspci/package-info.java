/**
 * Importers for what pciutils' {@code lspci} writes: hex dumps of config space ({@code -x},
 * {@code -xxx}, {@code -xxxx}, the input of {@code lspci -F}) and its verbose text
 * ({@code -vvv -nn}). Neither carries the device hierarchy; functions are placed by bus numbers
 * as lspci places them.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.sources.lspci;
