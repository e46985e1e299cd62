package org.dmascope.core.topology;

import java.util.Locale;

/**
 * A PCI host bridge: the root of one PCI hierarchy ({@code /sys/devices/pciDDDD:BB}), the
 * kernel's {@code struct pci_host_bridge}. Every function below it shares its root bus.
 *
 * @param rootBus  the bus the host bridge opens (its children sit on it)
 * @param numaNode the NUMA node of the root bus, -1 when the platform does not say
 */
public record HostBridge(PciBus rootBus, int numaNode) implements Comparable<HostBridge> {

    /** The name of the host bridge's sysfs directory, {@code pciDDDD:BB}. */
    public String sysfsName() {
        return String.format(Locale.ROOT, "pci%04x:%02x", rootBus.domain(), rootBus.bus());
    }

    @Override
    public int compareTo(HostBridge o) {
        return rootBus.compareTo(o.rootBus);
    }

    @Override
    public String toString() {
        return sysfsName();
    }
}
