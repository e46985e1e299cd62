package org.dmascope.core.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.eclipse.jdt.annotation.Nullable;

/**
 * One PCI function as the machine describes it: identity, place in the hierarchy, resources,
 * link, locality. Values a source could not learn are -1 (numbers) or null (objects).
 *
 * @param address           where it is
 * @param vendorId          vendor ID
 * @param deviceId          device ID
 * @param subsystemVendorId subsystem vendor ID, -1 when unknown
 * @param subsystemDeviceId subsystem device ID, -1 when unknown
 * @param classCode         24-bit class code
 * @param revision          revision ID, -1 when unknown
 * @param headerType        config header layout (0, 1, 2), -1 when unknown
 * @param portType          PCI Express device/port type
 * @param role              what it is in the hierarchy
 * @param roleInferred      whether the role was inferred from the tree, not read from config space
 * @param parent            the bridge it sits below; null on a root bus
 * @param rootBus           the root bus of its hierarchy (its host bridge)
 * @param secondaryBus      a bridge's secondary bus, -1 for other functions
 * @param subordinateBus    a bridge's subordinate bus, -1 for other functions
 * @param bars              non-empty resources from sysfs {@code resource}
 * @param link              the PCI Express link, null when there is none or it is unknown
 * @param numaNode          NUMA node as the kernel reports it (-1: no affinity), or
 *                          {@link #NUMA_UNKNOWN} when the source does not say
 * @param iommuGroup        the IOMMU group number, null when the function is in none
 * @param driver            the bound kernel driver, null when none or unknown
 * @param acs               the ACS capability, null when absent or not readable
 * @param capabilities      standard then extended capabilities that could be read
 * @param configBytes       how many bytes of config space were read (0 when none)
 * @param localCpus         the CPUs local to the function ({@code local_cpulist}), null when unknown
 * @param osDevices         the names the operating system gives it (eth0, mlx5_0, nvme0n1)
 * @param gpu               what a topology file says about it as a GPU, null when nothing
 * @param placeholder       whether the function is not real hardware but a placeholder a
 *                          topology file's author wrote to group devices (NCCL files' virtual
 *                          switches {@code ffff:ff:NN.0})
 */
