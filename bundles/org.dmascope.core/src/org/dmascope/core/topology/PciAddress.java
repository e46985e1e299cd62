package org.dmascope.core.topology;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address of one PCI function: domain (segment), bus, device and function, written as the
 * kernel writes it in sysfs ({@code 0000:00:1c.0}).
 */
public record PciAddress(int domain, int bus, int device, int function) implements Comparable<PciAddress> {

    private static final Pattern FORM = Pattern.compile(
            "(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-7])");

    /** Checks the ranges the PCI specification allows (domain is 32 bits wide in Linux). */
    public PciAddress {
        if (domain < 0 || bus < 0 || bus > 0xff || device < 0 || device > 0x1f || function < 0 || function > 7) {
            throw new IllegalArgumentException("not a PCI address: domain " + domain + " bus " + bus
                    + " device " + device + " function " + function);
        }
    }

    /**
     * Parses {@code DDDD:BB:DD.F} or {@code BB:DD.F} (domain 0), case-insensitive.
     *
     * @throws IllegalArgumentException when the text is not a PCI address
     */
    public static PciAddress parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a PCI address (expected DDDD:BB:DD.F): " + text);
        }
        int domain = m.group(1) == null ? 0 : (int) Long.parseLong(m.group(1), 16);
        return new PciAddress(domain, Integer.parseInt(m.group(2), 16), Integer.parseInt(m.group(3), 16),
                Integer.parseInt(m.group(4)));
    }

    /** Whether the text has the form of a PCI address. */
    public static boolean isAddress(String text) {
        return FORM.matcher(text.trim()).matches();
    }

    /** The bus this function sits on. */
    public PciBus pciBus() {
        return new PciBus(domain, bus);
    }

    /** {@code DD.F}, the slot and function as lspci's tree prints them. */
    public String slotFunction() {
        return String.format(Locale.ROOT, "%02x.%x", device, function);
    }

    /** {@code BB:DD.F}, the form lspci prints for domain 0. */
    public String shortForm() {
        return String.format(Locale.ROOT, "%02x:%02x.%x", bus, device, function);
    }

    /** Same device, any function: the kernel's {@code PCI_SLOT()} identity. */
    public boolean sameDevice(PciAddress other) {
        return domain == other.domain && bus == other.bus && device == other.device;
    }

    @Override
    public int compareTo(PciAddress o) {
        if (domain != o.domain) {
            return Integer.compare(domain, o.domain);
        }
        // bus, device and function fit in 16 bits: compare them as one number.
        return Integer.compare(bus << 8 | device << 3 | function, o.bus << 8 | o.device << 3 | o.function);
    }

    // The address packed into one number (domain, bus, devfn), spread by a multiplicative hash:
    // addresses differ in their high bits (bus numbers), and hash tables index by the low ones.
    @Override
    public int hashCode() {
        long packed = (long) domain << 16 | bus << 8 | device << 3 | function;
        return (int) (packed * 0x9E3779B97F4A7C15L >>> 32);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, device, function);
    }
}
