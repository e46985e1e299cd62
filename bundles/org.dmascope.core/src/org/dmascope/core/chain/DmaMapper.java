package org.dmascope.core.chain;

import java.util.Locale;

import org.dmascope.core.peer.P2pMapType;
import org.eclipse.jdt.annotation.Nullable;

/**
 * Maps a scatter list for a device as {@code dma_map_sgtable()} does: through dma-direct
 * ({@code dma_direct_map_sg()}, kernel/dma/direct.c) or through the IOMMU
 * ({@code iommu_dma_map_sg()} and {@code __finalise_sg()}, drivers/iommu/dma-iommu.c), with
 * P2PDMA entries handled as {@code pci_p2pdma_state()} classifies them.
 */
public final class DmaMapper {

    /**
     * The outcome.
     *
     * @param error    the errno ("EREMOTEIO", "ENOMEM", "EIO"), null on success
     * @param segments the DMA segments (empty on error)
     * @param iova     the IOVA allocation's start, 0 for dma-direct or when nothing needed one
     * @param iovaLength the bytes of IOVA space taken, padding included
     * @param why      one line: which rules applied
     */
    public record Result(@Nullable String error, DmaSegments segments, long iova, long iovaLength, String why) {
    }

    private static final int PAGE_SHIFT = 12;

    private DmaMapper() {
    }

    /** Maps every entry of the list. */
    public static Result map(ScatterList sg, DmaDevice device, PeerMapping peers) {
        return device.iommu() ? viaIommu(sg, device, peers) : direct(sg, device, peers);
    }

    /**
     * Whether dma-direct maps this list entry for entry with nothing to check: a 64-bit device
     * without an IOMMU, no P2PDMA entry. The DMA segments are then the entries at their physical address plus the
     * device's offset.
     */
    static boolean plainDirect(ScatterList sg, DmaDevice device, PeerMapping peers) {
        return !device.iommu() && device.dmaMask() == -1 && device.directOffset() >= 0 && !anyPeer(sg, peers);
    }

    private static boolean anyPeer(ScatterList sg, PeerMapping peers) {
        if (!sg.hasPgmaps()) {
            return false;
        }
        for (int i = 0; i < sg.size(); i++) {
            if (sg.pgmap(i) >= 0 && peers.route(sg.pgmap(i)) != null) {
                return true;
            }
        }
        return false;
    }

    private static Result direct(ScatterList sg, DmaDevice device, PeerMapping peers) {
        boolean anyPeer = anyPeer(sg, peers);
        if (!anyPeer && device.dmaMask() == -1 && device.directOffset() >= 0) {
            // A 64-bit device reaches every physical address: nothing to check entry by entry.
            return new Result(null, DmaSegments.direct(sg, device.directOffset()), 0, 0, directWhy(device, 0, 0));
        }
        long bus = 0;
        long bypass = 0;
        DmaSegments.Mapped mapped = anyPeer ? new DmaSegments.Mapped(sg) : null;
        for (int i = 0; i < sg.size(); i++) {
            PeerMapping.Route route = sg.pgmap(i) >= 0 ? peers.route(sg.pgmap(i)) : null;
            long phys = sg.phys(i);
            long len = sg.length(i);
            if (route != null && route.type() == P2pMapType.NOT_SUPPORTED) {
                return refused("EREMOTEIO", String.format(Locale.ROOT,
                        "dma_direct_map_sg: entry %d is P2PDMA memory the device cannot reach (%s): -EREMOTEIO", i,
                        route.why()));
            }
            if (route != null && route.type() == P2pMapType.BUS_ADDR) {
                mapped.add(phys < 0 ? -1 : phys + route.busOffset(), len, i, true, phys);
                bus++;
                continue;
            }
            long dma = phys < 0 ? -1 : phys + device.directOffset();
            if (dma >= 0 && Long.compareUnsigned(dma + len - 1, device.dmaMask()) > 0) {
                return refused("EIO", String.format(Locale.ROOT,
                        "dma_direct_map_phys: entry %d ends at DMA address %#x, beyond the device's DMA mask %#x:"
                                + " dma_capable() fails; without an active swiotlb the mapping fails with -EIO (with"
                                + " swiotlb the entry is bounced through a buffer below the mask)",
                        i, dma + len - 1, device.dmaMask()));
            }
            if (route != null) {
                bypass++;
            }
            if (mapped != null) {
                mapped.add(dma, len, i, false, phys);
            }
        }
        return new Result(null, mapped != null ? mapped : DmaSegments.direct(sg, device.directOffset()), 0, 0,
                directWhy(device, bus, bypass));
    }

