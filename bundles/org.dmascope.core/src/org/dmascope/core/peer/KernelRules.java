package org.dmascope.core.peer;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The version of drivers/pci/p2pdma.c whose rules are applied. The decision itself
 * ({@code calc_map_type_and_dist()}) is the same from v5.14 on; what changed is how the host
 * bridge's device is found and the allow list.
 */
public enum KernelRules {
    /** v5.15: the host bridge's device must be 00.0; nine allow-list entries. */
    V5_15("5.15", false, HostBridgeAllowList.v5_15()),
    /** v5.19 to v7.0: a root port at any devfn also stands for its host bridge; 8086:09a2 listed. */
    V6_16("6.16", true, HostBridgeAllowList.v6_16()),
    /** v7.3: the allow list also has Intel accelerators, Google SoCs and NVIDIA Vera Rubin. */
    V7_3("7.3", true, HostBridgeAllowList.v7_3());

    /** The rules applied when nobody asks for a version: the newest release. */
    public static final KernelRules DEFAULT = V7_3;

    private final String version;
    private final boolean rootPortStandsForHostBridge;
    private final HostBridgeAllowList allowList;

    KernelRules(String version, boolean rootPortStandsForHostBridge, HostBridgeAllowList allowList) {
        this.version = version;
        this.rootPortStandsForHostBridge = rootPortStandsForHostBridge;
        this.allowList = allowList;
    }

    /** "6.16". */
    public String version() {
        return version;
    }

    /** Whether {@code pci_host_bridge_dev()} accepts a root port at any devfn (v5.19 and later). */
    public boolean rootPortStandsForHostBridge() {
        return rootPortStandsForHostBridge;
    }

    /** The allow list. */
    public HostBridgeAllowList allowList() {
        return allowList;
    }

    /** The rules for a version string such as "5.15", "6.16", "7.3" (or "v6.16"). */
    public static Optional<KernelRules> forVersion(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        String bare = v.startsWith("v") ? v.substring(1) : v;
        return Arrays.stream(values()).filter(r -> r.version.equals(bare)).findFirst();
    }
}
