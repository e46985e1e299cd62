package org.dmascope.ui.properties;

import org.eclipse.ui.views.properties.IPropertySheetEntry;
import org.eclipse.ui.views.properties.PropertySheetPage;
import org.eclipse.ui.views.properties.PropertySheetSorter;

/**
 * A Properties page that keeps rows and categories in the order the property source gives
 * them (General, Hierarchy, Link ...), as lspci -vvv does, instead of sorting them by name.
 */
public final class OrderedPropertySheetPage extends PropertySheetPage {

    /** A page in source order. */
    public OrderedPropertySheetPage() {
        setSorter(new PropertySheetSorter() {
            @Override
            public int compare(IPropertySheetEntry a, IPropertySheetEntry b) {
                return 0;
            }

            @Override
            public int compareCategories(String a, String b) {
                return 0;
            }
        });
    }
}
