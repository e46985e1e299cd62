package org.dmascope.sources.nccl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.dmascope.core.source.InputException;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.GpuInfo;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.LinkSpeed;
import org.dmascope.core.topology.NumaNode;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.sources.xml.SecureXml;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * One pass over an NCCL topology document, element by element as NCCL's own loader walks it
 * ({@code ncclTopoGetXmlFromFile()} in xml.cc, {@code ncclTopoGetSystemFromXml()} in topo.cc):
 * {@code <system>} holds {@code <cpu>}s; a {@code <cpu>} holds {@code <pci>}s and {@code <nic>}s;
 * a {@code <pci>} holds {@code <pci>}s, a {@code <gpu>}, a {@code <nic>} and {@code <pcilink>}s; a
 * {@code <gpu>} holds {@code <nvlink>}s and {@code <c2c>}s; a {@code <nic>} holds {@code <net>}s.
 * NCCL ignores elements it does not know; so does this reader, with a warning.
 */
final class NcclTopologyReader {

    // Deeper than any PCI hierarchy (a bus number per level); stops runaway recursion.
    private static final int MAX_PCI_DEPTH = 64;

    private final XMLStreamReader xml;
    private final String name;
    private final SubMonitor progress;
    private final PciTopology.Builder topology;
    private final List<Note> notes = new ArrayList<>();
    private final Map<PciAddress, Spot> listed = new HashMap<>();
    private final Map<PciBus, Set<Integer>> rootBusNodes = new TreeMap<>();
    private final Set<PciBus> rootBusesWarned = new TreeSet<>();
    private final Map<Integer, Spot> numaNodes = new HashMap<>();
    private final Set<String> hostHashes = new LinkedHashSet<>();
    private final List<PendingNvLink> nvLinks = new ArrayList<>();
    private @Nullable CpuInfo cpu;
    private int cpuNode;
    private boolean cpuMismatchWarned;

