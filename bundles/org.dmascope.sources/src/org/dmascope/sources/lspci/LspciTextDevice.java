package org.dmascope.sources.lspci;

import java.util.List;
import java.util.Objects;

import org.dmascope.core.topology.Acs;
import org.dmascope.core.topology.Bar;
import org.dmascope.core.topology.Capability;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;
import org.dmascope.core.topology.PcieLink;
import org.dmascope.core.topology.PortType;
import org.eclipse.jdt.annotation.Nullable;

/**
 * What lspci's text says about one function: its header line and the indented lines below it.
 * Numbers the text does not give are -1, objects null. Without {@code -n} or {@code -nn} the
 * header names the device but gives no IDs, so the class code and IDs stay unknown.
 *
 * @param line              the line of the header, from 1
 * @param address           where the function is
 * @param classCode         24-bit class code, -1 when the text has no numbers
 * @param vendorId          vendor ID, -1 when the text has no numbers
 * @param deviceId          device ID, -1 when the text has no numbers
 * @param revision          revision ID (lspci prints it only when it is not 0)
 * @param subsystemVendorId subsystem vendor ID, -1 when not given
 * @param subsystemDeviceId subsystem device ID, -1 when not given
 * @param headerType        1 for a bridge ({@code Bus:} line), 2 for a CardBus bridge, 0 for
 *                          other functions in verbose text, -1 when the text does not tell
 * @param secondaryBus      a bridge's secondary bus, -1 for other functions
 * @param subordinateBus    a bridge's subordinate bus, -1 for other functions
 * @param portType          from the {@code Express} capability line; conventional PCI when
 *                          the capabilities were listed without one; unknown when not listed
 * @param capabilities      standard then extended capabilities, in the order printed; IDs of
 *                          names not known here are -1
 * @param link              from {@code LnkCap} and {@code LnkSta} ({@code -vv} and more)
 * @param acs               from {@code ACSCap} and {@code ACSCtl} ({@code -vv} and more); only
 *                          the bits lspci prints (0x7f) are known
 * @param bars              BARs, expansion ROM and bridge windows whose size the text gives
 * @param numaNode          the NUMA node, {@link PciFunction#NUMA_UNKNOWN} when not given
 * @param iommuGroup        the IOMMU group, null when not given
 * @param driver            the kernel driver in use, null when not given
 */
public record LspciTextDevice(int line, PciAddress address, int classCode, int vendorId, int deviceId, int revision,
        int subsystemVendorId, int subsystemDeviceId, int headerType, int secondaryBus, int subordinateBus,
        PortType portType, List<Capability> capabilities, @Nullable PcieLink link, @Nullable Acs acs, List<Bar> bars,
        int numaNode, @Nullable Integer iommuGroup, @Nullable String driver) {

    /** Copies the lists. */
    public LspciTextDevice {
        Objects.requireNonNull(address);
        Objects.requireNonNull(portType);
        capabilities = List.copyOf(capabilities);
        bars = List.copyOf(bars);
    }

    /** Whether the header line gave the class code and the vendor and device IDs. */
    public boolean identified() {
        return classCode >= 0 && vendorId >= 0 && deviceId >= 0;
    }

    /** A function builder with what the text says, on its own bus as root bus. */
    public PciFunction.Builder toFunction() {
        PciFunction.Builder b = PciFunction.builder(address, address.pciBus()).ids(vendorId, deviceId)
                .classCode(classCode).revision(revision).headerType(headerType).portType(portType)
                .capabilities(capabilities).link(link).acs(acs).bars(bars).numaNode(numaNode).iommuGroup(iommuGroup)
                .driver(driver);
        if (subsystemVendorId >= 0) {
            b.subsystem(subsystemVendorId, subsystemDeviceId);
        }
        if (secondaryBus >= 0) {
            b.busRange(secondaryBus, subordinateBus);
        }
        return b;
    }
}
