package org.dmascope.sources.hwloc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmascope.core.source.InputException;
import org.dmascope.core.source.TopologyImporter;
import org.dmascope.core.topology.CpuInfo;
import org.dmascope.core.topology.CpuVendor;
import org.dmascope.core.topology.HostBridge;
import org.dmascope.core.topology.NumaNode;
import org.dmascope.core.topology.NvLink;
import org.dmascope.core.topology.OsDevice;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciBus;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PciTopology;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.sources.xml.SecureXml;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads the topology hwloc exports as XML ({@code lstopo --of xml}, {@code hwloc-gather-topology}),
 * format versions 2.x and 3.0 ({@code <topology version="2.0">} / {@code "3.0"}).
 *
 * <p>PCI functions are the {@code PCIDev} objects and the PCI-to-PCI bridges ({@code Bridge}
 * with {@code bridge_type="1-1"}); a host bridge ({@code bridge_type="0-1"}) opens the root bus
 * named by its {@code bridge_pci} range. hwloc nests each function below the bridge it sits
 * behind, so parents are read from the nesting (observed, as in sysfs). {@code pci_type} is
 * {@code "CCCC [VVVV:DDDD] [SSSS:ssss] RR PP"} (class, IDs, subsystem IDs, revision, prog-if);
 * hwloc before 3.0 wrote no prog-if, which then reads as 0. {@code pci_link_speed} is kept as the
 * bandwidth it states in GB/s.
 *
 * <p>A host bridge's NUMA node is where hwloc attached it: the NUMA nodes of the nearest CPU-side
 * object above it, when they come down to one node with CPUs; its functions get that node and
 * the object's CPUs as their local CPUs. NUMANode objects become NUMA nodes (OS index, cpuset as
 * written, package OS index); CPUVendor, CPUFamilyNumber, CPUModelNumber and Architecture infos
 * give the CPU. OS devices below a PCI function become its OS device names, their kind from
 * {@code osdev_type} (hwloc 2.x numbers, hwloc 3.0 bits). The NVLinkBandwidth matrix (MB/s)
 * becomes NVLinks from each GPU to the GPUs, NVSwitches and CPUs it reaches.
 *
 * <p>hwloc 1.x files ({@code <topology>} without a version) are recognised but refused with a
 * message saying how to convert them; hwloc 2.x reads them and writes the 2.x format.
 */
public final class HwlocXmlImporter implements TopologyImporter {

    /** The identifier of this importer. */
    public static final String ID = "hwloc-xml";

    // "0604 [8086:340a] [0000:0000] 22 00": hwloc 3.0; hwloc 2.x stops after the revision.
    private static final Pattern PCI_TYPE = Pattern.compile("([0-9a-fA-F]{1,4})"
            + " \\[([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})\\] \\[([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})\\]"
            + " ([0-9a-fA-F]{1,2})(?: ([0-9a-fA-F]{1,2}))?");
    // "0000:[04-16]": domain, secondary and subordinate bus.
    private static final Pattern BUS_RANGE = Pattern.compile(
            "([0-9a-fA-F]{1,8}):\\[([0-9a-fA-F]{1,2})-([0-9a-fA-F]{1,2})\\]");
    private static final Pattern BRIDGE_TYPE = Pattern.compile("(\\d+)-(\\d+)");
    private static final Pattern TYPED_INDEX = Pattern.compile("([A-Za-z0-9]+):(\\d+)");

    private static final Set<String> KNOWN_TYPES = Set.of("Machine", "Package", "Die", "Core", "PU", "L1Cache",
            "L2Cache", "L3Cache", "L4Cache", "L5Cache", "L1iCache", "L2iCache", "L3iCache", "Group", "NUMANode",
            "MemCache", "Bridge", "PCIDev", "OSDev", "Misc", "Tile", "Module");

