package org.dmascope.ui.views;

import org.dmascope.ui.properties.OrderedPropertySheetPage;
import org.eclipse.jdt.annotation.Nullable;
import org.eclipse.ui.part.ViewPart;
import org.eclipse.ui.views.properties.IPropertySheetPage;

/**
 * A DMA Scope view: what it selects is shown in Properties in the order the property sources
 * give (General first), not alphabetically.
 */
abstract class OrderedPropertiesView extends ViewPart {

    @Override
    public <T> @Nullable T getAdapter(Class<T> adapter) {
        if (adapter == IPropertySheetPage.class) {
            return adapter.cast(new OrderedPropertySheetPage());
        }
        return super.getAdapter(adapter);
    }
}
