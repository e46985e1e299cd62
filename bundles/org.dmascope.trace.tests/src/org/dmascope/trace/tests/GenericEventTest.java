package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GenericEvent;
import org.junit.jupiter.api.Test;

/** GenericEvent.of, the importers' way to make a generic event from arrays, against the map constructor. */
class GenericEventTest {

    private static final EventHeader H = new EventHeader(7, 1, 42, "bash");

    @Test
    void ofGivesTheSameEventAsTheMapConstructorInTheSameOrder() {
        String[] keys = { "prev_comm", "prev_pid", "next_comm", "unused" };
        String[] values = { "Web Content", "1234", "swapper/3", "x" };
        GenericEvent e = GenericEvent.of(H, "sched", "sched_switch", keys, values, 3);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("prev_comm", "Web Content");
        m.put("prev_pid", "1234");
        m.put("next_comm", "swapper/3");
        GenericEvent expected = new GenericEvent(H, "sched", "sched_switch", m);
        assertEquals(expected, e);
        assertEquals(e, expected);
        assertEquals(expected.hashCode(), e.hashCode());
        assertEquals(expected.toString(), e.toString());
        assertEquals(List.of("prev_comm", "prev_pid", "next_comm"), new ArrayList<>(e.fields().keySet()));
        assertEquals(List.of("Web Content", "1234", "swapper/3"), new ArrayList<>(e.fields().values()));
        assertEquals("1234", e.fields().get("prev_pid"));
        assertNull(e.fields().get("unused"));
        assertFalse(e.fields().containsKey("unused"));
        assertTrue(e.fields().containsKey("next_comm"));
        assertEquals(3, e.fields().size());
        List<String> seen = new ArrayList<>();
        e.fields().forEach((k, v) -> seen.add(k + "=" + v));
        assertEquals(List.of("prev_comm=Web Content", "prev_pid=1234", "next_comm=swapper/3"), seen);
        // a copy of the event made through the map constructor is equal too
        assertEquals(e, new GenericEvent(H, "sched", "sched_switch", e.fields()));
    }

    @Test
    void ofCopiesTheArraysAndTheFieldsCannotBeChanged() {
        String[] keys = { "a", "b" };
        String[] values = { "1", "2" };
        GenericEvent e = GenericEvent.of(H, "", "x", keys, values, 2);
        keys[0] = "z";
        values[0] = "9";
        assertEquals("1", e.fields().get("a"));
        assertNull(e.fields().get("z"));
        assertThrows(UnsupportedOperationException.class, () -> e.fields().put("c", "3"));
        assertThrows(UnsupportedOperationException.class, () -> e.fields().remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> e.fields().clear());
        assertThrows(UnsupportedOperationException.class, () -> e.fields().entrySet().iterator().next().setValue("3"));
        assertThrows(UnsupportedOperationException.class, () -> {
            var it = e.fields().entrySet().iterator();
            it.next();
            it.remove();
        });
        assertEquals(Map.of("a", "1", "b", "2"), e.fields());
    }

    @Test
    void ofRefusesARepeatedKeyAndNulls() {
        assertThrows(IllegalArgumentException.class,
                () -> GenericEvent.of(H, "", "x", new String[] { "a", "b", new String("a") }, new String[] { "1", "2", "3" }, 3));
        assertThrows(NullPointerException.class,
                () -> GenericEvent.of(H, "", "x", new String[] { "a", null }, new String[] { "1", "2" }, 2));
        assertThrows(NullPointerException.class,
                () -> GenericEvent.of(H, "", "x", new String[] { "a" }, new String[] { null }, 1));
        assertEquals(0, GenericEvent.of(H, "", "x", new String[0], new String[0], 0).fields().size());
    }
}
