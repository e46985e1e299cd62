package org.dmascope.core.topology;

import java.util.Locale;

/** Who made the CPUs, as CPUID's vendor string (and topology files) name them. */
public enum CpuVendor {
    /** "GenuineIntel". */
    INTEL("GenuineIntel", "Intel"),
    /** "AuthenticAMD". */
    AMD("AuthenticAMD", "AMD"),
    /** "HygonGenuine". */
    HYGON("HygonGenuine", "Hygon"),
    /** "CentaurHauls" or "  Shanghai  ". */
    ZHAOXIN("CentaurHauls", "Zhaoxin"),
    /** An Arm server CPU. */
    ARM("", "Arm"),
    /** IBM POWER. */
    POWER("", "POWER"),
    /** Named, but none of the above. */
    OTHER("", "other"),
    /** The source does not say. */
    UNKNOWN("", "unknown");

    private final String cpuid;
    private final String displayName;

    CpuVendor(String cpuid, String displayName) {
        this.cpuid = cpuid;
        this.displayName = displayName;
    }

    /** The vendor's name for people. */
    public String displayName() {
        return displayName;
    }

    /** The CPUID vendor string, empty where there is none. */
    public String cpuidString() {
        return cpuid;
    }

    /**
     * The vendor for a vendor string as /proc/cpuinfo, hwloc ({@code CPUVendor}) or NCCL's
     * topology XML ({@code vendor}) write it; "" gives {@link #UNKNOWN}.
     */
    public static CpuVendor parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return UNKNOWN;
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("genuineintel") || lower.equals("intel")) {
            return INTEL;
        }
        if (lower.equals("authenticamd") || lower.equals("amd")) {
            return AMD;
        }
        if (lower.equals("hygongenuine")) {
            return HYGON;
        }
        if (lower.equals("centaurhauls") || lower.equals("shanghai") || lower.equals("zhaoxin")) {
            return ZHAOXIN;
        }
        if (lower.startsWith("arm") || lower.equals("aarch64")) {
            return ARM;
        }
        if (lower.startsWith("power") || lower.equals("ibm")) {
            return POWER;
        }
        return OTHER;
    }
}
