package org.dmascope.scenario.steps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.peer.KernelP2pEngine;
import org.dmascope.core.peer.KernelP2pResult;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.scenario.ScenarioContext;
import org.dmascope.scenario.ScenarioException;
import org.dmascope.scenario.Step;
import org.dmascope.scenario.StepOutcome;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.TopologyChange;
import org.dmascope.trace.event.TopologySnapshot;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The PCI steps of the scenario language: {@code boot}, the kernel's command line as
 * drivers/pci/pci.c applies it to ACS at enumeration, and {@code p2p}, the peer-to-peer decision
 * of drivers/pci/p2pdma.c between two functions of the machine as it booted.
 */
final class PciSteps {

    static final String BOOT_USAGE = "boot [iommu=on|off] [pci=disable_acs_redir=BDF;BDF...]";
    static final String P2P_USAGE = "p2p PROVIDER CLIENT";

    private static final int ENABLED_WITH_IOMMU = Acs.SOURCE_VALIDATION | Acs.REQUEST_REDIRECT
            | Acs.COMPLETION_REDIRECT | Acs.UPSTREAM_FORWARDING;
    private static final int REDIRECT_BITS = Acs.REQUEST_REDIRECT | Acs.COMPLETION_REDIRECT | Acs.EGRESS_CONTROL;
    private static final String DISABLE_ACS_REDIR = "disable_acs_redir=";

    /** The topology as the firmware left it (ACS Control as the file gives it), kept across boots. */
    static final class Firmware {
        @Nullable PciTopology topology;
        /** The machine the last boot made: a different one means a topology step read a new machine since. */
        @Nullable PciTopology booted;
    }

    /** The topology document the last {@code topology} step recorded in the trace, and the machine read from it. */
    static final class Document {
        @Nullable PciTopology topology;
        String source = "";
        String format = "";
        String text = "";
    }

    /** The trace system of the {@code p2p} step's decision (no kernel tracepoint records it). */
    static final String P2PDMA_SYSTEM = "p2pdma";
    /** The event name of the {@code p2p} step's decision. */
    static final String MAP_TYPE_EVENT = "pci_p2pdma_map_type";

    private static final Pattern LSPCI_DEVICE = Pattern.compile(
            "^(?:([0-9a-fA-F]{4,}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])\\s");
    private static final Pattern ACS_CONTROL_LINE = Pattern.compile("^(\\s+ACSCtl:)\\s*.*$");

    private PciSteps() {
    }

    static void checkBoot(Step s) throws ScenarioException {
        s.expect(0, 0, Set.of("iommu", "pci"), BOOT_USAGE);
        String iommu = s.option("iommu", "off");
        if (!iommu.equals("on") && !iommu.equals("off")) {
            throw s.error("boot: iommu must be on or off, not '" + iommu + "'");
        }
        String pci = s.optionOrNull("pci");
        if (pci != null) {
            devices(s, pci);
        }
    }

    /** The devices of {@code disable_acs_redir=}: PCI addresses separated by ';' (pci_dev_str_match's plain form). */
    private static List<PciAddress> devices(Step s, String pci) throws ScenarioException {
        if (!pci.startsWith(DISABLE_ACS_REDIR)) {
            throw s.error("boot: only pci=disable_acs_redir=BDF;BDF... is simulated, not pci=" + pci);
        }
        List<PciAddress> out = new ArrayList<>();
        for (String d : pci.substring(DISABLE_ACS_REDIR.length()).split(";", -1)) {
            if (!PciAddress.isAddress(d)) {
                throw s.error("boot: '" + d + "' in disable_acs_redir is not a PCI address (like 0000:02:08.0)");
            }
            out.add(PciAddress.parse(d));
        }
        return out;
    }

