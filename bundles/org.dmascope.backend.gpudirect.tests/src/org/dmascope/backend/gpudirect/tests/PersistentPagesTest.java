package org.dmascope.backend.gpudirect.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.backend.gpudirect.GpuDirectEngine;
import org.dmascope.backend.gpudirect.GpuDirectEvent;
import org.dmascope.backend.gpudirect.GpuMemory;
import org.dmascope.backend.gpudirect.Outcome;
import org.dmascope.backend.gpudirect.P2pPageTable;
import org.junit.jupiter.api.Test;

/** nvidia_p2p_get_pages_persistent: no callback; the pages persist until put_pages_persistent. */
class PersistentPagesTest {

    private static final long VA = 0x7f2000000000L;

    @Test
    void freeingIsDeferredUntilPutPagesPersistent() {
        GpuDirectEngine e = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        GpuMemory m = e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        Outcome<P2pPageTable> r = e.getPagesPersistent(VA, 1 << 20, GpuDirectEngine.FLAGS_DEFAULT);
        assertTrue(r.ok(), r.why());
        P2pPageTable t = r.get();
        assertTrue(t.persistent());
        assertNull(t.callback());
        assertEquals(16, t.entries());
        assertTrue(e.dmaMapPages(Machines.ASUS_GPU_AUDIO, t, Machines.direct(Machines.ASUS_GPU_AUDIO)).ok());

        List<GpuDirectEvent> ev = e.free(m);
        assertFalse(ev.stream().anyMatch(x -> x.kind() == GpuDirectEvent.Kind.FREE_CALLBACK), "no callback");
        assertEquals(GpuDirectEvent.Kind.WARNING, ev.get(ev.size() - 1).kind());
        assertTrue(m.freedByOwner());
        assertFalse(m.released(), "the persistent table keeps the memory");
        assertTrue(m.inBar1());
        assertEquals(P2pPageTable.State.LIVE, t.state());
        assertEquals(1, t.dmaMappings().size(), "the peer can still reach the pages");

        // The non-persistent put finds nothing in RM's tracker: 0, and nothing is released.
        Outcome<Void> wrongApi = e.putPages(0, 0, VA, t);
        assertTrue(wrongApi.ok());
        assertEquals(List.of("the pages stay mapped in BAR1"), wrongApi.notes());
        assertFalse(m.released());

        assertTrue(e.putPagesPersistent(VA, t, 0).ok());
        assertTrue(m.released());
        assertFalse(m.inBar1());
        assertEquals(0, e.bar1Used(Machines.ASUS_GPU));
        assertTrue(t.dmaMappings().isEmpty());
    }

    @Test
    void persistentPagesFollowTheSameAlignmentRule() {
        GpuDirectEngine e = Machines.asusEngine(GpuDirectEngine.Options.defaults());
        e.allocate(Machines.ASUS_GPU, VA, 1 << 20);
        assertEquals("EINVAL", e.getPagesPersistent(VA + 0x8000, 0x10000, 0).error());
        assertEquals("EINVAL", e.getPagesPersistent(VA, 0x18000, 0).error());
    }
}
