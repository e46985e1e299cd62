package org.dmascope.core.topology;

import java.util.Locale;

/** One PCI bus in a domain, written as sysfs writes it under /sys/class/pci_bus ({@code 0000:00}). */
public record PciBus(int domain, int bus) implements Comparable<PciBus> {

    /** Checks the ranges. */
    public PciBus {
        if (domain < 0 || bus < 0 || bus > 0xff) {
            throw new IllegalArgumentException("not a PCI bus: domain " + domain + " bus " + bus);
        }
    }

    @Override
    public int compareTo(PciBus o) {
        return domain != o.domain ? Integer.compare(domain, o.domain) : Integer.compare(bus, o.bus);
    }

    // Spread as PciAddress spreads: hash tables index by the low bits.
    @Override
    public int hashCode() {
        long packed = (long) domain << 8 | bus;
        return (int) (packed * 0x9E3779B97F4A7C15L >>> 32);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%04x:%02x", domain, bus);
    }
}
