package org.dmascope.ui.preferences;

import org.dmascope.core.peer.KernelRules;
import org.eclipse.core.runtime.preferences.AbstractPreferenceInitializer;
import org.eclipse.core.runtime.preferences.DefaultScope;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;

/** Default values of DMA Scope's preferences. */
public final class PreferenceInitializer extends AbstractPreferenceInitializer {

    @Override
    public void initializeDefaultPreferences() {
        IEclipsePreferences defaults = DefaultScope.INSTANCE.getNode(PreferenceConstants.PLUGIN_ID);
        defaults.put(PreferenceConstants.LIVE_SYSFS_ROOT, "/sys");
        defaults.put(PreferenceConstants.PCI_IDS_FILE, "");
        defaults.putBoolean(PreferenceConstants.SHOW_NUMERIC_IDS, true);
        defaults.put(PreferenceConstants.KERNEL_VERSION, KernelRules.DEFAULT.version());
        defaults.put(PreferenceConstants.CPU_ASSUMPTION, PreferenceConstants.CPU_AS_READ);
    }
}
