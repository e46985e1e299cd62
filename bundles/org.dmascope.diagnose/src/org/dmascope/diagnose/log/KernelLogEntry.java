package org.dmascope.diagnose.log;

import java.util.Map;
import java.util.Optional;

import org.dmascope.core.topology.PciAddress;
import org.eclipse.jdt.annotation.Nullable;

/**
 * One kernel log message.
 *
 * @param line    the line of the file it starts on (1-based)
 * @param seconds the time since boot in seconds (the monotonic clock the kernel stamps), null
 *                when the line carries none (dmesg -t, a wall-clock stamp)
 * @param level   the syslog level from /dev/kmsg records (0 emerg .. 7 debug), -1 when unknown
 * @param driver  the driver or bus name of the device prefix ("pci", "nvme", "amdgpu"), null without one
 * @param device  the PCI function the message is about: the device prefix, or the faulting device
 *                an IOMMU names; null when none
 * @param kind    what the message is
 * @param text    the message as the kernel printed it, without time stamp, level or host
 * @param fields  the values taken from the message, by the names of {@link KernelMessage}'s groups
 */
public record KernelLogEntry(int line, @Nullable Double seconds, int level, @Nullable String driver,
        @Nullable PciAddress device, KernelMessage kind, String text, Map<String, String> fields) {

    /** Copies the fields. */
    public KernelLogEntry {
        fields = Map.copyOf(fields);
    }

    /** A field's value. */
    public Optional<String> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /** "line 12 [3.141592]" for evidence. */
    public String where() {
        return "line " + line + (seconds == null ? "" : String.format(java.util.Locale.ROOT, " [%.6f]", seconds));
    }
}
