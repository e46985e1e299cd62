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

    /** The kernel version whose P2PDMA rules the peer views apply ("5.15", "6.16", "7.3"). */
    public static final String KERNEL_VERSION = "kernelVersion";

    /**
     * The CPU to assume for the kernel's host bridge rule: {@value #CPU_AS_READ} (what the
     * source says), "amd-zen", "intel" or "other".
     */
    public static final String CPU_ASSUMPTION = "cpuAssumption";

    /** The value of {@link #CPU_ASSUMPTION} that keeps the source's CPU. */
    public static final String CPU_AS_READ = "as-read";

    private PreferenceConstants() {
    }
}
