package org.dmascope.core.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.dmascope.core.pciids.PciNames;

/**
 * A pair's answers in words, as the command line prints them for {@code paths --pair} and the
 * workbench shows them below the graph: nvidia-smi's class, NCCL's path hop by hop with its
 * bottleneck, and the kernel's decision with each rule it applied and the lines it prints.
 */
public final class PeerReport {

    private PeerReport() {
    }

    /** The report's lines. */
    public static List<String> lines(PeerPair p, PciNames names, KernelRules rules) {
        List<String> out = new ArrayList<>();
        out.add(p.a().address() + " " + names.describe(p.a()));
        out.add(p.b().address() + " " + names.describe(p.b()));
        out.add("");
        out.add("nvidia-smi:  " + p.smi().label() + " (" + p.smi().smiClass().legend() + ")");
        out.add(String.format(Locale.ROOT, "NCCL:        %s, %d hop%s, bandwidth %s (NCCL's GB/s)", p.nccl().type(),
                p.nccl().hops(), p.nccl().hops() == 1 ? "" : "s", p.nccl().bandwidthText()));
        out.add("  route:     " + String.join(" -> ", p.nccl().route().stream().map(PathNode::id).toList()));
        for (String hop : p.nccl().hopDetails()) {
            out.add("             " + hop);
        }
        if (p.nccl().bottleneck() != null) {
            out.add(String.format(Locale.ROOT, "  bottleneck: %.2f GB/s per direction, %s", p.nccl().bottleneckGBps(),
                    p.nccl().bottleneck()));
        }
        KernelP2pResult k = p.kernel();
        out.add("");
        out.add(String.format(Locale.ROOT, "Linux P2PDMA (v%s rules), %s as provider, %s as client:", rules.version(),
                k.provider(), k.client()));
        out.add("  map type:  " + k.mapType().kernelName() + " (" + k.mapType().meaning() + ")");
        out.add("  distance:  " + k.distance() + (k.mapType() == P2pMapType.NOT_SUPPORTED
                ? " (pci_p2pdma_distance() returns -1)" : ""));
        out.add("  route:     " + String.join(" -> ", k.route().stream().map(PathNode::id).toList()));
        for (KernelP2pResult.Step s : k.steps()) {
            out.add("  " + s.rule() + ": " + s.finding());
        }
        if (!k.kernelLog().isEmpty()) {
            out.add("  the kernel prints:");
            for (String line : k.kernelLog()) {
                out.add("    " + line);
            }
        }
        return out;
    }
}
