package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.dmascope.sources.proc.ProcLimits;
import org.dmascope.sources.proc.ProcMaps;
import org.dmascope.sources.proc.ProcStatus;
import org.junit.jupiter.api.Test;

/**
 * The text of maps, smaps, status and limits: captured from this kind of machine (testdata/proc,
 * a root process with odd mappings and an unprivileged one) and written by hand where this
 * kernel cannot produce a line ([anon:NAME] needs CONFIG_ANON_VMA_NAME).
 */
class ProcTextTest {

    private static String read(String sample, String file) throws Exception {
        return Files.readString(FakeProc.sample(sample).resolve(file));
    }

    private static Vma named(List<Vma> vmas, String name) {
        return vmas.stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no VMA named " + name + " in " + vmas.size()));
    }

    @Test
    void mapsLinesWithOddNames() throws Exception {
        String text = """
                00400000-0041f000 r--p 00000000 fe:00 260811                             /usr/bin/python3.11
                00a85000-00aca000 rw-p 00000000 00:00 0\s
                3cb22000-3ccc6000 rw-p 00000000 00:00 0                                  [heap]
                7f0000000000-7f0000200000 rw-p 00000000 00:00 0                          [anon:dalvik-main space]
                7f0000200000-7f0000201000 rw-p 00000000 00:00 0
                7f8b06ab3000-7f8b06ac3000 rw-s 00000000 fe:00 2457700                    /tmp/dmascope capture/file with spaces.bin
                7f8b06c49000-7f8b06c4d000 r--p 123456789000 103:02 18446744073709551615  /opt/my app/lib.so (deleted)
                7f8b069b3000-7f8b06ab3000 rw-s 00000000 00:01 1676                       /memfd:dmascope-memfd (deleted)
                7f8b07268000-7f8b0726a000 r-xp 00000000 00:00 0                          [vdso]
                ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
                """;
        List<Vma> vmas = ProcMaps.parseMaps(text, "maps");
        assertEquals(10, vmas.size());
        assertEquals("/usr/bin/python3.11", vmas.get(0).name());
        assertEquals(0x41f000L, vmas.get(0).end());
        assertEquals("", vmas.get(1).name(), "a trailing space is no name");
        assertTrue(vmas.get(1).isAnonymous());
        assertEquals("[heap]", vmas.get(2).name());
        assertEquals("[anon:dalvik-main space]", vmas.get(3).name());
        assertTrue(vmas.get(3).isAnonymous());
        assertEquals("", vmas.get(4).name(), "no name and no padding");
        Vma spaced = vmas.get(5);
        assertEquals("/tmp/dmascope capture/file with spaces.bin", spaced.name());
        assertEquals("rw-s", spaced.permissions());
        assertEquals(Set.of(VmFlag.READ, VmFlag.WRITE, VmFlag.SHARED), spaced.flags());
        assertEquals("fe:00", spaced.device());
        assertEquals(2457700L, spaced.inode());
        assertFalse(spaced.isAnonymous());
        Vma deleted = vmas.get(6);
        assertEquals("/opt/my app/lib.so (deleted)", deleted.name());
        assertEquals(0x123456789000L, deleted.offset(), "offsets wider than 32 bits");
        assertEquals("103:02", deleted.device());
        assertEquals(-1L, deleted.inode(), "inode numbers are unsigned 64-bit");
        assertEquals("/memfd:dmascope-memfd (deleted)", vmas.get(7).name());
        assertTrue(vmas.get(8).isSpecial());
        Vma vsyscall = vmas.get(9);
        assertEquals(0xffffffffff600000L, vsyscall.start());
        assertEquals(Set.of(VmFlag.EXEC), vsyscall.flags());
        assertEquals(0, vsyscall.pageSize(), "maps alone does not say the page size");
        // The AddressSpace sorts them unsigned: [vsyscall] last.
        AddressSpace space = new AddressSpace(1, "x", vmas, (s, e, sink) -> {
        }, 0, 0, false);
        assertEquals("[vsyscall]", space.vmas().get(space.vmas().size() - 1).name());
    }

