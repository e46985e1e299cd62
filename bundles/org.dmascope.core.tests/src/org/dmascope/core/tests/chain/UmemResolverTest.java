package org.dmascope.core.tests.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;

import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.ChainStep;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.chain.UmemRequest;
import org.dmascope.core.chain.UmemResolver;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.junit.jupiter.api.Test;

/** ib_umem_get()'s order of checks, and the whole chain on two 2 MiB pages. */
class UmemResolverTest {

    private static final long VA = 0x7f0000000000L;
    private static final long MB2 = 2L << 20;
    private static final int RW = IbAccess.LOCAL_WRITE | IbAccess.REMOTE_WRITE | IbAccess.REMOTE_READ;
    private static final UmemResolver RESOLVER = new UmemResolver(List.of(new TableBackend()));
    private static final PhysicalMemoryMap RAM = PhysicalMemoryMap.systemRamOnly();

    private static PageRuns twoHugePages() {
        PageRuns t = new PageRuns();
        int thp = PageFlags.PRESENT | PageFlags.EXCLUSIVE | PageFlags.THP;
        t.run(VA, 0x40000, 512, thp, 21, -1);
        t.run(VA + MB2, 0x80200, 512, thp, 21, -1);
        return t;
    }

    private static AddressSpace space(long memlock, long pinned, boolean cap, Vma... vmas) {
        return new AddressSpace(4242, "test", List.of(vmas), twoHugePages(), memlock, pinned, cap);
    }

    private static AddressSpace anon() {
        return space(AddressSpace.UNLIMITED, 0, false, Vma.anonymous(VA, VA + 2 * MB2, "rw-p"));
    }

    private static AddressChain resolve(AddressSpace s, long addr, long len, int access, DmaDevice dev)
            throws MemoryReadException {
        return RESOLVER.resolve(UmemRequest.of(s, RAM, addr, len, access, dev));
    }

    private static List<String> stepNames(AddressChain c) {
        return c.steps().stream().map(ChainStep::step).toList();
    }

    @Test
    void twoHugePagesDirect() throws MemoryReadException {
        AddressChain c = resolve(anon(), VA, 2 * MB2, RW, DmaDevice.plain());
        assertNull(c.error(), c.lastWhy());
        assertEquals(List.of("range", "memlock", "pin", "sg", "dma-map", "page-size"), stepNames(c));
        // 1024 pages in 64 KiB entries: 64 entries, one break at the PFN gap, 62 at max_segment.
        assertEquals(64, c.sg().size());
        assertEquals(1, c.sg().breaksAtPfn());
        assertEquals(62, c.sg().breaksAtMaxSegment());
        assertEquals(64, c.dma().size());
        assertEquals(0x40000000L, c.dma().address(0));
        assertEquals(0x80200000L, c.dma().address(32));
        // The discontinuity at the second huge page limits the MR to 2 MiB pages.
        assertEquals(MB2, c.pageSize());
        assertEquals(2, c.dmaBlocks());
        assertEquals(2, c.pages().size());
        assertEquals(1024, c.pin().pages());
        assertEquals(List.of("table"), c.backends());
    }

    @Test
    void twoHugePagesThroughTheIommuWithLargeSegmentsBecomeOneSegment() throws MemoryReadException {
        DmaDevice dev = DmaDevice.plain().withIommu(true).withMaxSegmentSize(0x80000000L);
        AddressChain c = resolve(anon(), VA, 2 * MB2, RW, dev);
        assertNull(c.error(), c.lastWhy());
        assertEquals(2, c.sg().size());
        assertEquals(1, c.dma().size());
        assertEquals(0xffc00000L, c.dma().address(0));
        assertEquals(4L << 20, c.dma().length(0));
        // One IOVA-contiguous segment: 4 MiB pages, one block.
        assertEquals(4L << 20, c.pageSize());
        assertEquals(1, c.dmaBlocks());
    }

    @Test
    void anOffsetIntoTheFirstPageStaysInTheAddressNotTheList() throws MemoryReadException {
        AddressChain c = resolve(anon(), VA + 0x800, 0x1000, RW, DmaDevice.plain());
        assertNull(c.error(), c.lastWhy());
        assertEquals(2, c.pin().pages());
        assertEquals(1, c.sg().size());
        assertEquals(0, c.sg().offset(0));
        assertEquals(0x2000, c.sg().length(0));
        // Two physically contiguous pages, 8 KiB aligned in both address spaces: one 8 KiB block.
        assertEquals(0x2000, c.pageSize());
        assertEquals(1, c.dmaBlocks());
    }

    @Test
    void overflowingRangeIsEinval() throws MemoryReadException {
        AddressChain c = resolve(anon(), 0xfffffffffffff000L, 0x2000, RW, DmaDevice.plain());
        assertEquals("EINVAL", c.error());
        assertTrue(c.lastWhy().contains("overflows"), c.lastWhy());
    }