    private static String directWhy(DmaDevice device, long bus, long bypass) {
        String why = String.format(Locale.ROOT, "dma_direct_map_sg: no IOMMU, one DMA segment per entry, DMA address ="
                + " physical address%s; nothing merges", device.directOffset() == 0 ? "" : String.format(Locale.ROOT,
                        " + %#x (dma_range_map)", device.directOffset()));
        if (bus > 0) {
            why += String.format(Locale.ROOT, "; %d P2PDMA entries get PCI bus addresses (PCI_P2PDMA_MAP_BUS_ADDR)", bus);
        }
        if (bypass > 0) {
            why += String.format(Locale.ROOT, "; %d P2PDMA entries go through the host bridge at their CPU physical"
                    + " address (PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)", bypass);
        }
        return why;
    }

    // The list's entries through the same layout as a streamed list's: one implementation of
    // iommu_dma_map_sg() and __finalise_sg() (see IommuStream).
    private static Result viaIommu(ScatterList sg, DmaDevice device, PeerMapping peers) {
        IommuStream stream = new IommuStream(device, peers);
        boolean pgmaps = sg.hasPgmaps();
        for (int i = 0; i < sg.size(); i++) {
            stream.entry(i, sg.phys(i), sg.offset(i), sg.length(i), pgmaps ? sg.pgmap(i) : -1);
        }
        return stream.finish(sg.size());
    }

    private static String iommuWhy(String allocWhy, int entries, int segments, long mask, long maxLen, long splitAtMax,
            long splitAtBoundary, long pads, long splitAtOffset, long bus, long thru) {
        StringBuilder why = new StringBuilder(allocWhy);
        why.append(String.format(Locale.ROOT, "; __finalise_sg: %d entries → %d DMA segment(s): an entry joins the"
                + " segment before when it starts on an IOVA granule, the segment does not sit on a segment boundary"
                + " (mask %s) and stays within the maximum segment size %#x", entries, segments,
                mask == -1 ? "none" : String.format(Locale.ROOT, "%#x", mask), maxLen));
        if (splitAtMax > 0) {
            why.append(String.format(Locale.ROOT, "; %d splits at the maximum segment size", splitAtMax));
        }
        if (splitAtBoundary > 0) {
            why.append(String.format(Locale.ROOT, "; %d splits at a segment boundary (%d paddings)", splitAtBoundary, pads));
        }
        if (splitAtOffset > 0) {
            why.append(String.format(Locale.ROOT, "; %d splits where an entry starts inside a granule", splitAtOffset));
        }
        if (bus > 0) {
            why.append(String.format(Locale.ROOT, "; %d P2PDMA entries get PCI bus addresses and segments of their own,"
                    + " bypassing the IOMMU (PCI_P2PDMA_MAP_BUS_ADDR; the kernel gives them the first entry's length)",
                    bus));
        }
        if (thru > 0) {
            why.append(String.format(Locale.ROOT, "; %d P2PDMA entries are mapped through the IOMMU like memory"
                    + " (PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)", thru));
        }
        return why.toString();
    }

