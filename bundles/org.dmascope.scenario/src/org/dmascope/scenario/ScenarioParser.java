package org.dmascope.scenario;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the line-oriented scenario format of docs/scenario.md: one step per line, {@code #}
 * comments, double-quoted words, {@code key=value} options, {@code repeat N ... end} blocks
 * ({@code {i}} in a word becomes the iteration, from 0) and {@code topology inline ... end}
 * blocks. Every line is checked by its step kind before anything runs.
 */
public final class ScenarioParser {

    private static final Pattern KEY = Pattern.compile("[a-z_][a-z0-9_.-]*");
    private static final int MAX_STEPS = 1_000_000;

    private final StepKinds kinds;

    /** A parser that knows these step kinds. */
    public ScenarioParser(StepKinds kinds) {
        this.kinds = kinds;
    }

    /**
     * Parses a file.
     *
     * @param path the file
     * @param name the file as the user named it (for messages)
     * @throws ScenarioException when it cannot be read or a line is malformed
     */
    public Scenario parse(Path path, String name) throws ScenarioException {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(name, 0, "no such file");
        } catch (CharacterCodingException e) {
            throw new ScenarioException(name, 0, "not UTF-8 text");
        } catch (IOException e) {
            throw new ScenarioException(name, 0, "cannot read: " + e.getMessage());
        }
        return parse(lines, name);
    }

    /** Parses the lines of a file named {@code name}. */
    public Scenario parse(List<String> lines, String name) throws ScenarioException {
        List<Line> raw = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            raw.add(new Line(i + 1, lines.get(i), name));
        }
        String scenarioName = Path.of(name).getFileName() == null ? name : String.valueOf(Path.of(name).getFileName());
        List<Step> steps = new ArrayList<>();
        int[] pos = {0};
        String declared = block(raw, pos, name, steps, Map.of(), 0);
        if (pos[0] < raw.size()) {
            throw new ScenarioException(name, raw.get(pos[0]).number, "'end' without a block to close");
        }
        if (declared != null) {
            scenarioName = declared;
        }
        for (Step s : steps) {
            StepKind kind = kinds.kind(s.kind());
            if (kind == null) {
                throw s.error("unknown step '" + s.kind() + "' (known: " + String.join(", ", kinds.names()) + ")");
            }
            kind.check(s);
        }
        return new Scenario(name, scenarioName, steps);
    }

    /** Parses and checks one line as if it stood at a line of a file (for steps that run another step). */
    public Step parseLine(String file, int lineNumber, String text) throws ScenarioException {
        Line l = new Line(lineNumber, text, file);
        if (l.words().isEmpty()) {
            throw new ScenarioException(file, lineNumber, "an empty step");
        }
        Step s = toStep(file, l, Map.of());
        StepKind kind = kinds.kind(s.kind());
        if (kind == null) {
            throw s.error("unknown step '" + s.kind() + "' (known: " + String.join(", ", kinds.names()) + ")");
        }
        kind.check(s);
        return s;
    }

    /** A line of the file; its words are read when a block needs them (inline topologies keep the raw text). */
    private static final class Line {
        final int number;
        final String raw;
        final String file;
        private List<String> words;
        private List<Boolean> quoted;

        Line(int number, String raw, String file) {
            this.number = number;
            this.raw = raw;
            this.file = file;
        }

        List<String> words() throws ScenarioException {
            if (words == null) {
                List<String> marked = tokenize(raw, file, number);
                words = new ArrayList<>();
                quoted = new ArrayList<>();
                for (String w : marked) {
                    quoted.add(w.startsWith("\0"));
                    words.add(w.startsWith("\0") ? w.substring(1) : w);
                }
            }
            return words;
        }

        boolean quotedStart(int i) {
            return quoted.get(i);
        }

        String text() {
            return stripComment(raw).strip();
        }

        boolean isEnd() {
            String t = text();
            return t.equals("end");
        }
    }

    /** Reads lines until 'end' or the end of the file; returns the scenario name if declared. */
    private String block(List<Line> lines, int[] pos, String file, List<Step> out, Map<String, String> vars, int depth)
            throws ScenarioException {
        String declared = null;
        while (pos[0] < lines.size()) {
            Line l = lines.get(pos[0]);
            List<String> words = l.words();
            if (words.isEmpty()) {
                pos[0]++;
                continue;
            }
            String first = words.get(0);
            if (first.equals("end")) {
                if (words.size() != 1) {
                    throw new ScenarioException(file, l.number, "end: takes no words");
                }
                return declared;
            }
            pos[0]++;
            if (first.equals("scenario")) {
                if (depth > 0 || words.size() != 2) {
                    throw new ScenarioException(file, l.number, "scenario: expected 'scenario NAME' at the top level");
                }
                declared = words.get(1);
            } else if (first.equals("repeat")) {
                if (words.size() != 2 || !words.get(1).matches("[0-9]{1,6}")) {
                    throw new ScenarioException(file, l.number, "repeat: expected 'repeat COUNT' (1 to 999999) ... 'end'");
                }
                int count = Integer.parseInt(words.get(1));
                if (count < 1) {
                    throw new ScenarioException(file, l.number, "repeat: COUNT must be at least 1");
                }
                int bodyStart = pos[0];
                int bodyEnd = -1;
                for (int i = 0; i < count; i++) {
                    pos[0] = bodyStart;
                    Map<String, String> inner = new LinkedHashMap<>(vars);
                    inner.put("{i}", Integer.toString(i));
                    block(lines, pos, file, out, inner, depth + 1);
                    if (pos[0] >= lines.size()) {
                        throw new ScenarioException(file, l.number, "repeat: no 'end' closes this block");
                    }
                    bodyEnd = pos[0];
                    if (out.size() > MAX_STEPS) {
                        throw new ScenarioException(file, l.number, "repeat: more than " + MAX_STEPS + " steps");
                    }
                }
                pos[0] = bodyEnd + 1;
            } else if (first.equals("topology") && words.size() == 2 && words.get(1).equals("inline")) {
                StringBuilder text = new StringBuilder();
                boolean closed = false;
                while (pos[0] < lines.size()) {
                    Line b = lines.get(pos[0]);
                    pos[0]++;
                    if (b.isEnd()) {
                        closed = true;
                        break;
                    }
                    text.append(b.raw).append('\n');
                }
                if (!closed) {
                    throw new ScenarioException(file, l.number, "topology inline: no 'end' closes this block");
                }
                Map<String, String> options = new LinkedHashMap<>();
                options.put("inline", text.toString());
                out.add(new Step(file, l.number, "topology", List.of("inline"), options, l.text()));
            } else {
                out.add(toStep(file, l, vars));
            }
        }
        return declared;
    }

    private static Step toStep(String file, Line l, Map<String, String> vars) throws ScenarioException {
        List<String> args = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        List<String> words = l.words();
        for (int i = 1; i < words.size(); i++) {
            String w = substitute(words.get(i), vars);
            int eq = w.indexOf('=');
            if (eq > 0 && KEY.matcher(w.substring(0, eq)).matches() && !l.quotedStart(i)) {
                String key = w.substring(0, eq);
                if (options.containsKey(key)) {
                    throw new ScenarioException(file, l.number, "option '" + key + "' given twice");
                }
                options.put(key, w.substring(eq + 1));
            } else {
                args.add(w);
            }
        }
        return new Step(file, l.number, substitute(words.get(0), vars), args, options, substitute(l.text(), vars));
    }

    private static String substitute(String word, Map<String, String> vars) {
        String w = word;
        for (Map.Entry<String, String> e : vars.entrySet()) {
            w = w.replace(e.getKey(), e.getValue());
        }
        return w;
    }

    private static String stripComment(String raw) {
        boolean quoted = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted) {
                return raw.substring(0, i);
            }
        }
        return raw;
    }

    /** Splits a line into words; a quoted part keeps its spaces. A word that opens with a quote is marked by a leading NUL. */
    static List<String> tokenize(String raw, String file, int line) throws ScenarioException {
        List<String> words = new ArrayList<>();
        StringBuilder cur = null;
        boolean quoted = false;
        boolean startedQuoted = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < raw.length() && (raw.charAt(i + 1) == '"' || raw.charAt(i + 1) == '\\')) {
                    cur.append(raw.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
                continue;
            }
            if (c == '#') {
                break;
            }
            if (Character.isWhitespace(c)) {
                if (cur != null) {
                    words.add(startedQuoted ? "\0" + cur : cur.toString());
                    cur = null;
                }
                continue;
            }
            if (c < 0x20 || c == 0x7f) {
                throw new ScenarioException(file, line, "control character 0x" + Integer.toHexString(c) + " at column " + (i + 1));
            }
            if (cur == null) {
                cur = new StringBuilder();
                startedQuoted = c == '"';
            }
            if (c == '"') {
                quoted = true;
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new ScenarioException(file, line, "a quoted word is not closed");
        }
        if (cur != null) {
            words.add(startedQuoted ? "\0" + cur : cur.toString());
        }
        return words;
    }
}
