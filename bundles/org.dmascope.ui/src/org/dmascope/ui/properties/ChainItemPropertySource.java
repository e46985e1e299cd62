package org.dmascope.ui.properties;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.memory.Sizes;
import org.dmascope.ui.chain.ChainItem;

/** Properties of an item of the Address Chain view: what it is, the rule that made it, and the chain it is part of. */
final class ChainItemPropertySource extends RowPropertySource {

    ChainItemPropertySource(ChainItem item) {
        super(rows(item));
    }

    private static List<Row> rows(ChainItem item) {
        List<Row> rows = new ArrayList<>();
        rows.add(row("General", "Column", item.column().title()));
        rows.add(row("General", "Index", Integer.toString(item.index())));
        rows.add(row("General", "Item", item.label()));
        for (String state : item.states()) {
            rows.add(row("Page states", "State " + (item.states().indexOf(state) + 1), state));
        }
        if (!item.rule().isEmpty()) {
            rows.add(row("Rule", "Made by", item.rule()));
        }
        AddressChain c = item.chain();
        if (!item.source().isEmpty()) {
            rows.add(row("Chain", "Shown", item.source()));
        }
        rows.add(row("Chain", "Process", c.request().space().pid() + " (" + c.request().space().command() + ")"));
        rows.add(row("Chain", "Range", String.format(Locale.ROOT, "%#x + %s", c.request().address(),
                Sizes.human(c.request().length()))));
        rows.add(row("Chain", "Access", IbAccess.describe(c.request().access())));
        rows.add(row("Chain", "Device", c.request().device().describe()));
        rows.add(row("Chain", "Outcome", c.error() != null ? "-" + c.error() + ": " + c.lastWhy()
                : c.pageSize() > 0 ? "MR page size " + Sizes.human(c.pageSize()) + ", " + c.dmaBlocks() + " DMA blocks"
                        : "complete"));
        return rows;
    }
}
