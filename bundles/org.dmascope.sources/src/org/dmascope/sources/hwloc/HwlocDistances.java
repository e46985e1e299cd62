package org.dmascope.sources.hwloc;

import java.util.List;

import org.eclipse.jdt.annotation.Nullable;

/**
 * A {@code <distances2>} or {@code <distances2hetero>} matrix of an hwloc XML file, as written:
 * {@code nbobjs} objects named by their indexes, and {@code nbobjs * nbobjs} values, row by row
 * (the value from object i to object j at {@code i * nbobjs + j}).
 *
 * @param name          the matrix's name (NUMALatency, NVLinkBandwidth...)
 * @param type          the objects' type for a homogeneous matrix, null for a heterogeneous one
 * @param indexing      "gp" or "os" for a homogeneous matrix; "gp" for a heterogeneous one
 * @param count         {@code nbobjs}, -1 when absent or not a number
 * @param indexes       the objects: gp or os indexes, or {@code Type:gp} for a heterogeneous matrix
 * @param values        the values as written
 * @param place         where the matrix starts
 */
record HwlocDistances(String name, @Nullable String type, String indexing, int count, List<String> indexes,
        List<String> values, String place) {

    /** Copies the lists. */
    HwlocDistances {
        indexes = List.copyOf(indexes);
        values = List.copyOf(values);
    }

    /** Whether the objects may be of different types. */
    boolean heterogeneous() {
        return type == null;
    }
}
