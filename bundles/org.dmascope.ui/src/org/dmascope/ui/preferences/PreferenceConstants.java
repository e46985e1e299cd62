package org.dmascope.ui.preferences;

/** Keys of DMA Scope's preferences (instance scope, node {@value #PLUGIN_ID}). */
public final class PreferenceConstants {

    /** The preference node. */
    public static final String PLUGIN_ID = "org.dmascope.ui";

    /**
     * Where the live host's sysfs is mounted: {@code /sys}, or the host's sysfs bind-mounted
     * into a container.
     */
    public static final String LIVE_SYSFS_ROOT = "liveSysfsRoot";

    /** The PCI ID database; empty means the first standard location that exists. */
    public static final String PCI_IDS_FILE = "pciIdsFile";

    /** Whether the Topology view shows vendor:device numbers next to names. */
    public static final String SHOW_NUMERIC_IDS = "showNumericIds";

    private PreferenceConstants() {
    }
}
