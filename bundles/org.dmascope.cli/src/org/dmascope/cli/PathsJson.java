package org.dmascope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.dmascope.core.peer.KernelP2pResult;
import org.dmascope.core.peer.KernelRules;
import org.dmascope.core.peer.NcclPath;
import org.dmascope.core.peer.PathNode;
import org.dmascope.core.peer.PeerPair;
import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.eclipse.jdt.annotation.Nullable;

import com.google.gson.stream.JsonWriter;

/** The JSON form of {@code paths --json}: the devices, and per pair every view of its path. */
final class PathsJson {

    private PathsJson() {
    }

    static void write(PciTopology topology, PciNames names, Map<PciAddress, String> labels, List<PeerPair> pairs,
            List<PciFunction> devices, KernelRules rules, @Nullable CpuInfo cpuOverride, Writer out) {
        try {
            JsonWriter w = new JsonWriter(out);
            w.setIndent("  ");
            w.setSerializeNulls(true);
            w.beginObject();
            w.name("source").value(topology.source());
            w.name("kernelRules").value(rules.version());
            CpuInfo cpu = cpuOverride != null ? cpuOverride : topology.cpu();
            w.name("cpu").value(cpu.isKnown() ? cpu.describe() : null);
            w.name("cpuAssumed").value(!cpu.isKnown());
            w.name("devices").beginArray();
            for (PciFunction f : devices) {
                w.beginObject();
                w.name("bdf").value(f.address().toString());
                w.name("kind").value(f.kind().name().toLowerCase(Locale.ROOT));
                w.name("name").value(names.describe(f));
                w.name("label").value(labels.get(f.address()));
                w.name("numaNode").value(f.numaNode() == PciFunction.NUMA_UNKNOWN ? null : Integer.valueOf(f.numaNode()));
                w.name("localCpus").value(f.localCpus());
                w.name("osDevices").beginArray();
                for (OsDevice d : f.osDevices()) {
                    w.value(d.name());
                }
                w.endArray();
                w.endObject();
            }
            w.endArray();
            w.name("pairs").beginArray();
            for (PeerPair p : pairs) {
                writePair(w, p);
            }
            w.endArray();
            w.name("warnings").beginArray();
            for (String s : topology.warnings()) {
                w.value(s);
            }
            w.endArray();
            w.endObject();
            w.flush();
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writePair(JsonWriter w, PeerPair p) throws IOException {
        NcclPath nccl = p.nccl();
        KernelP2pResult k = p.kernel();
        w.beginObject();
        w.name("a").value(p.a().address().toString());
        w.name("b").value(p.b().address().toString());
        w.name("ncclPath").value(nccl.type().name());
        w.name("ncclHops").value(nccl.hops());
        w.name("ncclBandwidth").value(round(nccl.bandwidth()));
        w.name("smi").value(p.smi().label());
        w.name("kernelMapType").value(k.mapType().name());
        w.name("kernelDistance").value(k.reportedDistance());
        w.name("kernelHops").value(k.distance());
        w.name("bottleneckGBps");
        if (nccl.bottleneckGBps() > 0) {
            w.value(round(nccl.bottleneckGBps()));
        } else {
            w.nullValue();
        }
        w.name("bottleneck").value(nccl.bottleneck());
        w.name("route").beginArray();
        for (PathNode n : nccl.route()) {
            w.value(n.id());
        }
        w.endArray();
        w.name("why").value(p.why());
        w.name("kernel").beginObject();
        w.name("provider").value(k.provider().toString());
        w.name("client").value(k.client().toString());
        w.name("commonUpstream").value(k.commonUpstream() == null ? null : k.commonUpstream().toString());
        w.name("route").beginArray();
        for (PathNode n : k.route()) {
            w.value(n.id());
        }
        w.endArray();
        w.name("acsRedirect").beginArray();
        for (PciAddress a : k.acsRedirect()) {
            w.value(a.toString());
        }
        w.endArray();
        w.name("disableAcsRedir").value(k.disableAcsRedir());
        w.name("acsUnknown").beginArray();
        for (PciAddress a : k.acsUnknown()) {
            w.value(a.toString());
        }
        w.endArray();
        KernelP2pResult.HostBridgeCheck hb = k.hostBridges();
        w.name("hostBridge");
        if (hb == null) {
            w.nullValue();
        } else {
            w.beginObject();
            w.name("cpuRule").value(hb.cpuRule());
            w.name("sameHostBridge").value(hb.sameHostBridge());
            w.name("allowed").value(hb.allowed());
            w.name("lookups").beginArray();
            for (KernelP2pResult.HostBridgeLookup l : hb.bridges()) {
                w.beginObject();
                w.name("hostBridge").value(new PathNode.HostBridge(l.rootBus()).id());
                w.name("device").value(l.device() == null ? null : l.device().toString());
                w.name("id").value(l.vendor() < 0 ? null
                        : String.format(Locale.ROOT, "%04x:%04x", l.vendor(), l.deviceId()));
                w.name("listed").value(l.listed());
                w.name("reason").value(l.reason());
                w.endObject();
            }
            w.endArray();
            w.endObject();
        }
        w.name("log").beginArray();
        for (String line : k.kernelLog()) {
            w.value(line);
        }
        w.endArray();
        w.name("steps").beginArray();
        for (KernelP2pResult.Step s : k.steps()) {
            w.beginObject();
            w.name("rule").value(s.rule());
            w.name("finding").value(s.finding());
            w.endObject();
        }
        w.endArray();
        w.endObject();
        w.endObject();
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
