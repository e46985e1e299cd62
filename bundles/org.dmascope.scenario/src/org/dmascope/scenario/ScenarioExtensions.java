package org.dmascope.scenario;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.dmascope.scenario.steps.CoreSteps;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The step kinds of the running product: the built-in ones and every {@link ScenarioExtension}
 * OSGi service (backend bundles contribute theirs as Declarative Services components).
 */
public final class ScenarioExtensions {

    private ScenarioExtensions() {
    }

    /** The built-in extension and the installed ones (outside OSGi: the built-in one only). */
    public static List<ScenarioExtension> installed() {
        List<ScenarioExtension> out = new ArrayList<>();
        out.add(new CoreSteps());
        Bundle bundle = FrameworkUtil.getBundle(ScenarioExtensions.class);
        BundleContext context = bundle == null ? null : bundle.getBundleContext();
        if (context == null) {
            return out;
        }
        try {
            Collection<ServiceReference<ScenarioExtension>> refs = context.getServiceReferences(ScenarioExtension.class,
                    null);
            List<ServiceReference<ScenarioExtension>> sorted = new ArrayList<>(refs);
            sorted.sort(null);
            for (int i = sorted.size() - 1; i >= 0; i--) {
                ScenarioExtension e = context.getService(sorted.get(i));
                if (e != null) {
                    out.add(e);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
