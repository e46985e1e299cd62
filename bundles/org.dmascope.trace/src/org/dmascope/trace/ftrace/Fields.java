package org.dmascope.trace.ftrace;

import java.nio.charset.StandardCharsets;

/**
 * The fields of one event's text, found in place: an optional leading text (the device name of
 * the dma events, "IOMMU:" and the driver of the iommu events), then {@code key=value} pairs.
 * A value runs until the next token that starts with {@code key=}, so values with spaces (a
 * command name such as "Web Content", the {@code "a - b"} range of iommu:map) stay whole. Holds
 * offsets into the caller's buffer; reused for every line. Not thread safe.
 */
final class Fields {

    static final int MAX = 64;

    private byte[] b = new byte[0];
    int leadStart;
    int leadEnd;
    int count;
    final int[] keyStart = new int[MAX];
    final int[] keyEnd = new int[MAX];
    final int[] valStart = new int[MAX];
    final int[] valEnd = new int[MAX];

    /** Splits [from, to) of b. */
    void parse(byte[] buf, int from, int to) {
        b = buf;
        count = 0;
        int i = LineParser.skipSpaces(buf, from, to);
        while (to > i && buf[to - 1] == ' ') {
            to--;
        }
        leadStart = i;
        leadEnd = i;
        int next = i < to ? keyAt(buf, i, to) : -1; // the '=' of the key at i, found by the value scan
        while (i < to) {
            int k = next;
            if (k < 0 || count == MAX) {
                if (count > 0) {
                    // only when MAX fields were read: the rest joins the last value
                    valEnd[count - 1] = to;
                    return;
                }
                int s = i;
                while (s < to && buf[s] != ' ') {
                    s++;
                }
                leadEnd = s;
                i = LineParser.skipSpaces(buf, s, to);
                next = i < to ? keyAt(buf, i, to) : -1;
                continue;
            }
            keyStart[count] = i;
            keyEnd[count] = k;
            valStart[count] = k + 1;
            int j = k + 1;
            int valueEnd = j;
            next = -1;
            while (j < to) {
                int s = LineParser.indexOf(buf, (byte) ' ', j, to);
                valueEnd = s;
                int t = LineParser.skipSpaces(buf, s, to);
                j = t;
                if (t >= to) {
                    break;
                }
                next = keyAt(buf, t, to);
                if (next >= 0) {
                    break;
                }
            }
            valEnd[count] = valueEnd;
            count++;
            i = j;
        }
    }

    /** If a token {@code key=} starts at i, the offset of its '=', else -1. */
    static int keyAt(byte[] b, int i, int to) {
        byte c = b[i];
        if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_')) {
            return -1;
        }
        int k = i + 1;
        while (k < to) {
            c = b[k];
            if (c == '=') {
                return k;
            }
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return -1;
            }
            k++;
        }
        return -1;
    }

    /** The index of the field with this name (ASCII), or -1. */
    int find(byte[] name) {
        for (int f = 0; f < count; f++) {
            int len = keyEnd[f] - keyStart[f];
            if (len == name.length) {
                int s = keyStart[f];
                boolean same = true;
                for (int k = 0; k < len; k++) {
                    if (b[s + k] != name[k]) {
                        same = false;
                        break;
                    }
                }
                if (same) {
                    return f;
                }
            }
        }
        return -1;
    }

    String key(int f) {
        return new String(b, keyStart[f], keyEnd[f] - keyStart[f], StandardCharsets.ISO_8859_1);
    }

    String value(int f) {
        return new String(b, valStart[f], valEnd[f] - valStart[f], StandardCharsets.UTF_8);
    }

    boolean hasLead() {
        return leadEnd > leadStart;
    }

    String lead() {
        return new String(b, leadStart, leadEnd - leadStart, StandardCharsets.UTF_8);
    }
}
