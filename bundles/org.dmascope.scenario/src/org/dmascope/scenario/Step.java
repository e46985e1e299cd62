package org.dmascope.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.jdt.annotation.Nullable;

/**
 * One line of a scenario: its kind (the first word), the positional words after it and the
 * {@code key=value} options, with the file and line it came from.
 *
 * @param file    the file as the user named it
 * @param line    the line, 1-based
 * @param kind    the step kind ("mmap", "dmirror", ...)
 * @param args    the positional words after the kind
 * @param options the {@code key=value} words, in order
 * @param text    the line as written, without its comment
 */
public record Step(String file, int line, String kind, List<String> args, Map<String, String> options, String text) {

    /** Copies the lists. */
    public Step {
        args = List.copyOf(args);
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** A problem of this line. */
    public ScenarioException error(String problem) {
        return new ScenarioException(file, line, problem);
    }

    /** The positional word at index, or an error naming what is missing. */
    public String arg(int index, String what) throws ScenarioException {
        if (index >= args.size()) {
            throw error(kind + ": missing " + what);
        }
        return args.get(index);
    }

    /** The positional word at index, or null. */
    public @Nullable String argOrNull(int index) {
        return index < args.size() ? args.get(index) : null;
    }

    /** An option's value, or the default. */
    public String option(String key, String otherwise) {
        String v = options.get(key);
        return v == null ? otherwise : v;
    }

    /** An option's value, or null. */
    public @Nullable String optionOrNull(String key) {
        return options.get(key);
    }

    /** Checks the number of positional words and that no option outside the allowed ones is given. */
    public void expect(int minArgs, int maxArgs, Set<String> allowedOptions, String usage) throws ScenarioException {
        if (args.size() < minArgs || args.size() > maxArgs) {
            throw error(kind + ": expected " + usage);
        }
        List<String> unknown = new ArrayList<>();
        for (String k : options.keySet()) {
            if (!allowedOptions.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw error(kind + ": unknown option " + String.join(", ", unknown) + " (expected " + usage + ")");
        }
    }
}