    /** Where an element starts, as the parser reports it. */
    private record Spot(int line, int column, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** A warning and where it belongs, to give warnings in document order. */
    private record Note(Spot spot, String text) {
    }

    /** The NUMA node a {@code <cpu>} stands for, handed down to its devices. */
    private record Node(int id, @Nullable String cpuList) {
    }

    /** An NVLink whose far end is looked up once all functions are known. */
    private record PendingNvLink(PciAddress from, @Nullable String target, NvLink.Target kind, int count,
            Spot spot) {
    }

    NcclTopologyReader(XMLStreamReader xml, String name, SubMonitor progress) {
        this.xml = xml;
        this.name = name;
        this.progress = progress;
        // In NCCL's files a <pci> bridge stands for a whole switch; root ports are left out.
        this.topology = PciTopology.builder(name).parentsObserved(true).hierarchy(PciTopology.Hierarchy.SWITCHES);
    }

    /** Reads the whole document. */
    PciTopology read() throws XMLStreamException, InputException {
        if (!toRootElement()) {
            throw new InputException(name, null, "not an NCCL topology: the file holds no XML element");
        }
        if (!xml.getLocalName().equals("system")) {
            throw new InputException(name, SecureXml.place(xml), "not an NCCL topology: the root element is <"
                    + xml.getLocalName() + ">, not <system version=\"1\">");
        }
        readSystem();
        // The rest of the document must still be well-formed.
        while (xml.hasNext()) {
            xml.next();
        }
        resolveNvLinks();
        rootBusNodes.forEach((bus, nodes) -> topology.hostBridge(new HostBridge(bus,
                nodes.size() == 1 ? nodes.iterator().next() : -1)));
        notes.sort(Comparator.comparingInt((Note n) -> n.spot().line()).thenComparingInt(n -> n.spot().column()));
        notes.forEach(n -> topology.warn(n.spot() + ": " + n.text()));
        CpuInfo machine = cpu;
        topology.cpu(machine == null ? CpuInfo.UNKNOWN : machine);
        return topology.build();
    }

    private boolean toRootElement() throws XMLStreamException {
        while (xml.hasNext()) {
            if (xml.next() == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
        }
        return false;
    }

    private void readSystem() throws XMLStreamException, InputException {
        Spot spot = spot();
        String version = attribute("version");
        if (version == null) {
            warn(spot, "<system> has no version; read as version 1");
        } else if (!version.trim().equals("1")) {
            warn(spot, "<system> has version " + version.trim()
                    + "; DMA Scope reads version 1 (NCCL refuses other versions)");
        }
        while (nextChild()) {
            if (xml.getLocalName().equals("cpu")) {
                readCpu();
            } else {
                ignore("<system>");
            }
        }
    }

    private void readCpu() throws XMLStreamException, InputException {
        Spot spot = spot();
        String numaText = attribute("numaid");
        if (numaText == null) {
            throw new InputException(name, spot.text(), "<cpu> has no numaid");
        }
        Integer numa = NcclValues.cInt(numaText);
        if (numa == null) {
            throw new InputException(name, spot.text(), "<cpu> numaid '" + numaText + "' is not a number");
        }
        String affinity = attribute("affinity");
        String arch = attribute("arch");
        String vendor = attribute("vendor");
        String family = attribute("familyid");
        String model = attribute("modelid");
        String hostHash = attribute("host_hash");
        if (hostHashes.add(hostHash == null ? "" : hostHash.trim()) && hostHashes.size() == 2) {
            // NCCL fuses the topologies of several hosts (multi-node NVLink) into one file.
            warn(spot, "NUMA node " + numa + " belongs to another host (host_hash) than the CPUs before it;"
                    + " all hosts are shown as one machine");
        }

        List<String> missing = new ArrayList<>();
        addIfMissing(missing, "affinity", affinity);
        addIfMissing(missing, "arch", arch);
        // NCCL reads vendor and model from CPUID on x86 only.
        if (arch == null || arch.trim().equals("x86_64")) {
            addIfMissing(missing, "vendor", vendor);
            addIfMissing(missing, "familyid", family);
            addIfMissing(missing, "modelid", model);
        }
        if (!missing.isEmpty()) {
            warn(spot, "NUMA node " + numa + " states no " + String.join(", ", missing)
                    + "; NCCL reads what is missing from the host when it runs");
        }

        String cpuList = null;
        if (affinity != null && !affinity.isBlank()) {
            cpuList = NcclValues.cpuList(affinity);
            if (cpuList == null) {
                warn(spot, "NUMA node " + numa + " affinity '" + affinity + "' is not a CPU mask; ignored");
            }
        }
        if (numa >= 0) {
            Spot first = numaNodes.putIfAbsent(numa, spot);
            if (first != null) {
                warn(spot, "NUMA node " + numa + " is described twice (first at " + first
                        + "); the later description is kept");
            }
            topology.numaNode(new NumaNode(numa, affinity == null || affinity.isBlank() ? null : affinity.trim(), -1));
        } else {
            warn(spot, "<cpu numaid=\"" + numaText.trim()
                    + "\">: NCCL did not know the NUMA node of the devices below it");
        }
        mergeCpu(cpuInfo(spot, numa, vendor, arch, family, model), numa, spot);

        Node node = new Node(numa, cpuList);
        while (nextChild()) {
            switch (xml.getLocalName()) {
                case "pci":
                    readPci(node, null, null, 1);
                    break;
                case "nic":
                    readNicOfCpu(node);
                    break;
                default:
                    ignore("<cpu>");
                    break;
            }
        }
    }

    private CpuInfo cpuInfo(Spot spot, int numa, @Nullable String vendor, @Nullable String arch,
            @Nullable String family, @Nullable String model) {
        int familyValue = -1;
        if (family != null && !family.isBlank()) {
            Integer f = NcclValues.cInt(family);
            if (f == null || f < 0) {
                warn(spot, "NUMA node " + numa + " familyid '" + family + "' is not a number; ignored");
            } else {
                familyValue = NcclValues.cpuidFamily(f);
            }
        }
        int modelValue = -1;
        if (model != null && !model.isBlank()) {
            Integer m = NcclValues.cInt(model);
            if (m == null || m < 0) {
                warn(spot, "NUMA node " + numa + " modelid '" + model + "' is not a number; ignored");
            } else {
                modelValue = m;
            }
        }
        return new CpuInfo(NcclValues.cpuVendor(vendor, arch), familyValue, modelValue,
                arch == null ? "" : arch.trim());
    }

    // The model has one CPU description per machine: the first node's, unless it says nothing.
    private void mergeCpu(CpuInfo info, int numa, Spot spot) {
        CpuInfo known = cpu;
        if (known == null || (!known.isKnown() && info.isKnown())) {
            cpu = info;
            cpuNode = numa;
        } else if (!known.equals(info) && info.isKnown() && !cpuMismatchWarned) {
            cpuMismatchWarned = true;
            warn(spot, "NUMA node " + numa + " has another CPU (" + info.describe() + ") than NUMA node " + cpuNode
                    + " (" + known.describe() + "); the machine is shown with node " + cpuNode + "'s");
        }
    }

    private void readPci(Node node, @Nullable PciAddress parent, @Nullable PciBus rootBus, int depth)
            throws XMLStreamException, InputException {
        Spot spot = spot();
        if (depth > MAX_PCI_DEPTH) {
            throw new InputException(name, spot.text(), "<pci> elements nested deeper than " + MAX_PCI_DEPTH);
        }
        String busId = attribute("busid");
        if (busId == null) {
            throw new InputException(name, spot.text(), "<pci> has no busid");
        }
        PciAddress address;
        try {
            address = PciAddress.parse(busId);
        } catch (IllegalArgumentException e) {
            throw new InputException(name, spot.text(), "<pci> busid '" + busId
                    + "' is not a PCI address (DDDD:BB:DD.F)", e);
        }
        PciBus root = rootBus == null ? address.pciBus() : rootBus;
        if (rootBus == null) {
            placeOnRootBus(root, node, spot);
        }
        PciFunction.Builder f = PciFunction.builder(address, root).parent(parent);
        if (node.id() >= 0) {
            f.numaNode(node.id());
        }
        f.localCpus(node.cpuList());

        List<String> missing = new ArrayList<>();
        Integer classCode = hexAttribute(spot, address, "class", 0xffffff, missing);
        Integer vendor = hexAttribute(spot, address, "vendor", 0xffff, missing);
        Integer device = hexAttribute(spot, address, "device", 0xffff, missing);
        Integer subVendor = hexAttribute(spot, address, "subsystem_vendor", 0xffff, null);
        Integer subDevice = hexAttribute(spot, address, "subsystem_device", 0xffff, null);
        boolean placeholder = NcclValues.isPlaceholderBus(address)
                || (vendor != null && (vendor == 0xffff || vendor == 0));
        f.placeholder(placeholder);
        if (vendor != null || device != null) {
            f.ids(vendor == null ? 0 : vendor, device == null ? 0 : device);
        }
        if (subVendor != null && subDevice != null) {
            f.subsystem(subVendor, subDevice);
        }
        if (classCode != null) {
            f.classCode(classCode);
        }
        f.link(link(spot, address, missing));
        if (placeholder) {
            // An author's placeholder has no identity to state.
            missing.remove("vendor");
            missing.remove("device");
        }

        Spot first = listed.putIfAbsent(address, spot);
        if (first != null) {
            warn(spot, address + " is listed twice (first at " + first + "); the second listing is ignored");
        }
        boolean holdsPci = false;
        List<OsDevice> osDevices = new ArrayList<>();
        GpuInfo gpu = null;
        while (nextChild()) {
            switch (xml.getLocalName()) {
                case "pci":
                    holdsPci = true;
                    readPci(node, address, root, depth + 1);
                    break;
                case "gpu":
                    if (gpu == null) {
                        gpu = readGpu(address);
                    } else {
                        warn(spot(), address + " has a second <gpu> (an MLOPart partition); only the first is kept");
                        skip();
                    }
                    break;
                case "nic":
                    osDevices.addAll(readNic(classCode));
                    break;
                case "pcilink":
                    warn(spot(), address + ": <pcilink target=\"" + orEmpty(attribute("target"))
                            + "\"> (a link between Broadcom switch halves) is not modelled; ignored");
                    skip();
                    break;
                default:
                    ignore("<pci>");
                    break;
            }
        }
        f.gpu(gpu);
        f.osDevices(osDevices);
        String bridgeNote = "";
        if (holdsPci && classCode == null) {
            // NCCL would read the class from sysfs; a function with functions below it is a bridge.
            f.classCode(NcclValues.BRIDGE_CLASS);
            bridgeNote = "; it holds <pci> elements, so it is taken as a PCI bridge";
        } else if (holdsPci && classCode != null && !isBridgeClass(classCode)) {
            warn(spot, address + " holds <pci> elements though its class "
                    + String.format(Locale.ROOT, "0x%06x", classCode) + " is not a bridge's");
        }
        if (!missing.isEmpty()) {
            warn(spot, address + " states no " + String.join(", ", missing)
                    + "; NCCL reads what is missing from sysfs when it runs" + bridgeNote);
        }
        if (first == null) {
            topology.function(f);
        }
    }

    private static boolean isBridgeClass(int classCode) {
        return classCode >> 16 == 0x06 && (classCode >> 8 & 0xff) == 0x04;
    }

    // A hierarchy's host bridge belongs to one NUMA node; a root bus shared by several nodes'
    // devices (AWS g5, where NCCL assigns each device its node) has none.
    private void placeOnRootBus(PciBus bus, Node node, Spot spot) {
        Set<Integer> nodes = rootBusNodes.computeIfAbsent(bus, b -> new TreeSet<>());
        nodes.add(node.id());
        // Placeholder switches all sit on the author's bus ffff:ff; only real buses are news.
        boolean placeholderBus = bus.domain() == 0xffff && bus.bus() == 0xff;
        if (nodes.size() > 1 && !placeholderBus && rootBusesWarned.add(bus)) {
            warn(spot, "root bus " + bus + " holds devices of NUMA nodes "
                    + nodes.stream().map(String::valueOf).collect(Collectors.joining(" and "))
                    + "; its host bridge is given no NUMA node (each function keeps its own)");
        }
    }

    // NCCL's link_speed and link_width are the slower end's capability (max_link_speed of the
    // device and of the port above); they are the best this file knows of the link.
    private @Nullable PcieLink link(Spot spot, PciAddress address, List<String> missing) {
        String speedText = attribute("link_speed");
        String widthText = attribute("link_width");
        LinkSpeed speed = LinkSpeed.UNKNOWN;
        if (speedText == null || speedText.isBlank()) {
            missing.add("link_speed");
        } else {
            speed = LinkSpeed.fromSysfs(speedText);
            if (speed == LinkSpeed.UNKNOWN) {
                warn(spot, address + " link_speed '" + speedText + "' is not a PCIe speed; link speed unknown");
            }
        }
        int width = 0;
        if (widthText == null || widthText.isBlank()) {
            missing.add("link_width");
        } else {
            Integer w = NcclValues.cInt(widthText);
            if (w == null || w < 0) {
                warn(spot, address + " link_width '" + widthText + "' is not a number; link width unknown");
            } else {
                // NCCL writes 0 when sysfs did not say (and then assumes 16).
                width = w;
            }
        }
        return speed == LinkSpeed.UNKNOWN && width == 0 ? null : new PcieLink(speed, width, LinkSpeed.UNKNOWN, 0);
    }

    private GpuInfo readGpu(PciAddress address) throws XMLStreamException {
        Spot spot = spot();
        int dev = intAttribute(spot, address, "dev");
        int sm = intAttribute(spot, address, "sm");
        int rank = intAttribute(spot, address, "rank");
        int gdr = intAttribute(spot, address, "gdr");
        List<String> missing = new ArrayList<>();
        addIfMissing(missing, "dev", attribute("dev"));
        addIfMissing(missing, "sm", attribute("sm"));
        addIfMissing(missing, "gdr", attribute("gdr"));
        if (attribute("rank") == null) {
            warn(spot, "the <gpu> of " + address + " has no rank (NCCL leaves such GPUs out)");
        }
        if (!missing.isEmpty()) {
            warn(spot, "the <gpu> of " + address + " states no " + String.join(", ", missing));
        }
        while (nextChild()) {
            switch (xml.getLocalName()) {
                case "nvlink":
                    readNvLink(address);
                    break;
                case "c2c":
                    readC2c(address);
                    break;
                default:
                    ignore("<gpu>");
                    break;
            }
        }
        return new GpuInfo(dev, sm, rank, gdr > 0);
    }

    private void readNvLink(PciAddress gpu) throws XMLStreamException {
        Spot spot = spot();
        String target = attribute("target");
        String tclass = attribute("tclass");
        Integer count = NcclValues.cInt(attribute("count"));
        skip();
        if (count == null || count <= 0) {
            warn(spot, "an <nvlink> of " + gpu + " states no count of links; ignored");
            return;
        }
        if (tclass == null || tclass.isBlank()) {
            warn(spot, "an <nvlink> of " + gpu + " states no tclass (what the far end is); ignored");
            return;
        }
        NvLink.Target kind = NcclValues.nvLinkTarget(tclass);
        if (!NcclValues.isKnownTargetClass(tclass)) {
            warn(spot, "an <nvlink> of " + gpu + " has tclass " + tclass.trim()
                    + ", which NCCL connects to its NVSwitch; read as an NVSwitch");
        }
        nvLinks.add(new PendingNvLink(gpu, target, kind, count, spot));
    }

    // NVLink-C2C joins a GPU to its Grace CPU; NCCL's bw is MB/s per link (NVML's C2C max bandwidth).
    private void readC2c(PciAddress gpu) throws XMLStreamException {
        Spot spot = spot();
        Integer count = NcclValues.cInt(attribute("count"));
        Integer bw = NcclValues.cInt(attribute("bw"));
        skip();
        if (count == null || count <= 0) {
            warn(spot, "the <c2c> of " + gpu + " states no count of links; ignored");
            return;
        }
        topology.nvLink(new NvLink(gpu, null, NvLink.Target.CPU, count,
                bw == null || bw <= 0 ? -1 : bw * (double) count / 1000.0));
    }

    private void resolveNvLinks() {
        for (PendingNvLink link : nvLinks) {
            PciAddress to = null;
            if (link.target() != null && !link.target().isBlank()) {
                String target = link.target().trim();
                if (PciAddress.isAddress(target)) {
                    try {
                        PciAddress address = PciAddress.parse(target);
                        to = listed.containsKey(address) ? address : null;
                    } catch (IllegalArgumentException e) {
                        to = null;
                    }
                }
                if (to == null && link.kind() == NvLink.Target.GPU) {
                    warn(link.spot(), "an <nvlink> of " + link.from() + " leads to GPU " + target
                            + ", which the file does not list");
                }
            }
            if (link.from().equals(to)) {
                warn(link.spot(), "an <nvlink> of " + link.from() + " leads to the GPU itself");
            }
            topology.nvLink(new NvLink(link.from(), to, link.kind(), link.count(), -1));
        }
    }

    private List<OsDevice> readNic(@Nullable Integer classCode) throws XMLStreamException {
        // An InfiniBand controller's devices are RDMA devices whatever their names.
        boolean infiniBand = classCode != null && classCode >> 8 == 0x0207;
        List<OsDevice> devices = new ArrayList<>();
        while (nextChild()) {
            switch (xml.getLocalName()) {
                case "net":
                    OsDevice d = readNet(infiniBand);
                    if (d != null) {
                        devices.add(d);
                    }
                    break;
                case "gin":
                case "rma":
                    warn(spot(), "<" + xml.getLocalName() + " name=\"" + orEmpty(attribute("name"))
                            + "\"> (an NCCL device for GPU-initiated or one-sided transfers) is not modelled; ignored");
                    skip();
                    break;
                default:
                    ignore("<nic>");
                    break;
            }
        }
        return devices;
    }

    // A <nic> under a <cpu> has no PCI function (a virtual NIC); the model hangs OS devices on
    // functions only, so it is reported.
    private void readNicOfCpu(Node node) throws XMLStreamException {
        Spot spot = spot();
        for (OsDevice d : readNic(null)) {
            warn(spot, "NIC " + d.name() + " (" + describe(d) + ") sits directly under NUMA node " + node.id()
                    + " without a PCI function (a virtual NIC); it is not shown in the PCI tree");
        }
    }

    private static String describe(OsDevice d) {
        String kind = d.kind() == OsDevice.Kind.OPENFABRICS ? "RDMA" : "network";
        return d.speedMbps() > 0 ? kind + ", " + d.speedMbps() + " Mb/s" : kind;
    }

    private @Nullable OsDevice readNet(boolean infiniBand) throws XMLStreamException {
        Spot spot = spot();
        String netName = attribute("name");
        Integer speed = NcclValues.cInt(attribute("speed"));
        Integer port = NcclValues.cInt(attribute("port"));
        String guid = attribute("guid");
        skip();
        if (netName == null || netName.isBlank()) {
            warn(spot, "a <net> states no name; ignored");
            return null;
        }
        String n = netName.trim();
        OsDevice.Kind kind = infiniBand || NcclValues.isRdmaName(n) ? OsDevice.Kind.OPENFABRICS
                : OsDevice.Kind.NETWORK;
        // NCCL writes guid 0x0 for devices without one (sockets).
        Integer guidValue = guid == null ? null : NcclValues.cInt(guid);
        String guidText = guid == null || guid.isBlank() || (guidValue != null && guidValue == 0) ? null : guid.trim();
        return new OsDevice(n, kind, speed == null || speed <= 0 ? -1 : speed, port == null || port < 0 ? -1 : port,
                guidText);
    }

    private void ignore(String parent) throws XMLStreamException {
        warn(spot(), "<" + xml.getLocalName() + "> in " + parent + " is not part of NCCL's topology format; ignored");
        skip();
    }

    // Moves to the next child element of the current one; false at the current element's end.
    private boolean nextChild() throws XMLStreamException {
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                if (progress.isCanceled()) {
                    throw new OperationCanceledException();
                }
                // The number of elements is not known ahead: each takes a share of what is left.
                progress.setWorkRemaining(100);
                progress.worked(1);
                return true;
            }
            if (event == XMLStreamConstants.END_ELEMENT) {
                return false;
            }
        }
        return false;
    }

