package org.dmascope.core.topology;

import org.eclipse.jdt.annotation.Nullable;

/**
 * NVLinks from a GPU to another GPU, an NVSwitch, or a CPU, bonded into one connection.
 *
 * @param from        the GPU
 * @param to          the far end's PCI function, when it has one
 * @param target      what the far end is
 * @param count       how many links are bonded
 * @param bandwidthGBps the connection's bandwidth when the source states it (hwloc's
 *                    NVLinkBandwidth), -1 when it must be derived from the GPU generation
 */
public record NvLink(PciAddress from, @Nullable PciAddress to, Target target, int count, double bandwidthGBps) {

    /** What sits at the far end of an NVLink. */
    public enum Target {
        /** Another GPU. */
        GPU,
        /** An NVSwitch. */
        NVSWITCH,
        /** A CPU (POWER9, Grace). */
        CPU
    }
}
