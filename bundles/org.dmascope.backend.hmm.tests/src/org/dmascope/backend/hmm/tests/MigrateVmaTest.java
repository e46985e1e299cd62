package org.dmascope.backend.hmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.EnumSet;
import java.util.Set;

import org.dmascope.backend.hmm.Dmirror;
import org.dmascope.backend.hmm.DmirrorDevice;
import org.dmascope.backend.hmm.MigrateVma;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.scenario.Errno;
import org.dmascope.scenario.mm.Folio;
import org.dmascope.scenario.mm.Machine;
import org.dmascope.scenario.mm.Mm;
import org.dmascope.scenario.mm.SimFile;
import org.dmascope.scenario.mm.SimVma;
import org.junit.jupiter.api.Test;

/** migrate_vma_setup / pages / finalize of mm/migrate_device.c: what is selected and what moves. */
class MigrateVmaTest {

    private static final Set<VmFlag> RW = EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.MAY_READ, VmFlag.MAY_WRITE);

    private final Machine machine = new Machine();
    private final Mm mm = machine.newProcess("p");
    private final DmirrorDevice dev0 = new DmirrorDevice("dev0", false, 0x40000000L);
    private final DmirrorDevice dev1 = new DmirrorDevice("dev1", false, 0x41000000L);

    private long anon(long pages) {
        return mm.mmap(pages << 12, RW, SimVma.Backing.ANON, null, 0, 0, false, 0);
    }

    @Test
    void setupRefusesSpecialVmasAndRangesOutsideTheVma() {
        long a = anon(2);
        SimVma vma = mm.vma(a);
        assertEquals(-Errno.EINVAL, new MigrateVma(mm, vma, a, a + (3L << 12), dev0, MigrateVma.SELECT_SYSTEM, null)
                .setup(), "past the VMA");
        assertEquals(-Errno.EINVAL, new MigrateVma(mm, null, a, a + 4096, dev0, MigrateVma.SELECT_SYSTEM, null).setup());
        long h = mm.mmap(2L << 20, EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.HUGETLB), SimVma.Backing.HUGETLB, null,
                0, 2L << 20, false, 0);
        assertEquals(-Errno.EINVAL, new MigrateVma(mm, mm.vma(h), h, h + 4096, dev0, MigrateVma.SELECT_SYSTEM, null)
                .setup(), "hugetlb");
    }

    @Test
    void holesZeroPagesAndSystemPagesAreSelectedBySystem() {
        long a = anon(3);
        mm.access(a + 4096, false); // the zero page
        mm.access(a + 8192, true); // a system page
        MigrateVma m = new MigrateVma(mm, mm.vma(a), a, a + (3L << 12), dev0, MigrateVma.SELECT_SYSTEM, null);
        assertEquals(0, m.setup());
        assertEquals(3, m.cpages());
        assertEquals(MigrateVma.PFN_MIGRATE, m.src[0], "a hole: no page");
        assertEquals(MigrateVma.PFN_MIGRATE, m.src[1], "the zero page: no page either");
        assertEquals(MigrateVma.PFN_VALID | MigrateVma.PFN_MIGRATE | MigrateVma.PFN_WRITE,
                m.src[2] & ((1L << MigrateVma.PFN_SHIFT) - 1));
        assertEquals("migration anon rw", mm.describe(a + 8192));
        // The driver allocates nothing: everything stays.
        m.pages();
        m.migrateFinalize();
        assertEquals(0, m.migrated());
        assertEquals("anon rw", mm.describe(a + 8192));
        assertEquals("zero-page ro", mm.describe(a + 4096));
    }

    @Test
    void devicePagesNeedTheirSelectFlagAndTheirOwner() {
        long a = anon(1);
        mm.access(a, true);
        Dmirror m1 = new Dmirror("m1", dev1, mm);
        assertEquals(0, m1.migrateToDevice(a, 1).rc);
        MigrateVma sys = new MigrateVma(mm, mm.vma(a), a, a + 4096, dev1, MigrateVma.SELECT_SYSTEM, null);
        assertEquals(0, sys.setup());
        assertEquals(0, sys.cpages(), "SELECT_SYSTEM does not pick device-private pages");
        MigrateVma other = new MigrateVma(mm, mm.vma(a), a, a + 4096, dev0, MigrateVma.SELECT_DEVICE_PRIVATE, null);
        assertEquals(0, other.setup());
        assertEquals(0, other.cpages(), "another owner's pages are not selected");
        assertEquals(0, m1.migrateToSystem(a, 1).rc);
        assertEquals("anon rw", mm.describe(a));
        assertEquals(0, dev1.pagesInUse());
    }

    @Test
    void aPageSharedAfterForkMovesForBothProcesses() {
        long a = anon(1);
        mm.access(a, true);
        mm.pte(a).folio().setData(0, 99);
        Mm child = mm.fork("c");
        Dmirror m0 = new Dmirror("m0", dev0, mm);
        Dmirror.Cmd c = m0.migrateToDevice(a, 1);
        assertEquals(0, c.rc);
        assertEquals(1, c.cpages);
        assertEquals("device-private dev0 ro shared-by-2", mm.describe(a));
        assertEquals("device-private dev0 ro shared-by-2", child.describe(a));
        assertSame(mm.pte(a).folio(), child.pte(a).folio());
        assertEquals(99, child.pte(a).data());
        // The child's CPU read brings it back for both (do_swap_page -> migrate_to_ram).
        assertEquals(Mm.FAULT_OK, child.access(a, false));
        assertEquals("anon ro shared-by-2", mm.describe(a));
        assertEquals(99, mm.pte(a).data());
    }

    @Test
    void filePagesDoNotMoveToDeviceMemory() {
        SimFile f = machine.newFile("f", 4096, false);
        long a = mm.mmap(4096, EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.SHARED, VmFlag.MAY_READ, VmFlag.MAY_WRITE),
                SimVma.Backing.FILE, f, 0, 0, false, 0);
        mm.access(a, true);
        Folio page = mm.pte(a).folio();
        MigrateVma m = new MigrateVma(mm, mm.vma(a), a, a + 4096, dev0, MigrateVma.SELECT_SYSTEM, null);
        assertEquals(0, m.setup());
        assertEquals(1, m.cpages(), "collected");
        m.setDst(0, dev0.allocate(), true);
        m.pages();
        assertEquals(0, m.src[0] & MigrateVma.PFN_MIGRATE, "migrate_vma_pages: only anonymous memory goes to a device");
        m.migrateFinalize();
        assertSame(page, mm.pte(a).folio());
        assertEquals(0, dev0.pagesInUse(), "the unused device page was freed");
    }
}
