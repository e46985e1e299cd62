package org.dmascope.backend.structpage.tests;

import static org.dmascope.backend.structpage.tests.Fixtures.anon;
import static org.dmascope.backend.structpage.tests.Fixtures.file;
import static org.dmascope.backend.structpage.tests.Fixtures.plus;
import static org.dmascope.backend.structpage.tests.Fixtures.space;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.dmascope.backend.structpage.StructPageBackend;
import org.dmascope.core.backend.BackendSemantics;
import org.dmascope.core.backend.BackendStyle;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.memory.VmFlag;
import org.junit.jupiter.api.Test;

/** Identifier, how well it handles VMAs, style and semantics. */
class DescriptorTest {

    private static final StructPageBackend BACKEND = new StructPageBackend();

    private static int handles(Vma vma) {
        return BACKEND.handles(space(new PageRuns(), vma), vma, vma.start(), vma.end(),
                PhysicalMemoryMap.systemRamOnly());
    }

    @Test
    void isTheDefaultBackendForEveryVmaButTheGateArea() {
        assertEquals("structpage", BACKEND.id());
        assertEquals(10, handles(anon(4, "rw-p")));
        assertEquals(10, handles(file(4, "rw-s", "/dev/shm/x", "00:19")));
        // Pinning says why GUP refuses these; a special backend may answer higher.
        assertEquals(10, handles(plus(file(4, "rw-s", "/dev/nvidia0", "195:00"), VmFlag.IO, VmFlag.PFNMAP)));
        // The vsyscall page is the gate area, no VMA of the mm.
        assertEquals(0, handles(new Vma(0xffffffffff600000L, 0xffffffffff601000L, Set.of(VmFlag.EXEC), 0, "00:00", 0,
                "[vsyscall]", 4096)));
    }

    @Test
    void styleNamesItsOwnStateBits() {
        BackendStyle style = BACKEND.style();
        assertEquals("page", style.label());
        assertTrue(style.legend().contains("FOLL_LONGTERM"), style.legend());
        assertEquals(Set.of(StructPageBackend.FAULTED, StructPageBackend.SWAPPED_IN, StructPageBackend.COPIED,
                StructPageBackend.MIGRATED), style.stateNames().keySet());
        int all = 0;
        for (int bit : style.stateNames().keySet()) {
            assertEquals(1, Integer.bitCount(bit));
            assertEquals(bit, bit & PageFlags.BACKEND_MASK);
            all |= bit;
        }
        assertEquals(4, Integer.bitCount(all));
    }

    @Test
    void semanticsCoverPinningFaultingMigrationAndInvalidation() {
        BackendSemantics s = BACKEND.semantics();
        assertTrue(s.pinning().contains("FOLL_LONGTERM"), s.pinning());
        assertTrue(s.faulting().contains("faultin_page") && s.faulting().contains("FAULT_FLAG_UNSHARE"), s.faulting());
        assertTrue(s.migration().contains("check_and_migrate_movable_pages"), s.migration());
        assertTrue(s.invalidation().contains("MMU notifiers do not reach a pinned MR"), s.invalidation());
    }
}
