package org.dmascope.sources;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.dmascope.core.backend.MemoryBackend;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The memory backends installed in the running product: every {@link MemoryBackend} OSGi
 * service (backend bundles contribute theirs as Declarative Services components).
 */
public final class MemoryBackends {

    private MemoryBackends() {
    }

    /** The installed backends, in service ranking order; empty outside OSGi. */
    public static List<MemoryBackend> installed() {
        Bundle bundle = FrameworkUtil.getBundle(MemoryBackends.class);
        BundleContext context = bundle == null ? null : bundle.getBundleContext();
        if (context == null) {
            return List.of();
        }
        try {
            Collection<ServiceReference<MemoryBackend>> refs = context.getServiceReferences(MemoryBackend.class, null);
            List<ServiceReference<MemoryBackend>> sorted = new ArrayList<>(refs);
            sorted.sort(null);
            List<MemoryBackend> out = new ArrayList<>();
            for (int i = sorted.size() - 1; i >= 0; i--) {
                MemoryBackend b = context.getService(sorted.get(i));
                if (b != null) {
                    out.add(b);
                }
            }
            return out;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