    /**
     * {@code iommu_dma_map_sg()} and {@code __finalise_sg()} in one pass, entry by entry: for a
     * scatter list that hands its entries over as they become final instead of keeping them
     * (memory in proportion to the DMA segments, not the entries), and for a kept one alike.
     *
     * <p>The kernel lays the list out (pass 1) before it allocates the IOVA, then merges (pass 2)
     * at the allocated addresses. Here both run at offsets from the allocation's start, and the
     * allocation's base is added to the segments when the list has ended and its length is
     * known. The padding, {@code (mask - iova_len + 1) & mask}, is relative in the kernel too.
     * The merge test {@code (dma_addr & mask) != 0} gives the same answer on the offset because
     * the allocation is aligned to its size A rounded up to a power of two, and mask + 1 is a
     * power of two: when mask + 1 <= A, the base is a multiple of mask + 1 and drops out of
     * {@code & mask}; when mask + 1 > A (mask -1 included), every offset the test sees lies in
     * (0, A), and [base, base + A) lies inside one block of mask + 1 bytes (A divides mask + 1),
     * so neither the offset nor base + offset is a multiple of mask + 1 (the block's start is
     * base + 0 at best, and offset 0 is never tested: no segment is open there).
     *
     * <p>The scatter list's batch path ({@link ScatterList#runs}) hands over the entries it made
     * final together ({@link #pages}), and the common case of {@link #entry} (an entry of
     * ordinary memory after the first, at offset 0) runs for them in one loop over local
     * variables.
     */
    static final class IommuStream implements ScatterList.EntrySink {
        private final DmaDevice device;
        private final PeerMapping peers;
        private final long granule;
        private final long mask;
        private final long maxLen;
        private final DmaSegments.Mapped out = new DmaSegments.Mapped(null);
        // The offset from the allocation's start: pass 1's iova_len, pass 2's dma - iova.
        private long pos;
        // The last segment, while entries may still join it: its length and its first entry
        // (its length goes to the columns when it is complete, not with every entry).
        private boolean open;
        private long curLen;
        private int openFirst;
        private long firstLength;
        private long pads;
        private long bus;
        private long thru;
        private long splitAtBoundary;
        private long splitAtMax;
        private long splitAtOffset;
        private @Nullable String refusal;

        IommuStream(DmaDevice device, PeerMapping peers) {
            this.device = device;
            this.peers = peers;
            this.granule = 1L << device.granuleShift();
            this.mask = device.segmentBoundaryMask();
            this.maxLen = device.maxSegmentSize();
        }

        @Override
        public void entry(int i, long phys, long offset, long len, int pgmap) {
            if (i == 0) {
                firstLength = len;
            }
            if (refusal != null || pgmap >= 0 && peer(i, phys, len, pgmap)) {
                return;
            }
            long off = offset & (granule - 1);
            long aligned = (len + off + granule - 1) & -granule;
            long pad = (mask - pos + 1) & mask;
            if (pad != 0 && Long.compareUnsigned(pad, aligned - 1) < 0) {
                pos += pad;
                pads++;
                close(i);
                splitAtBoundary++;
            }
            if (open && off == 0 && (pos & mask) != 0 && maxLen - curLen >= len) {
                curLen += len;
            } else {
                if (open) {
                    split(off);
                    close(i);
                }
                open = true;
                openFirst = i;
                curLen = len;
                out.add(pos + off, len, i, false, phys);
            }
            pos += aligned;
            if (len + off < aligned) {
                close(i + 1);
            }
        }

