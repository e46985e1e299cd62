package org.dmascope.core.pciids;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.jdt.annotation.Nullable;

/**
 * The PCI ID database ({@code pci.ids}, as shipped by Debian's pci.ids package and used by
 * lspci): names of vendors, devices, subsystems and classes. Immutable once parsed.
 *
 * <p>Format: a vendor line is four hex digits, two spaces and a name; a device line is a tab
 * and the same; a subsystem line is two tabs, subvendor and subdevice, and a name. Class
 * lines start with {@code C}, followed by tab-indented subclasses and double-tab programming
 * interfaces. {@code #} starts a comment.
 */
public final class PciIds {

    private static final PciIds EMPTY = new PciIds("(none)", null, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
            Map.of(), 0);

    private final String origin;
    private final @Nullable String version;
    private final Map<Integer, String> vendors;
    private final Map<Integer, String> devices;
    private final Map<Long, String> subsystems;
    private final Map<Integer, String> classes;
    private final Map<Integer, String> subclasses;
    private final Map<Integer, String> progIfs;
    private final int skippedLines;

    private PciIds(String origin, @Nullable String version, Map<Integer, String> vendors, Map<Integer, String> devices,
            Map<Long, String> subsystems, Map<Integer, String> classes, Map<Integer, String> subclasses,
            Map<Integer, String> progIfs, int skippedLines) {
        this.origin = origin;
        this.version = version;
        this.vendors = vendors;
        this.devices = devices;
        this.subsystems = subsystems;
        this.classes = classes;
        this.subclasses = subclasses;
        this.progIfs = progIfs;
        this.skippedLines = skippedLines;
    }

    /** A database that knows no names: lookups fall back to numbers. */
    public static PciIds empty() {
        return EMPTY;
    }

    /**
     * Parses a database. Lines that fit no rule are skipped and counted (see
     * {@link #skippedLines()}), so one bad line does not cost every name.
     *
     * @param reader the text
     * @param origin where it came from, for messages
     */
    public static PciIds parse(Reader reader, String origin) throws IOException {
        Map<Integer, String> vendors = new HashMap<>();
        Map<Integer, String> devices = new HashMap<>();
        Map<Long, String> subsystems = new HashMap<>();
        Map<Integer, String> classes = new HashMap<>();
        Map<Integer, String> subclasses = new HashMap<>();
        Map<Integer, String> progIfs = new HashMap<>();
        String version = null;
        int skipped = 0;
        // Context: the vendor or class the indented lines below belong to; -1 for none.
        int vendor = -1;
        int device = -1;
        int clazz = -1;
        int subclass = -1;
        boolean inClasses = false;
        boolean inOtherSection = false;
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        String line;
        while ((line = in.readLine()) != null) {
            // As lspci reads it: cut at a carriage return, drop one trailing blank.
            int cr = line.indexOf('\r');
            if (cr >= 0) {
                line = line.substring(0, cr);
            }
            if (!line.isEmpty() && (line.endsWith(" ") || line.endsWith("\t"))) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.stripLeading().startsWith("#")) {
                int at = line.indexOf("Version:");
                if (version == null && at > 0) {
                    version = line.substring(at + "Version:".length()).trim();
                }
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            int tabs = 0;
            while (tabs < line.length() && line.charAt(tabs) == '\t') {
                tabs++;
            }
            String body = line.substring(tabs);
            if (tabs == 0) {
                device = -1;
                subclass = -1;
                if (body.length() > 1 && body.charAt(0) == 'C' && isBlank(body.charAt(1))) {
                    inClasses = true;
                    inOtherSection = false;
                    Entry e = entry(body.substring(2), 2);
                    clazz = e == null ? -1 : e.id;
                    if (e != null) {
                        classes.putIfAbsent(e.id, e.name);
                    } else {
                        skipped++;
                    }
                } else if (body.length() > 1 && body.charAt(0) >= 'A' && body.charAt(0) <= 'Z' && isBlank(body.charAt(1))) {
                    // Other sections (device-independent subclasses, "X" etc.): not used here.
                    inOtherSection = true;
                    inClasses = false;
                } else {
                    inClasses = false;
                    inOtherSection = false;
                    Entry e = entry(body, 4);
                    vendor = e == null ? -1 : e.id;
                    if (e != null) {
                        vendors.putIfAbsent(e.id, e.name);
                    } else {
                        skipped++;
                    }
                }
                continue;
            }
            if (inOtherSection) {
                continue;
            }
            if (inClasses) {
                if (tabs == 1 && clazz >= 0) {
                    Entry e = entry(body, 2);
                    subclass = e == null ? -1 : e.id;
                    if (e != null) {
                        subclasses.putIfAbsent(clazz << 8 | e.id, e.name);
                    } else {
                        skipped++;
                    }
                } else if (tabs == 2 && subclass >= 0) {
                    Entry e = entry(body, 2);
                    if (e != null) {
                        progIfs.putIfAbsent(clazz << 16 | subclass << 8 | e.id, e.name);
                    } else {
                        skipped++;
                    }
                } else {
                    skipped++;
                }
                continue;
            }
            if (tabs == 1 && vendor >= 0) {
                Entry e = entry(body, 4);
                device = e == null ? -1 : e.id;
                if (e != null) {
                    devices.putIfAbsent(vendor << 16 | e.id, e.name);
                } else {
                    skipped++;
                }
            } else if (tabs == 2 && device >= 0) {
                // "ssss dddd  name"
                Integer subVendor = body.length() > 5 && isBlank(body.charAt(4)) ? hex(body.substring(0, 4)) : null;
                Entry sd = subVendor == null ? null : entry(body.substring(5), 4);
                if (subVendor != null && sd != null) {
                    subsystems.putIfAbsent(subsystemKey(vendor, device, subVendor, sd.id), sd.name);
                    continue;
                }
                skipped++;
            } else {
                skipped++;
            }
        }
        return new PciIds(origin, version, Map.copyOf(vendors), Map.copyOf(devices), Map.copyOf(subsystems),
                Map.copyOf(classes), Map.copyOf(subclasses), Map.copyOf(progIfs), skipped);
    }

