package org.dmascope.ui.preferences;

import org.dmascope.sources.pciids.PciIdsLocator;
import org.dmascope.ui.model.Sessions;
import org.dmascope.core.peer.KernelRules;
import org.eclipse.jface.preference.BooleanFieldEditor;
import org.eclipse.jface.preference.ComboFieldEditor;
import org.eclipse.jface.preference.DirectoryFieldEditor;
import org.eclipse.jface.preference.FieldEditorPreferencePage;
import org.eclipse.jface.preference.FileFieldEditor;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPreferencePage;

/** Window > Preferences > DMA Scope. */
public final class DmaScopePreferencePage extends FieldEditorPreferencePage implements IWorkbenchPreferencePage {

    /** The page's ID. */
    public static final String ID = "org.dmascope.ui.preferences.main";

    /** Lays the fields out in a grid. */
    public DmaScopePreferencePage() {
        super(GRID);
        setDescription("Where DMA Scope reads the live host, how it names devices, and which kernel it judges peer paths by.");
    }

    @Override
    public void init(IWorkbench workbench) {
        setPreferenceStore(Sessions.topology(workbench).preferences());
    }

    @Override
    protected void createFieldEditors() {
        DirectoryFieldEditor sysfs = new DirectoryFieldEditor(PreferenceConstants.LIVE_SYSFS_ROOT,
                "Live host's &sysfs:", getFieldEditorParent());
        sysfs.getTextControl(getFieldEditorParent())
                .setToolTipText("/sys, or the host's sysfs mounted into a container (e.g. /host/sys)");
        addField(sysfs);
        FileFieldEditor ids = new FileFieldEditor(PreferenceConstants.PCI_IDS_FILE, "PCI &ID database:",
                getFieldEditorParent());
        ids.setEmptyStringAllowed(true);
        ids.getTextControl(getFieldEditorParent()).setToolTipText("Empty: the first of "
                + PciIdsLocator.STANDARD_LOCATIONS + " that exists (now: "
                + PciIdsLocator.find().map(Object::toString).orElse("none found; numbers are shown") + ")");
        addField(ids);
        addField(new BooleanFieldEditor(PreferenceConstants.SHOW_NUMERIC_IDS,
                "Show vendor:device &numbers in the PCI Tree view", getFieldEditorParent()));
        String[][] kernels = java.util.Arrays.stream(KernelRules.values())
                .map(r -> new String[] {"Linux " + r.version() + (r == KernelRules.DEFAULT ? " (newest)" : ""), r.version()})
                .toArray(String[][]::new);
        addField(new ComboFieldEditor(PreferenceConstants.KERNEL_VERSION, "&Kernel rules for peer-to-peer DMA:",
                kernels, getFieldEditorParent()));
        addField(new ComboFieldEditor(PreferenceConstants.CPU_ASSUMPTION, "&CPU for the host bridge rule:",
                new String[][] {{"As the source says", PreferenceConstants.CPU_AS_READ},
                        {"AMD Zen or newer (P2P through the host bridge allowed)", "amd-zen"},
                        {"Intel (the allow list decides)", "intel"}, {"Other (the allow list decides)", "other"}},
                getFieldEditorParent()));
    }
}
