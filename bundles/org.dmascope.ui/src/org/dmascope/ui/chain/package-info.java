/**
 * The address chain drawn: the stages from the user's VMAs to the DMA segments, lined up by
 * byte offset, so that merges and splits show as boundaries that appear or vanish between
 * columns.
 */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.ui.chain;
