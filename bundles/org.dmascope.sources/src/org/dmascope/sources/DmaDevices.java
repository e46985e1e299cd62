package org.dmascope.sources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.pciids.PciNames;
import org.dmascope.core.topology.PciFunction;

/**
 * The DMA side of a PCI function of the live machine, as far as it can be known from outside
 * the kernel: whether its IOMMU group translates (the group's domain type), and the maximum
 * segment size its driver sets (sysfs does not show it: the drivers' known values are used).
 */
public final class DmaDevices {

    /** mlx5_core raises its maximum segment size to 2 GiB ({@code dma_set_max_seg_size}). */
    public static final long MLX5_MAX_SEGMENT = 0x80000000L;
    /** nvme raises it to 0xffffffff. */
    public static final long NVME_MAX_SEGMENT = 0xffffffffL;

    private DmaDevices() {
    }

    /** The device a live PCI function would be for the DMA API. */
    public static DmaDevice of(PciFunction f, PciNames names) {
        return of(f, names, Path.of("/sys/kernel/iommu_groups"));
    }

    /** The same, reading IOMMU group types below another directory (for snapshots and tests). */
    public static DmaDevice of(PciFunction f, PciNames names, Path iommuGroups) {
        String driver = f.driver();
        DmaDevice dev = DmaDevice.plain().withAddress(f.address(), String.format(Locale.ROOT, "%s %s%s", f.address(),
                names.describe(f), driver == null ? "" : " (" + driver + ")"));
        if ("mlx5_core".equals(driver)) {
            dev = dev.withMaxSegmentSize(MLX5_MAX_SEGMENT);
        } else if ("nvme".equals(driver)) {
            dev = dev.withMaxSegmentSize(NVME_MAX_SEGMENT);
        }
        return dev.withIommu(translates(f, iommuGroups));
    }

    /**
     * Whether DMA from the function goes through IOMMU translation: its group's domain is DMA or
     * DMA-FQ; an identity (passthrough) domain or no group at all means dma-direct. A group whose
     * type cannot be read is taken to translate.
     */
    public static boolean translates(PciFunction f, Path iommuGroups) {
        Integer group = f.iommuGroup();
        if (group == null) {
            return false;
        }
        try {
            return Files.readString(iommuGroups.resolve(group.toString()).resolve("type"), StandardCharsets.UTF_8)
                    .strip().startsWith("DMA");
        } catch (IOException e) {
            return true;
        }
    }
}