    @Test
    void badMapsLinesNameTheLine() {
        assertEquals("maps:2: not a maps line (expected start-end perms offset dev inode [name]): garbage here",
                assertThrows(MemoryReadException.class, () -> ProcMaps.parseMaps(
                        "00400000-0041f000 r--p 00000000 fe:00 1 /a\ngarbage here\n", "maps")).getMessage());
        assertEquals("maps:1: not a permissions field (expected like rw-p): rwzp",
                assertThrows(MemoryReadException.class, () -> ProcMaps.parseMaps(
                        "00400000-0041f000 rwzp 00000000 fe:00 1 /a\n", "maps")).getMessage());
        assertEquals("maps:1: not a hex start address: 0040000g",
                assertThrows(MemoryReadException.class, () -> ProcMaps.parseMaps(
                        "0040000g-0041f000 r--p 00000000 fe:00 1 /a\n", "maps")).getMessage());
        assertEquals("maps:1: not a VMA range: 41f000-400000",
                assertThrows(MemoryReadException.class, () -> ProcMaps.parseMaps(
                        "0041f000-00400000 r--p 00000000 fe:00 1 /a\n", "maps")).getMessage());
        assertEquals("maps:1: not a device (expected major:minor in hex): fe00",
                assertThrows(MemoryReadException.class, () -> ProcMaps.parseMaps(
                        "00400000-0041f000 r--p 00000000 fe00 1 /a\n", "maps")).getMessage());
        assertEquals("smaps:1: a field before the first maps line: Size: 4 kB",
                assertThrows(MemoryReadException.class, () -> ProcMaps.parseSmaps("Size: 4 kB\n", "smaps"))
                        .getMessage());
    }

    @Test
    void capturedMapsAndSmapsAgree() throws Exception {
        for (String sample : new String[] {FakeProc.ROOT, FakeProc.NOBODY}) {
            List<Vma> maps = ProcMaps.parseMaps(read(sample, "maps"), "maps");
            List<Vma> smaps = ProcMaps.parseSmaps(read(sample, "smaps"), "smaps");
            assertEquals(read(sample, "maps").lines().count(), maps.size(), sample);
            assertEquals(maps.size(), smaps.size(), sample);
            for (int i = 0; i < maps.size(); i++) {
                Vma m = maps.get(i);
                Vma s = smaps.get(i);
                assertEquals(m.mapsLine(), s.mapsLine(), sample + " VMA " + i);
                assertTrue(s.flags().containsAll(m.flags()), sample + " " + s.mapsLine());
                assertTrue(s.has(VmFlag.MAY_READ) || s.name().equals("[vsyscall]") || s.isProtNone(),
                        sample + " smaps adds VM_MAYREAD: " + s.mapsLine() + " " + s.flags());
                if (!s.has(VmFlag.HUGETLB)) {
                    assertEquals(4096, s.pageSize(), s.mapsLine());
                }
            }
        }
    }

    @Test
    void smapsGivesHugetlbPageSizesAndFlags() throws Exception {
        List<Vma> vmas = ProcMaps.parseSmaps(read(FakeProc.ROOT, "smaps"), "smaps");
        List<Vma> huge = vmas.stream().filter(v -> v.has(VmFlag.HUGETLB)).toList();
        assertEquals(2, huge.size());
        assertEquals(1L << 30, huge.get(0).pageSize());
        assertEquals(1L << 30, huge.get(0).length());
        assertEquals(2L << 20, huge.get(1).pageSize());
        for (Vma v : huge) {
            assertEquals("/anon_hugepage (deleted)", v.name());
            assertEquals(EnumSet.of(VmFlag.READ, VmFlag.WRITE, VmFlag.MAY_READ, VmFlag.MAY_WRITE, VmFlag.MAY_EXEC,
                    VmFlag.DONTEXPAND, VmFlag.HUGETLB), EnumSet.copyOf(v.flags()));
        }
        Vma thp = vmas.stream().filter(v -> v.has(VmFlag.HUGEPAGE)).findFirst().orElseThrow();
        assertEquals(4L << 20, thp.length(), "the MADV_HUGEPAGE part splits off its own VMA");
        Vma locked = vmas.stream().filter(v -> v.has(VmFlag.LOCKED)).findFirst().orElseThrow();
        assertEquals(65536, locked.length());
        assertTrue(locked.has(VmFlag.ACCOUNT));
        assertTrue(vmas.stream().anyMatch(v -> v.isProtNone() && v.length() == 65536));
        Vma spaced = named(vmas, "/tmp/dmascope capture/file with spaces.bin");
        assertTrue(spaced.has(VmFlag.SHARED) && spaced.has(VmFlag.MAY_SHARE));
        Vma memfd = named(vmas, "/memfd:dmascope-memfd (deleted)");
        assertEquals("rw-s", memfd.permissions());
        assertEquals("r--p", named(vmas, "/tmp/dmascope capture/gone.bin (deleted)").permissions());
        assertEquals(4096, named(vmas, "[vsyscall]").pageSize());
        assertEquals(Set.of(VmFlag.EXEC), named(vmas, "[vsyscall]").flags());
    }

