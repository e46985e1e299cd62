package org.dmascope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;

import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.Bar;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.GpuInfo;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.LinkSpeed;
import org.dmascope.core.topology.NumaNode;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;

import com.google.gson.stream.JsonWriter;

/**
 * The JSON form of a topology that {@code topo --json} prints. Identifiers are written as sysfs
 * writes them ({@code "0x8086"}, class {@code "0x060400"}), addresses as hexadecimal strings
 * (64-bit values do not fit JSON numbers), link speed as a number of GT/s. A value the source
 * does not know is {@code null}. Keys are only ever added, never renamed: scripts rely on them.
 */
public final class TopologyJson {

    private TopologyJson() {
    }

    /** Writes the topology as one JSON document. */
    public static void write(PciTopology topology, PciNames names, Writer out) {
        try {
            JsonWriter w = new JsonWriter(out);
            w.setIndent("  ");
            w.setSerializeNulls(true);
            w.beginObject();
            w.name("source").value(topology.source());
            w.name("hierarchy").value(topology.hierarchy().name().toLowerCase(Locale.ROOT));
            writeCpu(w, topology.cpu());
            w.name("numaNodes").beginArray();
            for (NumaNode n : topology.numaNodes()) {
                w.beginObject();
                w.name("id").value(n.id());
                w.name("cpus").value(n.cpus());
                w.name("socket");
                nullableInt(w, n.socket());
                w.endObject();
            }
            w.endArray();
            w.name("hostBridges").beginArray();
            for (HostBridge h : topology.hostBridges()) {
                w.beginObject();
                w.name("name").value(h.sysfsName());
                w.name("domain").value(String.format(Locale.ROOT, "%04x", h.rootBus().domain()));
                w.name("rootBus").value(String.format(Locale.ROOT, "%02x", h.rootBus().bus()));
                w.name("numaNode").value(h.numaNode());
                w.endObject();
            }
            w.endArray();
            w.name("devices").beginArray();
            for (PciFunction f : topology.functions()) {
                writeFunction(w, f, topology, names);
            }
            w.endArray();
            w.name("nvLinks").beginArray();
            for (NvLink link : topology.nvLinks()) {
                writeNvLink(w, link);
            }
            w.endArray();
            w.name("warnings").beginArray();
            for (String warning : topology.warnings()) {
                w.value(warning);
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

    private static void writeFunction(JsonWriter w, PciFunction f, PciTopology topology, PciNames names)
            throws IOException {
        w.beginObject();
        w.name("bdf").value(f.address().toString());
        w.name("vendor").value(hex(f.vendorId(), 4));
        w.name("device").value(hex(f.deviceId(), 4));
        w.name("subsystemVendor").value(f.subsystemVendorId() < 0 ? null : hex(f.subsystemVendorId(), 4));
        w.name("subsystemDevice").value(f.subsystemDeviceId() < 0 ? null : hex(f.subsystemDeviceId(), 4));
        w.name("class").value(hex(f.classCode(), 6));
        w.name("revision").value(f.revision() < 0 ? null : hex(f.revision(), 2));
        w.name("name").value(names.describe(f));
        w.name("vendorName").value(names.vendor(f.vendorId()));
        w.name("deviceName").value(names.device(f.vendorId(), f.deviceId()));
        w.name("className").value(names.className(f.classCode()));
        w.name("kind").value(f.kind().name().toLowerCase(Locale.ROOT));
        w.name("role").value(f.role().name().toLowerCase(Locale.ROOT));
        w.name("roleInferred").value(f.roleInferred());
        w.name("portType").value(f.portType().name().toLowerCase(Locale.ROOT));
        PciAddress parent = f.parent();
        w.name("parent").value(parent == null ? null : parent.toString());
        w.name("hostBridge").value(topology.hostBridge(f).map(HostBridge::sysfsName).orElse(null));
        w.name("secondaryBus");
        nullableInt(w, f.secondaryBus());
        w.name("subordinateBus");
        nullableInt(w, f.subordinateBus());
        PcieLink link = f.link();
        w.name("linkSpeed");
        speed(w, link == null ? LinkSpeed.UNKNOWN : link.speed());
        w.name("linkWidth");
        nullableInt(w, link == null || link.width() == 0 ? -1 : link.width());
        w.name("maxLinkSpeed");
        speed(w, link == null ? LinkSpeed.UNKNOWN : link.maxSpeed());
        w.name("maxLinkWidth");
        nullableInt(w, link == null || link.maxWidth() == 0 ? -1 : link.maxWidth());
        w.name("numaNode");
        if (f.numaNode() == PciFunction.NUMA_UNKNOWN) {
            w.nullValue();
        } else {
            w.value(f.numaNode());
        }
        w.name("iommuGroup").value(f.iommuGroup());
        w.name("driver").value(f.driver());
        Acs acs = f.acs();
        w.name("acs");
        if (acs == null) {
            w.nullValue();
        } else {
            w.beginObject();
            w.name("capability").value(hex(acs.capability(), 4));
            w.name("control").value(hex(acs.control(), 4));
            w.name("redirectsPeerToPeer").value(acs.redirectsPeerToPeer());
            w.name("enabled").beginArray();
            for (String c : acs.enabledControls()) {
                w.value(c);
            }
            w.endArray();
            // The register bits as lspci -vvv prints them on its ACSCap: and ACSCtl: lines.
            w.name("acsCap").value(acs.describeCapability());
            w.name("acsCtl").value(acs.describeControl());
            w.endObject();
        }
        w.name("localCpus").value(f.localCpus());
        w.name("osDevices").beginArray();
        for (OsDevice d : f.osDevices()) {
            w.beginObject();
            w.name("name").value(d.name());
            w.name("kind").value(d.kind().name().toLowerCase(Locale.ROOT));
            w.name("speedMbps");
            nullableInt(w, d.speedMbps());
            w.name("port");
            nullableInt(w, d.port());
            w.name("guid").value(d.guid());
            w.endObject();
        }
        w.endArray();
        GpuInfo gpu = f.gpu();
        w.name("gpu");
        if (gpu == null) {
            w.nullValue();
        } else {
            w.beginObject();
            w.name("index");
            nullableInt(w, gpu.index());
            w.name("sm");
            nullableInt(w, gpu.sm());
            w.name("rank");
            nullableInt(w, gpu.rank());
            w.name("gdr").value(gpu.gdr());
            w.endObject();
        }
        w.name("placeholder").value(f.placeholder());
        w.name("bars").beginArray();
        for (Bar bar : f.bars()) {
            w.beginObject();
            w.name("name").value(bar.name());
            w.name("kind").value(bar.kind().name().toLowerCase(Locale.ROOT));
            w.name("index").value(bar.index());
            w.name("start").value(String.format(Locale.ROOT, "0x%016x", bar.start()));
            w.name("end").value(String.format(Locale.ROOT, "0x%016x", bar.end()));
            w.name("size").value(bar.size());
            w.name("flags").value(String.format(Locale.ROOT, "0x%x", bar.flags()));
            w.name("type").value(bar.typeDescription());
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }

    // Vendor as a lower-case word ("intel", "amd", ..., "unknown"); numbers the source does not give are null.
    private static void writeCpu(JsonWriter w, CpuInfo cpu) throws IOException {
        w.name("cpu").beginObject();
        w.name("vendor").value(cpu.vendor().name().toLowerCase(Locale.ROOT));
        w.name("family");
        nullableInt(w, cpu.family());
        w.name("model");
        nullableInt(w, cpu.model());
        w.name("arch").value(cpu.arch().isEmpty() ? null : cpu.arch());
        w.name("description").value(cpu.describe());
        w.endObject();
    }

    // NCCL files state how many links are bonded, hwloc the bandwidth: each leaves the other null.
    private static void writeNvLink(JsonWriter w, NvLink link) throws IOException {
        w.beginObject();
        w.name("from").value(link.from().toString());
        PciAddress to = link.to();
        w.name("to").value(to == null ? null : to.toString());
        w.name("target").value(link.target().name().toLowerCase(Locale.ROOT));
        w.name("count");
        nullableInt(w, link.count() > 0 ? link.count() : -1);
        w.name("bandwidthGBps");
        if (link.bandwidthGBps() > 0) {
            w.value(link.bandwidthGBps());
        } else {
            w.nullValue();
        }
        w.endObject();
    }

    private static String hex(int value, int digits) {
        return String.format(Locale.ROOT, "0x%0" + digits + "x", value);
    }

    private static void nullableInt(JsonWriter w, int value) throws IOException {
        if (value < 0) {
            w.nullValue();
        } else {
            w.value(value);
        }
    }

    private static void speed(JsonWriter w, LinkSpeed speed) throws IOException {
        if (speed == LinkSpeed.UNKNOWN) {
            w.nullValue();
        } else {
            w.value(speed.gigaTransfers());
        }
    }
}