    // hwloc 3.0 osdev_type bits (hwloc_obj_osdev_type_e).
    private static final long OSDEV_STORAGE = 1;
    private static final long OSDEV_GPU = 1 << 2;
    private static final long OSDEV_COPROC = 1 << 3;
    private static final long OSDEV_NETWORK = 1 << 4;
    private static final long OSDEV_OPENFABRICS = 1 << 5;
    private static final long OSDEV_DMA = 1 << 6;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String label() {
        return "hwloc XML topology (lstopo --of xml; hwloc 2.x and 3.0)";
    }

    /**
     * 100 for a root {@code <topology version="2.x"|"3.x">}; 60 for a {@code <topology>} of
     * another version (1.x has no version attribute), so that reading it explains what to do;
     * 0 for anything else. Looks at the root's start tag only: a file that says it is an hwloc
     * topology is claimed, and reading it names the line and column of what is wrong below.
     */
    @Override
    public int recognise(Path input) {
        if (!Files.isRegularFile(input)) {
            return 0;
        }
        SecureXml.Root root = SecureXml.root(input).orElse(null);
        if (root == null || !root.name().equals("topology")) {
            return 0;
        }
        String version = root.attribute("version");
        boolean known = version != null && (version.trim().startsWith("2.") || version.trim().startsWith("3."));
        return known ? 100 : 60;
    }

    @Override
    public PciTopology read(Path input, String name, IProgressMonitor monitor) throws InputException {
        if (!Files.exists(input)) {
            throw new InputException(name, null, "no such file or directory");
        }
        if (!Files.isRegularFile(input)) {
            throw new InputException(name, null, "not a file (an hwloc topology is one XML file)");
        }
        SubMonitor progress = SubMonitor.convert(monitor, "Reading hwloc topology " + name, 100);
        HwlocDocument document = HwlocXmlReader.read(input, name, progress.split(80));
        return new Conversion(document, name).run(progress.split(20));
    }

    /**
     * What the objects above an object say about it: the CPU-side object hwloc attached its PCI
     * tree to, the root bus, the bridge it sits behind (null on a root bus) and the buses that
     * bridge routes, and the PCI function OS devices below belong to.
     */
    private record Scope(@Nullable HwlocObject cpuSide, @Nullable PciBus rootBus, @Nullable PciAddress bridge,
            @Nullable BusRange buses, PciFunction.@Nullable Builder device) {

        static final Scope TOP = new Scope(null, null, null, null, null);

        Scope cpuSide(HwlocObject value) {
            return new Scope(value, rootBus, bridge, buses, device);
        }
    }

    /** The buses below a bridge, {@code bridge_pci}. */
    private record BusRange(int domain, int secondary, int subordinate, String bridge) {
        boolean holds(PciBus bus) {
            return bus.domain() == domain && bus.bus() >= secondary && bus.bus() <= subordinate;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%04x:[%02x-%02x] of %s", domain, secondary, subordinate, bridge);
        }
    }

    /** Where a set of objects is: a NUMA node (-1 when none, or more than one) and CPUs. */
    private record Locality(int numaNode, @Nullable BitSet cpus) {
        static final Locality UNKNOWN = new Locality(-1, null);
    }

    /** One end of an NVLink: a PCI function, or a CPU (no address). */
    private record LinkEnd(@Nullable PciAddress address, NvLink.Target target) {
    }

    /** A PCI object read into a function, with the identity NVLink ends are told by. */
    private record Device(PciFunction.Builder function, int vendorId, int classCode) {
    }

    /** One file's objects turned into a topology. */
    private static final class Conversion {
        private final HwlocDocument document;
        private final String name;
        private final PciTopology.Builder topology;
        private final Map<PciAddress, PciFunction.Builder> functions = new LinkedHashMap<>();
        private final Map<PciAddress, String> functionPlaces = new HashMap<>();
        private final Map<HwlocObject, Device> byObject = new IdentityHashMap<>();
        private final Map<PciFunction.Builder, List<OsDevice>> osDevices = new IdentityHashMap<>();
        private final Map<PciBus, HostBridge> hostBridges = new TreeMap<>();
        private final Map<HwlocObject, Locality> localities = new IdentityHashMap<>();
        private final Map<Integer, BitSet> numaCpus = new TreeMap<>();
        private final List<String> withoutHostBridge = new ArrayList<>();
        private @Nullable HwlocObject cpuSource;
        private IProgressMonitor monitor = new NullProgressMonitor();
        private int visited;

