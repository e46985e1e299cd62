package org.dmascope.ui.properties;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.peer.KernelP2pResult;
import org.dmascope.core.peer.NcclPath;
import org.dmascope.core.peer.PathNode;
import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.topology.PciAddress;

/**
 * Properties of a pair: the kernel's decision with each rule it applied, NCCL's path hop by hop,
 * and nvidia-smi's class.
 */
final class PeerPairPropertySource extends RowPropertySource {

    PeerPairPropertySource(PeerPair p, PciNames names) {
        super(rows(p, names));
    }

    private static List<Row> rows(PeerPair p, PciNames names) {
        List<Row> out = new ArrayList<>();
        out.add(row("General", "Provider", p.a().address() + " " + names.describe(p.a())));
        out.add(row("General", "Client", p.b().address() + " " + names.describe(p.b())));
        KernelP2pResult k = p.kernel();
        String kernel = "Linux P2PDMA (v" + k.rules().version() + ")";
        out.add(row(kernel, "Map type", k.mapType().kernelName()));
        out.add(row(kernel, "Meaning", k.mapType().meaning()));
        out.add(row(kernel, "Distance", Integer.toString(k.distance())));
        PciAddress common = k.commonUpstream();
        out.add(row(kernel, "Common upstream device", common == null ? "none" : common.toString()));
        out.add(row(kernel, "Route", String.join(" \u2192 ", k.route().stream().map(PathNode::id).toList())));
        out.add(row(kernel, "ACS redirect on", k.acsRedirect().isEmpty() ? "none"
                : String.join(", ", k.acsRedirect().stream().map(PciAddress::toString).toList())));
        String parameter = k.disableAcsRedir();
        if (parameter != null) {
            out.add(row(kernel, "Kernel parameter", parameter));
        }
        out.add(row(kernel, "CPU", k.cpu().describe() + (k.cpuAssumed() ? " (assumed)" : "")));
        int i = 1;
        for (KernelP2pResult.Step s : k.steps()) {
            out.add(row(kernel, String.format(Locale.ROOT, "%02d %s", i++, s.rule()), s.finding()));
        }
        for (int j = 0; j < k.kernelLog().size(); j++) {
            out.add(row(kernel, String.format(Locale.ROOT, "Kernel log %d", j + 1), k.kernelLog().get(j)));
        }
        NcclPath n = p.nccl();
        out.add(row("NCCL", "Path type", n.type() + " (" + n.type().meaning() + ")"));
        out.add(row("NCCL", "Hops", Integer.toString(n.hops())));
        out.add(row("NCCL", "Bandwidth", n.bandwidthText() + " (NCCL's GB/s)"));
        out.add(row("NCCL", "Route", String.join(" \u2192 ", n.route().stream().map(PathNode::id).toList())));
        if (n.bottleneck() != null) {
            out.add(row("NCCL", "Slowest link", String.format(Locale.ROOT, "%.2f GB/s per direction, %s",
                    n.bottleneckGBps(), n.bottleneck())));
        }
        out.add(row("NCCL", "P2P at the default level", n.p2pByDefault(false) ? "yes (PXB or closer)" : "no (farther than PXB)"));
        out.add(row("nvidia-smi", "Class", p.smi().label() + " (" + p.smi().smiClass().legend() + ")"));
        return out;
    }
}
