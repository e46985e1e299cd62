package org.dmascope.diagnose.log;

import java.util.regex.Pattern;

/**
 * The kernel messages DMA Scope recognises, each with the pattern of the kernel's own format
 * string. A pattern is matched against the message text after the device prefix
 * {@code dev_printk()} adds ("pci 0000:00:01.0: "), so {@code pci_warn()} and {@code pr_warn()}
 * forms match alike.
 */
public enum KernelMessage {
    /**
     * drivers/pci/p2pdma.c, {@code calc_map_type_and_dist()} (v5.10 on; before v5.10 prefixed by
     * "cannot be used for peer-to-peer DMA as "): {@code "ACS redirect is set between the client
     * and provider (%s)"}, printed for the client.
     */
    P2PDMA_ACS_REDIRECT("(?:cannot be used for peer-to-peer DMA as )?ACS redirect is set between the client and provider "
            + "\\((?<provider>[0-9a-fA-F:.]+)\\)"),
    /** drivers/pci/p2pdma.c (newest kernels): {@code "ACS blocks the direct P2P path to provider %s at %s"}. */
    P2PDMA_ACS_BLOCKS("ACS blocks the direct P2P path to provider (?<provider>[0-9a-fA-F:.]+) at (?<bridge>[0-9a-fA-F:.]+)"),
    /**
     * drivers/pci/p2pdma.c: {@code "to disable ACS redirect for this path, add the kernel
     * parameter: pci=disable_acs_redir=%s"} ("ACS controls" in the newest kernels); the list is
     * the culprit bridges joined by ';'.
     */
    P2PDMA_DISABLE_ACS_REDIR("to disable ACS (?:redirect|controls) for this path, add the kernel parameter: "
            + "pci=disable_acs_redir=(?<list>\\S+)"),
    /**
     * drivers/pci/p2pdma.c: {@code "cannot be used for peer-to-peer DMA as the client and provider
     * (%s) do not share an upstream bridge or whitelisted host bridge"} (before v5.10 without "or
     * whitelisted host bridge"; the newest kernels add HMAT).
     */
    P2PDMA_NOT_SUPPORTED("cannot be used for peer-to-peer DMA as the client and provider \\((?<provider>[0-9a-fA-F:.]+)\\) "
            + "do not share an upstream bridge(?<rest>.*)"),
    /** drivers/pci/p2pdma.c, {@code __host_bridge_whitelist()}: {@code "Host bridge not in P2PDMA whitelist: %04x:%04x"}. */
    P2PDMA_HOST_BRIDGE_NOT_LISTED("Host bridge not in P2PDMA whitelist: (?<vendor>[0-9a-fA-F]{4}):(?<deviceId>[0-9a-fA-F]{4})"),
    /**
     * drivers/iommu/amd/iommu.c, {@code amd_iommu_report_page_fault()}: {@code "Event logged
     * [IO_PAGE_FAULT domain=0x%04x address=0x%llx flags=0x%04x]"} for a known device, or with
     * {@code device=%04x:%02x:%02x.%x} (older kernels {@code %02x:%02x.%x}) otherwise.
     */
    AMD_IOMMU_PAGE_FAULT("(?:AMD-Vi: )?Event logged \\[IO_PAGE_FAULT (?:device=(?<fault>(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:"
            + "[0-9a-fA-F]{2}\\.[0-7]) )?domain=(?<domain>0x[0-9a-fA-F]+) address=(?<address>0x[0-9a-fA-F]+) "
            + "flags=(?<flags>0x[0-9a-fA-F]+)\\]"),
    /**
     * drivers/iommu/intel/dmar.c, {@code dmar_fault_do_one()}: {@code "[%s NO_PASID] Request
     * device [%02x:%02x.%d] fault addr 0x%llx [fault reason 0x%02x] %s"} (with "PASID 0x%x", and
     * the older forms without "0x"), pr_fmt "DMAR: ".
     */
    INTEL_DMAR_FAULT("(?:DMAR: ?)?\\[(?<type>DMA Read|DMA Write|INTR-REMAP)[^\\]]*\\] Request device \\[(?:0x)?(?<bus>[0-9a-fA-F]{2}):"
            + "(?:0x)?(?<slot>[0-9a-fA-F]{2})\\.(?<fn>[0-7])\\](?: PASID \\S+)? fault (?:addr|index) (?:0x)?(?<address>[0-9a-fA-F]+)"
            + "(?: \\[fault reason (?:0x)?(?<reason>[0-9a-fA-F]+)h?\\] ?(?<why>.*))?"),
    /**
     * drivers/iommu/iommu.c, {@code iommu_subsys_init()}: {@code "Default domain type: %s%s"},
     * pr_fmt "iommu: ": Translated, Passthrough, with " (set via kernel command line)".
     */
    IOMMU_DEFAULT_DOMAIN("(?:iommu: )?Default domain type: (?<type>\\S+)(?<how>.*)"),
    /** drivers/iommu/intel/iommu.c: {@code "IOMMU enabled"}, pr_fmt "DMAR: ". */
    INTEL_IOMMU_ENABLED("DMAR: IOMMU enabled"),
    /** drivers/iommu/amd/init.c: the AMD IOMMU found and initialised ("AMD-Vi: Found IOMMU cap 0x40" and kin). */
    AMD_IOMMU_FOUND("AMD-Vi: (?:Found IOMMU|Interrupt remapping enabled|AMD IOMMUv2)(?<rest>.*)"),
    /**
     * The out-of-tree pcie_acs_override patch (Arch, Proxmox and others): {@code "Warning: PCIe ACS
     * overrides enabled; This may allow non-IOMMU protected peer-to-peer DMA"}.
     */
    PCIE_ACS_OVERRIDE("(?:Warning: )?PCIe ACS overrides enabled(?<rest>.*)"),
    /**
     * nvidia-peermem (kernel-open/nvidia-peermem/nvidia-peermem.c) and Mellanox nv_peer_mem:
     * {@code peer_err()} prints {@code "nvidia-peermem %s:%d " FMT} (function and line); the
     * free callback's messages are {@code "nv_get_p2p_free_callback -- ..."}.
     */
    PEERMEM_FREE_CALLBACK("(?<module>nvidia-peermem|nv_mem|nv_peer_mem) (?<function>nv_get_p2p_free_callback):(?<srcline>\\d+) "
            + "(?<detail>.*)"),
    /** Any other nvidia-peermem / nv_peer_mem {@code peer_err()} message. */
    PEERMEM_ERROR("(?<module>nvidia-peermem|nv_mem|nv_peer_mem) (?<function>\\w+):(?<srcline>\\d+) (?<detail>.*)"),
    /**
     * kernel/module/version.c, {@code check_version()}: {@code "%s: disagrees about version of
     * symbol %s"}: a module built against another ib_core (an OFED update) refuses to load.
     */
    MODULE_SYMBOL_VERSION("(?<module>[\\w-]+): disagrees about version of symbol (?<symbol>\\S+)"),
    /** kernel/module/main.c, {@code resolve_symbol_wait()}: {@code "%s: Unknown symbol %s (err %d)"}. */
    MODULE_UNKNOWN_SYMBOL("(?<module>[\\w-]+): Unknown symbol (?<symbol>\\S+) \\(err (?<err>-?\\d+)\\)"),
    /** init/main.c: {@code "Kernel command line: %s"} (x86 also prints "Command line: %s"). */
    COMMAND_LINE("(?:Kernel command line|Command line): (?<cmdline>.*)"),
    /** A line DMA Scope does not interpret; it is kept as it is. */
    OTHER(null);

    private final @org.eclipse.jdt.annotation.Nullable Pattern pattern;

    KernelMessage(@org.eclipse.jdt.annotation.Nullable String regex) {
        this.pattern = regex == null ? null : Pattern.compile(regex);
    }

    /** The pattern of the message text, null for {@link #OTHER}. */
    @org.eclipse.jdt.annotation.Nullable
    Pattern pattern() {
        return pattern;
    }

    /** Whether the message is about peer-to-peer DMA, the IOMMU or GPU peer memory (not {@link #OTHER}). */
    public boolean recognised() {
        return this != OTHER;
    }
}