    /**
     * {@code boot}: the machine starts again from the firmware's ACS settings (the topology file's
     * ACS Control), as {@code pci_enable_acs()} (drivers/pci/pci.c) sets every function with an ACS
     * capability at enumeration: with an IOMMU ({@code pci_acs_enable}, requested by the IOMMU
     * driver) {@code pci_std_enable_acs()} turns on Source Validation, P2P Request Redirect, P2P
     * Completion Redirect and Upstream Forwarding where the capability has them; then, IOMMU or
     * not, {@code __pci_config_acs()} clears Request Redirect, Completion Redirect and Egress
     * Control on the devices {@code pci=disable_acs_redir=} names.
     */
    static StepOutcome boot(Step s, ScenarioContext c) throws ScenarioException {
        PciTopology now = c.machine().topology();
        if (now == null) {
            throw s.error("boot: the scenario has no topology (declare one with 'topology FILE' or 'topology inline' first)");
        }
        Firmware fw = c.state(Firmware.class, Firmware::new);
        PciTopology firmware = fw.topology;
        if (firmware == null || now != fw.booted) {
            firmware = now;
            fw.topology = now;
        }
        boolean iommu = s.option("iommu", "off").equals("on");
        String pci = s.optionOrNull("pci");
        Set<PciAddress> listed = new LinkedHashSet<>(pci == null ? List.of() : devices(s, pci));
        StepOutcome.Builder b = StepOutcome.of(s).rc(0);
        List<String> changed = new ArrayList<>();
        List<String> redirecting = new ArrayList<>();
        for (PciAddress a : listed) {
            PciFunction f = firmware.function(a).orElse(null);
            if (f == null) {
                b.note("disable_acs_redir: no device " + a + " in the machine: the parameter matches nothing");
            } else if (f.acs() == null) {
                b.note("disable_acs_redir: " + a + " has no ACS capability (or the source does not give it):"
                        + " pci_enable_acs() leaves it alone");
            }
        }
        PciTopology from = firmware;
        PciTopology before = now;
        Map<PciAddress, Acs> changedSinceBefore = new LinkedHashMap<>();
        PciTopology booted = firmware.rebuild(fb -> {
            PciFunction f = from.function(fb.address()).orElse(null);
            Acs acs = f == null ? null : f.acs();
            if (f == null || acs == null) {
                return fb;
            }
            int ctrl = acs.control();
            if (iommu) {
                ctrl |= acs.capability() & ENABLED_WITH_IOMMU;
            }
            if (listed.contains(f.address())) {
                ctrl &= ~REDIRECT_BITS;
            }
            if (ctrl != acs.control()) {
                changed.add(f.address() + " " + new Acs(acs.offset(), acs.capability(), ctrl).describeControl());
            }
            if ((ctrl & REDIRECT_BITS) != 0) {
                redirecting.add(f.address().toString());
            }
            Acs was = before.function(f.address()).map(PciFunction::acs).orElse(null);
            if (was == null || was.control() != ctrl) {
                changedSinceBefore.put(f.address(), new Acs(acs.offset(), acs.capability(), ctrl));
            }
            return fb.acs(new Acs(acs.offset(), acs.capability(), ctrl));
        });
        c.machine().setTopology(booted);
        fw.booted = booted;
        record(c, s, firmware, before, booted, changedSinceBefore, iommu, pci);
        b.value("iommu", iommu ? "on" : "off");
        b.value("acs_redirect", redirecting.isEmpty() ? "none" : String.join(",", redirecting));
        b.note(iommu ? "pci_enable_acs: an IOMMU driver requested ACS (pci_request_acs), so pci_std_enable_acs sets"
                + " SrcValid, ReqRedir, CmpltRedir and UpstreamFwd wherever the ACS capability offers them"
                : "pci_enable_acs: no IOMMU requested ACS: ACS Control stays as the firmware left it");
        if (!listed.isEmpty()) {
            b.note("__pci_config_acs(disable_acs_redir): ReqRedir, CmpltRedir and EgressCtrl cleared on "
                    + String.join(", ", listed.stream().map(PciAddress::toString).toList()));
        }
        for (String ch : changed) {
            b.chain("ACSCtl " + ch);
        }
        return b.build();
    }

    /**
     * What a boot changed, into the trace: one {@code topology_change} ({@code ACS}) per function
     * whose ACS Control differs from the machine before the boot, its detail giving the new and
     * the old control and the kernel command line, then a new {@code topology_snapshot}: the
     * scenario's lspci document with those functions' {@code ACSCtl:} lines as the kernel left them,
     * so that a viewer of the trace shows the machine as it booted. Only lspci text carries ACS;
     * a machine from another document changes nothing here.
     */
    private static void record(ScenarioContext c, Step s, PciTopology firmware, PciTopology before, PciTopology booted,
            Map<PciAddress, Acs> changed, boolean iommu, @Nullable String pci) {
        if (changed.isEmpty()) {
            return;
        }
        String cmdline = "iommu=" + (iommu ? "on" : "off") + (pci == null ? "" : " pci=" + pci);
        for (Map.Entry<PciAddress, Acs> ch : changed.entrySet()) {
            Acs was = before.function(ch.getKey()).map(PciFunction::acs).orElse(null);
            String detail = "ACSCtl: " + ch.getValue().describeControl() + " (was " + (was == null ? "-"
                    : was.describeControl()) + "); kernel command line: " + cmdline;
            c.machine().emit(null, h -> new TopologyChange(h, "ACS", ch.getKey().toString(), detail));
        }
        Document doc = c.state(Document.class, Document::new);
        if (doc.topology != firmware || !doc.format.equals("text")) {
            return;
        }
        // The document is the firmware's: every function with ACS gets its control as booted.
        Map<PciAddress, Acs> controls = new LinkedHashMap<>();
        for (PciFunction f : booted.functions()) {
            Acs acs = f.acs();
            if (acs != null) {
                controls.put(f.address(), acs);
            }
        }
        String text = withAcsControl(doc.text, controls);
        if (!text.equals(doc.text)) {
            String source = doc.source + ", booted with " + cmdline + " (line " + s.line() + ")";
            String format = doc.format;
            c.machine().emit(null, h -> new TopologySnapshot(h, source, format, text));
        }
    }