        Conversion(HwlocDocument document, String name) {
            this.document = document;
            this.name = name;
            this.topology = PciTopology.builder(name).parentsObserved(true);
        }

        PciTopology run(IProgressMonitor monitor) throws InputException {
            SubMonitor progress = SubMonitor.convert(monitor, 4);
            this.monitor = progress;
            document.warnings().forEach(topology::warn);
            numaNodes();
            progress.split(1);
            walk(document.root(), Scope.TOP);
            if (!withoutHostBridge.isEmpty()) {
                topology.warn("no host bridge above " + String.join(", ", withoutHostBridge)
                        + " (hwloc exported no bridges there); shown on their own buses");
            }
            progress.split(1);
            for (PciFunction.Builder f : functions.values()) {
                List<OsDevice> names = osDevices.get(f);
                if (names != null) {
                    f.osDevices(names);
                }
                topology.function(f);
            }
            hostBridges.values().forEach(topology::hostBridge);
            topology.cpu(cpu());
            nvLinks();
            progress.split(1);
            PciTopology result = topology.build();
            progress.split(1);
            return result;
        }

        private void warn(HwlocObject o, String problem) {
            topology.warn(o.place() + ": " + problem);
        }

        private void numaNodes() {
            for (HwlocObject o : document.numaNodes()) {
                Integer id = number(o, "os_index");
                if (id == null) {
                    warn(o, "NUMANode without an os_index; left out");
                    continue;
                }
                HwlocObject pkg = o.ancestor("Package");
                Integer socket = pkg == null ? null : number(pkg, "os_index");
                topology.numaNode(new NumaNode(id, o.attribute("cpuset"), socket == null ? -1 : socket));
                BitSet cpus = bitmap(o, "cpuset");
                numaCpus.put(id, cpus == null ? new BitSet() : cpus);
            }
        }

        // Depth is bounded by the reader, so recursion is safe.
        private void walk(HwlocObject o, Scope scope) throws InputException {
            if (++visited % 256 == 0 && monitor.isCanceled()) {
                throw new OperationCanceledException();
            }
            Scope inner = scope;
            String type = o.type();
            switch (type) {
                case "Bridge" -> inner = bridge(o, scope);
                case "PCIDev" -> inner = pciDevice(o, scope);
                case "OSDev" -> osDevice(o, scope);
                default -> {
                    if (!KNOWN_TYPES.contains(type)) {
                        warn(o, "object type '" + type + "' is not one hwloc writes; ignored");
                    }
                }
            }
            if (inner == null) {
                return; // left out with what is below it
            }
            if (o.attribute("cpuset") != null) {
                inner = inner.cpuSide(o);
            }
            if (cpuSource == null && o.info("CPUVendor") != null) {
                cpuSource = o;
            }
            for (HwlocObject child : o.children()) {
                walk(child, inner);
            }
        }