    @Test
    void zeroLengthIsEinvalAfterThePermissionChecks() throws MemoryReadException {
        assertEquals("EINVAL", resolve(anon(), VA, 0, RW, DmaDevice.plain()).error());
        // can_do_mlock comes first.
        AddressSpace noLock = space(0, 0, false, Vma.anonymous(VA, VA + 2 * MB2, "rw-p"));
        assertEquals("EPERM", resolve(noLock, VA, 0, RW, DmaDevice.plain()).error());
    }

    @Test
    void onDemandAccessIsNotPinned() throws MemoryReadException {
        AddressChain c = resolve(anon(), VA, 0x1000, RW | IbAccess.ON_DEMAND, DmaDevice.plain());
        assertEquals("EOPNOTSUPP", c.error());
    }

    @Test
    void memlockLimitAndCapIpcLock() throws MemoryReadException {
        Vma v = Vma.anonymous(VA, VA + 2 * MB2, "rw-p");
        // 64 KiB of RLIMIT_MEMLOCK is 16 pages; 1024 are asked.
        AddressChain refused = resolve(space(0x10000, 0, false, v), VA, 2 * MB2, RW, DmaDevice.plain());
        assertEquals("ENOMEM", refused.error());
        assertTrue(refused.lastWhy().contains("RLIMIT_MEMLOCK"), refused.lastWhy());
        AddressChain capable = resolve(space(0x10000, 0, true, v), VA, 2 * MB2, RW, DmaDevice.plain());
        assertNull(capable.error());
        assertTrue(capable.steps().get(1).why().contains("CAP_IPC_LOCK"));
        // What is already pinned counts: 8 pages pinned + 8 asked = 16 fits, 9 + 8 does not.
        assertNull(resolve(space(0x10000, 8 * 4096, false, v), VA, 0x8000, RW, DmaDevice.plain()).error());
        assertEquals("ENOMEM", resolve(space(0x10000, 9 * 4096, false, v), VA, 0x8000, RW, DmaDevice.plain()).error());
    }

    @Test
    void aHoleIsEfaultAfterThePagesBeforeIt() throws MemoryReadException {
        AddressSpace s = space(AddressSpace.UNLIMITED, 0, false, Vma.anonymous(VA, VA + MB2, "rw-p"));
        AddressChain c = resolve(s, VA + MB2 - 0x2000, 0x4000, RW, DmaDevice.plain());
        assertEquals("EFAULT", c.error());
        assertEquals(2, c.pin().pages());
        assertTrue(c.lastWhy().contains("no VMA maps 0x7f0000200000"), c.lastWhy());
        assertNull(c.sg());
    }

    @Test
    void aVmaNoBackendHandlesIsRefusedAsGupWould() throws MemoryReadException {
        Vma io = new Vma(VA, VA + MB2, EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.SHARED, VmFlag.IO, VmFlag.PFNMAP),
                0, "00:05", 1, "/dev/mem", 4096);
        AddressChain c = resolve(space(AddressSpace.UNLIMITED, 0, false, io), VA, 0x1000, RW, DmaDevice.plain());
        assertEquals("EFAULT", c.error());
        assertTrue(c.lastWhy().contains("VM_IO"), c.lastWhy());
    }

    @Test
    void aBackendRefusalNamesTheBackendAndKeepsThePagesBeforeIt() throws MemoryReadException {
        PageRuns t = new PageRuns();
        t.run(VA, 0x1000, 3, PageFlags.PRESENT, 12, -1);
        t.run(VA + 0x3000, 0x1003, 1, PageFlags.ERROR, 12, -1);
        AddressSpace s = new AddressSpace(1, "t", List.of(Vma.anonymous(VA, VA + MB2, "rw-p")), t,
                AddressSpace.UNLIMITED, 0, false);
        AddressChain c = resolve(s, VA, 0x8000, RW, DmaDevice.plain());
        assertEquals("EFAULT", c.error());
        assertTrue(c.lastWhy().startsWith("table: page at 0x7f0000003000"), c.lastWhy());
        assertNotNull(c.pages());
        assertEquals(3, c.pages().totalPages());
    }

    @Test
    void pagesFaultedAtPinTimeHaveNoKnownDmaAddressWithoutAnIommu() throws MemoryReadException {
        AddressSpace s = new AddressSpace(1, "t", List.of(Vma.anonymous(VA, VA + MB2, "rw-p")), new PageRuns(),
                AddressSpace.UNLIMITED, 0, false);
        AddressChain direct = resolve(s, VA, 0x10000, RW, DmaDevice.plain());
        assertNull(direct.error());
        assertEquals(16, direct.pin().faulted());
        assertEquals(-1, direct.dma().address(0));
        assertEquals(-1, direct.pageSize());
        // Through the IOMMU the IOVAs do not depend on the PFNs.
        AddressChain iommu = resolve(s, VA, 0x10000, RW, DmaDevice.plain().withIommu(true));
        assertEquals(0xffff0000L, iommu.dma().address(0));
        assertEquals(0x10000, iommu.pageSize());
    }
}