public record PciFunction(PciAddress address, int vendorId, int deviceId, int subsystemVendorId,
        int subsystemDeviceId, int classCode, int revision, int headerType, PortType portType, FunctionRole role,
        boolean roleInferred, @Nullable PciAddress parent, PciBus rootBus, int secondaryBus, int subordinateBus,
        List<Bar> bars, @Nullable PcieLink link, int numaNode, @Nullable Integer iommuGroup, @Nullable String driver,
        @Nullable Acs acs, List<Capability> capabilities, int configBytes, @Nullable String localCpus,
        List<OsDevice> osDevices, @Nullable GpuInfo gpu, boolean placeholder) {

    /** The value of {@link #numaNode()} when the source does not know the node. */
    public static final int NUMA_UNKNOWN = Integer.MIN_VALUE;

    /** Copies the lists. */
    public PciFunction {
        Objects.requireNonNull(address);
        Objects.requireNonNull(portType);
        Objects.requireNonNull(role);
        Objects.requireNonNull(rootBus);
        bars = List.copyOf(bars);
        capabilities = List.copyOf(capabilities);
        osDevices = List.copyOf(osDevices);
    }

    /** Base class, subclass and interface as lspci prints the class: {@code 0604}. */
    public String classHex() {
        return String.format(Locale.ROOT, "%04x", classCode >> 8);
    }

    /** {@code vvvv:dddd}. */
    public String idPair() {
        return String.format(Locale.ROOT, "%04x:%04x", vendorId, deviceId);
    }

    /** The kind of device, from the class code. */
    public DeviceKind kind() {
        return DeviceKind.of(classCode);
    }

    /** Whether a secondary bus sits below this function. */
    public boolean isBridge() {
        return role.isBridge();
    }

    /** A copy with another role. */
    public PciFunction withRole(FunctionRole newRole, boolean inferred) {
        return new PciFunction(address, vendorId, deviceId, subsystemVendorId, subsystemDeviceId, classCode, revision,
                headerType, portType, newRole, inferred, parent, rootBus, secondaryBus, subordinateBus, bars, link,
                numaNode, iommuGroup, driver, acs, capabilities, configBytes, localCpus, osDevices, gpu, placeholder);
    }

    /** A builder holding everything this function has, to make a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(address, rootBus).ids(vendorId, deviceId).subsystem(subsystemVendorId, subsystemDeviceId)
                .classCode(classCode).revision(revision).headerType(headerType).portType(portType).parent(parent)
                .busRange(secondaryBus, subordinateBus).bars(bars).link(link).numaNode(numaNode).iommuGroup(iommuGroup)
                .driver(driver).acs(acs).capabilities(capabilities).configBytes(configBytes).localCpus(localCpus)
                .osDevices(osDevices).gpu(gpu).placeholder(placeholder);
        return b;
    }

    /** Starts a builder for a function at this address on this root bus. */
    public static Builder builder(PciAddress address, PciBus rootBus) {
        return new Builder(address, rootBus);
    }

    /** Collects what a source learns about a function; the topology assigns the role. */
    public static final class Builder {
        private final PciAddress address;
        private PciBus rootBus;
        private int vendorId;
        private int deviceId;
        private int subsystemVendorId = -1;
        private int subsystemDeviceId = -1;
        private int classCode;
        private int revision = -1;
        private int headerType = -1;
        private PortType portType = PortType.UNKNOWN;
        private @Nullable PciAddress parent;
        private int secondaryBus = -1;
        private int subordinateBus = -1;
        private List<Bar> bars = List.of();
        private @Nullable PcieLink link;
        private int numaNode = NUMA_UNKNOWN;
        private @Nullable Integer iommuGroup;
        private @Nullable String driver;
        private @Nullable Acs acs;
        private List<Capability> capabilities = List.of();
        private int configBytes;
        private @Nullable String localCpus;
        private List<OsDevice> osDevices = List.of();
        private @Nullable GpuInfo gpu;
        private boolean placeholder;

        private Builder(PciAddress address, PciBus rootBus) {
            this.address = address;
            this.rootBus = rootBus;
        }

        /** The address being built. */
        public PciAddress address() {
            return address;
        }

        /** The upstream bridge set so far, null on a root bus. */
        public @Nullable PciAddress parent() {
            return parent;
        }

        /** The root bus of the function's hierarchy. */
        public PciBus rootBus() {
            return rootBus;
        }

        /** Moves the function to another hierarchy's root bus. */
        public Builder rootBus(PciBus value) {
            this.rootBus = value;
            return this;
        }

        /** Vendor and device ID. */
        public Builder ids(int vendor, int device) {
            this.vendorId = vendor;
            this.deviceId = device;
            return this;
        }

        /** Subsystem vendor and device ID. */
        public Builder subsystem(int vendor, int device) {
            this.subsystemVendorId = vendor;
            this.subsystemDeviceId = device;
            return this;
        }

        /** 24-bit class code. */
        public Builder classCode(int value) {
            this.classCode = value;
            return this;
        }

        /** Revision ID. */
        public Builder revision(int value) {
            this.revision = value;
            return this;
        }

        /** Header type (0, 1, 2). */
        public Builder headerType(int value) {
            this.headerType = value;
            return this;
        }

        /** PCI Express port type. */
        public Builder portType(PortType value) {
            this.portType = value;
            return this;
        }

        /** The upstream bridge, null on a root bus. */
        public Builder parent(@Nullable PciAddress value) {
            this.parent = value;
            return this;
        }

        /** A bridge's bus range. */
        public Builder busRange(int secondary, int subordinate) {
            this.secondaryBus = secondary;
            this.subordinateBus = subordinate;
            return this;
        }

        /** Resources. */
        public Builder bars(List<Bar> value) {
            this.bars = value;
            return this;
        }

        /** PCI Express link. */
        public Builder link(@Nullable PcieLink value) {
            this.link = value;
            return this;
        }

        /** NUMA node as the kernel reports it. */
        public Builder numaNode(int value) {
            this.numaNode = value;
            return this;
        }

        /** IOMMU group. */
        public Builder iommuGroup(@Nullable Integer value) {
            this.iommuGroup = value;
            return this;
        }

        /** Bound driver. */
        public Builder driver(@Nullable String value) {
            this.driver = value;
            return this;
        }

        /** ACS capability. */
        public Builder acs(@Nullable Acs value) {
            this.acs = value;
            return this;
        }

        /** Capabilities read from config space. */
        public Builder capabilities(List<Capability> value) {
            this.capabilities = value;
            return this;
        }

        /** How many config space bytes were read. */
        public Builder configBytes(int value) {
            this.configBytes = value;
            return this;
        }

        /** Local CPU list. */
        public Builder localCpus(@Nullable String value) {
            this.localCpus = value;
            return this;
        }

        /** OS device names. */
        public Builder osDevices(List<OsDevice> value) {
            this.osDevices = value;
            return this;
        }

        /** GPU details from a topology file. */
        public Builder gpu(@Nullable GpuInfo value) {
            this.gpu = value;
            return this;
        }

        /** Marks the function as a placeholder written by a topology file's author. */
        public Builder placeholder(boolean value) {
            this.placeholder = value;
            return this;
        }

        /**
         * Fills identity, bus numbers, port type, link, ACS and capabilities from config space.
         * A source that also has the kernel's sysfs attributes applies them afterwards: the
         * kernel's values include its quirks (a fixed-up class code, for example).
         */
        public Builder config(ConfigSpace config) {
            ids(config.vendorId(), config.deviceId());
            classCode(config.classCode());
            revision(config.revision());
            headerType(config.headerType());
            if (config.isBridgeHeader()) {
                busRange(config.secondaryBus(), config.subordinateBus());
            }
            long ss = config.subsystem();
            if (ss >= 0) {
                subsystem((int) (ss >> 16), (int) (ss & 0xffff));
            }
            portType(config.portType());
            link(config.link().orElse(null));
            acs(config.acs().orElse(null));
            List<Capability> all = new ArrayList<>(config.capabilities());
            all.addAll(config.extendedCapabilities());
            capabilities(all);
            configBytes(config.length());
            return this;
        }

        /** The function, with the role given. */
        public PciFunction build(FunctionRole role, boolean roleInferred) {
            return new PciFunction(address, vendorId, deviceId, subsystemVendorId, subsystemDeviceId, classCode,
                    revision, headerType, portType, role, roleInferred, parent, rootBus, secondaryBus, subordinateBus,
                    bars, link, numaNode, iommuGroup, driver, acs, capabilities, configBytes, localCpus, osDevices, gpu,
                    placeholder);
        }
    }
}
