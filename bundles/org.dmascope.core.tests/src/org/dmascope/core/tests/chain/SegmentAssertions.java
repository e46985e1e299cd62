package org.dmascope.core.tests.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dmascope.core.chain.DmaSegments;

/** Compares two chains' DMA segments, every column of every segment. */
final class SegmentAssertions {

    private SegmentAssertions() {
    }

    /** The same number of segments, each with the same address, length, entries, phys and kind. */
    static void assertSameSegments(DmaSegments a, DmaSegments b, String what) {
        assertEquals(a.size(), b.size(), what);
        for (int i = 0; i < a.size(); i++) {
            String at = what + ", segment " + i;
            assertEquals(a.address(i), b.address(i), at);
            assertEquals(a.length(i), b.length(i), at);
            assertEquals(a.busAddress(i), b.busAddress(i), at);
            assertEquals(a.firstEntry(i), b.firstEntry(i), at);
            assertEquals(a.entries(i), b.entries(i), at);
            assertEquals(a.phys(i), b.phys(i), at);
        }
    }
}
