package org.dmascope.sources.hwloc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jdt.annotation.Nullable;

/**
 * One {@code <object>} element of an hwloc XML file: its type, attributes, {@code <info>}
 * pairs and child objects, and where it starts in the file.
 */
final class HwlocObject {

    private final String type;
    private final String place;
    private final @Nullable HwlocObject parent;
    private final Map<String, String> attributes;
    private final Map<String, String> infos = new HashMap<>();
    private final List<HwlocObject> children = new ArrayList<>();

    HwlocObject(String type, String place, @Nullable HwlocObject parent, Map<String, String> attributes) {
        this.type = type;
        this.place = place;
        this.parent = parent;
        this.attributes = attributes;
        if (parent != null) {
            parent.children.add(this);
        }
    }

    /** The {@code type} attribute: Machine, Package, NUMANode, Bridge, PCIDev, OSDev... */
    String type() {
        return type;
    }

    /** "line L:column C" of the start tag. */
    String place() {
        return place;
    }

    /** The enclosing object, null for the root object. */
    @Nullable
    HwlocObject parent() {
        return parent;
    }

    /** An attribute, null when absent. */
    @Nullable
    String attribute(String name) {
        return attributes.get(name);
    }

    /** The first {@code <info>} of that name, null when absent. */
    @Nullable
    String info(String name) {
        return infos.get(name);
    }

    void addInfo(String name, String value) {
        // hwloc repeats some names (Backend); the first one is kept.
        infos.putIfAbsent(name, value);
    }

    /** Child objects in document order. */
    List<HwlocObject> children() {
        return Collections.unmodifiableList(children);
    }

    /** The nearest enclosing object of a type, null when none. */
    @Nullable
    HwlocObject ancestor(String ancestorType) {
        for (HwlocObject o = parent; o != null; o = o.parent) {
            if (o.type.equals(ancestorType)) {
                return o;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return type + " at " + place;
    }
}
