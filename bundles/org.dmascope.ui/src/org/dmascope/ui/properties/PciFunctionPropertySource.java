package org.dmascope.ui.properties;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.Bar;
import org.dmascope.core.topology.Capability;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PcieLink;

/** Properties of a PCI function, grouped as lspci -vvv groups them. */
final class PciFunctionPropertySource extends RowPropertySource {

    PciFunctionPropertySource(PciFunction f, PciNames names) {
        super(rows(f, names));
    }

    private static List<Row> rows(PciFunction f, PciNames names) {
        List<Row> rows = new ArrayList<>();
        String g = "General";
        rows.add(row(g, "Address", f.address().toString()));
        rows.add(row(g, "Vendor", String.format(Locale.ROOT, "%s [%04x]", names.vendor(f.vendorId()), f.vendorId())));
        rows.add(row(g, "Device", String.format(Locale.ROOT, "%s [%04x]", names.device(f.vendorId(), f.deviceId()),
                f.deviceId())));
        if (f.subsystemVendorId() > 0) {
            rows.add(row(g, "Subsystem", String.format(Locale.ROOT, "%s [%04x:%04x]",
                    names.subsystem(f).orElse(names.vendor(f.subsystemVendorId())), f.subsystemVendorId(),
                    f.subsystemDeviceId())));
        } else if (f.subsystemVendorId() == 0) {
            rows.add(row(g, "Subsystem", "none [0000:0000]"));
        }
        String progIf = names.programmingInterface(f.classCode()).map(p -> ", " + p).orElse("");
        rows.add(row(g, "Class", String.format(Locale.ROOT, "%s%s [%06x]", names.className(f.classCode()), progIf,
                f.classCode())));
        if (f.revision() >= 0) {
            rows.add(row(g, "Revision", String.format(Locale.ROOT, "%02x", f.revision())));
        }
        rows.add(row(g, "Kind", f.kind().label()));
        String driver = f.driver();
        rows.add(row(g, "Driver", driver == null ? "none bound" : driver));

        String h = "Hierarchy";
        rows.add(row(h, "Role", f.role().label() + (f.roleInferred() ? " (inferred from the tree: config space "
                + "beyond the header was not readable)" : "")));
        rows.add(row(h, "PCIe port type", f.portType().label()));
        PciAddress parent = f.parent();
        rows.add(row(h, "Upstream bridge", parent == null ? "none (on root bus " + f.rootBus() + ")" : parent.toString()));
        if (f.secondaryBus() >= 0) {
            rows.add(row(h, "Secondary bus", String.format(Locale.ROOT, "%02x", f.secondaryBus())));
            rows.add(row(h, "Subordinate bus", String.format(Locale.ROOT, "%02x", f.subordinateBus())));
        }
        if (f.headerType() >= 0) {
            rows.add(row(h, "Header type", Integer.toString(f.headerType())));
        }

        String l = "Link";
        PcieLink link = f.link();
        if (link == null) {
            rows.add(row(l, "Link", "none reported"));
        } else {
            rows.add(row(l, "Current", String.format(Locale.ROOT, "%s x%d", link.speed().label(), link.width())));
            rows.add(row(l, "Maximum", String.format(Locale.ROOT, "%s x%d", link.maxSpeed().label(), link.maxWidth())));
            rows.add(row(l, "Bandwidth", String.format(Locale.ROOT, "%.2f GB/s per direction", link.bandwidthGBps())));
            rows.add(row(l, "Downgraded", link.isDowngraded() ? "yes (GPUs lower idle links; check under load)" : "no"));
        }

        String loc = "Locality";
        rows.add(row(loc, "NUMA node", f.numaNode() == PciFunction.NUMA_UNKNOWN ? "unknown"
                : f.numaNode() < 0 ? "none reported (-1)" : Integer.toString(f.numaNode())));
        String cpus = f.localCpus();
        if (cpus != null) {
            rows.add(row(loc, "Local CPUs", cpus));
        }
        Integer group = f.iommuGroup();
        rows.add(row(loc, "IOMMU group", group == null ? "none (no IOMMU, or it is off)" : group.toString()));

        String a = "Access control (ACS)";
        Acs acs = f.acs();
        if (acs == null) {
            rows.add(row(a, "ACS", f.configBytes() >= 4096 ? "no ACS capability"
                    : "unknown (extended config space not read: " + f.configBytes() + " bytes)"));
        } else {
            rows.add(row(a, "ACSCap", acs.describeCapability()));
            rows.add(row(a, "ACSCtl", acs.describeControl()));
            rows.add(row(a, "Redirects P2P", acs.redirectsPeerToPeer() ? "yes: peer traffic goes up to the root complex"
                    : "no"));
        }

        String r = "Resources";
        for (Bar bar : f.bars()) {
            rows.add(row(r, bar.name(), String.format(Locale.ROOT, "0x%x, %s, %s", bar.start(), size(bar.size()),
                    bar.typeDescription())));
        }
        String c = "Capabilities";
        for (Capability cap : f.capabilities()) {
            rows.add(row(c, String.format(Locale.ROOT, "[%03x]", cap.offset()), cap.name()
                    + (cap.extended() ? " v" + cap.version() : "")));
        }
        rows.add(row(c, "Config space read", f.configBytes() + " bytes"));
        return rows;
    }

    private static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%d %s", (long) v, units[u]);
    }
}
