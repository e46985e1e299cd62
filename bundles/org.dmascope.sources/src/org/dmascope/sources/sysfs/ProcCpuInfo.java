package org.dmascope.sources.sysfs;

import java.util.HashMap;
import java.util.Map;

import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.CpuVendor;

/** Reads the CPU vendor, family and model from /proc/cpuinfo (the first processor's block). */
final class ProcCpuInfo {

    private ProcCpuInfo() {
    }

    /**
     * The CPU described by the text of /proc/cpuinfo.
     *
     * @param text the file's content
     * @param arch the architecture, when the reader knows it ("" otherwise)
     */
    static CpuInfo parse(String text, String arch) {
        Map<String, String> first = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                if (!first.isEmpty()) {
                    break;
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                first.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        String vendorId = first.getOrDefault("vendor_id", "");
        CpuVendor vendor = CpuVendor.parse(vendorId);
        if (vendor == CpuVendor.UNKNOWN && first.containsKey("CPU implementer")) {
            vendor = CpuVendor.ARM; // arm64 kernels print the implementer instead of a vendor string
        } else if (vendor == CpuVendor.UNKNOWN && first.getOrDefault("cpu", "").startsWith("POWER")) {
            vendor = CpuVendor.POWER;
        }
        return new CpuInfo(vendor, number(first.get("cpu family")), number(first.get("model")), arch);
    }

    private static int number(String text) {
        if (text == null) {
            return -1;
        }
        try {
            return text.startsWith("0x") ? Integer.parseInt(text.substring(2), 16) : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