        private @Nullable Scope bridge(HwlocObject o, Scope scope) throws InputException {
            String bridgeType = required(o, "bridge_type");
            Matcher t = BRIDGE_TYPE.matcher(bridgeType.trim());
            if (!t.matches()) {
                throw new InputException(name, o.place(), "bridge_type '" + bridgeType + "' is not 'U-D'");
            }
            String upstream = t.group(1);
            String downstream = t.group(2);
            if (!downstream.equals("1") || !(upstream.equals("0") || upstream.equals("1"))) {
                warn(o, "bridge_type " + bridgeType + " is neither a host bridge (0-1) nor a PCI bridge (1-1);"
                        + " the objects below it are read as if it were not there");
                return scope;
            }
            String range = required(o, "bridge_pci");
            Matcher m = BUS_RANGE.matcher(range.trim());
            if (!m.matches()) {
                throw new InputException(name, o.place(), "bridge_pci '" + range + "' is not 'dddd:[ss-ee]'");
            }
            long domain = Long.parseLong(m.group(1), 16);
            int secondary = Integer.parseInt(m.group(2), 16);
            int subordinate = Integer.parseInt(m.group(3), 16);
            if (upstream.equals("0")) {
                if (domain > Integer.MAX_VALUE) {
                    throw new InputException(name, o.place(), "bridge_pci '" + range + "': domain out of range");
                }
                PciBus root = new PciBus((int) domain, secondary);
                Locality here = locality(scope.cpuSide());
                hostBridges.putIfAbsent(root, new HostBridge(root, here.numaNode()));
                BusRange buses = new BusRange((int) domain, secondary, secondary, "the host bridge of " + root);
                return new Scope(scope.cpuSide(), root, null, buses, null);
            }
            PciFunction.Builder f = function(o, scope);
            if (f == null) {
                return null;
            }
            f.busRange(secondary, subordinate);
            BusRange buses = new BusRange((int) domain, secondary, subordinate, f.address().toString());
            return new Scope(scope.cpuSide(), f.rootBus(), f.address(), buses, f);
        }

        private @Nullable Scope pciDevice(HwlocObject o, Scope scope) throws InputException {
            PciFunction.Builder f = function(o, scope);
            // Objects below a device (its OS devices) stay on the device's bus and bridge.
            return f == null ? null : new Scope(scope.cpuSide(), f.rootBus(), scope.bridge(), scope.buses(), f);
        }

        // The function, or null when its address was taken by an earlier object.
        private PciFunction.@Nullable Builder function(HwlocObject o, Scope scope) throws InputException {
            String busId = required(o, "pci_busid");
            PciAddress address;
            try {
                address = PciAddress.parse(busId);
            } catch (IllegalArgumentException e) {
                throw new InputException(name, o.place(), "pci_busid '" + busId + "' is not a PCI address", e);
            }
            String pciType = required(o, "pci_type");
            Matcher m = PCI_TYPE.matcher(pciType.trim());
            if (!m.matches()) {
                throw new InputException(name, o.place(), "pci_type '" + pciType + "' is not"
                        + " 'CCCC [VVVV:DDDD] [SSSS:ssss] RR PP' (class, IDs, subsystem IDs, revision, prog-if)");
            }
            String first = functionPlaces.putIfAbsent(address, o.place());
            if (first != null) {
                // hwloc does not check; one of its own test files has such a copy.
                warn(o, "PCI function " + address + " listed again (first at " + first
                        + "); this one is left out with what is below it");
                return null;
            }
            PciBus rootBus = scope.rootBus();
            BusRange buses = scope.buses();
            if (rootBus == null) {
                rootBus = address.pciBus();
                withoutHostBridge.add(address.toString());
            } else if (buses != null && !buses.holds(address.pciBus())) {
                warn(o, address + " is not on a bus that " + buses + " routes");
            }
            int progIf = m.group(7) == null ? 0 : hex(m.group(7));
            int vendorId = hex(m.group(2));
            int classCode = hex(m.group(1)) << 8 | progIf;
            PciFunction.Builder f = PciFunction.builder(address, rootBus).parent(scope.bridge())
                    .ids(vendorId, hex(m.group(3))).subsystem(hex(m.group(4)), hex(m.group(5)))
                    .classCode(classCode).revision(hex(m.group(6)));
            PcieLink link = link(o);
            if (link != null) {
                f.link(link);
            }
            Locality here = locality(scope.cpuSide());
            if (here.numaNode() >= 0) {
                f.numaNode(here.numaNode());
            }
            BitSet cpus = here.cpus();
            if (cpus != null && !cpus.isEmpty()) {
                f.localCpus(HwlocBitmap.toList(cpus));
            }
            functions.put(address, f);
            byObject.put(o, new Device(f, vendorId, classCode));
            return f;
        }

