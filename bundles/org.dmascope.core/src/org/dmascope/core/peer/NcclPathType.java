package org.dmascope.core.peer;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * NCCL's path types (src/include/graph.h), ordered from closest to farthest. A path's type is
 * the farthest hop type along it. NCCL prints them by number in messages such as "GPU Direct
 * RDMA Disabled ... (distance 7 > 4)", and the numbers changed between releases: see
 * {@link Numbering}.
 */
public enum NcclPathType {
    /** The device itself. */
    LOC("local"),
    /** NVLink, directly or through NVSwitches. */
    NVL("NVLink"),
    /** NVLink through one intermediate GPU. */
    NVB("NVLink through another GPU"),
    /** The GPU's chip-to-chip link to its CPU (Grace). */
    C2C("chip-to-chip link"),
    /** At most one PCIe switch. */
    PIX("one PCIe switch"),
    /** Several PCIe switches, without the host bridge. */
    PXB("several PCIe switches"),
    /** PXN over the C2C link (NCCL's own rerouting). */
    P2C("PXN over C2C"),
    /** Through another GPU over NVLink, then PCIe (NCCL's own rerouting for network traffic). */
    PXN("through a peer GPU (PXN)"),
    /** Through the PCIe host bridge (the CPU). */
    PHB("through the host bridge"),
    /** Across the inter-socket (SMP) link between NUMA nodes. */
    SYS("across the inter-socket link"),
    /** Over the network. */
    NET("over the network"),
    /** Not connected. */
    DIS("disconnected");

    private final String meaning;

    NcclPathType(String meaning) {
        this.meaning = meaning;
    }

    /** Words for people. */
    public String meaning() {
        return meaning;
    }

    /**
     * How a release of NCCL numbers the path types ({@code PATH_*} in src/graph/topo.h, later
     * src/include/graph.h, and {@code topoPathTypeStr[]} in src/graph/topo.cc).
     */
    public enum Numbering {
        /** NCCL 2.12 to 2.17: PIX 3, PXB 4, PXN 5, PHB 6, SYS 7 (DIS also 7). */
        V2_12("2.12", LOC, NVL, NVB, PIX, PXB, PXN, PHB, SYS),
        /** NCCL 2.18 to 2.25: as 2.12, plus NET 8 and DIS 9. */
        V2_18("2.18", LOC, NVL, NVB, PIX, PXB, PXN, PHB, SYS, NET, DIS),
        /** NCCL 2.26: C2C 3 inserted: PIX 4, PXB 5, PXN 6, PHB 7, SYS 8, NET 9, DIS 10. */
        V2_26("2.26", LOC, NVL, NVB, C2C, PIX, PXB, PXN, PHB, SYS, NET, DIS),
        /** NCCL 2.27.0 to 2.27.6: P2C inserted after PXN: PXN 6, P2C 7, PHB 8, SYS 9, NET 10, DIS 11. */
        V2_27_3("2.27.3", LOC, NVL, NVB, C2C, PIX, PXB, PXN, P2C, PHB, SYS, NET, DIS),
        /** NCCL 2.27.7 and later: P2C 6 before PXN 7, PHB 8, SYS 9, NET 10, DIS 11. */
        V2_27_7("2.27.7", LOC, NVL, NVB, C2C, PIX, PXB, P2C, PXN, PHB, SYS, NET, DIS);

        private final String since;
        private final NcclPathType[] byNumber;

        Numbering(String since, NcclPathType... byNumber) {
            this.since = since;
            this.byNumber = byNumber;
        }

        /** The first release numbering this way. */
        public String since() {
            return since;
        }

        /** The type a number stands for in this numbering. */
        public Optional<NcclPathType> decode(int number) {
            return number >= 0 && number < byNumber.length ? Optional.of(byNumber[number]) : Optional.empty();
        }

        /** The number of a type in this numbering, -1 where the release has no such type. */
        public int number(NcclPathType type) {
            for (int i = 0; i < byNumber.length; i++) {
                if (byNumber[i] == type) {
                    return i;
                }
            }
            return type == DIS && this == V2_12 ? 7 : -1;
        }

        /** The numbering of an NCCL version such as "2.21.5" (the build suffix "+cuda12.2" is ignored). */
        public static Numbering of(String version) {
            String[] parts = version.trim().split("\\.");
            int major = parts.length > 0 ? parse(parts[0]) : 0;
            int minor = parts.length > 1 ? parse(parts[1]) : 0;
            int patch = parts.length > 2 ? parse(parts[2]) : 0;
            if (major > 2 || major == 2 && (minor > 27 || minor == 27 && patch >= 7)) {
                return V2_27_7;
            }
            if (major == 2 && minor == 27) {
                return V2_27_3;
            }
            if (major == 2 && minor == 26) {
                return V2_26;
            }
            return major == 2 && minor >= 18 ? V2_18 : V2_12;
        }

        private static int parse(String s) {
            try {
                return Integer.parseInt(s.replaceAll("[^0-9].*$", ""));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    /** The type for a name NCCL prints ("PIX"), ignoring case. */
    public static Optional<NcclPathType> byName(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.name().equals(n)).findFirst();
    }
}
