package org.dmascope.trace.jsonl;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.Hex;
import org.dmascope.trace.event.TraceEvent;

import com.google.gson.stream.JsonWriter;

/**
 * The JSON Lines fields of each event record, derived once from its record components: the
 * header first, then one field per component in declaration order, named in lower_snake_case.
 * Immutable after construction. Public so that other writers (the exporters of
 * {@code org.dmascope.trace.export}) name and order fields exactly as JSON Lines does.
 */
public final class EventSchema {

    /** How a field is written. */
    public enum Kind {
        LONG, HEX, INT, BOOLEAN, STRING, HEX_ARRAY, LONG_ARRAY, INT_ARRAY, STRING_MAP
    }

    /** One field of a record (the header excluded). */
    public record Field(String name, Kind kind, Method accessor) {

        /** The value of this field in an event of its kind (boxed; arrays as the record returns them). */
        public Object get(TraceEvent event) {
            try {
                return accessor.invoke(event);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + name + " of " + event.type(), e);
            }
        }
    }

    /** The fields of one kind and how to build it. */
    public static final class TypeSchema {
        final EventType type;
        final Field[] fields;
        final Map<String, Integer> index = new HashMap<>();
        private final Constructor<?> constructor;

        TypeSchema(EventType type) {
            this.type = type;
            RecordComponent[] components = type.recordClass().getRecordComponents();
            if (components.length == 0 || components[0].getType() != EventHeader.class) {
                throw new IllegalStateException(type + ": the first component must be the header");
            }
            fields = new Field[components.length - 1];
            Class<?>[] types = new Class<?>[components.length];
            types[0] = EventHeader.class;
            for (int i = 1; i < components.length; i++) {
                RecordComponent c = components[i];
                types[i] = c.getType();
                String name = snakeCase(c.getName());
                fields[i - 1] = new Field(name, kindOf(type, c), c.getAccessor());
                index.put(name, i - 1);
            }
            try {
                constructor = type.recordClass().getDeclaredConstructor(types);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type + ": no canonical constructor", e);
            }
        }

        /** The kind described. */
        public EventType type() {
            return type;
        }

        /** The fields after the header, in declaration order (a copy). */
        public List<Field> fields() {
            return List.of(fields);
        }

        TraceEvent create(EventHeader header, Object[] values) {
            Object[] args = new Object[values.length + 1];
            args[0] = header;
            System.arraycopy(values, 0, args, 1, values.length);
            try {
                return (TraceEvent) constructor.newInstance(args);
            } catch (InstantiationException | IllegalAccessException e) {
                throw new IllegalStateException("cannot create " + type, e);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
            }
        }
    }

    private final Map<EventType, TypeSchema> types = new EnumMap<>(EventType.class);

    /** Derives the fields of every kind. */
    public EventSchema() {
        for (EventType t : EventType.values()) {
            types.put(t, new TypeSchema(t));
        }
    }

    /** The fields of one kind. */
    public TypeSchema of(EventType type) {
        TypeSchema s = types.get(type);
        if (s == null) {
            throw new IllegalStateException("no schema for " + type);
        }
        return s;
    }

    /** The JSON names of the header fields, which no record field may take. */
    public static final List<String> HEADER_NAMES = List.of("ts", "cpu", "pid", "comm", "type");

    private static Kind kindOf(EventType type, RecordComponent c) {
        Class<?> t = c.getType();
        boolean hex = c.isAnnotationPresent(Hex.class);
        if (HEADER_NAMES.contains(snakeCase(c.getName()))) {
            throw new IllegalStateException(type + ": field " + c.getName() + " clashes with the header");
        }
        if (t == long.class) {
            return hex ? Kind.HEX : Kind.LONG;
        } else if (t == long[].class) {
            return hex ? Kind.HEX_ARRAY : Kind.LONG_ARRAY;
        } else if (t == int.class && !hex) {
            return Kind.INT;
        } else if (t == int[].class && !hex) {
            return Kind.INT_ARRAY;
        } else if (t == boolean.class && !hex) {
            return Kind.BOOLEAN;
        } else if (t == String.class && !hex) {
            return Kind.STRING;
        } else if (t == Map.class && type.recordClass() == GenericEvent.class) {
            return Kind.STRING_MAP;
        }
        throw new IllegalStateException(type + ": field " + c.getName() + " has an unsupported type " + t);
    }

    /** physAddrs → phys_addrs. */
    public static String snakeCase(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** An unsigned 64-bit value as "0x" and lower-case hex digits without leading zeros. */
    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /**
     * Writes one field's value as JSON, as the JSON Lines schema has it: addresses as hex
     * strings, other numbers as integers, arrays as arrays, a generic event's fields as an object
     * of strings. The JSON Lines writer and the Perfetto exporter both write values this way.
     */
    public static void writeJson(JsonWriter json, Kind kind, Object v) throws IOException {
        switch (kind) {
        case LONG -> json.value((long) (Long) v);
        case HEX -> json.value(hex((Long) v));
        case INT -> json.value((long) (Integer) v);
        case BOOLEAN -> json.value((boolean) (Boolean) v);
        case STRING -> json.value((String) v);
        case HEX_ARRAY -> {
            json.beginArray();
            for (long a : (long[]) v) {
                json.value(hex(a));
            }
            json.endArray();
        }
        case LONG_ARRAY -> {
            json.beginArray();
            for (long a : (long[]) v) {
                json.value(a);
            }
            json.endArray();
        }
        case INT_ARRAY -> {
            json.beginArray();
            for (int a : (int[]) v) {
                json.value(a);
            }
            json.endArray();
        }
        case STRING_MAP -> {
            json.beginObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                json.name(String.valueOf(e.getKey())).value(String.valueOf(e.getValue()));
            }
            json.endObject();
        }
        }
    }
}
