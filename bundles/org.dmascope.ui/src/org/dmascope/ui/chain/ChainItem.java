package org.dmascope.ui.chain;

import org.dmascope.core.chain.AddressChain;

/**
 * One item of the Address Chain view, as a selection: an item of a column (a VMA, a page run, a
 * physical range, a DMA address range, a scatter-gather entry) of a resolved chain. Properties
 * shows it; the view's canvas says which rule made it.
 *
 * @param chain  the chain
 * @param column the column
 * @param index  the item's index in its column
 * @param label  what the canvas says of it
 * @param rule   the rule that made it from the column before (empty for the VMAs)
 */
public record ChainItem(AddressChain chain, ChainCanvas.Column column, int index, String label, String rule) {
}
