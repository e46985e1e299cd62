package org.dmascope.core.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A function's configuration space as far as it could be read: 64 bytes (the header, all an
 * unprivileged reader gets from sysfs), 256 bytes (conventional) or 4096 bytes (PCI Express
 * extended). Registers are little-endian. Reading past what is there is reported, not guessed.
 */
public final class ConfigSpace {

    /** Size of the standard header. */
    public static final int HEADER_SIZE = 64;
    /** Size of conventional configuration space. */
    public static final int CONVENTIONAL_SIZE = 256;
    /** Size of PCI Express extended configuration space. */
    public static final int EXTENDED_SIZE = 4096;

    /** Header type 0: a device. */
    public static final int HEADER_NORMAL = 0;
    /** Header type 1: a PCI-to-PCI bridge. */
    public static final int HEADER_BRIDGE = 1;
    /** Header type 2: a CardBus bridge. */
    public static final int HEADER_CARDBUS = 2;

    // Same bound as the kernel's PCI_FIND_CAP_TTL, so a looping list ends as the kernel's walk does.
    private static final int CAP_TTL = 48;
    private static final int EXT_CAP_TTL = (EXTENDED_SIZE - CONVENTIONAL_SIZE) / 8;

    private final byte[] data;

    private ConfigSpace(byte[] data) {
        this.data = data;
    }

    /**
     * Wraps the bytes of a config space read.
     *
     * @throws IllegalArgumentException when fewer than 64 bytes are given
     */
    public static ConfigSpace of(byte[] bytes) {
        if (bytes.length < HEADER_SIZE) {
            throw new IllegalArgumentException("config space has " + bytes.length + " bytes, at least "
                    + HEADER_SIZE + " are needed");
        }
        return new ConfigSpace(bytes.clone());
    }

    /** How many bytes were read. */
    public int length() {
        return data.length;
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return data.clone();
    }

    /** Whether the byte range [offset, offset+size) was read. */
    public boolean has(int offset, int size) {
        return offset >= 0 && offset + size <= data.length;
    }

    /** An 8-bit register. */
    public int u8(int offset) {
        check(offset, 1);
        return data[offset] & 0xff;
    }

    /** A 16-bit register. */
    public int u16(int offset) {
        check(offset, 2);
        return (data[offset] & 0xff) | (data[offset + 1] & 0xff) << 8;
    }

    /** A 32-bit register, as an unsigned value. */
    public long u32(int offset) {
        check(offset, 4);
        return (u16(offset) | (long) u16(offset + 2) << 16) & 0xffffffffL;
    }

    private void check(int offset, int size) {
        if (!has(offset, size)) {
            throw new IndexOutOfBoundsException("config space offset 0x" + Integer.toHexString(offset)
                    + " (+" + size + ") is beyond the " + data.length + " bytes read");
        }
    }

    /** Vendor ID. */
    public int vendorId() {
        return u16(0x00);
    }

    /** Device ID. */
    public int deviceId() {
        return u16(0x02);
    }

    /** Status register. */
    public int status() {
        return u16(0x06);
    }

    /** Revision ID. */
    public int revision() {
        return u8(0x08);
    }

    /** Class code: base class, subclass and programming interface, 24 bits. */
    public int classCode() {
        return u8(0x0b) << 16 | u8(0x0a) << 8 | u8(0x09);
    }

    /** Header layout (0 device, 1 bridge, 2 CardBus), without the multi-function bit. */
    public int headerType() {
        return u8(0x0e) & 0x7f;
    }

    /** Whether the multi-function bit of the header type is set. */
    public boolean isMultiFunction() {
        return (u8(0x0e) & 0x80) != 0;
    }

    /** Whether the header is a bridge's (types 1 and 2), which carries bus numbers. */
    public boolean isBridgeHeader() {
        int t = headerType();
        return t == HEADER_BRIDGE || t == HEADER_CARDBUS;
    }

    /** Primary bus number of a bridge header, -1 otherwise. */
    public int primaryBus() {
        return isBridgeHeader() ? u8(0x18) : -1;
    }

    /** Secondary bus number of a bridge header (CardBus bus for type 2), -1 otherwise. */
    public int secondaryBus() {
        return isBridgeHeader() ? u8(0x19) : -1;
    }

    /** Subordinate bus number of a bridge header, -1 otherwise. */
    public int subordinateBus() {
        return isBridgeHeader() ? u8(0x1a) : -1;
    }

    /**
     * Subsystem vendor and device IDs packed as {@code vendor << 16 | device}, or -1 where the
     * header has none (a bridge without the Subsystem ID capability) or it was not read.
     */
    public long subsystem() {
        switch (headerType()) {
            case HEADER_NORMAL:
                return (long) u16(0x2c) << 16 | u16(0x2e);
            case HEADER_CARDBUS:
                return has(0x40, 4) ? (long) u16(0x40) << 16 | u16(0x42) : -1;
            default:
                for (Capability c : capabilities()) {
                    if (c.id() == Capability.ID_SUBSYSTEM && has(c.offset() + 4, 4)) {
                        return (long) u16(c.offset() + 4) << 16 | u16(c.offset() + 6);
                    }
                }
                return -1;
        }
    }