    /** lspci -vvv text with the {@code ACSCtl:} line of each function given set to its control. */
    static String withAcsControl(String lspci, Map<PciAddress, Acs> controls) {
        StringBuilder out = new StringBuilder(lspci.length());
        Acs current = null;
        for (String line : lspci.split("\\n", -1)) {
            Matcher d = LSPCI_DEVICE.matcher(line);
            if (d.find()) {
                String domain = d.group(1) == null ? "0000" : d.group(1);
                String bdf = domain + ":" + d.group(2) + ":" + d.group(3) + "." + d.group(4);
                current = PciAddress.isAddress(bdf) ? controls.get(PciAddress.parse(bdf)) : null;
            } else if (line.isEmpty()) {
                current = null;
            }
            Matcher a = ACS_CONTROL_LINE.matcher(line);
            if (current != null && a.matches()) {
                out.append(a.group(1)).append('\t').append(current.describeControl());
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    static void checkP2p(Step s) throws ScenarioException {
        s.expect(2, 2, Set.of(), P2P_USAGE);
        for (String w : s.args()) {
            if (!PciAddress.isAddress(w)) {
                throw s.error("p2p: '" + w + "' is not a PCI address (like 0000:03:00.0)");
            }
        }
    }

    /**
     * {@code p2p PROVIDER CLIENT}: the kernel's decision for a DMA from CLIENT to PROVIDER's memory
     * ({@code pci_p2pdma_map_type()} and {@code calc_map_type_and_dist()} in
     * drivers/pci/p2pdma.c, through the core's {@link KernelP2pEngine}). {@code rc} is the map
     * type; values {@code distance} (as pci_p2pdma_distance() returns it), {@code acs_redirect}
     * and {@code suggests} (the kernel parameter the kernel suggests, {@code pci=disable_acs_redir=...}, or {@code -}).
     */
    static StepOutcome p2p(Step s, ScenarioContext c) throws ScenarioException {
        PciTopology t = c.machine().topology();
        if (t == null) {
            throw s.error("p2p: the scenario has no topology (declare one with 'topology FILE' or 'topology inline' first)");
        }
        KernelP2pResult r;
        try {
            r = new KernelP2pEngine(KernelRules.DEFAULT).evaluate(t, PciAddress.parse(s.args().get(0)),
                    PciAddress.parse(s.args().get(1)), null);
        } catch (IllegalArgumentException e) {
            throw s.error("p2p: " + e.getMessage());
        }
        StepOutcome.Builder b = StepOutcome.of(s).rc(r.mapType().name());
        b.value("distance", r.reportedDistance());
        b.value("acs_redirect", r.acsRedirect().isEmpty() ? "none"
                : String.join(",", r.acsRedirect().stream().map(PciAddress::toString).toList()));
        String parameter = r.disableAcsRedir();
        b.value("suggests", parameter == null ? "-" : parameter);
        b.chain("route: " + String.join(" -> ", r.route().stream().map(n -> n.id()).toList()));
        for (KernelP2pResult.Step st : r.steps()) {
            b.note(st.rule() + ": " + st.finding());
        }
        for (String line : r.kernelLog()) {
            b.note("dmesg: " + line);
        }
        // The decision into the trace, a refusal as much as a yes: what a viewer of the recording
        // needs to see why P2P failed at that time (no kernel tracepoint covers pci_p2pdma_map_type).
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("provider", s.args().get(0));
        fields.put("client", s.args().get(1));
        fields.put("map_type", r.mapType().name());
        fields.put("distance", Integer.toString(r.reportedDistance()));
        fields.put("acs_redirect", r.acsRedirect().isEmpty() ? "none"
                : String.join(",", r.acsRedirect().stream().map(PciAddress::toString).toList()));
        fields.put("suggests", parameter == null ? "-" : parameter);
        if (!r.kernelLog().isEmpty()) {
            fields.put("dmesg", String.join("\n", r.kernelLog()));
        }
        c.machine().emit(null, h -> new GenericEvent(h, P2PDMA_SYSTEM, MAP_TYPE_EVENT, fields));
        return b.build();
    }
}
