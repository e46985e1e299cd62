package org.dmascope.diagnose.nccl;

import java.util.regex.Pattern;

/**
 * The NCCL_DEBUG=INFO messages DMA Scope interprets (GRAPH, NET, INIT and P2P subsystems), each
 * with the pattern of NCCL's own format string.
 */
public enum NcclMessage {
    /** src/init.cc: {@code "NCCL version %s"} ("2.18.3+cuda12.2"). */
    VERSION("NCCL version (?<version>\\d+\\.\\d+\\.\\d+)\\S*"),
    /**
     * src/graph/paths.cc, {@code ncclTopoCheckGdr()}: {@code "GPU Direct RDMA Disabled for GPU %lx /
     * HCA %d (distance %d > %d)"} (busId and net device before 2.19; rank and net ID after).
     */
    GDR_DISABLED_DISTANCE("GPU Direct RDMA Disabled for GPU (?<gpu>[0-9a-fA-F]+) / HCA (?<hca>[0-9a-fA-F]+) "
            + "\\(distance (?<distance>-?\\d+) > (?<level>-?\\d+)\\)"),
    /** src/graph/paths.cc: {@code "GPU Direct RDMA Enabled for GPU %lx / HCA %d (distance %d <= %d), read %d"}. */
    GDR_ENABLED_DISTANCE("GPU Direct RDMA Enabled for GPU (?<gpu>[0-9a-fA-F]+) / HCA (?<hca>[0-9a-fA-F]+) "
            + "\\(distance (?<distance>-?\\d+) <= (?<level>-?\\d+)\\)(?:, read (?<read>\\d+))?(?: mode (?<mode>\\S+))?"),
    /**
     * src/transport/net_ib.cc and plugins: {@code "NET/IB : GPU Direct RDMA Disabled for HCA %d
     * '%s' (no module)"} (no nv_peer_mem / nvidia-peermem and no dma-buf).
     */
    GDR_HCA_DISABLED("NET/(?<net>[^:]+?) ?: GPU Direct RDMA Disabled for HCA (?<index>\\d+) '(?<hca>[^']*)'(?: \\((?<why>[^)]*)\\))?"),
    /** src/transport/net_ib.cc: {@code "NET/IB : GPU Direct RDMA (DMABUF) enabled for HCA %d '%s'"}, or without (DMABUF). */
    GDR_HCA_ENABLED("NET/(?<net>[^:]+?) ?: GPU Direct RDMA (?:\\((?<mechanism>\\w+)\\) )?[Ee]nabled for HCA (?<index>\\d+) '(?<hca>[^']*)'"),
    /** src/transport/net_ib.cc: {@code "NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ..."}. */
    NET_DEVICES("NET/(?<net>[^:]+?) ?: Using (?<devices>\\[\\d+\\].*)"),
    /**
     * src/transport/p2p.cc, net.cc, shm.cc: {@code "Channel %02d/%01d : %d[%d] -> %d[%d] via P2P/IPC"}
     * ("%d[%lx]" with the bus ID in older releases), "via NET/IB/0/GDRDMA", "via SHM/direct/direct".
     */
    CHANNEL("Channel (?<channel>\\d+)(?:/(?<conn>\\d+))? : (?<from>\\d+)\\[(?<fromDev>[0-9a-fA-Fx]+)\\] -> (?<to>\\d+)"
            + "\\[(?<toDev>[0-9a-fA-Fx]+)\\](?: \\[(?<dir>send|receive)\\])? via (?<transport>\\S+)"),
    /** src/graph/paths.cc, {@code ncclTopoPrintPaths()} (GRAPH): "GPU/1C000 :GPU/1C000 (0/5000.0/LOC) ...". */
    TOPO_PATHS("(?<node>(?:GPU|NIC|NET|CPU|NVS|PCI)/\\S+) :(?<paths>.*\\(\\d+/[\\d.]+/[A-Z0-9]+\\).*)"),
    /** Any other NCCL line, kept as it is. */
    OTHER(null);

    private final @org.eclipse.jdt.annotation.Nullable Pattern pattern;

    NcclMessage(@org.eclipse.jdt.annotation.Nullable String regex) {
        this.pattern = regex == null ? null : Pattern.compile(regex);
    }

    @org.eclipse.jdt.annotation.Nullable
    Pattern pattern() {
        return pattern;
    }
}
