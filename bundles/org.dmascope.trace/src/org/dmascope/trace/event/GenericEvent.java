package org.dmascope.trace.event;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

import org.eclipse.jdt.annotation.Nullable;

/**
 * An imported event of a kind the vocabulary does not model (another tracepoint, an unknown
 * JSON Lines type): kept with its fields as text, never dropped.
 *
 * @param header time stamp, CPU, PID and command name
 * @param system the trace system, for example "sched" or "kvm", or "" when unknown
 * @param name   the event name within the system, for example "sched_switch"
 * @param fields the event's fields as text, in their original order (copied, unmodifiable)
 */
public record GenericEvent(EventHeader header, String system, String name, Map<String, String> fields)
        implements TraceEvent {

    /** Copies the fields, keeping their order. */
    public GenericEvent {
        if (!(fields instanceof FieldList)) {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /**
     * The event with the fields {@code keys[i]=values[i]} for i below count, in that order: the
     * same event as the constructor given a map of these pairs, built without hashing them (the
     * importers of text traces make one per line). The arrays are copied.
     *
     * @throws IllegalArgumentException when a key repeats
     * @throws NullPointerException     when a key or value is null
     */
    public static GenericEvent of(EventHeader header, String system, String name, String[] keys, String[] values,
            int count) {
        return new GenericEvent(header, system, name, new FieldList(Arrays.copyOf(keys, count),
                Arrays.copyOf(values, count)));
    }

    @Override
    public EventType type() {
        return EventType.GENERIC;
    }

    /** An unmodifiable map over two arrays, in their order; a few fields, so found by a linear scan. */
    private static final class FieldList extends AbstractMap<String, String> {

        private final String[] keys;
        private final String[] values;

        FieldList(String[] keys, String[] values) {
            for (int i = 0; i < keys.length; i++) {
                String k = Objects.requireNonNull(keys[i], "key");
                Objects.requireNonNull(values[i], "value");
                int h = k.hashCode();
                for (int j = 0; j < i; j++) {
                    if (keys[j].hashCode() == h && keys[j].equals(k)) {
                        throw new IllegalArgumentException("the field " + k + " repeats");
                    }
                }
            }
            this.keys = keys;
            this.values = values;
        }

        private int indexOf(@Nullable Object key) {
            if (key == null) {
                return -1;
            }
            int h = key.hashCode();
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == key || keys[i].hashCode() == h && keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public int size() {
            return keys.length;
        }

        @Override
        public boolean containsKey(@Nullable Object key) {
            return indexOf(key) >= 0;
        }

        @Override
        public @Nullable String get(@Nullable Object key) {
            int i = indexOf(key);
            return i < 0 ? null : values[i];
        }

        @Override
        public void forEach(BiConsumer<? super String, ? super String> action) {
            for (int i = 0; i < keys.length; i++) {
                action.accept(keys[i], values[i]);
            }
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return keys.length;
                }

                @Override
                public Iterator<Entry<String, String>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < keys.length;
                        }

                        @Override
                        public Entry<String, String> next() {
                            if (next >= keys.length) {
                                throw new NoSuchElementException();
                            }
                            int i = next++;
                            return new SimpleImmutableEntry<>(keys[i], values[i]);
                        }
                    };
                }
            };
        }
    }
}
