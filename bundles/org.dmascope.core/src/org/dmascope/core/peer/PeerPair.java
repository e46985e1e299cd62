package org.dmascope.core.peer;

import java.util.Locale;

import org.dmascope.core.topology.PciFunction;

/**
 * Two functions and every view of the path between them: what Linux decides for a P2P DMA with
 * {@code a} as provider and {@code b} as client, the path NCCL finds, and nvidia-smi's class.
 *
 * @param a      the first function (the P2P provider)
 * @param b      the second function (the client)
 * @param kernel the kernel's decision
 * @param nccl   NCCL's path from a to b
 * @param smi    nvidia-smi's class
 */
public record PeerPair(PciFunction a, PciFunction b, KernelP2pResult kernel, NcclPath nccl, SmiClassifier.Result smi) {

    /** One line saying why: the practitioners' class and the kernel's decision, with their reasons. */
    public String why() {
        StringBuilder sb = new StringBuilder();
        sb.append(nccl.type()).append(" (").append(nccl.type().meaning()).append(", ").append(nccl.hops())
                .append(" hop").append(nccl.hops() == 1 ? "" : "s").append(')');
        if (nccl.bottleneck() != null) {
            sb.append(String.format(Locale.ROOT, ", bottleneck %.2f GB/s at %s", nccl.bottleneckGBps(), nccl.bottleneck()));
        }
        sb.append("; kernel: ").append(kernel.mapType().kernelName().replace("PCI_P2PDMA_MAP_", ""));
        if (kernel.commonUpstream() != null) {
            sb.append(" below ").append(kernel.commonUpstream());
        }
        if (!kernel.acsRedirect().isEmpty()) {
            sb.append(", ACS redirect on ").append(String.join(", ",
                    kernel.acsRedirect().stream().map(Object::toString).toList()));
        }
        if (kernel.hostBridges() != null && !kernel.hostBridges().cpuRule()) {
            sb.append(kernel.hostBridges().allowed() ? ", host bridge allow-listed" : ", host bridge not allow-listed");
        } else if (kernel.hostBridges() != null) {
            sb.append(", AMD Zen host bridge");
        }
        return sb.toString();
    }
}
