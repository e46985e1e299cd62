package org.dmascope.core.chain;

import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.PhysicalMemoryMap;

/**
 * What {@code ibv_reg_mr()} asks of the kernel: register [address, address + length) of a
 * process's memory with these access flags for a device.
 *
 * @param space     the process's address space
 * @param physical  what the physical addresses are
 * @param address   the user address
 * @param length    the length in bytes
 * @param access    {@link IbAccess} flags
 * @param device    the DMA device
 * @param peers     how the device reaches P2PDMA memory
 * @param virt      the IOVA the MR is registered with (ibv_reg_mr: the address itself)
 * @param keepPages whether the chain keeps the pinned pages as runs and the CPU scatter list's entries
 *                  (for views and JSON); a benchmark of a huge range may not want them. Without them,
 *                  a device that maps through the IOMMU gets its DMA segments laid out while the entries
 *                  stream, and {@link AddressChain#sg()} is null (memory in proportion to DMA segments)
 */
public record UmemRequest(AddressSpace space, PhysicalMemoryMap physical, long address, long length, int access,
        DmaDevice device, PeerMapping peers, long virt, boolean keepPages) {

    /** A request as ibv_reg_mr makes it: the IOVA is the address, pages kept. */
    public static UmemRequest of(AddressSpace space, PhysicalMemoryMap physical, long address, long length, int access,
            DmaDevice device) {
        return new UmemRequest(space, physical, address, length, access, device, PeerMapping.NONE, address, true);
    }

    /** A copy with another peer mapping. */
    public UmemRequest withPeers(PeerMapping value) {
        return new UmemRequest(space, physical, address, length, access, device, value, virt, keepPages);
    }

    /** A copy that keeps the pages or not. */
    public UmemRequest withKeepPages(boolean value) {
        return new UmemRequest(space, physical, address, length, access, device, peers, virt, value);
    }
}
