package org.dmascope.core.peer;

import java.util.List;

import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.eclipse.jdt.annotation.Nullable;

/**
 * What Linux decides for a peer-to-peer DMA between a provider (the function whose memory is
 * the target) and a client (the function doing the DMA), with every rule that applied.
 *
 * @param provider          the provider
 * @param client            the client
 * @param mapType           the map type {@code calc_map_type_and_dist()} returns
 * @param distance          the distance it reports (edges between the two in the upstream tree;
 *                          without a common upstream device, the two chains' lengths added)
 * @param commonUpstream    the common upstream device, null when there is none
 * @param route             the devices from provider to client, through the host bridge(s)
 *                          when there is no common upstream device
 * @param acsRedirect       the devices whose ACS redirect made the kernel send the traffic up,
 *                          in the order it prints them (empty when there is no common device)
 * @param disableAcsRedir   the kernel parameter the kernel suggests, null when it prints none
 * @param acsUnknown        devices the kernel would check whose ACS control the source does
 *                          not tell (assumed off)
 * @param hostBridges       the host bridge check, null when the kernel did not need it
 * @param cpu               the CPU the CPU rule looked at
 * @param cpuAssumed        whether the CPU was unknown and taken as not AMD Zen
 * @param kernelLog         the lines the kernel prints (pci_warn), in order
 * @param steps             each rule that applied, in order
 * @param rules             the kernel version whose rules were applied
 */
public record KernelP2pResult(PciAddress provider, PciAddress client, P2pMapType mapType, int distance,
        @Nullable PciAddress commonUpstream, List<PathNode> route, List<PciAddress> acsRedirect,
        @Nullable String disableAcsRedir, List<PciAddress> acsUnknown, @Nullable HostBridgeCheck hostBridges,
        CpuInfo cpu, boolean cpuAssumed, List<String> kernelLog, List<Step> steps, KernelRules rules) {

    /** Copies the lists. */
    public KernelP2pResult {
        route = List.copyOf(route);
        acsRedirect = List.copyOf(acsRedirect);
        acsUnknown = List.copyOf(acsUnknown);
        kernelLog = List.copyOf(kernelLog);
        steps = List.copyOf(steps);
    }

    /** The distance {@code pci_p2pdma_distance()} returns: -1 when not supported. */
    public int reportedDistance() {
        return mapType == P2pMapType.NOT_SUPPORTED ? -1 : distance;
    }

    /** One rule that applied: which, and what it found. */
    public record Step(String rule, String finding) {
    }

    /**
     * The host bridge part of the decision.
     *
     * @param cpuRule          whether the CPU rule allowed it (AMD Zen or newer: no list lookup)
     * @param sameHostBridge   whether both devices are below one host bridge
     * @param bridges          the host bridges looked up, in the order the kernel looks
     * @param allowed          the outcome
     */
    public record HostBridgeCheck(boolean cpuRule, boolean sameHostBridge, List<HostBridgeLookup> bridges,
            boolean allowed) {
        /** Copies the list. */
        public HostBridgeCheck {
            bridges = List.copyOf(bridges);
        }
    }

    /**
     * One host bridge's allow-list lookup.
     *
     * @param rootBus the host bridge's root bus
     * @param device  the device standing for it ({@code pci_host_bridge_dev()}), null when none qualifies
     * @param vendor  its vendor ID, -1 when there is no device
     * @param deviceId its device ID, -1 when there is no device
     * @param entry   the allow-list entry that matched, null when none
     * @param listed  whether this host bridge passes
     * @param reason  why, in words
     */
    public record HostBridgeLookup(PciBus rootBus, @Nullable PciAddress device, int vendor, int deviceId,
            HostBridgeAllowList.@Nullable Entry entry, boolean listed, String reason) {
    }
}
