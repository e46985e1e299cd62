package org.dmascope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.io.EventInput;
import org.dmascope.trace.io.EventOutput;
import org.dmascope.trace.io.TraceFiles;
import org.dmascope.trace.store.ChunkInfo;
import org.dmascope.trace.store.TraceReader;

import com.google.gson.stream.JsonWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmascope trace info|check|convert}: trace files on the command line. */
@Command(name = "trace", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "(info | check | convert)",
        description = {"Trace files: the .dmatrace store (docs/trace-store.md), JSON Lines (docs/trace-jsonl.md), "
                + "ftrace and trace-cmd report text (read), Perfetto trace-event JSON and CSV (written; "
                + "docs/trace-formats.md)."})
final class TraceCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: info, check or convert");
    }

    /** Adds the command with its subcommands. */
    static CommandLine create() {
        CommandLine cl = new CommandLine(new TraceCommand());
        cl.addSubcommand(new Info());
        cl.addSubcommand(new Check());
        cl.addSubcommand(new Convert());
        return cl;
    }

    /** What one pass over a trace found. */
    static final class Summary {
        long events;
        long firstTs = Long.MAX_VALUE;
        long lastTs = Long.MIN_VALUE;
        final Map<EventType, Long> perType = new EnumMap<>(EventType.class);
        List<String> problems = List.of();
        TraceFiles.Format format = TraceFiles.Format.DMATRACE;
        List<ChunkInfo> chunks = List.of();
        long bytes;
        String header = "";

        void count(TraceEvent e) {
            count(e.type(), e.ts());
        }

        void count(EventType type, long ts) {
            events++;
            firstTs = Math.min(firstTs, ts);
            lastTs = Math.max(lastTs, ts);
            perType.merge(type, 1L, Long::sum);
        }

        static Summary of(Path file) throws InputException {
            Summary s = new Summary();
            try {
                s.format = TraceFiles.detect(file);
                s.bytes = Files.size(file);
                if (s.format == TraceFiles.Format.DMATRACE) {
                    try (TraceReader r = TraceReader.open(file)) {
                        s.header = "format " + 1 + "." + r.versionMinor() + ", created "
                                + Instant.ofEpochSecond(0, r.createdEpochNs()) + ", flush interval " + r.flushMillis()
                                + " ms";
                        r.verifyAll();
                        r.scan((ordinal, type, ts, cpu, pid) -> s.count(type, ts));
                        s.chunks = r.chunks();
                        s.problems = r.problems();
                    }
                } else {
                    try (EventInput in = TraceFiles.open(file)) {
                        for (TraceEvent e = in.next(); e != null; e = in.next()) {
                            s.count(e);
                        }
                        s.problems = in.problems();
                    }
                }
            } catch (IOException e) {
                throw new InputException(file.toString(), null, "cannot read: " + e.getMessage(), e);
            }
            return s;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = {"Event count, time span, counts per event type and the health of every chunk of FILE "
                    + "(a .dmatrace store; also JSON Lines, ftrace or trace-cmd report text, then without chunks)."},
            footer = {"", "JSON: {\"file\", \"format\", \"bytes\", \"events\", \"firstTs\", \"lastTs\" (ns; null when "
                    + "empty), \"types\":{type: count}, \"chunks\":[{\"sequence\", \"offset\", \"kind\" (events or "
                    + "checkpoint), \"events\", \"minTs\", \"maxTs\", \"health\" (ok or damaged), \"problem\"}], "
                    + "\"problems\":[...], \"intact\"}.", "Exit status: 0, or 2 when FILE cannot be read at all."})
    static final class Info implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The trace.")
        private Path file;

        @Option(names = "--json", description = "Print JSON.")
        private boolean json;

        @Override
        public Integer call() throws InputException, IOException {
            Summary s = Summary.of(file);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                printJson(out, s);
                return 0;
            }
            out.println(file + ": " + s.format.label() + (s.header.isEmpty() ? "" : ", " + s.header));
            long eventChunks = s.chunks.stream().filter(c -> !c.checkpoint()).count();
            out.println("events:     " + s.events + (s.format == TraceFiles.Format.DMATRACE ? " in " + eventChunks
                    + " chunks and " + (s.chunks.size() - eventChunks) + " checkpoints" : "") + ", " + s.bytes + " bytes");
            out.println("time span:  " + (s.events == 0 ? "none" : s.firstTs + " .. " + s.lastTs + " ns ("
                    + duration(s.lastTs - s.firstTs) + ")"));
            out.println("per type:");
            for (Map.Entry<EventType, Long> e : s.perType.entrySet()) {
                out.printf("  %-32s %12d%n", e.getKey().id(), e.getValue());
            }
            if (s.format == TraceFiles.Format.DMATRACE) {
                out.println("chunks:");
                printChunkRuns(out, s.chunks);
            }
            out.println("health:     " + (s.problems.isEmpty() ? "intact" : s.problems.size() + " problems"));
            for (String p : s.problems) {
                out.println("  " + p);
            }
            return 0;
        }

        /** Consecutive chunks of the same health on one line; each damaged chunk on its own. */
        private static void printChunkRuns(PrintWriter out, List<ChunkInfo> chunks) {
            int i = 0;
            while (i < chunks.size()) {
                ChunkInfo first = chunks.get(i);
                if (first.health() == ChunkInfo.Health.DAMAGED) {
                    out.println("  chunk " + first.sequence() + " at offset " + first.offset() + ": DAMAGED ("
                            + first.problem() + ")");
                    i++;
                    continue;
                }
                int j = i;
                long events = 0;
                int checkpoints = 0;
                while (j < chunks.size() && chunks.get(j).health() != ChunkInfo.Health.DAMAGED) {
                    if (chunks.get(j).checkpoint()) {
                        checkpoints++;
                    } else {
                        events += chunks.get(j).events();
                    }
                    j++;
                }
                ChunkInfo last = chunks.get(j - 1);
                out.println("  chunks " + first.sequence() + ".." + last.sequence() + " (offsets " + first.offset() + ".."
                        + last.end() + "): ok, " + events + " events" + (checkpoints > 0 ? ", " + checkpoints
                                + " checkpoints" : ""));
                i = j;
            }
        }

        private void printJson(PrintWriter out, Summary s) throws IOException {
            JsonWriter j = new JsonWriter(out);
            j.setIndent("  ");
            j.beginObject();
            j.name("file").value(file.toString());
            j.name("format").value(s.format.name().toLowerCase(java.util.Locale.ROOT));
            j.name("bytes").value(s.bytes);
            j.name("events").value(s.events);
            if (s.events == 0) {
                j.name("firstTs").nullValue();
                j.name("lastTs").nullValue();
            } else {
                j.name("firstTs").value(s.firstTs);
                j.name("lastTs").value(s.lastTs);
            }
            j.name("types").beginObject();
            for (Map.Entry<EventType, Long> e : s.perType.entrySet()) {
                j.name(e.getKey().id()).value(e.getValue());
            }
            j.endObject();
            j.name("chunks").beginArray();
            for (ChunkInfo c : s.chunks) {
                j.beginObject();
                j.name("sequence").value(c.sequence());
                j.name("offset").value(c.offset());
                j.name("kind").value(c.checkpoint() ? "checkpoint" : "events");
                j.name("events").value(c.events());
                j.name("minTs").value(c.minTs());
                j.name("maxTs").value(c.maxTs());
                j.name("health").value(c.health() == ChunkInfo.Health.DAMAGED ? "damaged" : "ok");
                j.name("problem").value(c.problem());
                j.endObject();
            }
            j.endArray();
            j.name("problems").beginArray();
            for (String p : s.problems) {
                j.value(p);
            }
            j.endArray();
            j.name("intact").value(s.problems.isEmpty());
            j.endObject();
            j.flush();
            out.println();
        }
    }

    static String duration(long ns) {
        if (ns < 10_000) {
            return ns + " ns";
        } else if (ns < 10_000_000) {
            return String.format(java.util.Locale.ROOT, "%.1f µs", ns / 1e3);
        } else if (ns < 10_000_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.1f ms", ns / 1e6);
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", ns / 1e9);
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Reads all of FILE and checks every checksum (a .dmatrace store) or line (JSON Lines, ftrace "
                    + "or trace-cmd report text)."},
            footer = {"", "Exit status: 0 when FILE is intact; 1 when it is damaged, with one line per damage (offset "
                    + "and chunk, or line); 2 when it cannot be read at all."})
    static final class Check implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The trace.")
        private Path file;

        @Override
        public Integer call() throws InputException {
            Summary s = Summary.of(file);
            PrintWriter out = spec.commandLine().getOut();
            if (s.problems.isEmpty()) {
                out.println(file + ": intact, " + s.events + " events" + (s.chunks.isEmpty() ? "" : " in "
                        + s.chunks.size() + " chunks"));
                return 0;
            }
            out.println(file + ": DAMAGED, " + s.problems.size() + " problems; " + s.events + " events readable");
            for (String p : s.problems) {
                out.println(p);
            }
            return DmaScopeCli.EXIT_FAILURE;
        }
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = {"Converts IN to OUT. IN is read by its content: a .dmatrace store, JSON Lines, ftrace text "
                    + "(tracefs trace or trace_pipe, also in latency format) or trace-cmd report text. OUT is written in "
                    + "the format its extension names: .dmatrace, .jsonl, .json (Chrome/Perfetto trace-event JSON, opens "
                    + "in ui.perfetto.dev) or .csv."},
            footer = {"", "What IN holds that cannot be read (a damaged chunk, a bad line) is skipped and named on "
                    + "standard error; the rest is converted, and the exit status is then 2."})
    static final class Convert implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "IN", description = "The trace to read.")
        private Path in;

        @Parameters(index = "1", paramLabel = "OUT", description = "The file to write.")
        private Path out;

        @Override
        public Integer call() throws InputException, IOException {
            TraceFiles.outputFormat(out);
            if (Files.exists(in) && Files.exists(out) && Files.isSameFile(in, out)) {
                throw new InputException(out.toString(), null, "is the input itself");
            }
            long n = 0;
            List<String> problems;
            TraceFiles.Format from;
            TraceFiles.Format to;
            try (EventInput input = TraceFiles.open(in); EventOutput output = TraceFiles.create(out)) {
                from = input.format();
                to = output.format();
                for (TraceEvent e = input.next(); e != null; e = input.next()) {
                    output.write(e);
                    n++;
                }
                problems = new ArrayList<>(input.problems());
            }
            spec.commandLine().getOut().println(in + " (" + from.label() + ") -> " + out + " (" + to.label() + "): " + n
                    + " events");
            PrintWriter err = spec.commandLine().getErr();
            for (String p : problems) {
                err.println("dmascope: " + p);
            }
            return problems.isEmpty() ? 0 : DmaScopeCli.EXIT_USAGE;
        }
    }
}
