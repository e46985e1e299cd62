package org.dmascope.ui.trace;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.Hex;
import org.dmascope.trace.event.TraceEvent;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The fields of an event as text, and the device an event belongs to, read from the event
 * records' components (addresses, marked {@link Hex}, in hex), so a kind added to the trace
 * vocabulary shows without a change here.
 */
public final class EventFields {

    /** Components naming the device an event happened on, in order of preference. */
    private static final List<String> DEVICE_COMPONENTS = List.of("device", "gpu", "initiator");

    private record Accessors(List<RecordComponent> fields, @Nullable Method device) {
    }

    private static final Map<Class<?>, Accessors> CACHE = new ConcurrentHashMap<>();

    private EventFields() {
    }

    private static Accessors accessors(Class<?> type) {
        return CACHE.computeIfAbsent(type, t -> {
            List<RecordComponent> fields = new ArrayList<>();
            Method device = null;
            int rank = Integer.MAX_VALUE;
            for (RecordComponent c : t.getRecordComponents()) {
                if (c.getType() == EventHeader.class) {
                    continue;
                }
                fields.add(c);
                int r = DEVICE_COMPONENTS.indexOf(c.getName());
                if (r >= 0 && r < rank && c.getType() == String.class) {
                    device = c.getAccessor();
                    rank = r;
                }
            }
            return new Accessors(List.copyOf(fields), device);
        });
    }

    /**
     * The device the event happened on (its {@code device}, {@code gpu} or {@code initiator}),
     * or "" when it names none.
     */
    public static String device(TraceEvent e) {
        Method m = accessors(e.getClass()).device();
        if (m == null) {
            return "";
        }
        Object v = invoke(m, e);
        return v instanceof String s ? s : "";
    }

    /**
     * The memory backend an event belongs to by its kind alone, or "" when its kind does not
     * say: pin_user_pages and unpin are struct page memory's; hmm_range_fault and the MMU
     * interval notifier's invalidations are HMM's (ODP MRs use both); nvidia_p2p_get_pages,
     * put_pages, the free callback and dma-buf move_notify are GPUDirect's. An MR, a DMA mapping
     * or a migration can be any backend's memory: no backend lane.
     */
    public static String backend(TraceEvent e) {
        return switch (e.type()) {
            case PIN, UNPIN -> "struct page";
            case HMM_RANGE_FAULT, NOTIFIER_INVALIDATE_BEGIN, NOTIFIER_INVALIDATE_END -> "HMM";
            case GPUDIRECT_GET_PAGES, GPUDIRECT_PUT_PAGES, GPUDIRECT_FREE_CALLBACK, DMABUF_MOVE_NOTIFY -> "GPUDirect";
            default -> "";
        };
    }

    /** The event's fields as "name=value" pairs separated by spaces (header excluded). */
    public static String text(TraceEvent e) {
        StringBuilder b = new StringBuilder();
        if (e instanceof GenericEvent g) {
            b.append(g.system().isEmpty() ? g.name() : g.system() + ":" + g.name());
            g.fields().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            return b.toString();
        }
        for (RecordComponent c : accessors(e.getClass()).fields()) {
            Object v = invoke(c.getAccessor(), e);
            if (v instanceof String s && s.isEmpty()) {
                continue; // an empty error, attrs...: nothing to say
            }
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(c.getName()).append('=').append(value(v, c.isAnnotationPresent(Hex.class)));
        }
        return b.toString();
    }

    private static String value(@Nullable Object v, boolean hex) {
        if (v instanceof Long l && hex) {
            return "0x" + Long.toHexString(l);
        }
        if (v instanceof long[] a) {
            StringBuilder b = new StringBuilder("[");
            int shown = Math.min(a.length, 4);
            for (int i = 0; i < shown; i++) {
                b.append(i > 0 ? "," : "").append(hex ? "0x" + Long.toHexString(a[i]) : Long.toString(a[i]));
            }
            if (a.length > shown) {
                b.append(String.format(Locale.ROOT, ",... %d in all", a.length));
            }
            return b.append(']').toString();
        }
        if (v instanceof String s && (s.indexOf(' ') >= 0 || s.indexOf('\n') >= 0 || s.length() > 64)) {
            // One line per event: line breaks (a topology document) show as \n, long text is cut.
            String line = s.replace("\r", "").replace("\n", "\\n");
            return "\"" + (line.length() > 64 ? line.substring(0, 61) + "...\" (" + s.length() + " chars)" : line + "\"");
        }
        return String.valueOf(v);
    }

    private static @Nullable Object invoke(Method m, TraceEvent e) {
        try {
            return m.invoke(e);
        } catch (IllegalAccessException | InvocationTargetException ex) {
            throw new IllegalStateException("cannot read " + m + " of " + e.type().id(), ex);
        }
    }
}