    /** Whether the status register says a capability list exists. */
    public boolean hasCapabilityList() {
        return (status() & 0x10) != 0;
    }

    /**
     * Whether the standard capability list could be walked to its end with the bytes read.
     * False when the list runs beyond the header an unprivileged read returns.
     */
    public boolean capabilitiesReadable() {
        if (!hasCapabilityList()) {
            return true;
        }
        int pos = firstCapabilityPointer();
        for (int ttl = CAP_TTL; ttl > 0 && pos >= 0x40; ttl--) {
            if (!has(pos, 2)) {
                return false;
            }
            pos = u8(pos + 1) & ~3;
        }
        return true;
    }

    private int firstCapabilityPointer() {
        int at = headerType() == HEADER_CARDBUS ? 0x14 : 0x34;
        return u8(at) & ~3;
    }

    /** The standard capabilities that could be read, in list order. */
    public List<Capability> capabilities() {
        if (!hasCapabilityList()) {
            return List.of();
        }
        List<Capability> caps = new ArrayList<>();
        boolean[] seen = new boolean[CONVENTIONAL_SIZE];
        int pos = firstCapabilityPointer();
        for (int ttl = CAP_TTL; ttl > 0 && pos >= 0x40; ttl--) {
            if (!has(pos, 2) || seen[pos]) {
                break; // beyond what was read, or the list loops (lspci: "chain looped")
            }
            seen[pos] = true;
            int id = u8(pos);
            if (id == 0xff) {
                break;
            }
            caps.add(new Capability(id, pos, false, 0));
            pos = u8(pos + 1) & ~3;
        }
        return Collections.unmodifiableList(caps);
    }

    /** The extended capabilities (from 0x100) that could be read, in list order. */
    public List<Capability> extendedCapabilities() {
        if (!has(CONVENTIONAL_SIZE, 4)) {
            return List.of();
        }
        List<Capability> caps = new ArrayList<>();
        boolean[] seen = new boolean[EXTENDED_SIZE];
        int pos = CONVENTIONAL_SIZE;
        for (int ttl = EXT_CAP_TTL; ttl > 0 && pos >= CONVENTIONAL_SIZE; ttl--) {
            if (!has(pos, 4) || seen[pos]) {
                break;
            }
            seen[pos] = true;
            long header = u32(pos);
            if (header == 0 || header == 0xffffffffL) {
                break;
            }
            caps.add(new Capability((int) (header & 0xffff), pos, true, (int) (header >> 16 & 0xf)));
            pos = (int) (header >> 20 & 0xffc);
        }
        return Collections.unmodifiableList(caps);
    }

    /** The first standard capability with this ID. */
    public Optional<Capability> capability(int id) {
        return capabilities().stream().filter(c -> c.id() == id).findFirst();
    }

    /** The first extended capability with this ID. */
    public Optional<Capability> extendedCapability(int id) {
        return extendedCapabilities().stream().filter(c -> c.id() == id).findFirst();
    }

    /**
     * The PCI Express device/port type: from the PCI Express capability; conventional PCI when
     * the capability list was read in full without one; unknown when it could not be read.
     */
    public PortType portType() {
        Optional<Capability> exp = capability(Capability.ID_PCI_EXPRESS);
        if (exp.isPresent() && has(exp.get().offset() + 2, 2)) {
            return PortType.fromCode(u16(exp.get().offset() + 2) >> 4 & 0xf);
        }
        return capabilitiesReadable() ? PortType.CONVENTIONAL_PCI : PortType.UNKNOWN;
    }

    /**
     * The link from the PCI Express capability: Link Capabilities (+0x0c) for the maximum and
     * Link Status (+0x12) for the current speed and width. Empty for functions without a PCI
     * Express link (conventional PCI, root complex integrated endpoints and event collectors).
     */
    public Optional<PcieLink> link() {
        Optional<Capability> exp = capability(Capability.ID_PCI_EXPRESS);
        if (exp.isEmpty()) {
            return Optional.empty();
        }
        int base = exp.get().offset();
        PortType type = portType();
        if (type == PortType.RC_INTEGRATED_ENDPOINT || type == PortType.RC_EVENT_COLLECTOR || !has(base + 0x12, 2)) {
            return Optional.empty();
        }
        long lnkCap = u32(base + 0x0c);
        int lnkSta = u16(base + 0x12);
        return Optional.of(new PcieLink(LinkSpeed.fromLinkField(lnkSta & 0xf), lnkSta >> 4 & 0x3f,
                LinkSpeed.fromLinkField((int) (lnkCap & 0xf)), (int) (lnkCap >> 4 & 0x3f)));
    }

    /** The ACS extended capability with its capability and control registers, if present and read. */
    public Optional<Acs> acs() {
        return extendedCapability(Capability.EXT_ID_ACS).filter(c -> has(c.offset() + 4, 4))
                .map(c -> new Acs(c.offset(), u16(c.offset() + 4), u16(c.offset() + 6)));
    }
}
