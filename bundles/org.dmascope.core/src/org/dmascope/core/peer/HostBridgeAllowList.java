package org.dmascope.core.peer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The kernel's P2PDMA host bridge allow list ({@code pci_p2pdma_whitelist[]} in
 * drivers/pci/p2pdma.c) for one kernel version. The first entry whose vendor and device match
 * the host bridge's device decides.
 */
public final class HostBridgeAllowList {

    /** PCI_ANY_ID as a device ID: any device of the vendor (v7.1 and later). */
    public static final int ANY_DEVICE = -1;

    /**
     * One entry.
     *
     * @param vendor               PCI vendor ID
     * @param device               PCI device ID, or {@link #ANY_DEVICE}
     * @param requireSameHostBridge the {@code REQ_SAME_HOST_BRIDGE} flag: allowed only when both
     *                             devices are below this same host bridge
     * @param comment              what the kernel's comment says the entry is
     */
    public record Entry(int vendor, int device, boolean requireSameHostBridge, String comment) {

        /** Whether the entry matches a host bridge device. */
        public boolean matches(int vendorId, int deviceId) {
            return vendor == vendorId && (device == ANY_DEVICE || device == deviceId);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%04x:%s%s (%s)", vendor,
                    device == ANY_DEVICE ? "any" : String.format(Locale.ROOT, "%04x", device),
                    requireSameHostBridge ? " same host bridge only" : "", comment);
        }
    }

    private final List<Entry> entries;

    private HostBridgeAllowList(List<Entry> entries) {
        this.entries = Collections.unmodifiableList(new ArrayList<>(entries));
    }

    /** The entries in table order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The first entry matching the device, if any. */
    public Optional<Entry> match(int vendor, int device) {
        return entries.stream().filter(e -> e.matches(vendor, device)).findFirst();
    }

    private static final int INTEL = 0x8086;

    /** v5.15: Sandy Bridge-EP and Haswell-EP (same host bridge only), Skylake-E. */
    static HostBridgeAllowList v5_15() {
        return new HostBridgeAllowList(base(false));
    }

    /** v5.19 to v7.0: as v5.15 plus 8086:09a2 (3rd Gen Xeon Scalable and later). */
    static HostBridgeAllowList v6_16() {
        return new HostBridgeAllowList(base(true));
    }

    /**
     * v7.3: v7.0 plus Intel QAT, DSA and IAA devices, Google SoCs (any device, v7.1) and NVIDIA
     * Vera Rubin.
     */
    static HostBridgeAllowList v7_3() {
        List<Entry> e = base(true);
        for (int d : new int[] {0x0b25, 0x0cfe, 0x11fb, 0x1212, 0x1216, 0x4940, 0x4942, 0x4944, 0x4946, 0x4948}) {
            e.add(new Entry(INTEL, d, false, "Intel QAT, DSA or IAA"));
        }
        e.add(new Entry(0x1ae0, ANY_DEVICE, false, "Google SoCs"));
        for (int d : new int[] {0x2f95, 0x2f96, 0x2f97, 0x2f98}) {
            e.add(new Entry(0x10de, d, false, "NVIDIA Vera Rubin"));
        }
        return new HostBridgeAllowList(e);
    }

    private static List<Entry> base(boolean iceLake) {
        List<Entry> e = new ArrayList<>();
        e.add(new Entry(INTEL, 0x3c00, true, "Intel Xeon E5 / Core i7 (Sandy Bridge-EP)"));
        e.add(new Entry(INTEL, 0x3c01, true, "Intel Xeon E5 / Core i7 (Sandy Bridge-EP)"));
        e.add(new Entry(INTEL, 0x2f00, true, "Intel Xeon E7 v3 / Xeon E5 v3 / Core i7 (Haswell-EP)"));
        e.add(new Entry(INTEL, 0x2f01, true, "Intel Xeon E7 v3 / Xeon E5 v3 / Core i7 (Haswell-EP)"));
        e.add(new Entry(INTEL, 0x2030, false, "Intel Skylake-E root port A"));
        e.add(new Entry(INTEL, 0x2031, false, "Intel Skylake-E root port B"));
        e.add(new Entry(INTEL, 0x2032, false, "Intel Skylake-E root port C"));
        e.add(new Entry(INTEL, 0x2033, false, "Intel Skylake-E root port D"));
        e.add(new Entry(INTEL, 0x2020, false, "Intel Skylake-E"));
        if (iceLake) {
            e.add(new Entry(INTEL, 0x09a2, false, "Intel 3rd Gen Xeon Scalable and later"));
        }
        return e;
    }
}
