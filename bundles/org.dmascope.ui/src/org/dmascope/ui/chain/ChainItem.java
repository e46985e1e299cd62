package org.dmascope.ui.chain;

import java.util.List;

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
 * @param states for a page run, the names of its states (its kind, then its backend's states); empty otherwise
 * @param source where the chain comes from ("live pid 1234", "scenario migrate, step line 9"); empty if not said
 */
public record ChainItem(AddressChain chain, ChainCanvas.Column column, int index, String label, String rule,
        List<String> states, String source) {

    /** Copies the states. */
    public ChainItem {
        states = List.copyOf(states);
    }
}
