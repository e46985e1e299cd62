package org.dmascope.diagnose.doctor;

import java.util.List;

/**
 * One finding of a check.
 *
 * @param check    the check's name ("acs-redirect", "iommu-mode" ...)
 * @param verdict  ok, warn or fail
 * @param summary  what was found, in one sentence
 * @param devices  the PCI functions concerned (addresses), in order of relevance
 * @param evidence where it shows: a file and line, or a register and bit, each with what it says
 * @param fix      what to do, or, when nothing needs doing, what the state means
 */
public record Finding(String check, Verdict verdict, String summary, List<String> devices, List<String> evidence,
        String fix) {

    /** Copies the lists. */
    public Finding {
        devices = List.copyOf(devices);
        evidence = List.copyOf(evidence);
    }
}
