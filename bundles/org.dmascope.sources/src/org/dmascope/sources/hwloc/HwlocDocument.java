package org.dmascope.sources.hwloc;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.eclipse.jdt.annotation.Nullable;

/**
 * What an hwloc XML file holds, as far as the importer needs it: the object tree, the infos
 * after the root object (hwloc 3.0 keeps Architecture and friends there), the NVLink matrices,
 * and each object by its gp index for the matrices to name.
 *
 * @param major          the format's major version (2 or 3)
 * @param minor          its minor version
 * @param root           the root object
 * @param topologyInfos  {@code <info>} elements after the root object
 * @param nvLinks        the NVLinkBandwidth matrices
 * @param byGpIndex      objects by {@code gp_index} (or the number in {@code id="objN"})
 * @param numaNodes      the NUMANode objects in document order
 * @param warnings       what the reader noticed, each with its place
 */
record HwlocDocument(int major, int minor, HwlocObject root, Map<String, String> topologyInfos,
        List<HwlocDistances> nvLinks, Map<Long, HwlocObject> byGpIndex, List<HwlocObject> numaNodes,
        List<String> warnings) {

    /** Wraps the collections read-only. */
    HwlocDocument {
        topologyInfos = Collections.unmodifiableMap(topologyInfos);
        nvLinks = List.copyOf(nvLinks);
        byGpIndex = Collections.unmodifiableMap(byGpIndex);
        numaNodes = List.copyOf(numaNodes);
        warnings = List.copyOf(warnings);
    }

    /** A topology-level info, else the root object's (where hwloc 2.x writes them). */
    @Nullable
    String machineInfo(String name) {
        String value = topologyInfos.get(name);
        return value != null ? value : root.info(name);
    }
}
