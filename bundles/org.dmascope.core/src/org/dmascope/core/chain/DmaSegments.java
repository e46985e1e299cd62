package org.dmascope.core.chain;

import java.util.Arrays;

import org.eclipse.jdt.annotation.Nullable;

/**
 * The DMA side of a mapped scatter list (sg_dma_address, sg_dma_len of the first sgt.nents
 * entries): what the device is given.
 */
public abstract class DmaSegments {

    /** Takes the segments one by one, in order. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * One segment.
         *
         * @param i       its index
         * @param address its DMA address, -1 when it depends on PFNs not known yet
         * @param length  its length in bytes
         * @return whether to go on
         */
        boolean segment(int i, long address, long length);

        /**
         * Segments {@code first} to {@code first + n - 1}, as {@link #segment} takes them one by
         * one (this default does); a visitor may take them together. The addresses and the
         * lengths (unsigned) are in the arrays' first n slots, which it reads and never writes.
         *
         * @return whether to go on
         */
        default boolean segments(int first, long[] addresses, int[] lengths, int n) {
            for (int j = 0; j < n; j++) {
                if (!segment(first + j, addresses[j], Integer.toUnsignedLong(lengths[j]))) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Hands every segment to the visitor in order, until it says to stop: the fast way through
     * millions of segments.
     *
     * @return whether every segment was visited
     */
    public boolean visit(Visitor v) {
        int n = size();
        for (int i = 0; i < n; i++) {
            if (!v.segment(i, address(i), length(i))) {
                return false;
            }
        }
        return true;
    }

    /** The number of DMA segments (sgt.nents). */
    public abstract int size();

    /** The DMA address of segment i, -1 when it depends on PFNs not known yet. */
    public abstract long address(int i);

    /** The length of segment i in bytes. */
    public abstract long length(int i);

    /** Whether segment i is a PCI bus address that bypasses the IOMMU (a peer's BAR). */
    public abstract boolean busAddress(int i);

    /** The first CPU entry segment i maps. */
    public abstract int firstEntry(int i);

    /** The number of CPU entries segment i maps. */
    public abstract int entries(int i);

    /** The physical address of segment i's first CPU entry (sg_phys), -1 when its PFN is not known. */
    public abstract long phys(int i);

    /** The bytes the columns take. */
    public abstract long footprintBytes();

    /**
     * Segments that each map one CPU entry, the one of the same index: dma-direct, peer memory
     * mapped page by page, segments read from a trace.
     */
    public abstract static class OnePerEntry extends DmaSegments {
        @Override
        public final int firstEntry(int i) {
            return i;
        }

        @Override
        public final int entries(int i) {
            return 1;
        }
    }

    /**
     * Segments known only by their DMA addresses and lengths (as a trace records a mapped
     * scatter list): one CPU entry each, physical addresses not known.
     *
     * @throws IllegalArgumentException when the arrays differ in length
     */
    public static DmaSegments of(long[] addresses, long[] lengths) {
        if (addresses.length != lengths.length) {
            throw new IllegalArgumentException(addresses.length + " DMA addresses but " + lengths.length + " lengths");
        }
        return new OnePerEntry() {
            @Override
            public int size() {
                return addresses.length;
            }

            @Override
            public long address(int i) {
                return addresses[i];
            }

            @Override
            public long length(int i) {
                return lengths[i];
            }

            @Override
            public boolean busAddress(int i) {
                return false;
            }

            @Override
            public long phys(int i) {
                return -1;
            }

            @Override
            public long footprintBytes() {
                return 16L * addresses.length;
            }
        };
    }

    /** dma-direct: one segment per CPU entry, at its physical address plus an offset; nothing stored. */
    static DmaSegments direct(ScatterList sg, long offset) {
        return new OnePerEntry() {
            @Override
            public int size() {
                return sg.size();
            }

            @Override
            public long address(int i) {
                long phys = sg.phys(i);
                return phys < 0 ? -1 : phys + offset;
            }

            @Override
            public long length(int i) {
                return sg.length(i);
            }

            @Override
            public boolean visit(Visitor v) {
                return sg.visit(offset, v);
            }

            @Override
            public boolean busAddress(int i) {
                return false;
            }

            @Override
            public long phys(int i) {
                return sg.phys(i);
            }

            @Override
            public long footprintBytes() {
                return 0;
            }
        };
    }

    /**
     * Segments kept in columns (IOMMU merging, peer segments), in blocks of 16 K so that growing
     * never copies: per segment its address, its length (at most 0xffffffff, kept unsigned in an
     * int) and its first CPU entry; the entries it maps follow from the next segment's first;
     * bus-address segments, which are rare, are listed apart. The physical address of a segment's
     * first entry is read from the scatter list when it is kept, else kept in a column too.
     */
    static final class Mapped extends DmaSegments {
        private static final int SHIFT = 14;
        private static final int BLOCK = 1 << SHIFT;
        private static final int MASK = BLOCK - 1;

        private long[][] address = new long[4][];
        private int[][] length = new int[4][];
        private int[][] first = new int[4][];
        // The block the last segment is in.
        private long[] lastAddress = new long[0];
        private int[] lastLength = new int[0];
        private int[] lastFirst = new int[0];
        private long[] lastPhys = new long[0];
        private int[] bus = new int[4];
        private int buses;
        private int size;
        private int lastEntries;
        private final @Nullable ScatterList sg;
        private long[][] phys;

        /** Segments of a list whose entries are kept in {@code sg}, or, when it is null, with their phys kept here. */
        Mapped(@Nullable ScatterList sg) {
            this.sg = sg != null && sg.keepsEntries() ? sg : null;
            this.phys = this.sg == null ? new long[4][] : new long[0][];
        }

        /** Adds a segment; {@code physical} (its first entry's sg_phys) is kept only when the list is not. */
        void add(long dma, long len, int entry, boolean busAddress, long physical) {
            add(dma, len, entry, busAddress);
            if (sg == null) {
                lastPhys[(size - 1) & MASK] = physical;
            }
        }

        private void add(long dma, long len, int entry, boolean busAddress) {
            int i = size & MASK;
            if (i == 0 || i == lastAddress.length) {
                grow();
            }
            lastAddress[i] = dma;
            lastLength[i] = (int) len;
            lastFirst[i] = entry;
            if (busAddress) {
                if (buses == bus.length) {
                    bus = Arrays.copyOf(bus, buses * 2);
                }
                bus[buses++] = size;
            }
            lastEntries = 1;
            size++;
        }

        // Room for segment number size: a new block, or the first block grown (it starts small).
        private void grow() {
            int b = size >>> SHIFT;
            int i = size & MASK;
            if (i == 0) {
                if (b == address.length) {
                    address = Arrays.copyOf(address, b * 2);
                    length = Arrays.copyOf(length, b * 2);
                    first = Arrays.copyOf(first, b * 2);
                }
                int n = b == 0 ? 16 : BLOCK;
                address[b] = new long[n];
                length[b] = new int[n];
                first[b] = new int[n];
                if (sg == null) {
                    if (b >= phys.length) {
                        phys = Arrays.copyOf(phys, address.length);
                    }
                    phys[b] = new long[n];
                }
            } else {
                int n = Math.min(BLOCK, i * 2);
                address[0] = Arrays.copyOf(address[0], n);
                length[0] = Arrays.copyOf(length[0], n);
                first[0] = Arrays.copyOf(first[0], n);
                if (sg == null) {
                    phys[0] = Arrays.copyOf(phys[0], n);
                }
            }
            lastAddress = address[b];
            lastLength = length[b];
            lastFirst = first[b];
            if (sg == null) {
                lastPhys = phys[b];
            }
        }

        /** The last segment is complete: its length, and the number of CPU entries it maps (merging joined them). */
        void closeLast(long len, int entries) {
            // The last segment is in the last block.
            lastLength[(size - 1) & MASK] = (int) len;
            lastEntries = entries;
        }

        /** Adds {@code base} to the address of every segment that is not a bus address (IOVAs laid out from 0). */
        void rebase(long base) {
            // Every segment, block by block, then the bus addresses back (there are few).
            for (int b = 0, i = 0; i < size; b++) {
                long[] a = address[b];
                int n = Math.min(a.length, size - i);
                for (int j = 0; j < n; j++) {
                    a[j] += base;
                }
                i += n;
            }
            for (int k = 0; k < buses; k++) {
                int j = bus[k];
                address[j >>> SHIFT][j & MASK] -= base;
            }
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean visit(Visitor v) {
            for (int b = 0, i = 0; i < size; b++) {
                long[] a = address[b];
                int n = Math.min(a.length, size - i);
                if (!v.segments(i, a, length[b], n)) {
                    return false;
                }
                i += n;
            }
            return true;
        }

        @Override
        public long address(int i) {
            check(i);
            return address[i >>> SHIFT][i & MASK];
        }

        @Override
        public long length(int i) {
            check(i);
            return Integer.toUnsignedLong(length[i >>> SHIFT][i & MASK]);
        }

        @Override
        public boolean busAddress(int i) {
            check(i);
            return buses > 0 && Arrays.binarySearch(bus, 0, buses, i) >= 0;
        }

        @Override
        public int firstEntry(int i) {
            check(i);
            return first[i >>> SHIFT][i & MASK];
        }

        @Override
        public int entries(int i) {
            check(i);
            return i == size - 1 ? lastEntries : firstEntry(i + 1) - firstEntry(i);
        }

        @Override
        public long phys(int i) {
            check(i);
            return sg != null ? sg.phys(firstEntry(i)) : phys[i >>> SHIFT][i & MASK];
        }

        @Override
        public long footprintBytes() {
            long n = 0;
            for (long[] block : address) {
                n += block == null ? 0 : block.length;
            }
            return n * (sg == null ? 8 + 4 + 4 + 8 : 8 + 4 + 4) + bus.length * 4L;
        }

        private void check(int i) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException(i);
            }
        }
    }
}