        private @Nullable PcieLink link(HwlocObject o) {
            String speed = o.attribute("pci_link_speed");
            if (speed == null) {
                return null;
            }
            double gbps;
            try {
                gbps = Double.parseDouble(speed.trim());
            } catch (NumberFormatException e) {
                warn(o, "pci_link_speed '" + speed + "' is not a number; link left unknown");
                return null;
            }
            if (Double.isNaN(gbps) || Double.isInfinite(gbps) || gbps < 0) {
                warn(o, "pci_link_speed '" + speed + "' is not a bandwidth; link left unknown");
                return null;
            }
            // hwloc writes 0 when it does not know the link.
            return gbps > 0 ? PcieLink.ofBandwidth(gbps) : null;
        }

        private void osDevice(HwlocObject o, Scope scope) {
            PciFunction.Builder device = scope.device();
            if (device == null) {
                return; // not a PCI device's: a memory device, a block device of the platform
            }
            String osName = o.attribute("name");
            if (osName == null || osName.isBlank()) {
                warn(o, "OSDev without a name; left out");
                return;
            }
            OsDevice.Kind kind = osDeviceKind(o);
            int port = -1;
            String guid = null;
            if (kind == OsDevice.Kind.NETWORK) {
                Integer p = infoNumber(o, "Port");
                port = p == null ? -1 : p;
            } else if (kind == OsDevice.Kind.OPENFABRICS) {
                guid = o.info("NodeGUID");
            }
            osDevices.computeIfAbsent(device, d -> new ArrayList<>()).add(new OsDevice(osName, kind, -1, port, guid));
        }

        private OsDevice.Kind osDeviceKind(HwlocObject o) {
            String text = o.attribute("osdev_type");
            if (text != null) {
                try {
                    long type = Long.parseLong(text.trim());
                    return document.major() >= 3 ? kindFromBits(type) : kindFromNumber(type);
                } catch (NumberFormatException e) {
                    warn(o, "osdev_type '" + text + "' is not a number");
                }
            }
            return kindFromSubtype(o.attribute("subtype"));
        }

        private Locality locality(@Nullable HwlocObject cpuSide) {
            if (cpuSide == null) {
                return Locality.UNKNOWN;
            }
            Locality known = localities.get(cpuSide);
            if (known == null) {
                known = new Locality(numaNodeOf(cpuSide), bitmap(cpuSide, "cpuset"));
                localities.put(cpuSide, known);
            }
            return known;
        }

        // The NUMA nodes of the object (its nodeset, else the nodes whose CPUs contain or lie in its
        // CPUs); of several, the one with CPUs, since memory-only nodes hold no host bridges.
        private int numaNodeOf(HwlocObject cpuSide) {
            BitSet nodeset = bitmap(cpuSide, "nodeset");
            BitSet cpus = bitmap(cpuSide, "cpuset");
            List<Integer> candidates = new ArrayList<>();
            for (Map.Entry<Integer, BitSet> node : numaCpus.entrySet()) {
                BitSet nodeCpus = node.getValue();
                boolean near;
                if (nodeset != null) {
                    near = nodeset.get(node.getKey());
                } else if (cpus != null && !nodeCpus.isEmpty()) {
                    near = contains(nodeCpus, cpus) || contains(cpus, nodeCpus);
                } else {
                    near = false;
                }
                if (near) {
                    candidates.add(node.getKey());
                }
            }
            if (candidates.size() > 1) {
                candidates.removeIf(id -> numaCpus.get(id).isEmpty());
            }
            return candidates.size() == 1 ? candidates.get(0) : -1;
        }

        private static boolean contains(BitSet outer, BitSet inner) {
            BitSet rest = (BitSet) inner.clone();
            rest.andNot(outer);
            return rest.isEmpty();
        }

        private CpuInfo cpu() {
            HwlocObject source = cpuSource;
            String arch = document.machineInfo("Architecture");
            if (source == null) {
                return arch == null ? CpuInfo.UNKNOWN : new CpuInfo(CpuVendor.UNKNOWN, -1, -1, arch);
            }
            Integer family = infoNumber(source, "CPUFamilyNumber");
            Integer model = infoNumber(source, "CPUModelNumber");
            String vendor = source.info("CPUVendor");
            return new CpuInfo(CpuVendor.parse(vendor == null ? "" : vendor), family == null ? -1 : family,
                    model == null ? -1 : model, arch == null ? "" : arch);
        }

