package org.dmascope.core.chain;

import java.util.Arrays;

/**
 * The DMA side of a mapped scatter list (sg_dma_address, sg_dma_len of the first sgt.nents
 * entries): what the device is given.
 */
public abstract class DmaSegments {

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

    /** The bytes the columns take. */
    public abstract long footprintBytes();

    /** dma-direct: one segment per CPU entry, at its physical address plus an offset; nothing stored. */
    static DmaSegments direct(ScatterList sg, long offset) {
        return new DmaSegments() {
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
            public boolean busAddress(int i) {
                return false;
            }

            @Override
            public int firstEntry(int i) {
                return i;
            }

            @Override
            public int entries(int i) {
                return 1;
            }

            @Override
            public long footprintBytes() {
                return 0;
            }
        };
    }

    /** Segments kept in columns (IOMMU merging, peer segments). */
    static final class Mapped extends DmaSegments {
        private long[] address = new long[16];
        private long[] length = new long[16];
        private int[] first = new int[16];
        private int[] count = new int[16];
        private boolean[] bus = new boolean[16];
        private int size;

        void add(long dma, long len, int entry, boolean busAddress) {
            if (size == address.length) {
                int c = size + (size >> 1);
                address = Arrays.copyOf(address, c);
                length = Arrays.copyOf(length, c);
                first = Arrays.copyOf(first, c);
                count = Arrays.copyOf(count, c);
                bus = Arrays.copyOf(bus, c);
            }
            address[size] = dma;
            length[size] = len;
            first[size] = entry;
            count[size] = 1;
            bus[size] = busAddress;
            size++;
        }

        void extendLast(long len) {
            length[size - 1] += len;
            count[size - 1]++;
        }

        void setLastLength(long len) {
            length[size - 1] = len;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public long address(int i) {
            return address[check(i)];
        }

        @Override
        public long length(int i) {
            return length[check(i)];
        }

        @Override
        public boolean busAddress(int i) {
            return bus[check(i)];
        }

        @Override
        public int firstEntry(int i) {
            return first[check(i)];
        }

        @Override
        public int entries(int i) {
            return count[check(i)];
        }

        @Override
        public long footprintBytes() {
            return (long) address.length * (8 + 8 + 4 + 4 + 1);
        }

        private int check(int i) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException(i);
            }
            return i;
        }
    }
}
