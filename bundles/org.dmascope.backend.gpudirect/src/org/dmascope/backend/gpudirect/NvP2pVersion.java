package org.dmascope.backend.gpudirect;

/**
 * The structure versions of nv-p2p.h: the major version in the upper 16 bits, the minor in the
 * lower 16; a structure is compatible with a required version when the majors match and its
 * minor is at least the required one ({@code NVIDIA_P2P_VERSION_COMPATIBLE}).
 */
public final class NvP2pVersion {

    /** NVIDIA_P2P_PAGE_TABLE_VERSION. */
    public static final int PAGE_TABLE = 0x00010002;
    /** NVIDIA_P2P_DMA_MAPPING_VERSION. */
    public static final int DMA_MAPPING = 0x00020003;

    private NvP2pVersion() {
    }

    /** NVIDIA_P2P_MAJOR_VERSION. */
    public static int major(int version) {
        return version >>> 16;
    }

    /** NVIDIA_P2P_MINOR_VERSION. */
    public static int minor(int version) {
        return version & 0xffff;
    }

    /** NVIDIA_P2P_VERSION_COMPATIBLE: same major, minor at least the required one. */
    public static boolean compatible(int version, int required) {
        return major(version) == major(required) && minor(version) >= minor(required);
    }
}
