package org.dmascope.backend.hmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;

import org.dmascope.backend.hmm.HmmBackend;
import org.dmascope.backend.hmm.HmmSteps;
import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.scenario.ScenarioExtension;
import org.dmascope.scenario.ScenarioExtensions;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/** The two Declarative Services components of the bundle, registered by Felix SCR in the test runtime. */
class ComponentTest {

    private static <T> T service(Class<T> type, String property, String value) throws InterruptedException {
        Bundle tests = FrameworkUtil.getBundle(ComponentTest.class);
        assertNotNull(tests);
        BundleContext context = tests.getBundleContext();
        assertNotNull(context);
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                tracker.waitForService(100);
                ServiceReference<T>[] refs = tracker.getServiceReferences();
                for (int i = 0; refs != null && i < refs.length; i++) {
                    if (value.equals(refs[i].getProperty(property))) {
                        return tracker.getService(refs[i]);
                    }
                }
            }
            throw new AssertionError("no " + type.getSimpleName() + " service with " + property + "=" + value);
        } finally {
            tracker.close();
        }
    }

    @Test
    void theMemoryBackendIsAService() throws InterruptedException {
        MemoryBackend b = service(MemoryBackend.class, "dmascope.backend.id", "hmm");
        assertEquals(HmmBackend.class, b.getClass());
        assertEquals("hmm", b.id());
        assertEquals("HMM", b.style().label());
    }

    @Test
    void theScenarioStepsAreAServiceTheRunnerFinds() throws InterruptedException {
        ScenarioExtension e = service(ScenarioExtension.class, "dmascope.scenario.extension", "hmm");
        assertEquals(HmmSteps.class, e.getClass());
        List<String> ids = ScenarioExtensions.installed().stream().map(ScenarioExtension::id).toList();
        assertEquals("core", ids.get(0));
        assertEquals(true, ids.contains("hmm"), ids.toString());
        assertEquals(List.of("device", "dmirror", "hmm_range_fault", "notifier", "invalidate"),
                e.stepKinds().stream().map(k -> k.name()).toList());
    }
}
