package org.dmascope.sources.hwloc;

import java.util.BitSet;

/**
 * hwloc's text form of CPU and NUMA node sets: comma-separated 32-bit hexadecimal words, most
 * significant first ({@code 0x000000ff,0xffffffff}); an empty word is zero, and a leading
 * {@code 0xf...f} means that every higher bit is set (kept out: no machine has infinitely many
 * CPUs, and the bits that matter are the finite ones).
 */
final class HwlocBitmap {

    private static final String INFINITE = "0xf...f";

    private HwlocBitmap() {
    }

    /**
     * The bits of a set.
     *
     * @throws IllegalArgumentException when the text is not an hwloc bitmap
     */
    static BitSet parse(String text) {
        String[] words = text.trim().split(",", -1);
        int first = words.length > 0 && words[0].equals(INFINITE) ? 1 : 0;
        BitSet bits = new BitSet();
        for (int i = words.length - 1, shift = 0; i >= first; i--, shift += 32) {
            String word = words[i];
            if (word.isEmpty()) {
                continue;
            }
            if (!word.startsWith("0x") || word.length() < 3 || word.length() > 10) {
                throw new IllegalArgumentException("not an hwloc bitmap: '" + text + "'");
            }
            long value;
            try {
                value = Long.parseLong(word.substring(2), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an hwloc bitmap: '" + text + "'", e);
            }
            for (int b = 0; b < 32; b++) {
                if ((value >>> b & 1) != 0) {
                    bits.set(shift + b);
                }
            }
        }
        return bits;
    }

    /** The set as the kernel writes CPU lists ({@code local_cpulist}): {@code 0-7,16-23}. */
    static String toList(BitSet bits) {
        StringBuilder sb = new StringBuilder();
        for (int start = bits.nextSetBit(0); start >= 0;) {
            int end = bits.nextClearBit(start) - 1;
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(start);
            if (end > start) {
                sb.append('-').append(end);
            }
            start = bits.nextSetBit(end + 1);
        }
        return sb.toString();
    }
}