        /**
         * The common case of {@link #entry} (an entry after the first, of ordinary memory at
         * offset 0) in one loop over local variables. After a refusal the layout goes on unseen:
         * {@link #finish} reports the refusal alone.
         */
        @Override
        public void pages(int first, long[] firstPfns, long[] pageCounts, int n) {
            final long granule = this.granule;
            final long mask = this.mask;
            final long maxLen = this.maxLen;
            // Entries are whole pages: with a granule of a page each takes its length exactly.
            final boolean pageGranule = granule == 1L << PAGE_SHIFT;
            // Without a boundary (mask -1) the padding is 2^64 - pos, never below the length.
            final boolean boundary = mask != -1;
            long pos = this.pos;
            boolean open = this.open;
            long curLen = this.curLen;
            int openFirst = this.openFirst;
            for (int k = 0; k < n; k++) {
                long len = pageCounts[k] << PAGE_SHIFT;
                long aligned = pageGranule ? len : (len + granule - 1) & -granule;
                if (boundary) {
                    // mask is 2^n - 1 below 2^63: the padding and the length compare as signed.
                    long pad = (mask - pos + 1) & mask;
                    if (pad != 0 && pad < aligned - 1) {
                        pos += pad;
                        pads++;
                        if (open) {
                            out.closeLast(curLen, first + k - openFirst);
                            open = false;
                        }
                        splitAtBoundary++;
                    }
                }
                if (open && (pos & mask) != 0 && maxLen - curLen >= len) {
                    curLen += len;
                } else {
                    if (open) {
                        if ((pos & mask) == 0) {
                            splitAtBoundary++;
                        } else {
                            splitAtMax++;
                        }
                        out.closeLast(curLen, first + k - openFirst);
                    }
                    open = true;
                    openFirst = first + k;
                    curLen = len;
                    out.add(pos, len, first + k, false, firstPfns[k] << PAGE_SHIFT);
                }
                pos += aligned;
                if (!pageGranule && len < aligned && open) {
                    out.closeLast(curLen, first + k + 1 - openFirst);
                    open = false;
                }
            }
            this.pos = pos;
            this.open = open;
            this.curLen = curLen;
            this.openFirst = openFirst;
        }

        // The open segment is complete: entries up to {@code end} (exclusive) joined it.
        private void close(int end) {
            if (open) {
                out.closeLast(curLen, end - openFirst);
                open = false;
            }
        }

        // Why a segment ended before this entry.
        private void split(long off) {
            if (off != 0) {
                splitAtOffset++;
            } else if ((pos & mask) == 0) {
                splitAtBoundary++;
            } else {
                splitAtMax++;
            }
        }

        // An entry of a device page map: true when it is done with here (a bus address, or refused);
        // false when it is laid out like memory (through the host bridge, or not a P2PDMA pgmap).
        private boolean peer(int i, long phys, long len, int pgmap) {
            PeerMapping.Route route = peers.route(pgmap);
            if (route == null) {
                return false;
            }
            switch (route.type()) {
                case BUS_ADDR:
                    bus++;
                    close(i);
                    // v6.16 and later take the length from the list's head here (sg_dma_len(s) = sg->length).
                    out.add(phys < 0 ? -1 : phys + route.busOffset(), firstLength, i, true, phys);
                    return true;
                case THRU_HOST_BRIDGE:
                    thru++;
                    return false;
                default:
                    refusal = String.format(Locale.ROOT,
                            "iommu_dma_map_sg: entry %d is P2PDMA memory the device cannot reach (%s): -EREMOTEIO",
                            i, route.why());
                    return true;
            }
        }

        /** After the list's last entry: allocates the IOVA and places the segments there. */
        Result finish(int entries) {
            close(entries);
            if (refusal != null) {
                return refused("EREMOTEIO", refusal);
            }
            long iova = 0;
            String allocWhy = "no entry needs IOVA space";
            if (pos != 0) {
                IovaAllocator.Allocation a = IovaAllocator.allocate(pos, device);
                if (a.iova() == 0) {
                    return refused("ENOMEM", "iommu_dma_alloc_iova: " + a.why());
                }
                iova = a.iova();
                allocWhy = "iommu_dma_alloc_iova: one allocation for the whole list, " + a.why();
                out.rebase(iova);
            }
            return new Result(null, out, iova, pos, iommuWhy(allocWhy, entries, out.size(), mask, maxLen, splitAtMax,
                    splitAtBoundary, pads, splitAtOffset, bus, thru));
        }
    }

    private static Result refused(String errno, String why) {
        return new Result(errno, new DmaSegments.Mapped(null), 0, 0, why);
    }
}
