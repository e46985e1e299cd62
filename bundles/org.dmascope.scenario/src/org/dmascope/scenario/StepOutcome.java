package org.dmascope.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jdt.annotation.Nullable;

/**
 * What one step did: the return code as the kernel's errno name, named values (cpages, faults,
 * seq, ...), the states of the pages it touched, the chain it built (one line per link), and
 * notes saying which kernel rule applied. A step that built an address chain also carries it as
 * a model ({@link #chainView()}) for views to draw; the text and JSON outputs do not print it.
 *
 * @param line   the line of the step
 * @param kind   the step kind
 * @param text   the step as written
 * @param rc     "0", "-EFAULT", ...; "-" for a step that has no return code (a declaration)
 * @param values named results in order
 * @param pages  page states after the step
 * @param chain  the chain built, one line per link (empty when none was built)
 * @param notes  the rules that applied, a line each
 * @param failed for an {@code expect} step: what did not hold (empty when it held or for other steps)
 * @param chainView the chain built, as a model with its backends' styles; null when the step built none
 */
public record StepOutcome(int line, String kind, String text, String rc, Map<String, String> values, List<PageRun> pages,
        List<String> chain, List<String> notes, List<String> failed, @Nullable ChainView chainView) {

    /** Copies the collections. */
    public StepOutcome {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        pages = List.copyOf(pages);
        chain = List.copyOf(chain);
        notes = List.copyOf(notes);
        failed = List.copyOf(failed);
    }

    /** A builder for the outcome of a step. */
    public static Builder of(Step step) {
        return new Builder(step);
    }

    /** Builds an outcome. */
    public static final class Builder {
        private final Step step;
        private String rc = "-";
        private final Map<String, String> values = new LinkedHashMap<>();
        private final List<PageRun> pages = new ArrayList<>();
        private final List<String> chain = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final List<String> failed = new ArrayList<>();
        private @Nullable ChainView chainView;

        Builder(Step step) {
            this.step = step;
        }

        /** The return code (0 or a negative errno). */
        public Builder rc(int value) {
            rc = Errno.name(value);
            return this;
        }

        /** A return code that is not an errno ("SIGSEGV" for a CPU access the kernel refuses with a signal). */
        public Builder rc(String value) {
            rc = value;
            return this;
        }

        /** A named value. */
        public Builder value(String key, Object value) {
            values.put(key, String.valueOf(value));
            return this;
        }

        /** Page states. */
        public Builder pages(List<PageRun> runs) {
            pages.addAll(runs);
            return this;
        }

        /** A link of the chain. */
        public Builder chain(String link) {
            chain.add(link);
            return this;
        }

        /** A note. */
        public Builder note(String line) {
            notes.add(line);
            return this;
        }

        /** The chain built, as a model (the text lines are given with {@link #chain(String)}). */
        public Builder chainView(ChainView value) {
            chainView = value;
            return this;
        }

        /** An expectation that did not hold. */
        public Builder failed(String what) {
            failed.add(what);
            return this;
        }

        /** The outcome. */
        public StepOutcome build() {
            return new StepOutcome(step.line(), step.kind(), step.text(), rc, values, pages, chain, notes, failed, chainView);
        }
    }
}