        // hwloc states the bandwidth from each object to each other one in MB/s; only the rows of
        // GPUs make NVLinks (the switches' and CPUs' rows repeat them from the other end).
        private void nvLinks() {
            for (HwlocDistances matrix : document.nvLinks()) {
                int n = matrix.count();
                if (n < 2 || matrix.indexes().size() != n || matrix.values().size() != (long) n * n) {
                    topology.warn(matrix.place() + ": NVLinkBandwidth has nbobjs " + matrix.count() + ", "
                            + matrix.indexes().size() + " indexes and " + matrix.values().size()
                            + " values; its NVLinks are left out");
                    continue;
                }
                long[] values = new long[n * n];
                try {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = Long.parseLong(matrix.values().get(i));
                    }
                } catch (NumberFormatException e) {
                    topology.warn(matrix.place() + ": NVLinkBandwidth has a value that is not a number; its NVLinks"
                            + " are left out");
                    continue;
                }
                LinkEnd[] ends = new LinkEnd[n];
                for (int i = 0; i < n; i++) {
                    ends[i] = linkEnd(matrix, matrix.indexes().get(i));
                }
                for (int i = 0; i < n; i++) {
                    LinkEnd from = ends[i];
                    if (from == null || from.target() != NvLink.Target.GPU || from.address() == null) {
                        continue;
                    }
                    for (int j = 0; j < n; j++) {
                        LinkEnd to = ends[j];
                        long mbps = values[i * n + j];
                        if (j != i && to != null && mbps > 0) {
                            // hwloc states bandwidth, not how many links make it: count 0.
                            topology.nvLink(new NvLink(from.address(), to.address(), to.target(), 0, mbps / 1000.0));
                        }
                    }
                }
            }
        }

        private @Nullable LinkEnd linkEnd(HwlocDistances matrix, String index) {
            String type = matrix.type();
            String gp = index;
            if (matrix.heterogeneous()) {
                Matcher m = TYPED_INDEX.matcher(index);
                if (!m.matches()) {
                    topology.warn(matrix.place() + ": NVLinkBandwidth index '" + index + "' is not 'Type:gp'");
                    return null;
                }
                type = m.group(1);
                gp = m.group(2);
            } else if (!matrix.indexing().equals("gp")) {
                topology.warn(matrix.place() + ": NVLinkBandwidth indexes " + type + " objects by '"
                        + matrix.indexing() + "', not by gp index; " + index + " left out");
                return null;
            }
            HwlocObject o;
            try {
                o = document.byGpIndex().get(Long.valueOf(gp));
            } catch (NumberFormatException e) {
                o = null;
            }
            if (o == null || (type != null && !type.equals(o.type()))) {
                topology.warn(matrix.place() + ": NVLinkBandwidth names " + index + ", which is not in the file");
                return null;
            }
            if (o.type().equals("OSDev")) {
                HwlocObject pci = o.ancestor("PCIDev");
                Device gpu = pci == null ? null : byObject.get(pci);
                if (gpu == null) {
                    warn(o, "an NVLink end that is not below a PCI device; its NVLinks are left out");
                    return null;
                }
                return new LinkEnd(gpu.function().address(), NvLink.Target.GPU);
            }
            Device d = byObject.get(o);
            if (d != null) {
                // hwloc marks NVSwitches by subtype; one whose IDs it could not read has only that.
                if ("NVSwitch".equals(o.attribute("subtype"))
                        || (d.classCode() >> 8 == 0x0680 && d.vendorId() == 0x10de)) {
                    return new LinkEnd(d.function().address(), NvLink.Target.NVSWITCH);
                }
                if (d.classCode() >> 16 == 0x03) {
                    return new LinkEnd(d.function().address(), NvLink.Target.GPU);
                }
                warn(o, "an NVLink end that is neither a GPU nor an NVSwitch; its NVLinks are left out");
                return null;
            }
            if (o.attribute("cpuset") != null) {
                return new LinkEnd(null, NvLink.Target.CPU);
            }
            warn(o, "an NVLink end DMA Scope does not know; its NVLinks are left out");
            return null;
        }

