package org.dmascope.core.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * The Access Control Services extended capability (ID 0x000d) of a function: what it supports
 * (ACS Capability register) and what is switched on (ACS Control register, capability + 0x06).
 *
 * @param offset     where the capability sits in extended config space
 * @param capability the ACS Capability register
 * @param control    the ACS Control register
 */
public record Acs(int offset, int capability, int control) {

    /** ACS Source Validation ({@code PCI_ACS_SV}). */
    public static final int SOURCE_VALIDATION = 0x01;
    /** ACS Translation Blocking ({@code PCI_ACS_TB}). */
    public static final int TRANSLATION_BLOCKING = 0x02;
    /** ACS P2P Request Redirect ({@code PCI_ACS_RR}). */
    public static final int REQUEST_REDIRECT = 0x04;
    /** ACS P2P Completion Redirect ({@code PCI_ACS_CR}). */
    public static final int COMPLETION_REDIRECT = 0x08;
    /** ACS Upstream Forwarding ({@code PCI_ACS_UF}). */
    public static final int UPSTREAM_FORWARDING = 0x10;
    /** ACS P2P Egress Control ({@code PCI_ACS_EC}). */
    public static final int EGRESS_CONTROL = 0x20;
    /** ACS Direct Translated P2P ({@code PCI_ACS_DT}). */
    public static final int DIRECT_TRANSLATED = 0x40;

    private static final int[] BITS = {SOURCE_VALIDATION, TRANSLATION_BLOCKING, REQUEST_REDIRECT,
        COMPLETION_REDIRECT, UPSTREAM_FORWARDING, EGRESS_CONTROL, DIRECT_TRANSLATED};
    private static final String[] LSPCI_NAMES = {"SrcValid", "TransBlk", "ReqRedir", "CmpltRedir",
        "UpstreamFwd", "EgressCtrl", "DirectTrans"};

    /**
     * Whether peer-to-peer requests are redirected upstream: Request Redirect, Completion
     * Redirect or Egress Control set in ACS Control, the test of the kernel's
     * {@code pci_bridge_has_acs_redir()} in drivers/pci/p2pdma.c.
     */
    public boolean redirectsPeerToPeer() {
        return (control & (REQUEST_REDIRECT | COMPLETION_REDIRECT | EGRESS_CONTROL)) != 0;
    }

    /** The control bits in lspci's words, "SrcValid+ TransBlk- ..." (as {@code lspci -vvv} prints ACSCtl). */
    public String describeControl() {
        return describe(control);
    }

    /** The capability bits in lspci's words (ACSCap). */
    public String describeCapability() {
        return describe(capability);
    }

    /** Names of the control bits that are set. */
    public List<String> enabledControls() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < BITS.length; i++) {
            if ((control & BITS[i]) != 0) {
                out.add(LSPCI_NAMES[i]);
            }
        }
        return out;
    }

    private static String describe(int value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BITS.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(LSPCI_NAMES[i]).append((value & BITS[i]) != 0 ? '+' : '-');
        }
        return sb.toString();
    }
}
