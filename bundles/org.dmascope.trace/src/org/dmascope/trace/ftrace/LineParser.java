package org.dmascope.trace.ftrace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import org.dmascope.trace.event.EventHeader;

/**
 * Reads the fixed columns of one ftrace event line in place, without regular expressions or
 * copies: the task ({@code comm-pid}), the optional tgid, the CPU, the optional irq-info
 * flags and the time stamp, as kernel/trace/trace_output.c prints them (trace_print_context,
 * trace_print_lat_context) and trace-cmd report after it. Widths changed between kernels
 * ({@code %-5d} to {@code %-7d} for the pid, 4 to 5 flag characters), so columns are found by
 * their delimiters, not by position. Not thread safe; one instance is reused for every line.
 */
final class LineParser {

    /** The task's command name: bytes [commStart, commEnd). */
    int commStart;
    int commEnd;
    /** The thread id printed after the command name. */
    int pid;
    /** The thread group id of the tgid column, or {@link EventHeader#UNKNOWN}. */
    int tgid;
    int cpu;
    /** The time stamp in ns (or in clock units for a counter clock; relative for the latency format). */
    long ts;
    /** Whether the line was in the latency format. */
    boolean latency;
    /** Where the parse stopped on a line that is not an event line (0-based offset), and why. */
    int errorAt;
    String error = "";