        private String required(HwlocObject o, String attribute) throws InputException {
            String value = o.attribute(attribute);
            if (value == null || value.isBlank()) {
                throw new InputException(name, o.place(), o.type() + " without " + attribute);
            }
            return value;
        }

        private @Nullable BitSet bitmap(HwlocObject o, String attribute) {
            String text = o.attribute(attribute);
            if (text == null) {
                return null;
            }
            try {
                return HwlocBitmap.parse(text);
            } catch (IllegalArgumentException e) {
                warn(o, attribute + " '" + text + "' is not an hwloc bitmap; locality left unknown");
                return null;
            }
        }

        private @Nullable Integer number(HwlocObject o, String attribute) {
            String text = o.attribute(attribute);
            if (text == null) {
                return null;
            }
            try {
                return Integer.valueOf(text.trim());
            } catch (NumberFormatException e) {
                warn(o, attribute + " '" + text + "' is not a number");
                return null;
            }
        }

        private @Nullable Integer infoNumber(HwlocObject o, String info) {
            String text = o.info(info);
            if (text == null) {
                return null;
            }
            try {
                return Integer.valueOf(text.trim());
            } catch (NumberFormatException e) {
                warn(o, "info " + info + " '" + text + "' is not a number");
                return null;
            }
        }
    }

    private static int hex(String text) {
        return Integer.parseInt(text, 16);
    }

    /** hwloc 2.x (and 1.x) {@code osdev_type}: an enumeration. */
    static OsDevice.Kind kindFromNumber(long type) {
        return switch ((int) Math.min(type, Integer.MAX_VALUE)) {
            case 0 -> OsDevice.Kind.BLOCK;
            case 1 -> OsDevice.Kind.GPU;
            case 2 -> OsDevice.Kind.NETWORK;
            case 3 -> OsDevice.Kind.OPENFABRICS;
            case 4 -> OsDevice.Kind.DMA;
            case 5 -> OsDevice.Kind.COPROCESSOR;
            default -> OsDevice.Kind.OTHER;
        };
    }

    /**
     * hwloc 3.0 {@code osdev_type}: a set of bits, several for one device (a CUDA or NVML device is
     * GPU and co-processor, an InfiniBand port network and OpenFabrics); the most specific wins.
     */
    static OsDevice.Kind kindFromBits(long type) {
        if ((type & OSDEV_OPENFABRICS) != 0) {
            return OsDevice.Kind.OPENFABRICS;
        }
        if ((type & OSDEV_NETWORK) != 0) {
            return OsDevice.Kind.NETWORK;
        }
        if ((type & OSDEV_GPU) != 0) {
            return OsDevice.Kind.GPU;
        }
        if ((type & OSDEV_COPROC) != 0) {
            return OsDevice.Kind.COPROCESSOR;
        }
        if ((type & OSDEV_DMA) != 0) {
            return OsDevice.Kind.DMA;
        }
        if ((type & OSDEV_STORAGE) != 0) {
            return OsDevice.Kind.BLOCK;
        }
        return OsDevice.Kind.OTHER;
    }

    // Without osdev_type, the subtype hwloc's backends give.
    private static OsDevice.Kind kindFromSubtype(@Nullable String subtype) {
        if (subtype == null) {
            return OsDevice.Kind.OTHER;
        }
        return switch (subtype.toLowerCase(Locale.ROOT)) {
            case "disk", "nvm", "scm", "tape", "removable media device" -> OsDevice.Kind.BLOCK;
            case "nvml", "rsmi", "levelzero", "display", "gpu" -> OsDevice.Kind.GPU;
            case "cuda", "opencl" -> OsDevice.Kind.COPROCESSOR;
            default -> OsDevice.Kind.OTHER;
        };
    }
}
