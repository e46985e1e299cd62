package org.dmascope.backend.gpudirect;

import java.util.Locale;

/**
 * One DMA segment the device is given: {@code sg_dma_address} and {@code sg_dma_len}.
 *
 * @param address the DMA address
 * @param length  the length in bytes
 * @param bus     whether it is a PCI bus address that bypasses the IOMMU
 */
public record DmaSegment(long address, long length, boolean bus) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%#x+%#x%s", address, length, bus ? " (bus)" : "");
    }
}
