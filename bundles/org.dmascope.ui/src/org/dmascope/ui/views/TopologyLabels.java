package org.dmascope.ui.views;

import java.util.Locale;

import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PcieLink;

/** The texts the Topology view shows in its columns, one method per column. */
final class TopologyLabels {

    /** Column headers, in order. */
    static final String[] COLUMNS = {"Device", "Role", "Class", "IDs", "Link", "NUMA", "IOMMU group", "Driver"};

    private TopologyLabels() {
    }

    /** The text of a column for an element of the tree. */
    static String text(Object element, int column, PciNames names) {
        if (element instanceof HostBridge h) {
            switch (column) {
                case 0:
                    return h.sysfsName();
                case 1:
                    return "host bridge";
                case 5:
                    return h.numaNode() < 0 ? "" : Integer.toString(h.numaNode());
                default:
                    return "";
            }
        }
        if (!(element instanceof PciFunction f)) {
            return "";
        }
        switch (column) {
            case 0:
                return f.address() + "  " + names.describe(f);
            case 1:
                return f.role().label() + (f.roleInferred() ? " (inferred)" : "");
            case 2:
                return names.className(f.classCode());
            case 3:
                return f.idPair();
            case 4:
                PcieLink link = f.link();
                return link == null ? "" : link.describe();
            case 5:
                return f.numaNode() < 0 ? "" : Integer.toString(f.numaNode());
            case 6:
                Integer group = f.iommuGroup();
                return group == null ? "" : group.toString();
            case 7:
                String driver = f.driver();
                return driver == null ? "" : driver;
            default:
                return "";
        }
    }

    /** One line for the status bar and the clipboard. */
    static String summary(Object element, PciNames names) {
        if (element instanceof HostBridge h) {
            return h.sysfsName() + " host bridge" + (h.numaNode() >= 0 ? ", NUMA node " + h.numaNode() : "");
        }
        if (element instanceof PciFunction f) {
            return String.format(Locale.ROOT, "%s %s: %s [%s]", f.address(), names.className(f.classCode()),
                    names.describe(f), f.idPair());
        }
        return "";
    }
}
