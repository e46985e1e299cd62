package org.dmascope.ui.properties;

import java.util.List;

import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.ui.views.properties.IPropertyDescriptor;
import org.eclipse.ui.views.properties.IPropertySource;
import org.eclipse.ui.views.properties.PropertyDescriptor;

/** A read-only property source made of rows: category, name, value. */
abstract class RowPropertySource implements IPropertySource {

    /** One row. */
    record Row(String category, String name, String value) {
    }

    private final List<Row> rows;

    RowPropertySource(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    static Row row(String category, String name, String value) {
        return new Row(category, name, value);
    }

    /** The rows, in order. */
    List<Row> rows() {
        return rows;
    }

    @Override
    public @Nullable Object getEditableValue() {
        return null;
    }

    @Override
    public IPropertyDescriptor[] getPropertyDescriptors() {
        IPropertyDescriptor[] out = new IPropertyDescriptor[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            PropertyDescriptor d = new PropertyDescriptor(Integer.valueOf(i), r.name());
            d.setCategory(r.category());
            out[i] = d;
        }
        return out;
    }

    @Override
    public @Nullable Object getPropertyValue(Object id) {
        return id instanceof Integer i && i >= 0 && i < rows.size() ? rows.get(i).value() : null;
    }

    @Override
    public boolean isPropertySet(Object id) {
        return false;
    }

    @Override
    public void resetPropertyValue(Object id) {
        // Read-only.
    }

    @Override
    public void setPropertyValue(Object id, @Nullable Object value) {
        // Read-only.
    }
}
