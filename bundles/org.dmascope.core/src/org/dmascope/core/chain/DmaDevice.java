package org.dmascope.core.chain;

import java.util.List;
import java.util.Locale;

import org.dmascope.core.topology.PciAddress;
import org.eclipse.jdt.annotation.Nullable;

/**
 * What the DMA API knows of a device: its segment limits and how its DMA addresses are made.
 *
 * @param address             the PCI function, null for a device described only by its limits
 * @param name                for people
 * @param maxSegmentSize      {@code dma_get_max_seg_size()}: 64 KiB unless the driver raises it
 *                            (mlx5: 2 GiB); at most 0xffffffff
 * @param segmentBoundaryMask {@code dma_get_seg_boundary()}, 2^n - 1: PCI devices 0xffffffff; -1 for none
 * @param iommu               whether DMA goes through an IOMMU DMA domain (DMA or DMA-FQ); false
 *                            for dma-direct (no IOMMU, or an identity domain)
 * @param directOffset        what dma-direct adds to a physical address (the dma_range_map offset)
 * @param granuleShift        the IOMMU's IOVA granule (12 for 4 KiB)
 * @param dmaMask             the device's DMA mask (64-bit: -1)
 * @param pci32BitFirst       whether IOVAs are tried below 4 GiB first (PCI devices, unless iommu.forcedac=1)
 * @param reservedIova        IOVA ranges the domain keeps out of allocations (x86: the MSI window)
 * @param pgszBitmap          the MR page sizes the RDMA device supports, a bitmap (mlx5: 4 KiB to 2 GiB)
 */
public record DmaDevice(@Nullable PciAddress address, String name, long maxSegmentSize, long segmentBoundaryMask,
        boolean iommu, long directOffset, int granuleShift, long dmaMask, boolean pci32BitFirst,
        List<IovaRange> reservedIova, long pgszBitmap) {

    /** The kernel's default maximum segment size, SZ_64K. */
    public static final long DEFAULT_MAX_SEGMENT = 0x10000;
    /** The PCI default segment boundary: DMA segments do not cross 4 GiB. */
    public static final long PCI_SEGMENT_BOUNDARY = 0xffffffffL;
    /** mlx5's MR page sizes: 4 KiB to 2 GiB. */
    public static final long MLX5_PGSZ_BITMAP = 0xfffff000L;
    /** x86's MSI window, reserved in every IOMMU DMA domain. */
    public static final IovaRange X86_MSI_WINDOW = new IovaRange(0xfee00000L, 0xfeefffffL);

    /**
     * An inclusive range of IOVAs.
     *
     * @param first the first address
     * @param last  the last address
     */
    public record IovaRange(long first, long last) {
    }

    /** Checks the limits and copies the reserved ranges. */
    public DmaDevice {
        if (maxSegmentSize <= 0 || maxSegmentSize > 0xffffffffL) {
            throw new IllegalArgumentException("maximum segment size must be 1 to 0xffffffff bytes: " + maxSegmentSize);
        }
        if ((segmentBoundaryMask & (segmentBoundaryMask + 1)) != 0) {
            // The DMA API's masks are 2^n - 1; iommu_dma_map_sg()'s padding relies on it.
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "segment boundary mask must be 2^n - 1 (or -1 for none): %#x", segmentBoundaryMask));
        }
        if (granuleShift < 12 || granuleShift > 30) {
            throw new IllegalArgumentException("IOVA granule must be 4 KiB to 1 GiB: shift " + granuleShift);
        }
        reservedIova = List.copyOf(reservedIova);
    }

    /**
     * The device {@code resolve} assumes without one: no IOMMU and no offset (the DMA address is
     * the physical address), the kernel's default 64 KiB segments, PCI's 4 GiB boundary, and
     * mlx5's page sizes.
     */
    public static DmaDevice plain() {
        return new DmaDevice(null, "the default DMA device", DEFAULT_MAX_SEGMENT,
                PCI_SEGMENT_BOUNDARY, false, 0, 12, -1L, true, List.of(X86_MSI_WINDOW), MLX5_PGSZ_BITMAP);
    }

    /** A copy with another maximum segment size. */
    public DmaDevice withMaxSegmentSize(long value) {
        return new DmaDevice(address, name, value, segmentBoundaryMask, iommu, directOffset, granuleShift, dmaMask,
                pci32BitFirst, reservedIova, pgszBitmap);
    }

    /** A copy with or without an IOMMU. */
    public DmaDevice withIommu(boolean value) {
        return new DmaDevice(address, name, maxSegmentSize, segmentBoundaryMask, value, directOffset, granuleShift,
                dmaMask, pci32BitFirst, reservedIova, pgszBitmap);
    }

    /** A copy with another segment boundary. */
    public DmaDevice withSegmentBoundary(long value) {
        return new DmaDevice(address, name, maxSegmentSize, value, iommu, directOffset, granuleShift, dmaMask,
                pci32BitFirst, reservedIova, pgszBitmap);
    }

    /** A copy with other MR page sizes. */
    public DmaDevice withPgszBitmap(long value) {
        return new DmaDevice(address, name, maxSegmentSize, segmentBoundaryMask, iommu, directOffset, granuleShift,
                dmaMask, pci32BitFirst, reservedIova, value);
    }

    /** A copy naming the PCI function. */
    public DmaDevice withAddress(@Nullable PciAddress value, String newName) {
        return new DmaDevice(value, newName, maxSegmentSize, segmentBoundaryMask, iommu, directOffset, granuleShift,
                dmaMask, pci32BitFirst, reservedIova, pgszBitmap);
    }

    /** "IOMMU, max segment 0x10000, boundary 0xffffffff". */
    public String describe() {
        return String.format(Locale.ROOT, "%s, %s, max segment %#x, segment boundary %s", name,
                iommu ? "through the IOMMU (granule " + (1L << granuleShift) + ")"
                        : directOffset == 0 ? "dma-direct (DMA address = physical address)"
                                : String.format(Locale.ROOT, "dma-direct (DMA address = physical address + %#x)", directOffset),
                maxSegmentSize, segmentBoundaryMask == -1 ? "none" : String.format(Locale.ROOT, "%#x", segmentBoundaryMask));
    }
}
