package org.dmascope.scenario;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.jdt.annotation.Nullable;

/** The step kinds a runner knows, by name, gathered from extensions. */
public final class StepKinds {

    private final Map<String, StepKind> byName = new TreeMap<>();
    private final Map<String, String> extensionOf = new TreeMap<>();
    private final List<ScenarioExtension> extensions;

    /**
     * The kinds of these extensions.
     *
     * @throws IllegalArgumentException when two extensions contribute a kind of the same name
     */
    public StepKinds(Collection<? extends ScenarioExtension> extensions) {
        this.extensions = List.copyOf(extensions);
        for (ScenarioExtension e : extensions) {
            for (StepKind k : e.stepKinds()) {
                String before = extensionOf.putIfAbsent(k.name(), e.id());
                if (before != null) {
                    throw new IllegalArgumentException("step kind '" + k.name() + "' is contributed by both " + before
                            + " and " + e.id());
                }
                byName.put(k.name(), k);
            }
        }
    }

    /** The kind of this name, or null. */
    public @Nullable StepKind kind(String name) {
        return byName.get(name);
    }

    /** The names, sorted. */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /** The extension that contributed a kind. */
    public @Nullable String extensionOf(String name) {
        return extensionOf.get(name);
    }

    /** The extensions. */
    public List<ScenarioExtension> extensions() {
        return extensions;
    }
}