    private record Entry(int id, String name) {
    }

    // "<digits><blank><name>": a fixed number of hex digits, one space or tab, then any
    // further blanks before the name, which is kept verbatim.
    private static @Nullable Entry entry(String body, int digits) {
        if (body.length() < digits + 2 || !isBlank(body.charAt(digits))) {
            return null;
        }
        Integer id = hex(body.substring(0, digits));
        if (id == null) {
            return null;
        }
        int at = digits + 1;
        while (at < body.length() && isBlank(body.charAt(at))) {
            at++;
        }
        String name = body.substring(at);
        return name.isEmpty() ? null : new Entry(id, name);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static @Nullable Integer hex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return null;
            }
        }
        return Integer.parseInt(s, 16);
    }

    private static long subsystemKey(int vendor, int device, int subVendor, int subDevice) {
        return (long) vendor << 48 | (long) device << 32 | (long) subVendor << 16 | subDevice;
    }

    /** Where the database was read from. */
    public String origin() {
        return origin;
    }

    /** The version from the file's header comment, if it has one. */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /** How many lines fit no rule and were skipped. */
    public int skippedLines() {
        return skippedLines;
    }

    /** Whether the database knows any vendor (false for {@link #empty()}). */
    public boolean isEmpty() {
        return vendors.isEmpty() && classes.isEmpty();
    }

    /** The vendor's name. */
    public Optional<String> vendor(int vendorId) {
        return Optional.ofNullable(vendors.get(vendorId));
    }

    /** The device's name. */
    public Optional<String> device(int vendorId, int deviceId) {
        return Optional.ofNullable(devices.get(vendorId << 16 | deviceId));
    }

    /** The subsystem's name, as listed under the device. */
    public Optional<String> subsystem(int vendorId, int deviceId, int subVendorId, int subDeviceId) {
        return Optional.ofNullable(subsystems.get(subsystemKey(vendorId, deviceId, subVendorId, subDeviceId)));
    }

    /** The base class's name ({@code C xx}). */
    public Optional<String> baseClass(int baseClass) {
        return Optional.ofNullable(classes.get(baseClass));
    }

    /** The subclass's name. */
    public Optional<String> subclass(int baseClass, int subclass) {
        return Optional.ofNullable(subclasses.get(baseClass << 8 | subclass));
    }

    /** The programming interface's name. */
    public Optional<String> programmingInterface(int baseClass, int subclass, int progIf) {
        return Optional.ofNullable(progIfs.get(baseClass << 16 | subclass << 8 | progIf));
    }
}
