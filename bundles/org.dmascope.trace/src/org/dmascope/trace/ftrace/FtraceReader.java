package org.dmascope.trace.ftrace;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.ftrace.BlockParser.AtLastTs;
import org.dmascope.trace.ftrace.BlockParser.Block;
import org.dmascope.trace.ftrace.BlockParser.CpusSeen;
import org.dmascope.trace.ftrace.BlockParser.FormatSeen;
import org.dmascope.trace.ftrace.BlockParser.Note;
import org.dmascope.trace.ftrace.BlockParser.Problem;
import org.dmascope.trace.ftrace.BlockParser.TracerSeen;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Reads trace events from ftrace text ({@link FtraceFormat}): the {@code trace} or
 * {@code trace_pipe} file of tracefs, its latency format, or {@code trace-cmd report} output.
 * Streams in constant memory for a file of any length: the input is read in blocks of whole
 * lines (1 MiB), and a few blocks ahead of the one whose events are handed out are parsed on
 * the other cores ({@link BlockParser}); the events come out in the input's order, with the
 * line numbers and errors of reading the lines one by one. Only what the input already holds is
 * read ahead ({@link InputStream#available()}), so the events of a pipe ({@code trace_pipe})
 * come out as soon as their lines are complete.
 * <p>
 * The tracepoints of include/trace/events/iommu.h ({@code map}, {@code unmap},
 * {@code io_page_fault}, {@code attach_device_to_domain}, {@code detach_device_from_domain},
 * {@code add_device_to_group}, {@code remove_device_from_group}) and of
 * include/trace/events/dma.h (the v6.12 formats and the newer {@code dma_map_phys} and
 * {@code dma_map_sg} with {@code nents=}/{@code ents=} and {@code [TRUNCATED]}) become the
 * matching event records. Every other event becomes a {@link GenericEvent} with its fields as
 * text; nothing is dropped. Time stamps in seconds with a fraction become nanoseconds; a
 * time stamp printed as one integer (the "ns" clock, or a counter clock) is kept as it is.
 * <p>
 * A line that cannot be read gives an {@link InputException} naming the input, the line and
 * the column; the events before it have been handed out, and the next {@link #read()} goes on
 * with the next line. Not thread safe (the threads that parse ahead are the reader's own).
 */
public final class FtraceReader implements Closeable {

    static final int BLOCK = 1 << 20;
    private static final int MAX_LINE = 64 << 20;
    /** Threads that parse ahead: one per other core, at most three (the reading thread parses too). */
    private static final int WORKERS = Math.min(3, Runtime.getRuntime().availableProcessors() - 1);

    private final InputStream in;
    private final String source;
    /**
     * Blocks split off ahead of the one handed out (0 with one core), twice as many while a worker
     * is slow to finish the next one: memory stays at a few blocks.
     */
    private final int window;

    // the bytes read and not yet in a block: [0, fill) of filling.bytes
    private Block filling = new Block(BLOCK);
    private int fill;
    /** [0, searched) of the filling bytes has been searched for its last newline. */
    private int searched;
    /** The offset after the last newline of the filling bytes, 0 when they hold none. */
    private int lastNewline;
    private boolean eof;
    /** A line longer than {@link #MAX_LINE}: no event after it can be read. */
    private boolean tooLong;
    /** A read that failed, thrown once the blocks before it have been handed out. */
    private @Nullable IOException failure;
    private final LineParser splitContext = new LineParser();

    private final ArrayDeque<FutureTask<Block>> inFlight = new ArrayDeque<>();
    private final ArrayDeque<Block> spare = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<BlockParser> parsers = new ConcurrentLinkedQueue<>();
    private @Nullable ThreadPoolExecutor workers;

    // the block whose events are handed out
    private @Nullable Block current;
    private int next;
    private int nextNote;
    /** The lines of the blocks before the current one. */
    private long lineBase;
    private long lineNumber;
    /** The time stamp of the last event line of the blocks before the current one. */
    private long lastTs;

    private @Nullable FtraceFormat format;
    private String tracer = "";
    private int cpus = -1;

    /**
     * @param in     the text; closed by {@link #close()}
     * @param source the name of the input in messages, for example the file name
     */
    public FtraceReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
        this.window = WORKERS <= 0 ? 0 : WORKERS + 4;
    }

    /** The threads that parse an input: the reading thread and one worker per other core, at most four. */
    public static int parsingThreads() {
        return Math.max(WORKERS, 0) + 1;
    }

    /** A reader of a file, named in messages by its path. */
    public static FtraceReader open(Path file) throws IOException {
        return new FtraceReader(Files.newInputStream(file), file.toString());
    }

    /** The name of the input used in messages. */
    public String source() {
        return source;
    }

    /**
     * The number of the line of the event or error handed out last (1 for the first line), 0
     * before the first; at the end of the input, the number of lines.
     */
    public long lineNumber() {
        return lineNumber;
    }

    /** The flavour of the text, once a header or event line has told it. */
    public Optional<FtraceFormat> format() {
        return Optional.ofNullable(format);
    }

    /** The tracer named by the {@code # tracer:} header ("nop", "function", ...), or "". */
    public String tracer() {
        return tracer;
    }

    /** The CPU count of a trace-cmd {@code cpus=N} header, or -1. */
    public int cpus() {
        return cpus;
    }

    /**
     * The next event, or null at the end of the input.
     *
     * @throws InputException when the next line that is not a header, comment or blank cannot be
     *                        read; reading again continues after that line
     */
    public @Nullable TraceEvent read() throws IOException, InputException {
        for (;;) {
            Block b = current;
            if (b != null) {
                while (next < b.count) {
                    int i = next++;
                    lineNumber = lineBase + b.lines[i];
                    TraceEvent e = b.events[i];
                    if (e != null) {
                        return e;
                    }
                    e = apply(b.notes.get(nextNote++));
                    if (e != null) {
                        return e;
                    }
                }
                lineBase += b.lineCount;
                lineNumber = lineBase;
                if (b.hadEventLine) {
                    lastTs = b.lastTs;
                }
                current = null;
                recycle(b);
            }
            b = nextBlock();
            if (b == null) {
                if (tooLong) {
                    throw new InputException(source, "line " + (lineNumber + 1), "a line longer than "
                            + (MAX_LINE >> 20) + " MiB: not ftrace text");
                }
                IOException failed = failure;
                if (failed != null) {
                    failure = null; // reading again tries the input again
                    throw failed;
                }
                return null;
            }
            current = b;
            next = 0;
            nextNote = 0;
        }
    }

    /**
     * Hands every remaining event to the consumer, in order, and stops at the first line that
     * cannot be read: the events before it have been handed out.
     *
     * @return the number of events handed out
     */
    public long forEach(Consumer<? super TraceEvent> consumer) throws IOException, InputException {
        long n = 0;
        for (TraceEvent e = read(); e != null; e = read()) {
            consumer.accept(e);
            n++;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        ThreadPoolExecutor w = workers;
        if (w != null) {
            w.shutdownNow();
        }
        inFlight.clear();
        current = null;
        in.close();
    }

    /** What a note at its place in the events does: the reader's state, an error, or an event. */
    private @Nullable TraceEvent apply(Note n) throws InputException {
        if (n instanceof Problem p) {
            throw new InputException(source, "line " + lineNumber + ", column " + p.column(), p.problem());
        }
        if (n instanceof FormatSeen f) {
            if (!f.onlyIfUnknown() || format == null) {
                format = f.format();
            }
        } else if (n instanceof TracerSeen t) {
            tracer = t.tracer();
        } else if (n instanceof CpusSeen c) {
            cpus = c.cpus();
        } else if (n instanceof AtLastTs a) {
            return new GenericEvent(new EventHeader(lastTs, a.cpu(), EventHeader.UNKNOWN, ""), "ftrace", a.name(),
                    a.fields());
        }
        return null;
    }

    // ---- blocks

    /** The next block, parsed; null at the end of the input or when reading failed. */
    private @Nullable Block nextBlock() throws IOException {
        if (inFlight.isEmpty()) {
            Block b = split();
            if (b == null) {
                return null;
            }
            inFlight.add(task(b)); // parsed here, below
        }
        FutureTask<Block> head = inFlight.poll();
        readAhead();
        // parse the head here unless a worker has begun it; while a worker parses it, parse the
        // next blocks no worker has begun (a task runs once, wherever it is begun first)
        head.run();
        for (FutureTask<Block> t : inFlight) {
            if (head.isDone()) {
                break;
            }
            t.run();
        }
        // a worker still parses the head (on a busy machine it may wait for a core): rather than
        // wait, split off and parse the blocks after, up to twice the window
        while (!head.isDone() && inFlight.size() < 2 * window && !eof && failure == null && ready()) {
            Block b = split();
            if (b == null) {
                break;
            }
            FutureTask<Block> t = task(b);
            inFlight.add(t);
            t.run();
        }
        try {
            return head.get();
        } catch (InterruptedException e) {
            inFlight.addFirst(head);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + source);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    /** Splits off and hands to the workers the blocks the input already holds, up to the window. */
    private void readAhead() {
        while (inFlight.size() < window && !eof && failure == null && ready()) {
            Block b = split();
            if (b == null) {
                return;
            }
            FutureTask<Block> t = task(b);
            inFlight.add(t);
            workers().execute(t);
        }
    }

    private boolean ready() {
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return false; // a pipe may not tell: read it only when its events are asked for
        }
    }

    private FutureTask<Block> task(Block b) {
        return new FutureTask<>(() -> {
            BlockParser p = parsers.poll();
            if (p == null) {
                p = new BlockParser();
            }
            try {
                p.parse(b);
            } finally {
                parsers.offer(p);
            }
            return b;
        });
    }

    private ThreadPoolExecutor workers() {
        ThreadPoolExecutor w = workers;
        if (w == null) {
            // the workers take the newest block first and the reading thread the oldest, so that the
            // reading thread seldom waits for a block a worker has begun (and, on a busy machine,
            // has been taken off its core while parsing)
            BlockingQueue<Runnable> newestFirst = new LinkedBlockingDeque<>() {
                private static final long serialVersionUID = 1L;

                @Override
                public boolean offer(Runnable r) {
                    return offerFirst(r);
                }
            };
            w = new ThreadPoolExecutor(WORKERS, WORKERS, 1, TimeUnit.SECONDS, newestFirst, r -> {
                Thread t = new Thread(r, "ftrace import of " + source);
                t.setDaemon(true);
                return t;
            });
            w.allowCoreThreadTimeOut(true); // a reader left open without close() leaves no thread behind
            workers = w;
        }
        return w;
    }

    private void recycle(Block b) {
        if (b.bytes.length == BLOCK && spare.size() < window + 1) {
            b.clear();
            spare.add(b);
        }
    }

    /**
     * Reads until the bytes read begin with a block of whole lines and takes it off; at the end
     * of the input, the rest (its last line perhaps without a newline). Null at the end, after a
     * line longer than {@link #MAX_LINE}, or when reading failed ({@link #failure}).
     */
    private @Nullable Block split() {
        for (;;) {
            if (eof) {
                return fill > 0 && !tooLong ? take(fill) : null;
            }
            int j = boundary();
            if (j > 0) {
                return take(j);
            }
            byte[] b = filling.bytes;
            if (fill == b.length) {
                if (b.length >= MAX_LINE) {
                    if (lastNewline > 0) {
                        // a stack trace of more than 64 MiB of frames: its further frames become
                        // kernel_stack events of their own
                        return take(lastNewline);
                    }
                    tooLong = true;
                    eof = true;
                    return null;
                }
                filling.bytes = Arrays.copyOf(b, b.length * 2);
                b = filling.bytes;
            }
            int n;
            try {
                n = in.read(b, fill, b.length - fill);
            } catch (IOException e) {
                failure = e;
                return null;
            }
            if (n < 0) {
                eof = true;
            } else {
                fill += n;
                for (int i = fill - 1; i >= searched; i--) {
                    if (b[i] == '\n') {
                        lastNewline = i + 1;
                        break;
                    }
                }
                searched = fill;
            }
        }
    }

    /** Takes [0, end) of the filling bytes as a block; the rest begins the next one. */
    private Block take(int end) {
        Block full = filling;
        int rest = fill - end;
        Block b = spare.poll();
        if (b == null || b.bytes.length < rest) {
            // at the end of the input nothing more is read into it
            b = new Block(eof ? rest : Math.max(BLOCK, Integer.highestOneBit(Math.max(rest, 1)) * 2));
        }
        System.arraycopy(full.bytes, end, b.bytes, 0, rest);
        full.length = end;
        full.last = eof;
        filling = b;
        fill = rest;
        searched = rest;
        lastNewline = 0;
        for (int i = rest - 1; i >= 0; i--) {
            if (b.bytes[i] == '\n') {
                lastNewline = i + 1;
                break;
            }
        }
        return full;
    }

    /**
     * Where the filling bytes may end a block: after their last newline, unless the line there
     * may continue a stack trace begun before it (a frame line, or one not read far enough to
     * tell, after a {@code <stack trace>} line and its frames): then before that stack trace's
     * first line. 0 when there is no such place yet.
     */
    private int boundary() {
        int j = lastNewline;
        if (j == 0) {
            return 0;
        }
        byte[] b = filling.bytes;
        // the line at j: a frame line as BlockParser's stack reading sees one (" => frame")?
        int p = LineParser.skipSpaces(b, j, fill);
        if (p + 1 < fill ? !(b[p] == '=' && b[p + 1] == '>') : p < fill && b[p] != '=') {
            return j;
        }
        // It is a frame, or may be one. Before it: a run of frame lines, after a line that is
        // not one (or the block's start, where nothing continues). The first of these lines
        // that is a stack trace's line takes all the frames after it, up to j: a frame line is
        // read as an event line of its own when no stack trace before takes it, and may be one.
        int stack = -1;
        int end = j - 1; // the newline of the line before j
        for (;;) {
            int start = end;
            while (start > 0 && b[start - 1] != '\n') {
                start--;
            }
            int lineEnd = end > start && b[end - 1] == '\r' ? end - 1 : end;
            if (startsStackTrace(b, start, lineEnd)) {
                stack = start;
            }
            int q = LineParser.skipSpaces(b, start, lineEnd);
            boolean frame = q + 1 < lineEnd && b[q] == '=' && b[q + 1] == '>';
            if (!frame || start == 0) {
                return stack >= 0 ? stack : j;
            }
            end = start - 1;
        }
    }

    /** Whether the line [s, e) is an event line whose event is a stack trace (BlockParser.parseLine, event). */
    private boolean startsStackTrace(byte[] b, int s, int e) {
        int p = LineParser.skipSpaces(b, s, e);
        while (p < e && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        if (p == e || b[p] == '#') {
            return false;
        }
        int at = splitContext.context(b, s, e);
        return at >= 0 && at < e && b[at] == '<';
    }
}