    // Skips the current element and all it holds.
    private void skip() throws XMLStreamException {
        int depth = 1;
        while (depth > 0 && xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    private Spot spot() {
        Location location = xml.getLocation();
        return location == null ? new Spot(-1, -1, SecureXml.place(location))
                : new Spot(location.getLineNumber(), location.getColumnNumber(), SecureXml.place(location));
    }

    private @Nullable String attribute(String attributeName) {
        return xml.getAttributeValue(null, attributeName);
    }

    private static void addIfMissing(List<String> missing, String attributeName, @Nullable String value) {
        if (value == null || value.isBlank()) {
            missing.add(attributeName);
        }
    }

    private static String orEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }

    private @Nullable Integer hexAttribute(Spot spot, PciAddress address, String attributeName, int max,
            @Nullable List<String> missing) {
        String text = attribute(attributeName);
        if (text == null || text.isBlank()) {
            if (missing != null) {
                missing.add(attributeName);
            }
            return null;
        }
        Integer value = NcclValues.hex(text);
        if (value == null || value < 0 || value > max) {
            warn(spot, address + " " + attributeName + " '" + text + "' is not a hexadecimal "
                    + (max == 0xffff ? "ID" : "class code") + "; ignored");
            return null;
        }
        return value;
    }

    private int intAttribute(Spot spot, PciAddress address, String attributeName) {
        String text = attribute(attributeName);
        if (text == null || text.isBlank()) {
            return -1;
        }
        Integer value = NcclValues.cInt(text);
        if (value == null) {
            warn(spot, "the <gpu> of " + address + " has " + attributeName + " '" + text + "', not a number; ignored");
            return -1;
        }
        return value;
    }

    private void warn(Spot spot, String text) {
        notes.add(new Note(spot, text));
    }
}
