package org.dmascope.ui.graph;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.dmascope.core.peer.KernelP2pResult;
import org.dmascope.core.peer.NcclPath;
import org.dmascope.core.peer.PathNode;
import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.topology.PciAddress;

/**
 * What the graph lights up for a pair: the kernel's route (the PCIe walk through the common
 * upstream device or the host bridges), NCCL's route when it differs (NVLink, or through the
 * CPUs), the devices whose ACS redirects, and the slowest link.
 *
 * @param a            the provider's node ID
 * @param b            the client's node ID
 * @param kernelRoute  node IDs of the kernel's route, provider first
 * @param ncclRoute    node IDs of NCCL's route, provider first
 * @param acsCulprits  node IDs of the devices with ACS redirect on the path
 * @param bottleneck   the two node IDs of the slowest link, empty when unknown
 * @param caption      one line for the graph's corner
 */
public record PathHighlight(String a, String b, List<String> kernelRoute, List<String> ncclRoute,
        Set<String> acsCulprits, List<String> bottleneck, String caption) {

    /** The highlight of a pair's answers. */
    public static PathHighlight of(PeerPair pair) {
        KernelP2pResult k = pair.kernel();
        NcclPath n = pair.nccl();
        List<String> kernelRoute = k.route().stream().map(PathNode::id).toList();
        List<String> ncclRoute = n.route().stream().map(PathNode::id).toList();
        Set<String> culprits = k.acsRedirect().stream().map(PciAddress::toString).collect(Collectors.toSet());
        String caption = String.format(Locale.ROOT, "%s, distance %d  |  NCCL %s  |  nvidia-smi %s%s", k.mapType().name(),
                k.distance(), n.type(), pair.smi().label(),
                n.bottleneckGBps() > 0 ? String.format(Locale.ROOT, "  |  bottleneck %.1f GB/s", n.bottleneckGBps()) : "");
        return new PathHighlight(pair.a().address().toString(), pair.b().address().toString(), kernelRoute, ncclRoute,
                culprits, n.bottleneckEnds(), caption);
    }

    /** Whether NCCL's route takes other nodes than the kernel's. */
    public boolean routesDiffer() {
        return !kernelRoute.equals(ncclRoute);
    }
}
