package org.dmascope.diagnose.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.dmascope.core.memory.Sizes;
import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelP2pResult;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.P2pMapType;
import org.dmascope.core.peer.SmiClass;
import org.dmascope.core.peer.SmiClassifier;
import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.Bar;
import org.dmascope.core.topology.DeviceKind;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.diagnose.doctor.MachineFacts.Fact;
import org.dmascope.diagnose.log.KernelLog;
import org.dmascope.diagnose.log.KernelLogEntry;
import org.dmascope.diagnose.log.KernelMessage;
import org.dmascope.diagnose.machine.Machine;
import org.dmascope.diagnose.machine.MachineFiles;
import org.dmascope.diagnose.nccl.GdrDecision;
import org.dmascope.diagnose.nccl.NcclLog;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Runs every check on a machine and returns its findings, in the order of the checks: ACS
 * redirect between the DMA endpoints, the kernel's p2pdma refusals, the IOMMU mode and IOMMU
 * faults, GPUDirect RDMA, RLIMIT_MEMLOCK, GPU BAR1, link training, NUMA locality, and whether
 * the machine is a virtual machine. A pure function of the machine it is given.
 */
public final class Doctor {

    /** The checks, in the order they run. */
    public static final List<String> CHECKS = List.of("acs-redirect", "p2pdma-log", "iommu-mode", "iommu-faults",
            "gpudirect-rdma", "memlock", "bar1", "link-speed", "numa-locality", "virtual-machine");

    private static final int NVIDIA = 0x10de;
    // Vendors whose PCI functions only a hypervisor presents: virtio (Red Hat), Hyper-V, VMware,
    // QEMU's own devices, Xen.
    private static final Map<Integer, String> HYPERVISOR_VENDORS = Map.of(0x1af4, "virtio (Red Hat)", 0x1414,
            "Microsoft Hyper-V", 0x15ad, "VMware", 0x1234, "QEMU", 0x1b36, "QEMU (Red Hat)", 0x5853, "Xen");
    // Host bridges of machines QEMU emulates: i440FX and Q35.
    private static final Set<Integer> EMULATED_HOST_BRIDGES = Set.of(0x80861237, 0x808629c0);
    private static final long SMALL_BAR1 = 256L << 20;
    private static final int MAX_LINES = 10;

    private final Machine machine;
    private final PciTopology topology;
    private final MachineFacts facts;
    private final @Nullable Long mrSize;

    /**
     * @param machine the machine
     * @param mrSize  the size of the memory region the user means to register (bytes), or null
     */
    public Doctor(Machine machine, @Nullable Long mrSize) {
        this.machine = machine;
        this.topology = machine.topology();
        this.facts = new MachineFacts(machine);
        this.mrSize = mrSize;
    }

