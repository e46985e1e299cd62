package org.dmascope.core.peer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.core.topology.DeviceKind;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.core.topology.PciFunction;

/**
 * Short names for the rows and columns of a peer matrix, as nvidia-smi names its devices:
 * GPU0.., NIC0.., then NVME0.., ACC0.., STOR0.., DEV0.., numbered in the order given.
 */
public final class EndpointLabels {

    private final Map<PciAddress, String> byAddress = new HashMap<>();
    private final List<String> ordered = new ArrayList<>();

    /** Labels for these endpoints, in this order. */
    public EndpointLabels(List<PciFunction> endpoints) {
        Map<String, Integer> next = new HashMap<>();
        for (PciFunction f : endpoints) {
            String prefix = prefix(f.kind());
            int n = next.merge(prefix, 1, Integer::sum) - 1;
            String label = prefix + n;
            byAddress.put(f.address(), label);
            ordered.add(label);
        }
    }

    private static String prefix(DeviceKind kind) {
        switch (kind) {
            case GPU:
                return "GPU";
            case NIC:
            case INFINIBAND:
                return "NIC";
            case NVME:
                return "NVME";
            case ACCELERATOR:
                return "ACC";
            case STORAGE:
                return "STOR";
            default:
                return "DEV";
        }
    }

    /** The label of each endpoint. */
    public Map<PciAddress, String> byAddress() {
        return byAddress;
    }

    /** The labels in the endpoints' order. */
    public List<String> ordered() {
        return ordered;
    }

    /** The label of one endpoint, or its address when it has none. */
    public String of(PciFunction f) {
        return byAddress.getOrDefault(f.address(), f.address().toString());
    }
}
