package org.dmascope.sources.nccl;

import java.util.BitSet;
import java.util.Locale;
import java.util.regex.Pattern;

import org.dmascope.core.topology.CpuVendor;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.PciAddress;
import org.eclipse.jdt.annotation.Nullable;

/** How NCCL writes values into its topology XML, and what they mean. */
final class NcclValues {

    /** The class code of a PCI-to-PCI bridge, which NCCL takes as a PCI switch. */
    static final int BRIDGE_CLASS = 0x060400;

    // RDMA device names as the kernel's drivers register them (ibv_devices); NCCL's IB
    // transport names its devices so, its socket transport uses interface names (eth0).
    private static final Pattern RDMA_NAME = Pattern.compile(
            "(mlx4_|mlx5_|irdma|bnxt_re|rdmap|efa_|hfi1_|qedr|erdma|rxe|siw|ionic_|hns_).*");

    private NcclValues() {
    }

    /**
     * An integer as NCCL reads one ({@code strtol(value, NULL, 0)} in xml.h): decimal, hex
     * with 0x, octal with a leading 0. Unlike strtol, trailing text makes it unreadable.
     *
     * @return the value, or null when the text is empty or not such a number
     */
    static @Nullable Integer cInt(@Nullable String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        int radix = 10;
        if (t.startsWith("0x") || t.startsWith("0X")) {
            radix = 16;
            t = t.substring(2);
        } else if (t.length() > 1 && t.startsWith("0")) {
            radix = 8;
            t = t.substring(1);
        }
        if (t.isEmpty() || t.startsWith("-") || t.startsWith("+")) {
            return null;
        }
        try {
            long value = Long.parseLong(t, radix);
            value = negative ? -value : value;
            return value < Integer.MIN_VALUE || value > Integer.MAX_VALUE ? null : (int) value;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A hexadecimal number as sysfs writes IDs and class codes ({@code 0x10de}); the prefix
     * may be left out.
     *
     * @return the value, or null when the text is not such a number
     */
    static @Nullable Integer hex(String text) {
        String t = text.trim();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        if (t.isEmpty() || t.length() > 8 || t.startsWith("-") || t.startsWith("+")) {
            return null;
        }
        try {
            return (int) Long.parseLong(t, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The CPUID family for NCCL's {@code familyid}. NCCL writes the base family plus the
     * extended family shifted left by four ({@code ncclTopoGetXmlFromCpu()} in xml.cc), so
     * AMD Zen 3, CPUID family 0xF + 0xA = 0x19, is written 175 (0xAF). Files written by hand
     * give the CPUID family itself (23 for Zen 2); only a base family of 0xF carries an
     * extended one, so other values are taken as they are.
     */
    static int cpuidFamily(int familyid) {
        int base = familyid & 0xf;
        int extended = familyid >> 4;
        return base == 0xf && extended > 0 ? base + extended : familyid;
    }

    /**
     * The CPU vendor from NCCL's {@code vendor} (the CPUID vendor string, written on x86 only)
     * and, where that is absent, from {@code arch} ("arm64", "ppc64").
     */
    static CpuVendor cpuVendor(@Nullable String vendor, @Nullable String arch) {
        // "  Shanghai  " (Zhaoxin) has spaces of its own: parse trims them.
        CpuVendor v = vendor == null ? CpuVendor.UNKNOWN : CpuVendor.parse(vendor);
        if (v != CpuVendor.UNKNOWN || arch == null) {
            return v;
        }
        String a = arch.trim().toLowerCase(Locale.ROOT);
        if (a.equals("arm64") || a.equals("aarch64")) {
            return CpuVendor.ARM;
        }
        if (a.startsWith("ppc64")) {
            return CpuVendor.POWER;
        }
        return CpuVendor.UNKNOWN;
    }

    /**
     * What NCCL takes the far end of an NVLink to be from its {@code tclass}
     * ({@code ncclTopoAddNvLinks()} in topo.cc): a display controller (0x03...) is a GPU, the
     * IBM NPU class 0x068001 a CPU, and anything else NCCL connects to its NVSwitch node.
     */
    static NvLink.Target nvLinkTarget(String tclass) {
        String c = tclass.trim().toLowerCase(Locale.ROOT);
        if (c.startsWith("0x03")) {
            return NvLink.Target.GPU;
        }
        if (c.startsWith("0x068001")) {
            return NvLink.Target.CPU;
        }
        return NvLink.Target.NVSWITCH;
    }

    /** Whether NCCL itself would name this tclass (0x03..., 0x068000, 0x068001). */
    static boolean isKnownTargetClass(String tclass) {
        String c = tclass.trim().toLowerCase(Locale.ROOT);
        return c.startsWith("0x03") || c.startsWith("0x068000") || c.startsWith("0x068001");
    }

    /** Whether a network device name is that of an RDMA device (mlx5_0) rather than an interface. */
    static boolean isRdmaName(String name) {
        return RDMA_NAME.matcher(name).matches();
    }

    /** Whether the bus of an address is the one NCCL files' authors use for placeholder switches. */
    static boolean isPlaceholderBus(PciAddress address) {
        return address.domain() == 0xffff && address.bus() == 0xff;
    }

    /**
     * The CPU list ({@code 0-23,48-71}, as sysfs {@code local_cpulist} writes it) for a CPU
     * mask as NCCL writes {@code affinity} (sysfs {@code cpumap}: 32-bit hex words, most
     * significant first, separated by commas).
     *
     * @return the list ("" for an empty mask), or null when the text is not a mask
     */
    static @Nullable String cpuList(String mask) {
        String[] words = mask.trim().split(",", -1);
        BitSet cpus = new BitSet();
        for (int w = 0; w < words.length; w++) {
            String word = words[words.length - 1 - w].trim();
            if (word.isEmpty() || word.length() > 8 || !word.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return null;
            }
            long bits = Long.parseLong(word, 16);
            for (int b = 0; b < 32; b++) {
                if ((bits >> b & 1) != 0) {
                    cpus.set(w * 32 + b);
                }
            }
        }
        StringBuilder list = new StringBuilder();
        for (int first = cpus.nextSetBit(0); first >= 0; first = cpus.nextSetBit(cpus.nextClearBit(first))) {
            int last = cpus.nextClearBit(first) - 1;
            if (list.length() > 0) {
                list.append(',');
            }
            list.append(first);
            if (last > first) {
                list.append('-').append(last);
            }
        }
        return list.toString();
    }
}