    /** Every check's findings. */
    public List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        out.addAll(acsRedirect());
        out.addAll(p2pdmaLog());
        out.addAll(iommuMode());
        out.addAll(iommuFaults());
        out.addAll(gpuDirectRdma());
        out.addAll(memlock());
        out.addAll(bar1());
        out.addAll(linkSpeed());
        out.addAll(numaLocality());
        out.addAll(virtualMachine());
        return out;
    }

    /** Whether any finding failed. */
    public static boolean failed(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.verdict() == Verdict.FAIL);
    }

    // ---------------------------------------------------------------- ACS redirect

    private List<PciFunction> dmaPeers() {
        return topology.functions().stream().filter(f -> !f.placeholder() && !f.isBridge())
                .filter(f -> f.kind() == DeviceKind.GPU || f.kind() == DeviceKind.NIC
                        || f.kind() == DeviceKind.INFINIBAND || f.kind() == DeviceKind.NVME)
                .filter(f -> f.classCode() >> 8 != 0x0380 || f.vendorId() == NVIDIA || f.kind() == DeviceKind.GPU)
                .toList();
    }

    /**
     * For every pair of GPUs, NICs and NVMe drives, the bridges whose ACS Control redirects
     * peer-to-peer requests, as drivers/pci/p2pdma.c {@code calc_map_type_and_dist()} walks them;
     * pairs with the same culprits are one finding.
     */
    List<Finding> acsRedirect() {
        String check = "acs-redirect";
        List<Finding> out = new ArrayList<>();
        List<PciFunction> peers = dmaPeers();
        KernelP2pEngine engine = new KernelP2pEngine(KernelRules.DEFAULT);
        Map<String, List<KernelP2pResult>> byCulprits = new LinkedHashMap<>();
        Set<PciAddress> unknown = new LinkedHashSet<>();
        int pairs = 0;
        for (int i = 0; i < peers.size(); i++) {
            for (int j = i + 1; j < peers.size(); j++) {
                KernelP2pResult r = engine.evaluate(topology, peers.get(i).address(), peers.get(j).address(), null);
                pairs++;
                unknown.addAll(r.acsUnknown());
                if (!r.acsRedirect().isEmpty()) {
                    byCulprits.computeIfAbsent(r.mapType() + " " + r.disableAcsRedir(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        for (List<KernelP2pResult> group : byCulprits.values()) {
            KernelP2pResult first = group.get(0);
            Set<String> devices = new LinkedHashSet<>();
            group.forEach(r -> {
                devices.add(r.provider().toString());
                devices.add(r.client().toString());
            });
            Set<PciAddress> culprits = new LinkedHashSet<>();
            group.forEach(r -> culprits.addAll(r.acsRedirect()));
            culprits.forEach(c -> devices.add(c.toString()));
            List<String> evidence = new ArrayList<>();
            for (PciAddress c : culprits) {
                evidence.add(acsEvidence(c));
            }
            for (KernelP2pResult r : group.subList(0, Math.min(group.size(), MAX_LINES))) {
                evidence.add("pair " + r.provider() + " -> " + r.client() + ": " + r.mapType().name()
                        + (r.mapType() == P2pMapType.NOT_SUPPORTED ? " (P2P DMA mapping fails with -EREMOTEIO)"
                                : ", through the root complex") + ", kernel distance " + r.distance());
            }
            if (group.size() > MAX_LINES) {
                evidence.add("... and " + (group.size() - MAX_LINES) + " more pairs with the same bridges");
            }
            evidence.addAll(logLines(KernelMessage.P2PDMA_DISABLE_ACS_REDIR, e -> culprits.stream()
                    .anyMatch(c -> e.fields().getOrDefault("list", "").contains(c.toString()))));
            List<String> setpci = culprits.stream()
                    .map(c -> "setpci -s " + c + " ECAP_ACS+0x6.w=0000:002c").toList();
            String fix = "Boot with the parameter the kernel suggests, " + first.disableAcsRedir()
                    + " (the kernel then clears Request Redirect, Completion Redirect and Egress Control on these"
                    + " bridges at boot), or clear them now as root: " + String.join("; ", setpci)
                    + " (value 0 under mask 0x2c: ReqRedir, CmpltRedir, EgressCtrl; lost at reboot or hot reset)."
                    + " With an IOMMU, the functions below these bridges then share isolation: check the IOMMU groups.";
            boolean refused = group.stream().anyMatch(r -> r.mapType() == P2pMapType.NOT_SUPPORTED);
            out.add(new Finding(check, refused ? Verdict.FAIL : Verdict.WARN,
                    culprits.size() + " bridge" + (culprits.size() == 1 ? "" : "s") + " with ACS redirect between "
                            + group.size() + " pair" + (group.size() == 1 ? "" : "s") + ": P2P is "
                            + (refused ? "refused (NOT_SUPPORTED)" : "sent up through the root complex"),
                    List.copyOf(devices), evidence, fix));
        }
        if (!unknown.isEmpty()) {
            out.add(new Finding(check, Verdict.WARN,
                    "ACS Control of " + unknown.size() + " bridge" + (unknown.size() == 1 ? "" : "s")
                            + " between the endpoints is not in the source; they were taken as not redirecting",
                    unknown.stream().map(PciAddress::toString).toList(),
                    unknown.stream().limit(MAX_LINES).map(this::acsUnknownEvidence).toList(),
                    "Read the machine as root: extended config space (where ACS lives) is readable only with"
                            + " CAP_SYS_ADMIN; run 'dmascope collect' or 'lspci -vvv' as root."));
        }
        // Below a single endpoint no pair exists, yet ACS redirect above it redirects any peer's DMA.
        if (peers.size() < 2) {
            for (PciFunction p : peers) {
                List<PciFunction> redirecting = topology.upstreamBridges(p).stream()
                        .filter(b -> b.acs() != null && b.acs().redirectsPeerToPeer()).toList();
                if (!redirecting.isEmpty()) {
                    List<String> devices = new ArrayList<>(List.of(p.address().toString()));
                    redirecting.forEach(b -> devices.add(b.address().toString()));
                    out.add(new Finding(check, Verdict.WARN, "ACS redirect is set on the bridges above " + p.address()
                            + ": peer-to-peer DMA with a device beyond them goes through the root complex",
                            devices, redirecting.stream().map(b -> acsEvidence(b.address())).toList(),
                            "pci=disable_acs_redir=" + String.join(";", redirecting.stream()
                                    .map(b -> b.address().toString()).toList())
                                    + " on the kernel command line, or as root: " + String.join("; ", redirecting
                                            .stream().map(b -> "setpci -s " + b.address() + " ECAP_ACS+0x6.w=0000:002c")
                                            .toList())));
                }
            }
        }
        if (out.isEmpty()) {
            out.add(new Finding(check, Verdict.OK, pairs == 0 ? "fewer than two GPUs, NICs or NVMe drives: no pair to check"
                    : "no bridge between the " + pairs + " pairs of GPUs, NICs and NVMe drives redirects peer-to-peer requests",
                    peers.stream().map(f -> f.address().toString()).toList(),
                    acsControls(peers), "Nothing to do."));
        }
        facts.cmdline().ifPresent(c -> {
            if (c.value().contains("pcie_acs_override=") || machine.kernelLog() != null
                    && !machine.kernelLog().of(KernelMessage.PCIE_ACS_OVERRIDE).isEmpty()) {
                List<String> ev = new ArrayList<>();
                ev.add(c.where() + ": pcie_acs_override=" + String.join(",", MachineFacts.parameter(c.value(), "pcie_acs_override")));
                ev.addAll(logLines(KernelMessage.PCIE_ACS_OVERRIDE, e -> true));
                out.add(new Finding(check, Verdict.WARN, "the kernel runs with the out-of-tree PCIe ACS override",
                        List.of(), ev, "The override makes the kernel treat devices as isolated when the hardware does"
                                + " not isolate them: IOMMU groups then no longer show which devices can reach each other"
                                + " by peer-to-peer DMA. Remove pcie_acs_override= unless device assignment needs it."));
            }
        });
        return out;
    }

    private List<String> acsControls(List<PciFunction> peers) {
        Set<PciAddress> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (PciFunction p : peers) {
            for (PciFunction b : topology.upstreamBridges(p)) {
                if (b.acs() != null && seen.add(b.address()) && out.size() < MAX_LINES) {
                    out.add(acsEvidence(b.address()));
                }
            }
        }
        return out;
    }

    private String acsEvidence(PciAddress bridge) {
        PciFunction f = topology.function(bridge).orElse(null);
        Acs acs = f == null ? null : f.acs();
        if (acs == null) {
            return bridge + ": ACS Control not known";
        }
        return String.format(Locale.ROOT, "%s (%s): ACS Control = 0x%04x at config offset 0x%03x (ACS capability 0x%03x"
                + " + 0x06): %s, in %s", bridge, f.role().label(), acs.control(), acs.offset() + 6, acs.offset(),
                acs.describeControl(), attribute(f, "config"));
    }

    private String acsUnknownEvidence(PciAddress bridge) {
        PciFunction f = topology.function(bridge).orElse(null);
        if (f != null && f.configBytes() > 0 && f.configBytes() < 4096) {
            return bridge + ": only " + f.configBytes() + " bytes of config space in " + attribute(f, "config")
                    + " (the ACS capability lies in extended config space, 0x100-0xfff)";
        }
        return bridge + ": the source does not state ACS Control";
    }

    /** Where an attribute of a function was read: its sysfs file, or the source. */
    private String attribute(PciFunction f, String attribute) {
        String p = "sys/bus/pci/devices/" + f.address() + "/" + attribute;
        return machine.files().exists("sys/bus/pci/devices/" + f.address()) ? machine.files().display(p)
                : machine.name() + " (" + f.address() + ")";
    }

    // ---------------------------------------------------------------- p2pdma kernel messages

    /** The kernel's own p2pdma refusals in its log: each refused client and provider once. */
    List<Finding> p2pdmaLog() {
        String check = "p2pdma-log";
        KernelLog log = machine.kernelLog();
        if (log == null) {
            return List.of(noKernelLog(check));
        }
        Map<String, List<KernelLogEntry>> refusals = new LinkedHashMap<>();
        for (KernelLogEntry e : log.entries()) {
            if (e.kind() == KernelMessage.P2PDMA_NOT_SUPPORTED || e.kind() == KernelMessage.P2PDMA_ACS_REDIRECT
                    || e.kind() == KernelMessage.P2PDMA_ACS_BLOCKS) {
                refusals.computeIfAbsent(e.device() + " " + e.fields().get("provider") + " " + e.kind(),
                        k -> new ArrayList<>()).add(e);
            }
        }
        List<Finding> out = new ArrayList<>();
        List<KernelLogEntry> hostBridges = log.of(KernelMessage.P2PDMA_HOST_BRIDGE_NOT_LISTED);
        for (List<KernelLogEntry> group : refusals.values()) {
            KernelLogEntry e = group.get(0);
            boolean refused = e.kind() == KernelMessage.P2PDMA_NOT_SUPPORTED;
            List<String> evidence = new ArrayList<>();
            group.stream().limit(MAX_LINES).forEach(x -> evidence.add(machine.kernelLogAt() + " " + x.where() + ": " + x.text()));
            if (group.size() > MAX_LINES) {
                evidence.add("... " + group.size() + " times in all");
            }
            if (refused) {
                hostBridges.stream().limit(MAX_LINES).forEach(x -> evidence.add(machine.kernelLogAt() + " " + x.where()
                        + ": " + x.text()));
            }
            String provider = e.fields().getOrDefault("provider", "?");
            String client = String.valueOf(e.device());
            out.add(new Finding(check, refused ? Verdict.FAIL : Verdict.WARN, refused
                    ? "the kernel refused peer-to-peer DMA from " + client + " to " + provider
                            + ": no common upstream bridge and the host bridge is not on its allow list"
                    : "the kernel saw ACS redirect between " + client + " and " + provider,
                    List.of(client, provider), evidence, refused
                            ? "Put both devices below one PCIe switch (then the TLPs need no host bridge), or use a"
                                    + " CPU whose root complex the kernel trusts for P2P (AMD Zen or newer, or an Intel"
                                    + " host bridge on drivers/pci/p2pdma.c's allow list); 'dmascope paths --pair "
                                    + provider + " " + client + "' shows the kernel's walk."
                            : "See the acs-redirect finding for the bridges and the pci=disable_acs_redir= parameter."));
        }
        if (out.isEmpty()) {
            out.add(new Finding(check, Verdict.OK, "the kernel log has no p2pdma refusal", List.of(),
                    List.of(machine.kernelLogAt() + ": " + log.entries().size() + " lines, no \"cannot be used for"
                            + " peer-to-peer DMA\" and no \"ACS redirect is set\""),
                    "Nothing to do (the kernel logs these only when a driver asks for a P2P mapping)."));
        }
        return out;
    }

    private Finding noKernelLog(String check) {
        List<String> ev = new ArrayList<>();
        ev.add(machine.hasFiles() ? machine.name() + " holds no kernel log (kernel/dmesg.txt, kmsg.txt, journal.txt)"
                : machine.name() + " is a topology file: it has no kernel log");
        ev.addAll(machine.notes().stream().filter(n -> n.startsWith("kernel log")).toList());
        return new Finding(check, Verdict.WARN, "not checked: no kernel log", List.of(), ev,
                machine.hasFiles() ? "Collect again as a user allowed to read the kernel log: root, or a member of adm"
                        + " or systemd-journal (or with kernel.dmesg_restrict=0)."
                        : "Run 'dmascope doctor' on the machine itself (with a user allowed to read the kernel log:"
                                + " root, or a member of adm or systemd-journal), or give it a 'dmascope collect' archive.");
    }

    private List<String> logLines(KernelMessage kind, java.util.function.Predicate<KernelLogEntry> filter) {
        KernelLog log = machine.kernelLog();
        if (log == null) {
            return List.of();
        }
        return log.of(kind).stream().filter(filter).limit(MAX_LINES)
                .map(e -> machine.kernelLogAt() + " " + e.where() + ": " + e.text()).toList();
    }

    // ---------------------------------------------------------------- IOMMU

    /**
     * The IOMMU mode: off, passthrough (identity domains) or translated (DMA domains), from
     * the IOMMU groups' types, the command line and the kernel log.
     */
    List<Finding> iommuMode() {
        String check = "iommu-mode";
        MachineFiles files = machine.files();
        if (!machine.hasFiles()) {
            long grouped = topology.functions().stream().filter(f -> f.iommuGroup() != null).count();
            return List.of(new Finding(check, Verdict.WARN, "not known: " + machine.name() + " is a topology file",
                    List.of(), List.of(grouped + " of " + topology.size() + " functions have an IOMMU group in "
                            + machine.name()),
                    "Run 'dmascope doctor' on the machine, or on a 'dmascope collect' archive of it."));
        }
        List<String> evidence = new ArrayList<>();
        String fromCmdline = null;
        Optional<Fact<String>> cmdline = facts.cmdline();
        if (cmdline.isPresent()) {
            String c = cmdline.get().value();
            List<String> params = new ArrayList<>();
            for (String name : List.of("iommu", "iommu.passthrough", "intel_iommu", "amd_iommu", "iommu.strict")) {
                for (String v : MachineFacts.parameter(c, name)) {
                    params.add(name + "=" + v);
                    if (name.equals("iommu") && v.equals("pt") || name.equals("iommu.passthrough") && v.equals("1")) {
                        fromCmdline = "passthrough";
                    } else if (name.equals("iommu") && v.equals("off")
                            || (name.equals("intel_iommu") || name.equals("amd_iommu")) && v.startsWith("off")) {
                        fromCmdline = "off";
                    } else if (name.equals("iommu.passthrough") && v.equals("0") && fromCmdline == null) {
                        fromCmdline = "translated";
                    }
                }
            }
            evidence.add(cmdline.get().where() + ": " + (params.isEmpty() ? "no IOMMU parameter (the kernel's default)"
                    : String.join(" ", params)));
        }
        List<String> groups = files.list("sys/kernel/iommu_groups");
        Map<String, Integer> types = new TreeMap<>();
        for (String g : groups) {
            files.text("sys/kernel/iommu_groups/" + g + "/type").map(String::strip).ifPresent(t -> types.merge(t, 1, Integer::sum));
        }
        evidence.add(files.display("sys/kernel/iommu_groups") + ": " + (groups.isEmpty() ? "no IOMMU group"
                : groups.size() + " groups" + (types.isEmpty() ? "" : ", domain types " + types)));
        String fromLog = null;
        KernelLog log = machine.kernelLog();
        if (log != null) {
            for (KernelLogEntry e : log.of(KernelMessage.IOMMU_DEFAULT_DOMAIN)) {
                fromLog = e.fields().get("type").toLowerCase(Locale.ROOT).startsWith("passthrough") ? "passthrough"
                        : "translated";
                evidence.add(machine.kernelLogAt() + " " + e.where() + ": " + e.text());
            }
            evidence.addAll(logLines(KernelMessage.INTEL_IOMMU_ENABLED, e -> true).stream().limit(1).toList());
            evidence.addAll(logLines(KernelMessage.AMD_IOMMU_FOUND, e -> true).stream().limit(1).toList());
        }
        String mode;
        if (!types.isEmpty()) {
            int identity = types.getOrDefault("identity", 0);
            int dma = types.getOrDefault("DMA", 0) + types.getOrDefault("DMA-FQ", 0);
            mode = dma > 0 && identity > 0 ? "mixed" : dma > 0 ? "translated" : identity > 0 ? "passthrough"
                    : "translated";
        } else if (!groups.isEmpty()) {
            mode = fromLog != null ? fromLog : fromCmdline != null ? fromCmdline : "translated";
        } else {
            mode = "off";
        }
        boolean gpusOrNics = dmaPeers().size() >= 2;
        boolean vm = !vmSignals().isEmpty();
        String summary;
        Verdict verdict;
        String fix;
        switch (mode) {
            case "off" -> {
                verdict = Verdict.OK;
                summary = "off: no IOMMU groups" + (vm ? " (a virtual machine without a virtual IOMMU)" : "")
                        + (fromLog != null ? "; the kernel's default domain type applies only to devices behind an IOMMU" : "");
                fix = "No change needed for P2P: without an IOMMU, DMA addresses are physical (bus) addresses, P2P"
                        + " mappings need no IOVA and MR size is not limited by IOVA space. The price is no DMA isolation"
                        + (vm ? "; in a virtual machine the host's IOMMU still translates the guest's DMA, and"
                                + " peer-to-peer between passed-through devices depends on the host's settings." : ".")
                        + ("translated".equals(fromCmdline) || "passthrough".equals(fromCmdline)
                                ? " The command line asks for an IOMMU mode: enable VT-d / AMD-Vi (IOMMU) in the firmware"
                                        + " if the IOMMU should be on." : "");
            }
            case "passthrough" -> {
                verdict = Verdict.OK;
                summary = "passthrough: identity domains, DMA addresses are physical addresses";
                fix = "No change needed: P2P between devices below a common switch uses bus addresses; through the host"
                        + " bridge no IOVA is needed; MR size is not limited by IOVA space.";
            }
            case "mixed" -> {
                verdict = Verdict.WARN;
                summary = "mixed: some IOMMU groups translate (DMA), others are identity";
                fix = "Check the groups of the GPUs and NICs: a translating group maps P2P through the host bridge in"
                        + " the IOMMU, and large dma-buf MRs need that much IOVA.";
            }
            default -> {
                verdict = gpusOrNics ? Verdict.WARN : Verdict.OK;
                summary = "translated: DMA domains, every DMA address is an IOVA the IOMMU maps";
                fix = "Works, with costs: P2P through the host bridge (THRU_HOST_BRIDGE) is mapped in the IOMMU, ACS"
                        + " redirect sends switch-local P2P up to the root complex, IOVA space and IOTLB misses limit large"
                        + " registrations (dma-buf MRs above a few GiB), and a missing mapping shows as IO_PAGE_FAULT or"
                        + " a DMAR fault. For GPU/RDMA nodes, iommu=pt (passthrough) keeps isolation for the kernel's"
                        + " drivers off and removes these costs.";
            }
        }
        List<String> devices = topology.functions().stream().filter(f -> f.iommuGroup() != null).limit(0)
                .map(f -> f.address().toString()).toList();
        return List.of(new Finding(check, verdict, summary, devices, evidence, fix));
    }

    /** IOMMU faults in the kernel log: AMD-Vi IO_PAGE_FAULT and Intel DMAR faults. */
    List<Finding> iommuFaults() {
        String check = "iommu-faults";
        KernelLog log = machine.kernelLog();
        if (log == null) {
            return List.of(noKernelLog(check));
        }
        Map<String, List<KernelLogEntry>> byDevice = new LinkedHashMap<>();
        for (KernelLogEntry e : log.entries()) {
            if (e.kind() == KernelMessage.AMD_IOMMU_PAGE_FAULT || e.kind() == KernelMessage.INTEL_DMAR_FAULT) {
                byDevice.computeIfAbsent(String.valueOf(e.device()), k -> new ArrayList<>()).add(e);
            }
        }
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<String, List<KernelLogEntry>> d : byDevice.entrySet()) {
            List<String> evidence = new ArrayList<>();
            d.getValue().stream().limit(MAX_LINES).forEach(e -> evidence.add(machine.kernelLogAt() + " " + e.where() + ": "
                    + e.text()));
            if (d.getValue().size() > MAX_LINES) {
                evidence.add("... " + d.getValue().size() + " faults in all");
            }
            String name = topology.function(PciAddress.isAddress(d.getKey()) ? PciAddress.parse(d.getKey())
                    : new PciAddress(0, 0, 0, 0)).map(f -> f.kind().label()).orElse("device");
            out.add(new Finding(check, Verdict.FAIL, d.getValue().size() + " IOMMU fault" + (d.getValue().size() == 1 ? "" : "s")
                    + " of " + name + " " + d.getKey() + ": it did DMA to an address its IOMMU domain does not map",
                    PciAddress.isAddress(d.getKey()) ? List.of(d.getKey()) : List.of(), evidence,
                    "The device used a DMA address nobody mapped for it (a stale address after unmap, a peer's BAR"
                            + " address used as if there were no IOMMU, or a driver bug). For P2P: with a translating"
                            + " IOMMU, a peer's BAR must be mapped through the IOMMU (THRU_HOST_BRIDGE) or the devices"
                            + " must share a switch without ACS redirect. To confirm, boot once with iommu=pt."));
        }
        if (out.isEmpty()) {
            out.add(new Finding(check, Verdict.OK, "no IOMMU fault in the kernel log", List.of(),
                    List.of(machine.kernelLogAt() + ": " + log.entries().size() + " lines, no IO_PAGE_FAULT and no DMAR fault"),
                    "Nothing to do."));
        }
        return out;
    }

    // ---------------------------------------------------------------- GPUDirect RDMA

    /**
     * Whether GPUDirect RDMA can work and by which mechanism: nvidia-peermem (or nv_peer_mem)
     * loaded and registered with ib_core (/sys/kernel/mm/memory_peers/nv_mem), or dma-buf (kernel
     * 5.12+, drivers/infiniband/core/umem_dmabuf.c; CONFIG_PCI_P2PDMA; the open GPU kernel module).
     */
    List<Finding> gpuDirectRdma() {
        String check = "gpudirect-rdma";
        List<PciFunction> gpus = topology.functions().stream()
                .filter(f -> f.vendorId() == NVIDIA && f.kind() == DeviceKind.GPU && !f.placeholder()).toList();
        List<PciFunction> nics = topology.functions().stream()
                .filter(f -> (f.kind() == DeviceKind.NIC || f.kind() == DeviceKind.INFINIBAND) && !f.placeholder()).toList();
        List<String> devices = new ArrayList<>();
        gpus.forEach(g -> devices.add(g.address().toString()));
        nics.forEach(n -> devices.add(n.address().toString()));
        List<Finding> out = new ArrayList<>();
        List<String> ncclEvidence = new ArrayList<>();
        List<GdrDecision> disabledByDistance = new ArrayList<>();
        for (NcclLog nlog : machine.ncclLogs()) {
            for (GdrDecision d : GdrDecision.of(nlog, topology, this::networkDevice)) {
                ncclEvidence.add(d.evidence(nlog.name()) + " -> " + d.explain());
                if (!d.enabled()) {
                    disabledByDistance.add(d);
                }
            }
            nlog.entries().stream().filter(e -> e.kind() == org.dmascope.diagnose.nccl.NcclMessage.GDR_HCA_DISABLED)
                    .limit(MAX_LINES).forEach(e -> ncclEvidence.add(nlog.name() + " line " + e.line() + ": " + e.text()));
        }
        if (gpus.isEmpty() || nics.isEmpty()) {
            out.add(new Finding(check, Verdict.OK, "not applicable: " + (gpus.isEmpty() ? "no NVIDIA GPU" : "no NIC")
                    + " in " + machine.name(), devices, List.of(gpus.size() + " NVIDIA GPUs, " + nics.size()
                            + " NICs in the topology"), "Nothing to do."));
            return out;
        }
        if (!machine.hasFiles()) {
            List<String> ev = new ArrayList<>(List.of(machine.name() + " is a topology file: no module list, no"
                    + " /sys/kernel/mm/memory_peers, no kernel version"));
            ev.addAll(ncclEvidence);
            out.add(new Finding(check, Verdict.WARN, "not known: the source has no module list or kernel version",
                    devices, ev, "Run 'dmascope doctor' on the machine, or on a 'dmascope collect' archive of it."));
            return out;
        }
        MachineFiles files = machine.files();
        List<String> evidence = new ArrayList<>();
        Map<String, String> modules = facts.modules().orElse(Map.of());
        String peermem = modules.containsKey("nvidia_peermem") ? "nvidia_peermem"
                : modules.containsKey("nv_peer_mem") ? "nv_peer_mem" : null;
        if (peermem != null) {
            evidence.add(modules.get(peermem));
        } else {
            evidence.add(files.display("proc/modules") + (modules.isEmpty() ? ": not in the source"
                    : ": neither nvidia_peermem nor nv_peer_mem is loaded"));
        }
        if (modules.containsKey("ib_core")) {
            evidence.add(modules.get("ib_core"));
        }
        Optional<String> nvMem = files.text("sys/kernel/mm/memory_peers/nv_mem/version");
        boolean peersDir = files.exists("sys/kernel/mm/memory_peers");
        evidence.add(files.display("sys/kernel/mm/memory_peers/nv_mem/version") + (nvMem.isPresent()
                ? ": " + nvMem.get().strip() + " (nv_mem registered with ib_core's peer memory API)"
                : peersDir ? ": missing (memory_peers exists, nv_mem is not registered)"
                        : ": missing (no /sys/kernel/mm/memory_peers: ib_core without the peer memory API, or no peer client)"));
        Optional<Fact<String>> release = facts.release();
        int version = release.map(r -> MachineFacts.versionNumber(r.value())).orElse(-1);
        release.ifPresent(r -> evidence.add(r.where() + ": kernel " + r.value()));
        Optional<Fact<java.util.Map<String, String>>> config = facts.kernelConfig();
        String p2pdma = null;
        if (config.isPresent()) {
            Optional<Fact<String>> o = MachineFacts.option(config.get(), "CONFIG_PCI_P2PDMA");
            p2pdma = o.map(Fact::value).orElse("n");
            evidence.add(o.map(Fact::where).orElse(config.get().where() + ": CONFIG_PCI_P2PDMA not mentioned"));
            MachineFacts.option(config.get(), "CONFIG_DMABUF_MOVE_NOTIFY").ifPresent(x -> evidence.add(x.where()));
            MachineFacts.option(config.get(), "CONFIG_HMM_MIRROR").ifPresent(x -> evidence.add(x.where()));
        } else {
            evidence.add("kernel configuration: not in the source (no kernel/config, /proc/config.gz or /boot/config-*)");
        }
        Optional<String> nvidiaVersion = files.text("proc/driver/nvidia/version");
        boolean open = nvidiaVersion.map(v -> v.contains("Open Kernel Module")).orElse(false);
        evidence.add(files.display("proc/driver/nvidia/version") + nvidiaVersion.map(v -> " line 1: " + v.lines()
                .findFirst().orElse("").strip()).orElse(": missing (the NVIDIA driver is not loaded)"));
        List<String> mismatch = logLines(KernelMessage.MODULE_SYMBOL_VERSION, e -> peerModule(e.fields().get("module")));
        List<String> unknownSymbol = logLines(KernelMessage.MODULE_UNKNOWN_SYMBOL, e -> peerModule(e.fields().get("module")));
        List<String> freeCallback = logLines(KernelMessage.PEERMEM_FREE_CALLBACK, e -> true);
        evidence.addAll(mismatch);
        evidence.addAll(unknownSymbol);
        evidence.addAll(ncclEvidence);

        boolean peermemWorks = peermem != null && nvMem.isPresent();
        boolean dmabufWorks = version >= 5012 && "y".equals(p2pdma) && open;
        Verdict verdict;
        String summary;
        String fix;
        if (!mismatch.isEmpty() || !unknownSymbol.isEmpty()) {
            verdict = dmabufWorks ? Verdict.WARN : Verdict.FAIL;
            summary = "nvidia-peermem could not load: it was built against another ib_core"
                    + (dmabufWorks ? "; dma-buf can still serve GPUDirect RDMA" : "");
            fix = "The peer memory module's symbol versions do not match the loaded ib_core (typically after a MLNX_OFED"
                    + " or DOCA-OFED install or update): rebuild or reinstall the NVIDIA driver after OFED (its dkms"
                    + " build of nvidia-peermem then links against OFED's ib_core), then 'modprobe nvidia-peermem'; or use"
                    + " dma-buf (kernel 5.12+, open GPU kernel module, NCCL_DMABUF_ENABLE=1).";
        } else if (peermemWorks) {
            verdict = Verdict.OK;
            summary = "GPUDirect RDMA can work through " + peermem + " (registered with ib_core as nv_mem)"
                    + (dmabufWorks ? "; dma-buf would work too" : "");
            fix = "Nothing to do.";
        } else if (peermem != null) {
            verdict = dmabufWorks ? Verdict.WARN : Verdict.FAIL;
            summary = peermem + " is loaded but not registered with ib_core (no memory_peers/nv_mem)";
            fix = "The module loaded against an ib_core without the peer memory API (upstream rdma-core/inbox ib_core"
                    + " has none; MLNX_OFED's has it), so NCCL reports \"GPU Direct RDMA Disabled ... (no module)\"."
                    + " Install MLNX_OFED/DOCA-OFED and rebuild the NVIDIA driver, or use dma-buf (kernel 5.12+,"
                    + " CONFIG_PCI_P2PDMA=y, open GPU kernel module).";
        } else if (dmabufWorks) {
            verdict = Verdict.OK;
            summary = "GPUDirect RDMA can work through dma-buf (kernel " + release.map(Fact::value).orElse("?")
                    + ", CONFIG_PCI_P2PDMA=y, open GPU kernel module)";
            fix = "Nothing to do: NCCL uses dma-buf when NCCL_DMABUF_ENABLE allows it (ibv_reg_dmabuf_mr).";
        } else {
            verdict = Verdict.FAIL;
            List<String> missing = new ArrayList<>();
            if (version >= 0 && version < 5012) {
                missing.add("kernel " + release.get().value() + " is older than 5.12 (no ib_umem_dmabuf)");
            }
            if (!"y".equals(p2pdma)) {
                missing.add(p2pdma == null ? "CONFIG_PCI_P2PDMA unknown" : "CONFIG_PCI_P2PDMA is not set");
            }
            if (!open) {
                missing.add(nvidiaVersion.isPresent() ? "the proprietary GPU kernel module (dma-buf export needs the open one)"
                        : "no NVIDIA driver loaded");
            }
            summary = "GPUDirect RDMA cannot work: no nvidia-peermem and no dma-buf path (" + String.join("; ", missing) + ")";
            fix = "Either load nvidia-peermem ('modprobe nvidia-peermem', with MLNX_OFED's ib_core) or meet the dma-buf"
                    + " requirements: kernel 5.12 or newer with CONFIG_PCI_P2PDMA=y and the NVIDIA open GPU kernel module.";
        }
        out.add(new Finding(check, verdict, summary, devices, evidence, fix));
        if (!freeCallback.isEmpty()) {
            out.add(new Finding(check, Verdict.WARN, "nvidia-peermem's free callback ran (GPU memory was freed while an MR"
                    + " still mapped it)", List.of(), freeCallback, "The free callback invalidates the MR through ib_core;"
                            + " the application freed (cudaFree) GPU memory before deregistering the MR. The \"invalid"
                            + " nv_mem_context\" variant is a known harmless race in older drivers (fixed in R560+):"
                            + " deregister MRs before freeing GPU memory, or update the driver."));
        }
        for (GdrDecision d : disabledByDistance) {
            List<String> ev = new ArrayList<>();
            ev.add(d.evidence(d.entry().text().isEmpty() ? "" : machine.name()));
            ev.add(d.explain());
            List<String> devs = new ArrayList<>();
            if (d.gpu() != null) {
                devs.add(d.gpu().toString());
            }
            if (d.nic() != null) {
                devs.add(d.nic().toString());
            }
            out.add(new Finding(check, Verdict.WARN, "NCCL disabled GPUDirect RDMA by distance: the GPU and the NIC are "
                    + (d.path() == null ? "farther apart than NCCL_NET_GDR_LEVEL" : d.path().name() + " apart"),
                    devs, ev, "NCCL allows GPUDirect RDMA up to NCCL_NET_GDR_LEVEL (PXB by default): use a NIC below the"
                            + " same PCIe switch as the GPU, or raise NCCL_NET_GDR_LEVEL (e.g. PHB) if P2P through the"
                            + " host bridge performs on this platform."));
        }
        return out;
    }

    /**
     * The PCI function behind a network device name: sysfs's class/infiniband/NAME and
     * class/net/NAME link into the function's directory (collect keeps these links).
     */
    private @Nullable PciAddress networkDevice(String name) {
        for (String cls : List.of("infiniband", "net")) {
            Optional<String> target = machine.files().link("sys/class/" + cls + "/" + name);
            if (target.isPresent()) {
                String[] parts = target.get().split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    if (PciAddress.isAddress(parts[i]) && parts[i].length() == 12) {
                        PciAddress a = PciAddress.parse(parts[i]);
                        return topology.function(a).isPresent() ? a : null;
                    }
                }
            }
        }
        return null;
    }

    private static boolean peerModule(@Nullable String module) {
        return module != null && (module.startsWith("nvidia_peermem") || module.startsWith("nvidia-peermem")
                || module.startsWith("nv_peer_mem"));
    }

    // ---------------------------------------------------------------- memlock

    /**
     * RLIMIT_MEMLOCK against the MR size: ib_umem_get() (drivers/infiniband/core/umem.c) refuses
     * with -ENOMEM when pinned_vm would pass the limit, unless the process has CAP_IPC_LOCK.
     */
    List<Finding> memlock() {
        String check = "memlock";
        Optional<Fact<long[]>> limit = facts.memlock();
        if (limit.isEmpty()) {
            return List.of(new Finding(check, Verdict.WARN, "RLIMIT_MEMLOCK not known", List.of(),
                    List.of(machine.hasFiles() ? machine.files().display("proc/self/limits") + ": missing"
                            : machine.name() + " is a topology file: no process limits"),
                    "Run 'dmascope doctor' (or collect) in the environment the RDMA application runs in: the same"
                            + " user, container and systemd unit, since each sets its own limit."));
        }
        long soft = limit.get().value()[0];
        String where = limit.get().where();
        String raise = "Raise the limit where the application starts: 'ulimit -l unlimited' (hard limit permitting),"
                + " '* - memlock unlimited' in /etc/security/limits.conf, LimitMEMLOCK=infinity for a systemd unit,"
                + " --ulimit memlock=-1 for docker; or give the process CAP_IPC_LOCK.";
        if (soft < 0) {
            return List.of(new Finding(check, Verdict.OK, "RLIMIT_MEMLOCK is unlimited", List.of(), List.of(where),
                    "Nothing to do: host memory MRs of any size can be pinned."));
        }
        if (mrSize != null) {
            boolean fits = mrSize <= soft;
            return List.of(new Finding(check, fits ? Verdict.OK : Verdict.FAIL, fits
                    ? "an MR of " + Sizes.human(mrSize) + " fits RLIMIT_MEMLOCK " + Sizes.human(soft)
                    : "an MR of " + Sizes.human(mrSize) + " exceeds RLIMIT_MEMLOCK " + Sizes.human(soft)
                            + ": ibv_reg_mr fails with ENOMEM", List.of(),
                    List.of(where, "--mr-size " + mrSize + " bytes (ib_umem_get counts pinned pages against the soft limit,"
                            + " with the pages already pinned by the process)"),
                    fits ? "Nothing to do for host memory (GPU memory registered through nvidia-peermem or dma-buf is"
                            + " not counted)." : raise));
        }
        return List.of(new Finding(check, Verdict.WARN, "RLIMIT_MEMLOCK is " + Sizes.human(soft)
                + ": host-memory MRs above that fail with ENOMEM", List.of(), List.of(where),
                raise + " Pass --mr-size to check one registration size."));
    }

    // ---------------------------------------------------------------- BAR1

    /** Each NVIDIA GPU's BAR1 (through which nvidia_p2p_get_pages exposes GPU memory) against the MR size. */
    List<Finding> bar1() {
        String check = "bar1";
        List<Finding> out = new ArrayList<>();
        for (PciFunction g : topology.functions()) {
            if (g.vendorId() != NVIDIA || g.kind() != DeviceKind.GPU || g.placeholder()) {
                continue;
            }
            Bar bar1 = g.bars().stream().filter(b -> b.kind() == Bar.Kind.BAR && b.index() == 1 && b.isMemory()).findFirst()
                    .orElse(null);
            if (bar1 == null) {
                out.add(new Finding(check, Verdict.WARN, "BAR1 of " + g.address() + " not known", List.of(g.address().toString()),
                        List.of(attribute(g, "resource") + ": no BAR1"), "Read the machine's sysfs (dmascope collect)."));
                continue;
            }
            String ev = String.format(Locale.ROOT, "%s line 2: BAR1 0x%016x-0x%016x, %s, %s", attribute(g, "resource"),
                    bar1.start(), bar1.end(), Sizes.human(bar1.size()), bar1.typeDescription());
            if (mrSize != null && mrSize > bar1.size()) {
                out.add(new Finding(check, Verdict.FAIL, "an MR of " + Sizes.human(mrSize) + " of GPU memory exceeds "
                        + g.address() + "'s BAR1 of " + Sizes.human(bar1.size()), List.of(g.address().toString()),
                        List.of(ev, "--mr-size " + mrSize + " bytes"),
                        "GPUDirect RDMA maps GPU memory through BAR1 (nvidia_p2p_get_pages); registrations beyond it"
                                + " fail. Enable 'Above 4G decoding' and Resizable BAR in the firmware (or a large-BAR1"
                                + " mode where the GPU offers one; nvidia-smi -q -d MEMORY shows BAR1), or register less"
                                + " GPU memory at once."));
            } else if (mrSize == null && bar1.size() <= SMALL_BAR1) {
                out.add(new Finding(check, Verdict.WARN, g.address() + "'s BAR1 is " + Sizes.human(bar1.size())
                        + ": GPUDirect RDMA can map at most that much of its memory at once",
                        List.of(g.address().toString()), List.of(ev),
                        "Enable 'Above 4G decoding' and Resizable BAR in the firmware for a BAR1 as large as GPU memory;"
                                + " pass --mr-size to check one registration."));
            } else {
                out.add(new Finding(check, Verdict.OK, g.address() + "'s BAR1 is " + Sizes.human(bar1.size())
                        + (mrSize == null ? "" : ", enough for " + Sizes.human(mrSize)), List.of(g.address().toString()),
                        List.of(ev), "Nothing to do."));
            }
        }
        if (out.isEmpty()) {
            out.add(new Finding(check, Verdict.OK, "not applicable: no NVIDIA GPU", List.of(), List.of(), "Nothing to do."));
        }
        return out;
    }

    // ---------------------------------------------------------------- links

    /** Links trained below their maximum speed or width (Link Status against Link Capabilities). */
    List<Finding> linkSpeed() {
        String check = "link-speed";
        List<String> devices = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        boolean gpu = false;
        boolean narrower = false;
        int known = 0;
        for (PciFunction f : topology.functions()) {
            PcieLink l = f.link();
            if (l == null || l.width() == 0 && l.speed() == org.dmascope.core.topology.LinkSpeed.UNKNOWN) {
                continue;
            }
            known++;
            if (!l.isDowngraded()) {
                continue;
            }
            devices.add(f.address().toString());
            gpu |= f.kind() == DeviceKind.GPU;
            narrower |= l.width() > 0 && l.maxWidth() > 0 && l.width() < l.maxWidth();
            String where = machine.files().exists("sys/bus/pci/devices/" + f.address())
                    ? attribute(f, "current_link_speed") + ", current_link_width, max_link_speed, max_link_width"
                    : machine.name() + " (" + f.address() + ", Link Status at PCIe capability + 0x12 against Link"
                            + " Capabilities + 0x0c)";
            evidence.add(String.format(Locale.ROOT, "%s %s (%s): %s x%d trained, %s x%d possible, in %s", f.kind().label(),
                    f.address(), f.role().label(), l.speed().label(), l.width(), l.maxSpeed().label(), l.maxWidth(), where));
        }
        if (devices.isEmpty()) {
            boolean sysfs = machine.files().exists("sys/bus/pci/devices");
            return List.of(new Finding(check, known == 0 && !sysfs ? Verdict.WARN : Verdict.OK, known == 0
                    ? (sysfs ? "no PCI Express link to check: the functions are conventional PCI (or virtual)"
                            : "no link speed or width in the source")
                    : "all " + known + " links trained at their maximum",
                    List.of(), known == 0 && sysfs ? List.of(machine.files().display("sys/bus/pci/devices")
                            + ": no function has current_link_speed") : List.of(),
                    known == 0 && !sysfs ? "Read the machine's sysfs (dmascope collect) for link state." : "Nothing to do."));
        }
        return List.of(new Finding(check, Verdict.WARN, devices.size() + " link" + (devices.size() == 1 ? "" : "s")
                + " trained below the maximum", devices, evidence.stream().limit(40).toList(),
                (gpu ? "GPUs lower their link speed when idle (power management) and train up under load: check again"
                        + " while the GPU is busy (nvidia-smi -q -d PCIE shows current and max). " : "")
                        + (narrower ? "A link narrower than its maximum is not power saving: reseat the card, check the"
                                + " slot's wiring (x16 slots wired x8), risers and retimers. " : "")
                        + "A link slower than the slot allows at full load points at the slot, a riser, or a"
                        + " firmware PCIe generation setting."));
    }

    // ---------------------------------------------------------------- NUMA

    /** For each GPU, the NICs on its NUMA node, and the pairs that cross NUMA nodes or sockets. */
    List<Finding> numaLocality() {
        String check = "numa-locality";
        List<PciFunction> gpus = topology.functions().stream().filter(f -> f.kind() == DeviceKind.GPU && !f.placeholder()
                && !f.isBridge()).toList();
        List<PciFunction> nics = topology.functions().stream().filter(f -> (f.kind() == DeviceKind.NIC
                || f.kind() == DeviceKind.INFINIBAND) && !f.placeholder()).toList();
        if (gpus.isEmpty() || nics.isEmpty()) {
            return List.of(new Finding(check, Verdict.OK, "not applicable: no GPU-NIC pair", List.of(), List.of(),
                    "Nothing to do."));
        }
        SmiClassifier smi = new SmiClassifier(topology);
        List<PciFunction> all = new ArrayList<>(gpus);
        all.addAll(nics);
        smi.prepare(all);
        List<Finding> out = new ArrayList<>();
        for (PciFunction g : gpus) {
            List<String> evidence = new ArrayList<>();
            List<String> local = new ArrayList<>();
            List<String> devices = new ArrayList<>(List.of(g.address().toString()));
            boolean unknown = g.numaNode() < 0;
            for (PciFunction n : nics) {
                SmiClass c = smi.classify(g, n).smiClass();
                boolean same = g.numaNode() >= 0 && g.numaNode() == n.numaNode() && c != SmiClass.SYS;
                if (same) {
                    local.add(n.address().toString());
                }
                evidence.add(String.format(Locale.ROOT, "%s NUMA node %s, %s NUMA node %s: %s (%s)", g.address(),
                        numa(g), n.address(), numa(n), c.name(), attribute(n, "numa_node")));
            }
            if (unknown) {
                out.add(new Finding(check, Verdict.WARN, g.address() + " has no NUMA node (" + numa(g) + ")", devices,
                        evidence.stream().limit(MAX_LINES).toList(), "The platform gives no affinity (NUMA node -1): a"
                                + " single-node machine, or a virtual machine (see virtual-machine)."));
            } else if (local.isEmpty()) {
                nics.forEach(n -> devices.add(n.address().toString()));
                out.add(new Finding(check, Verdict.WARN, "every NIC is on another NUMA node or socket than GPU " + g.address(),
                        devices, evidence.stream().limit(MAX_LINES).toList(),
                        "Traffic between this GPU and the network crosses the inter-socket link (SYS): put a NIC on the"
                                + " GPU's socket, or bind the process to the GPU's NUMA node and expect lower bandwidth;"
                                + " NCCL disables GPUDirect RDMA across sockets by default."));
            } else {
                devices.addAll(local);
                out.add(new Finding(check, Verdict.OK, "GPU " + g.address() + " has " + local.size() + " NIC"
                        + (local.size() == 1 ? "" : "s") + " on its NUMA node " + g.numaNode() + ": " + String.join(", ", local),
                        devices, evidence.stream().limit(MAX_LINES).toList(), "Nothing to do: use these NICs with this GPU."));
            }
        }
        return out;
    }

    private static String numa(PciFunction f) {
        return f.numaNode() == PciFunction.NUMA_UNKNOWN ? "unknown" : Integer.toString(f.numaNode());
    }

    // ---------------------------------------------------------------- virtual machine

    private List<String> vmSignals() {
        List<String> signals = new ArrayList<>();
        MachineFiles files = machine.files();
        files.text("proc/cpuinfo").ifPresent(c -> {
            String[] lines = c.split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].startsWith("flags") && (" " + lines[i] + " ").contains(" hypervisor ")) {
                    signals.add(files.display("proc/cpuinfo") + " line " + (i + 1)
                            + ": the CPU flags include 'hypervisor' (CPUID leaf 1, ECX bit 31)");
                    break;
                }
            }
        });
        files.text("sys/class/dmi/id/sys_vendor").map(String::strip).filter(v -> v.matches(
                "(?i).*(QEMU|KVM|VMware|Xen|innotek|Microsoft Corporation|Amazon EC2|Google|OpenStack).*"))
                .ifPresent(v -> signals.add(files.display("sys/class/dmi/id/sys_vendor") + ": " + v));
        KernelLog log = machine.kernelLog();
        if (log != null) {
            log.entries().stream().filter(e -> e.text().startsWith("Hypervisor detected:")).findFirst()
                    .ifPresent(e -> signals.add(machine.kernelLogAt() + " " + e.where() + ": " + e.text()));
        }
        Map<String, List<String>> vendors = new TreeMap<>();
        for (PciFunction f : topology.functions()) {
            String v = HYPERVISOR_VENDORS.get(f.vendorId());
            if (v != null) {
                vendors.computeIfAbsent(v, k -> new ArrayList<>()).add(f.address().toString());
            }
            if (EMULATED_HOST_BRIDGES.contains(f.vendorId() << 16 | f.deviceId())) {
                signals.add(f.address() + " is " + f.idPair() + ", a host bridge QEMU emulates ("
                        + (f.deviceId() == 0x1237 ? "i440FX" : "Q35") + ")");
            }
        }
        vendors.forEach((v, fs) -> signals.add(fs.size() + " function" + (fs.size() == 1 ? "" : "s") + " of " + v
                + ", a bus only a hypervisor presents: " + String.join(", ", fs.stream().limit(4).toList())
                + (fs.size() > 4 ? ", ..." : "")));
        return signals;
    }

    /** Whether the machine is a virtual machine: CPU flag, DMI vendor, hypervisor devices, flat tree, NUMA -1. */
    List<Finding> virtualMachine() {
        String check = "virtual-machine";
        List<String> signals = new ArrayList<>(vmSignals());
        long endpoints = topology.functions().stream().filter(f -> !f.isBridge()).count();
        long bridges = topology.functions().stream().filter(PciFunction::isBridge).count();
        List<PciFunction> peers = dmaPeers();
        boolean flat = !peers.isEmpty() && peers.stream().allMatch(f -> f.parent() == null)
                && topology.hierarchy() == PciTopology.Hierarchy.PORTS;
        boolean noNuma = !peers.isEmpty() && peers.stream().allMatch(f -> f.numaNode() == -1);
        if (signals.isEmpty()) {
            return List.of(new Finding(check, Verdict.OK, "no sign of a hypervisor", List.of(),
                    List.of(endpoints + " functions, " + bridges + " bridges; no hypervisor CPU flag, vendor or device"),
                    "Nothing to do: the topology is the hardware's."));
        }
        if (flat) {
            signals.add("flat topology: every GPU, NIC and NVMe drive (" + peers.size() + ") sits on a root bus, with no"
                    + " switch or root port above it");
        }
        if (noNuma) {
            signals.add("NUMA node -1 for every GPU, NIC and NVMe drive (" + attribute(peers.get(0), "numa_node") + ")");
        }
        return List.of(new Finding(check, Verdict.WARN, "this is a virtual machine: its PCI tree, NUMA nodes and ACS are"
                + " what the hypervisor presents, not the hardware", peers.stream().map(f -> f.address().toString()).toList(),
                signals, "Paths, NUMA locality and ACS seen from a guest are not the host's: run 'dmascope collect' on"
                        + " the host (or ask the provider for its topology), and give NCCL the host's topology with"
                        + " NCCL_TOPO_FILE=<the host's NCCL topology XML> (cloud providers publish them, e.g. Azure's"
                        + " ndv4-topo.xml, AWS's p4d-24xl-topo.xml)."));
    }
}
