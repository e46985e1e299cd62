package org.dmascope.core.pciids;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import org.dmascope.core.topology.PciFunction;

/**
 * Names for functions in the forms lspci prints ({@code pci_lookup_name} in pciutils): known
 * vendor and device give "Vendor Device"; an unknown vendor gives "Device vvvv:dddd"; a known
 * vendor with an unknown device gives "Vendor Device dddd".
 */
public final class PciNames {

    /** How names are written, as lspci's {@code -n} count selects. */
    public enum Mode {
        /** Names only (no {@code -n}). */
        NAMES,
        /** Numbers only ({@code -n}). */
        NUMERIC,
        /** Names followed by the numbers in brackets ({@code -nn}). */
        MIXED
    }

    // pciutils formats into a 256-byte buffer and marks a cut with "...".
    private static final int MAX_BYTES = 255;

    private final PciIds ids;

    /** Names from this database. */
    public PciNames(PciIds ids) {
        this.ids = ids;
    }

    /** The database behind the names. */
    public PciIds ids() {
        return ids;
    }

    /** Vendor and device, as lspci's tree and default listing print them. */
    public String vendorDevice(int vendorId, int deviceId, Mode mode) {
        String num = String.format(Locale.ROOT, "%04x:%04x", vendorId, deviceId);
        if (mode == Mode.NUMERIC) {
            return num;
        }
        Optional<String> v = ids.vendor(vendorId);
        Optional<String> d = ids.device(vendorId, deviceId);
        String text;
        if (v.isPresent() && d.isPresent()) {
            text = v.get() + " " + d.get() + (mode == Mode.MIXED ? " [" + num + "]" : "");
        } else if (v.isEmpty()) {
            text = mode == Mode.MIXED ? "Device [" + num + "]" : "Device " + num;
        } else {
            text = mode == Mode.MIXED ? v.get() + " Device [" + num + "]"
                    : v.get() + String.format(Locale.ROOT, " Device %04x", deviceId);
        }
        return truncate(text);
    }

    /** Vendor and device of a function, names only. */
    public String describe(PciFunction function) {
        return vendorDevice(function.vendorId(), function.deviceId(), Mode.NAMES);
    }

    /** The vendor's name, or "Vendor vvvv". */
    public String vendor(int vendorId) {
        return ids.vendor(vendorId).orElse(String.format(Locale.ROOT, "Vendor %04x", vendorId));
    }

    /** The device's name, or "Device dddd". */
    public String device(int vendorId, int deviceId) {
        return ids.device(vendorId, deviceId).orElse(String.format(Locale.ROOT, "Device %04x", deviceId));
    }

    /** The subsystem's name if the database lists it. */
    public Optional<String> subsystem(PciFunction function) {
        if (function.subsystemVendorId() < 0) {
            return Optional.empty();
        }
        return ids.subsystem(function.vendorId(), function.deviceId(), function.subsystemVendorId(),
                function.subsystemDeviceId());
    }

    /**
     * The class as lspci names it: the subclass name ("PCI bridge"), else the base class name
     * with the number ("Bridge [0680]"), else "Class cccc".
     */
    public String className(int classCode) {
        int base = classCode >> 16 & 0xff;
        int sub = classCode >> 8 & 0xff;
        Optional<String> s = ids.subclass(base, sub);
        if (s.isPresent()) {
            return s.get();
        }
        Optional<String> b = ids.baseClass(base);
        String num = String.format(Locale.ROOT, "%04x", classCode >> 8);
        return b.map(n -> n + " [" + num + "]").orElse("Class " + num);
    }

    /** The programming interface's name, if the database lists it. */
    public Optional<String> programmingInterface(int classCode) {
        return ids.programmingInterface(classCode >> 16 & 0xff, classCode >> 8 & 0xff, classCode & 0xff);
    }

    private static String truncate(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_BYTES) {
            return text;
        }
        // Cut at a character boundary at or below 252 bytes, then mark the cut.
        int cut = MAX_BYTES - 3;
        while (cut > 0 && (bytes[cut] & 0xc0) == 0x80) {
            cut--;
        }
        return new String(bytes, 0, cut, StandardCharsets.UTF_8) + "...";
    }
}
