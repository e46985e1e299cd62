package org.dmascope.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values pages hold, as the scenario format writes them: a number for every page,
 * {@code index} (page i holds i, counted from the start of the range), {@code index+N},
 * {@code -index}, {@code -index+N}. The selftest's {@code ptr[i] = i} fills become
 * {@code value=index}; what a range holds is summarized the same way.
 */
public final class DataPattern {

    private static final Pattern INDEX = Pattern.compile("(-?)index(([+-])([0-9]+))?");

    private final long sign;
    private final long offset;

    private DataPattern(long sign, long offset) {
        this.sign = sign;
        this.offset = offset;
    }

    /** Parses a pattern, or fails naming the step. */
    public static DataPattern parse(Step step, String text) throws ScenarioException {
        Matcher m = INDEX.matcher(text);
        if (m.matches()) {
            long off = m.group(2) == null ? 0 : Long.parseLong(m.group(4)) * (m.group(3).equals("-") ? -1 : 1);
            return new DataPattern(m.group(1).isEmpty() ? 1 : -1, off);
        }
        try {
            return new DataPattern(0, Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw step.error(step.kind() + ": '" + text + "' is not a value (a number, index, index+N, -index or -index+N)");
        }
    }

    /** The value of page i. */
    public long valueAt(long i) {
        return sign * i + offset;
    }

    /** How a list of page values reads: a pattern when one fits, else the values (runs as VALUE*COUNT, at most 16). */
    public static String summarize(long[] values) {
        if (values.length == 0) {
            return "";
        }
        for (long sign : new long[] {0, 1, -1}) {
            long off = values[0];
            boolean fits = true;
            for (int i = 0; i < values.length && fits; i++) {
                fits = values[i] == sign * i + off;
            }
            if (fits) {
                String o = off == 0 ? "" : off > 0 ? "+" + off : Long.toString(off);
                return sign == 0 ? Long.toString(off) : sign == 1 ? "index" + o : "-index" + o;
            }
        }
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < values.length && parts.size() < 16) {
            int j = i;
            while (j < values.length && values[j] == values[i]) {
                j++;
            }
            parts.add(j - i > 1 ? values[i] + "*" + (j - i) : Long.toString(values[i]));
            i = j;
        }
        return String.join(",", parts) + (i < values.length ? ",..." : "");
    }
}