    @Test
    void smapsIgnoresCodesItDoesNotKnow() throws Exception {
        String text = """
                7f0000000000-7f0000001000 r--s 00000000 00:05 7                          /dev/zero
                Size:                  4 kB
                KernelPageSize:        4 kB
                VmFlags: rd mr ms zz qq pf io
                """;
        Vma v = ProcMaps.parseSmaps(text, "smaps").get(0);
        assertEquals(EnumSet.of(VmFlag.READ, VmFlag.SHARED, VmFlag.MAY_READ, VmFlag.MAY_SHARE, VmFlag.PFNMAP,
                VmFlag.IO), EnumSet.copyOf(v.flags()), "maps' s stays SHARED though smaps says ms only");
        assertEquals("r--s", v.permissions());
        assertEquals("smaps:2: not a size in kB: KernelPageSize: four kB",
                assertThrows(MemoryReadException.class, () -> ProcMaps.parseSmaps(
                        "7f0000000000-7f0000001000 r--p 00000000 00:00 0\nKernelPageSize: four kB\n", "smaps"))
                        .getMessage());
    }

    @Test
    void statusCapturedAndWritten() throws Exception {
        ProcStatus root = ProcStatus.parse(read(FakeProc.ROOT, "status"), "status");
        assertEquals("python3", root.name());
        assertEquals(0, root.pinnedBytes());
        assertEquals(64 * 1024, root.lockedBytes(), "the 64 KiB mlocked region");
        assertTrue(root.has(ProcStatus.CAP_IPC_LOCK));
        assertTrue(root.has(ProcStatus.CAP_SYS_ADMIN));
        assertEquals(0x1fffeffffffL, root.capEff());
        ProcStatus nobody = ProcStatus.parse(read(FakeProc.NOBODY, "status"), "status");
        assertEquals(0, nobody.capEff());
        assertFalse(nobody.has(ProcStatus.CAP_IPC_LOCK));
        assertFalse(nobody.has(ProcStatus.CAP_SYS_ADMIN));
        ProcStatus pinned = ProcStatus.parse(FakeProc.status("ib_write_bw", 'S', 1048576, 1L << 14), "status");
        assertEquals(1L << 30, pinned.pinnedBytes());
        assertTrue(pinned.has(ProcStatus.CAP_IPC_LOCK));
        assertFalse(pinned.has(ProcStatus.CAP_SYS_ADMIN));
        assertEquals('S', pinned.state());
        assertTrue(ProcStatus.parse(FakeProc.status("x", 'Z', 0, 0), "status").isExited());
        assertEquals("status: no CapEff line (not a /proc/PID/status file?)",
                assertThrows(MemoryReadException.class, () -> ProcStatus.parse("Name: x\n", "status")).getMessage());
        assertEquals("status:2: not a capability mask in hex: CapEff:\txyz",
                assertThrows(MemoryReadException.class, () -> ProcStatus.parse("Name: x\nCapEff:\txyz\n", "status"))
                        .getMessage());
    }

    @Test
    void limitsCapturedAndWritten() throws Exception {
        assertEquals(new ProcLimits(8388608, 8388608), ProcLimits.parse(read(FakeProc.ROOT, "limits"), "limits"));
        assertEquals(new ProcLimits(8388608, 8388608), ProcLimits.parse(read(FakeProc.NOBODY, "limits"), "limits"));
        String unlimited = read(FakeProc.ROOT, "limits").replace(
                "Max locked memory         8388608              8388608",
                "Max locked memory         unlimited            unlimited");
        assertEquals(new ProcLimits(AddressSpace.UNLIMITED, AddressSpace.UNLIMITED),
                ProcLimits.parse(unlimited, "limits"));
        assertEquals(new ProcLimits(65536, AddressSpace.UNLIMITED), ProcLimits.parse(
                "Max locked memory         65536                unlimited            bytes\n", "limits"));
        assertEquals("limits: no \"Max locked memory\" line (not a /proc/PID/limits file?)",
                assertThrows(MemoryReadException.class, () -> ProcLimits.parse("Max cpu time 1 1 seconds\n", "limits"))
                        .getMessage());
        assertEquals("limits:1: not a number of bytes or \"unlimited\": Max locked memory lots lots bytes",
                assertThrows(MemoryReadException.class,
                        () -> ProcLimits.parse("Max locked memory lots lots bytes\n", "limits")).getMessage());
    }
}