    /**
     * Parses the columns before the event.
     *
     * @return the offset of the event name (after {@code "timestamp: "}), or -1 when the line is
     *         not an event line; then {@link #errorAt} and {@link #error} say where and why
     */
    int context(byte[] b, int start, int end) {
        int p = skipSpaces(b, start, end);
        commStart = p;
        tgid = EventHeader.UNKNOWN;
        latency = false;
        int bracket = cpuBracket(b, p, end);
        if (bracket < 0) {
            return latencyContext(b, p, end);
        }
        // [p, q): "comm-pid", perhaps followed by " (tgid)"
        int q = bracket;
        while (q > p && b[q - 1] == ' ') {
            q--;
        }
        if (q <= p) {
            return fail(p, "expected COMM-PID before the CPU column");
        }
        if (b[q - 1] == ')') {
            int open = q - 1;
            while (open > p && b[open] != '(') {
                open--;
            }
            if (b[open] != '(') {
                return fail(q - 1, "a ')' without '(' before the CPU column");
            }
            int t = open + 1;
            while (t < q - 1 && b[t] == ' ') {
                t++;
            }
            if (b[t] != '-') {
                long v = decimal(b, t, q - 1);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    return fail(t, "the tgid column is not a number");
                }
                tgid = (int) v;
            }
            q = open;
            while (q > p && b[q - 1] == ' ') {
                q--;
            }
        }
        // the pid's digits, read from the last one back
        int dash = q;
        long v = 0;
        long scale = 1;
        while (dash > p && isDigit(b[dash - 1])) {
            dash--;
            if (q - dash <= 18) {
                v += (b[dash] - '0') * scale;
                scale *= 10;
            }
        }
        if (dash == q || dash == p || b[dash - 1] != '-') {
            return fail(p, "expected COMM-PID before the CPU column");
        }
        if (q - dash > 18 || v > Integer.MAX_VALUE) {
            return fail(dash, "the pid is not a 32-bit number");
        }
        pid = (int) v;
        commEnd = dash - 1;
        cpu = bracketCpu;
        p = skipSpaces(b, bracketClose + 1, end);
        // Either "flags ts:" (irq-info) or "ts:".
        int tok = p;
        while (tok < end && b[tok] != ' ') {
            tok++;
        }
        if (tok == p) {
            return fail(p, "expected a time stamp after the CPU column");
        }
        if (b[tok - 1] != ':') {
            p = skipSpaces(b, tok, end);
        }
        return timestamp(b, p, end);
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The offset of the first byte c in [from, end) of b, or end: 8 bytes at a time (one
     * comparison per byte was the importer's largest single cost: a line is a hundred bytes and
     * more, and each is looked at for the end of the line, the CPU column and the fields).
     */
    static int indexOf(byte[] b, byte c, int from, int end) {
        long pattern = (c & 0xFFL) * ONES;
        int i = from;
        // two words a step: lines are a hundred bytes and more
        for (; end - i >= 16; i += 16) {
            long x = (long) LONG_LE.get(b, i) ^ pattern; // a zero byte where b holds c
            long y = (long) LONG_LE.get(b, i + 8) ^ pattern;
            long foundX = (x - ONES) & ~x & HIGHS; // exact for the first zero byte
            long foundY = (y - ONES) & ~y & HIGHS;
            if ((foundX | foundY) != 0) {
                return foundX != 0 ? i + (Long.numberOfTrailingZeros(foundX) >>> 3)
                        : i + 8 + (Long.numberOfTrailingZeros(foundY) >>> 3);
            }
        }
        if (end - i >= 8) {
            long x = (long) LONG_LE.get(b, i) ^ pattern;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            i += 8;
        }
        for (; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return end;
    }

    /** The CPU in the bracket {@link #cpuBracket} found, and the offset of its ']'. */
    private int bracketCpu;
    private int bracketClose;

    /**
     * The offset of the '[' of the CPU column: the first "[digits]" preceded by a space, within
     * the width a 16-character comm, a 10-digit pid and a tgid column can take; its CPU and ']'
     * in {@link #bracketCpu} and {@link #bracketClose}.
     */
    private int cpuBracket(byte[] b, int from, int end) {
        int limit = Math.min(end - 2, from + 96);
        for (int i = from + 1; i < limit; i++) {
            i = indexOf(b, (byte) '[', i, limit);
            if (i >= limit) {
                break;
            }
            if (b[i - 1] == ' ' && isDigit(b[i + 1])) {
                int j = i + 1;
                long c = 0;
                while (j < end && isDigit(b[j])) {
                    c = c * 10 + (b[j] - '0');
                    j++;
                }
                if (j < end && b[j] == ']') {
                    // more than 18 digits: the value decimal() gave the old reading, -1 cast to int
                    bracketCpu = j - i - 1 > 18 ? -1 : (int) c;
                    bracketClose = j;
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * "  <idle>-0         1d..2.    0us : name: ..." (lat_print_generic, lat_print_timestamp), or
     * trace-cmd report -l's "    bash-1234    3 12345.678901: name: ..." (tracecmd/trace-read.c,
     * time_format: "%8.8s-%-5d %3d").
     */
    private int latencyContext(byte[] b, int p, int end) {
        int limit = Math.min(end, p + 64);
        for (int dash = p + 1; dash < limit; dash++) {
            if (b[dash] != '-' || dash + 1 >= end || !isDigit(b[dash + 1])) {
                continue;
            }
            int q = dash + 1;
            while (q < end && isDigit(b[q])) {
                q++;
            }
            int pidEnd = q;
            int s = q;
            while (s < end && b[s] == ' ') {
                s++;
            }
            if (s == q || s >= end || !isDigit(b[s])) {
                continue;
            }
            int c = s;
            while (c < end && isDigit(b[c])) {
                c++;
            }
            if (c >= end) {
                continue;
            }
            long v = decimal(b, dash + 1, pidEnd);
            if (v < 0 || v > Integer.MAX_VALUE) {
                return fail(dash + 1, "the pid is not a 32-bit number");
            }
            pid = (int) v;
            commEnd = dash;
            cpu = (int) decimal(b, s, c);
            int f = c;
            while (f < end && b[f] != ' ') {
                f++; // the flags, run together with the CPU (absent in trace-cmd report -l)
            }
            while (f < end && b[f] == ' ') {
                f++;
            }
            int d = f;
            while (d < end && isDigit(b[d])) {
                d++;
            }
            if (d == f) {
                return fail(f, "expected the time after the CPU and flags");
            }
            latency = true;
            if (d < end && b[d] == '.') {
                // trace-cmd report -l: the latency columns with an absolute time stamp
                return timestamp(b, f, end);
            }
            long t = decimal(b, f, d);
            if (t < 0) {
                return fail(f, "the time does not fit in 64 bits");
            }
            int r = d;
            if (r + 1 < end && b[r] == 'u' && b[r + 1] == 's') {
                ts = t * 1000; // microseconds since the start of the buffer
                r += 2;
                if (r < end && b[r] != ':') {
                    r++; // the overhead mark: ' ', '+', '!', '#', '*', '@' or '$'
                }
            } else {
                ts = t; // a clock that does not count in ns: its own units
            }
            if (r >= end || b[r] != ':') {
                return fail(r, "expected ':' after the time");
            }
            return skipSpaces(b, r + 1, end);
        }
        return fail(p, "not an event line: expected COMM-PID [CPU] TIMESTAMP: EVENT: FIELDS");
    }

    /** "12345.678901:" or "123456789:" at p, then the spaces after the colon. */
    private int timestamp(byte[] b, int p, int end) {
        int i = p;
        long secs = 0;
        while (i < end && isDigit(b[i])) {
            if (secs > (Long.MAX_VALUE - 9) / 10) {
                return fail(p, "the time stamp does not fit in 64 bits");
            }
            secs = secs * 10 + (b[i] - '0');
            i++;
        }
        if (i == p) {
            return fail(p, "expected a time stamp (seconds.microseconds or a count)");
        }
        if (i < end && b[i] == '.') {
            i++;
            int fracStart = i;
            long frac = 0;
            if (end - i >= 8 && leadingDigits((long) LONG_LE.get(b, i)) == 6) {
                // microseconds, as the kernel prints them ("%06lu"): six digits at once
                frac = sixDigits((long) LONG_LE.get(b, i));
                i += 6;
            }
            while (i < end && isDigit(b[i])) {
                if (i - fracStart < 9) {
                    frac = frac * 10 + (b[i] - '0');
                }
                i++;
            }
            int digits = i - fracStart;
            if (digits == 0) {
                return fail(i, "expected digits after the decimal point of the time stamp");
            }
            for (int k = digits; k < 9; k++) {
                frac *= 10;
            }
            // below 9.2e9 s (292 years) it fits; the division only for the rare larger ones
            if (secs >= 9_000_000_000L && secs > (Long.MAX_VALUE - frac) / 1_000_000_000L) {
                return fail(p, "the time stamp does not fit in 64 bits of nanoseconds");
            }
            ts = secs * 1_000_000_000L + frac;
        } else {
            ts = secs; // "ns" or a counter clock: printed as one integer (trace_print_time)
        }
        if (i >= end || b[i] != ':') {
            return fail(i, "expected ':' after the time stamp");
        }
        return skipSpaces(b, i + 1, end);
    }

    /** How many of the 8 bytes of w (little-endian, the first byte lowest) are digits before the first that is not. */
    static int leadingDigits(long w) {
        // bit 7 of each byte that is below '0' (the subtraction borrows) or above '9' (the
        // addition carries into it); a borrow or carry only disturbs the bytes after the first
        // such byte, and only the first counts
        long notDigit = ((w - 0x3030303030303030L) | (w + 0x4646464646464646L) | w) & 0x8080808080808080L;
        return Long.numberOfTrailingZeros(notDigit) >>> 3; // 8 when all are digits
    }

    /** The value of the first six bytes of w (little-endian), six ASCII digits. */
    static long sixDigits(long w) {
        // the six digits as the last six of eight, after two '0's, then pairs, fours and eights
        // combined by multiplication (each step adds neighbouring groups scaled by 10, 100, 10000)
        long v = (w << 16 | 0x3030L) & 0x0F0F0F0F0F0F0F0FL;
        v = (v * 2561) >>> 8 & 0x00FF00FF00FF00FFL;
        v = (v * 6553601) >>> 16 & 0x0000FFFF0000FFFFL;
        return (v * 42949672960001L) >>> 32;
    }

    private int fail(int at, String why) {
        errorAt = at;
        error = why;
        return -1;
    }

    private static final long SPACES = 0x2020202020202020L;

    /** The offset of the first byte in [p, end) that is not a space, or end: 8 bytes at a time. */
    static int skipSpaces(byte[] b, int p, int end) {
        for (; end - p >= 8; p += 8) {
            long x = (long) LONG_LE.get(b, p) ^ SPACES; // zero bytes where b holds spaces
            if (x != 0) {
                return p + (Long.numberOfTrailingZeros(x) >>> 3);
            }
        }
        while (p < end && b[p] == ' ') {
            p++;
        }
        return p;
    }

    static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** A non-negative decimal number in [from, to), or -1 when it is empty, not decimal or too long. */
    static long decimal(byte[] b, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
