package org.dmascope.core.topology;

import java.util.Locale;
import java.util.Optional;

/**
 * The machine's CPUs as far as a source tells: vendor, family and model (x86 CPUID numbers) and
 * architecture. Peer-to-peer rules depend on it: Linux allows P2P through the host bridge of
 * AMD Zen (family 0x17) and newer; NCCL picks its inter-socket bandwidth by vendor and model.
 *
 * @param vendor the vendor
 * @param family CPUID family, -1 when unknown
 * @param model  CPUID model, -1 when unknown
 * @param arch   architecture as the source names it ("x86_64", "aarch64", "ppc64"), "" when unknown
 */
public record CpuInfo(CpuVendor vendor, int family, int model, String arch) {

    /** Nothing known about the CPU (lspci dumps, for example). */
    public static final CpuInfo UNKNOWN = new CpuInfo(CpuVendor.UNKNOWN, -1, -1, "");

    /** The names of the CPUs one can assume instead of the source's: {@code amd-zen}, {@code intel}, {@code other}. */
    public static final java.util.List<String> ASSUMPTIONS = java.util.List.of("amd-zen", "intel", "other");

    /**
     * The CPU to assume by name: {@code amd-zen} (AMD family 0x17), {@code intel} or {@code other}
     * (neither), case-insensitive.
     *
     * @return the CPU, empty for a name not in {@link #ASSUMPTIONS}
     */
    public static Optional<CpuInfo> assumed(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "amd-zen":
                return Optional.of(new CpuInfo(CpuVendor.AMD, 0x17, -1, "x86_64"));
            case "intel":
                return Optional.of(new CpuInfo(CpuVendor.INTEL, 6, -1, "x86_64"));
            case "other":
                return Optional.of(new CpuInfo(CpuVendor.OTHER, -1, -1, ""));
            default:
                return Optional.empty();
        }
    }

    /** Whether anything is known. */
    public boolean isKnown() {
        return vendor != CpuVendor.UNKNOWN;
    }

    /**
     * The kernel's rule in drivers/pci/p2pdma.c ({@code cpu_supports_p2pdma()}): an x86 AMD CPU
     * of family 0x17 (Zen) or newer supports P2P DMA through the host bridge.
     */
    public boolean isAmdZenOrNewer() {
        return vendor == CpuVendor.AMD && family >= 0x17;
    }

    /** "AMD family 0x19 model 0x01 (x86_64)", or "unknown CPU". */
    public String describe() {
        if (!isKnown()) {
            return "unknown CPU";
        }
        StringBuilder sb = new StringBuilder(vendor.displayName());
        if (family >= 0) {
            sb.append(String.format(Locale.ROOT, " family 0x%x", family));
        }
        if (model >= 0) {
            sb.append(String.format(Locale.ROOT, " model 0x%x", model));
        }
        if (!arch.isEmpty()) {
            sb.append(" (").append(arch).append(')');
        }
        return sb.toString();
    }
}
