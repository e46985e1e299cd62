package org.dmascope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;

import org.dmascope.scenario.PageRun;
import org.dmascope.scenario.ScenarioResult;
import org.dmascope.scenario.StepOutcome;

import com.google.gson.stream.JsonWriter;

/**
 * The JSON form of {@code scenario run --json}: one document with every step's outcome.
 * Addresses and PFNs are hexadecimal strings; values are the strings the steps give.
 */
final class ScenarioJson {

    private ScenarioJson() {
    }

    static void write(ScenarioResult r, Writer out) {
        try {
            JsonWriter w = new JsonWriter(out);
            w.setIndent("  ");
            w.setSerializeNulls(true);
            w.beginObject();
            w.name("scenario").value(r.scenario().name());
            w.name("file").value(r.scenario().file());
            w.name("steps").beginArray();
            int expects = 0;
            for (StepOutcome o : r.outcomes()) {
                w.beginObject();
                w.name("line").value(o.line());
                w.name("kind").value(o.kind());
                w.name("text").value(o.text());
                w.name("rc").value(o.rc());
                w.name("values").beginObject();
                for (Map.Entry<String, String> e : o.values().entrySet()) {
                    w.name(e.getKey()).value(e.getValue());
                }
                w.endObject();
                w.name("pages").beginArray();
                for (PageRun p : o.pages()) {
                    w.beginObject();
                    w.name("start").value(hex(p.start()));
                    w.name("end").value(hex(p.end()));
                    w.name("pages").value(p.pages());
                    w.name("state").value(p.state());
                    w.name("pfn").value(p.firstPfn() < 0 ? null : hex(p.firstPfn()));
                    w.endObject();
                }
                w.endArray();
                w.name("chain").beginArray();
                for (String c : o.chain()) {
                    w.value(c);
                }
                w.endArray();
                w.name("notes").beginArray();
                for (String n : o.notes()) {
                    w.value(n);
                }
                w.endArray();
                boolean expect = o.kind().startsWith("expect");
                if (expect) {
                    expects++;
                }
                w.name("expect").value(expect ? (o.failed().isEmpty() ? "ok" : "failed") : null);
                w.name("failed").beginArray();
                for (String f : o.failed()) {
                    w.value(f);
                }
                w.endArray();
                w.endObject();
            }
            w.endArray();
            w.name("expectations").beginObject();
            w.name("total").value(expects);
            w.name("failed").value(r.failedExpectations().size());
            w.endObject();
            w.endObject();
            w.flush();
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hex(long v) {
        return String.format(Locale.ROOT, "0x%x", v);
    }
}
