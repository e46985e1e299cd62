package org.dmascope.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

import org.dmascope.scenario.PageRun;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.StepOutcome;

/** The text form of {@code scenario run}: one block per step. */
final class ScenarioText {

    /** Page runs shown per step; the JSON form has them all. */
    private static final int MAX_RUNS = 16;

    private ScenarioText() {
    }

    static void write(ScenarioResult r, PrintWriter out) {
        out.printf(Locale.ROOT, "scenario %s (%s)%n", r.scenario().name(), r.scenario().file());
        int expects = 0;
        for (StepOutcome o : r.outcomes()) {
            out.printf(Locale.ROOT, "line %-4d %s%n", o.line(), o.text());
            boolean expect = o.kind().startsWith("expect");
            if (expect) {
                expects++;
                out.println(o.failed().isEmpty() ? "          -> ok" : "          -> FAILED");
                for (String f : o.failed()) {
                    out.println("             " + f);
                }
                continue;
            }
            StringBuilder s = new StringBuilder("          -> ").append(o.rc());
            for (Map.Entry<String, String> e : o.values().entrySet()) {
                s.append("  ").append(e.getKey()).append('=').append(e.getValue());
            }
            out.println(s);
            int shown = 0;
            for (PageRun p : o.pages()) {
                if (shown++ == MAX_RUNS) {
                    out.printf(Locale.ROOT, "             ... %d more runs (--json has them)%n", o.pages().size() - MAX_RUNS);
                    break;
                }
                out.printf(Locale.ROOT, "             %#x-%#x %6d page%s  %s%s%n", p.start(), p.end(), p.pages(),
                        p.pages() == 1 ? " " : "s", p.state(), p.firstPfn() >= 0 ? String.format(Locale.ROOT,
                                "  pfn %#x", p.firstPfn()) : "");
            }
            for (String c : o.chain()) {
                out.println("             chain: " + c);
            }
            for (String n : o.notes()) {
                out.println("             why: " + n);
            }
        }
        long failed = r.failedExpectations().size();
        out.printf(Locale.ROOT, "%d steps; %d expectations, %s%n", r.outcomes().size(), expects,
                failed == 0 ? "all held" : failed + " failed");
    }
}
