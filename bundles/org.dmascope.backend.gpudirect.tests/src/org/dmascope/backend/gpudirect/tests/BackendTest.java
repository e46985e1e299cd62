package org.dmascope.backend.gpudirect.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.backend.gpudirect.GpuDirectBackend;
import org.dmascope.backend.gpudirect.GpuDirectEngine;
import org.dmascope.backend.gpudirect.GpuMemory;
import org.dmascope.core.backend.MemoryBackend;
import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.Vma;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/** The MemoryBackend contract: the DS component, which VMAs it takes, and what pinning them gives. */
class BackendTest {

    private static final long VA = 0x7f5000000000L;

    private static AddressSpace space(Vma... vmas) {
        return new AddressSpace(4242, "test", List.of(vmas), (s, e, sink) -> { }, AddressSpace.UNLIMITED, 0, false);
    }

    private record Run(long vaddr, long pfn, long pages, int flags, int shift) {
    }

    @Test
    void registeredAsAMemoryBackendService() throws Exception {
        Bundle bundle = FrameworkUtil.getBundle(GpuDirectBackend.class);
        assertNotNull(bundle);
        assertEquals("OSGI-INF/org.dmascope.backend.gpudirect.xml,OSGI-INF/org.dmascope.backend.gpudirect.scenario.xml",
                bundle.getHeaders("").get("Service-Component"));
        assertNotNull(bundle.getEntry("OSGI-INF/org.dmascope.backend.gpudirect.xml"));
        assertNotNull(bundle.getEntry("OSGI-INF/org.dmascope.backend.gpudirect.scenario.xml"));
        BundleContext ctx = FrameworkUtil.getBundle(BackendTest.class).getBundleContext();
        for (Bundle b : ctx.getBundles()) {
            if ("org.apache.felix.scr".equals(b.getSymbolicName()) && b.getState() != Bundle.ACTIVE) {
                b.start();
            }
        }
        if (bundle.getState() != Bundle.ACTIVE) {
            bundle.start(Bundle.START_TRANSIENT);
        }
        ServiceTracker<MemoryBackend, MemoryBackend> tracker = new ServiceTracker<>(ctx, MemoryBackend.class, null);
        tracker.open();
        try {
            tracker.waitForService(5000);
            boolean found = false;
            ServiceReference<MemoryBackend>[] refs = tracker.getServiceReferences();
            for (ServiceReference<MemoryBackend> ref : refs == null ? new ServiceReference[0] : refs) {
                if ("gpudirect".equals(ref.getProperty("dmascope.backend.id"))) {
                    found = true;
                    assertEquals("gpudirect", tracker.getService(ref).id());
                }
            }
            assertTrue(found, "SCR registered the gpudirect backend");
        } finally {
            tracker.close();
        }
    }

    @Test
    void styleIsItsOwn() {
        GpuDirectBackend b = new GpuDirectBackend();
        assertEquals("GPU", b.style().label());
        assertEquals(0x76b900, b.style().rgb());
        assertNotEquals(0x4c78a8, b.style().rgb(), "not the struct page colour");
        assertEquals("64 KiB GPU page in BAR1", b.style().stateNames().get(GpuDirectBackend.GPU_BAR_PAGE));
    }

    @Test
    void takesNvidiaMappingsAndPinningIsGupsEfaultWithoutTheEngine() {
        GpuDirectEngine e = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        GpuMemory m = e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        Vma gpu = e.vma(m);
        Vma anon = Vma.anonymous(0x10000, 0x20000, "rw-p");
        GpuDirectBackend ds = new GpuDirectBackend();
        AddressSpace s = space(gpu, anon);
        assertEquals(GpuDirectBackend.SCORE, ds.handles(s, gpu, gpu.start(), gpu.end(), PhysicalMemoryMap.systemRamOnly()));
        assertEquals(0, ds.handles(s, anon, anon.start(), anon.end(), PhysicalMemoryMap.systemRamOnly()));
        PinResult r = ds.pin(s, gpu, VA, VA + 0x1000, true, PhysicalMemoryMap.systemRamOnly(), (a, b, c, d, f, g) -> {
            throw new AssertionError("no pages");
        });
        assertEquals("EFAULT", r.error());
        assertTrue(r.why().contains("check_vma_flags"), r.why());
    }

    @Test
    void withTheEnginePinningGives64KiBGpuPagesInBar1() {
        GpuDirectEngine e = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        GpuMemory m = e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        GpuDirectBackend backend = new GpuDirectBackend(e);
        Vma gpu = e.vma(m);
        List<Run> runs = new ArrayList<>();
        PinResult before = backend.pin(space(gpu), gpu, VA + 0x1000, VA + 0x12000, true,
                PhysicalMemoryMap.systemRamOnly(), (a, p, n, f, sh, g) -> runs.add(new Run(a, p, n, f, sh)));
        assertNull(before.error(), before.why());
        assertEquals(32, before.pages(), "[0x1000, 0x12000) widened to two 64 KiB pages");
        assertEquals(1, runs.size());
        assertTrue((runs.get(0).flags() & PageFlags.PFN_UNKNOWN) != 0, "not in BAR1 yet");

        e.getPages(0, 0, VA, 0x10000, t -> { });
        runs.clear();
        backend.pin(space(gpu), gpu, VA + 0x1000, VA + 0x12000, true, PhysicalMemoryMap.systemRamOnly(),
                (a, p, n, f, sh, g) -> runs.add(new Run(a, p, n, f, sh)));
        assertEquals(2, runs.size(), "the first GPU page is in BAR1, the second is not yet");
        Run r = runs.get(0);
        assertEquals(VA, r.vaddr());
        assertEquals(Machines.ASUS_BAR1 >>> 12, r.pfn());
        assertEquals(16, r.pages());
        assertEquals(16, r.shift());
        assertTrue((r.flags() & PageFlags.NO_STRUCT_PAGE) != 0);
        assertTrue((r.flags() & GpuDirectBackend.GPU_BAR_PAGE) != 0);
        assertTrue((runs.get(1).flags() & GpuDirectBackend.NOT_IN_BAR1) != 0);
        assertEquals(VA + 0x10000, runs.get(1).vaddr());
    }
}
